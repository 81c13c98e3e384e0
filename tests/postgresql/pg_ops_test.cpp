// [pg]: every op rendered, executed on a real server, and the result re-reflected.
#include <catch2/catch.hpp>

#include <migrate/error.hpp>

#include "postgresql/pg_test_util.hpp"
#include "support/support.hpp"

namespace migrate {
namespace {

using test::col;
using test::pg;
using test::pg_connect;

void apply(PgConnection& c, const Operation& op) {
  for (const auto& s : pg().render(op, {})) {
    if (s.no_transaction && c.in_transaction()) FAIL("no_transaction statement inside a transaction");
    c.execute(s);
  }
}

Table reflected(PgConnection& c, const std::string& table, const std::string& schema = "") {
  auto t = c.reflect_table(schema, table);
  REQUIRE(t);
  return *t;
}

Table users_table() {
  Table t;
  t.name = "users";
  Column id = col("id", "integer", false);
  id.autoincrement = true;
  Column status = col("status", "text", false);
  status.default_ = "'active'";
  t.columns = {id, col("email", "varchar(255)", false), status, col("age", "integer")};
  t.primary_key = {"pk_users", {"id"}};
  t.comment = "people";
  return t;
}

TEST_CASE("pg create_table and drop_table run and reflect", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  Transaction tx(*conn);
  apply(*conn, CreateTable{users_table()});
  Table t = reflected(*conn, "users");
  REQUIRE(t.columns.size() == 4);
  CHECK(t.columns[0].autoincrement);
  CHECK(t.columns[0].identity == std::optional<std::string>("by default"));
  CHECK(t.primary_key == PrimaryKey{"pk_users", {"id"}});
  CHECK(t.comment == std::optional<std::string>("people"));
  CHECK(pg().canonical_default(*t.columns[2].default_, t.columns[2].type) == "'active'");
  conn->execute_script("INSERT INTO users (email) VALUES ('a@b')");
  CHECK(conn->query_sql("SELECT id, status FROM users")[0] ==
        Row{std::string("1"), std::string("active")});
  apply(*conn, DropTable{"", "users", t});
  CHECK_FALSE(conn->table_exists("", "users"));
  tx.commit();
}

TEST_CASE("pg column ops: add, alter every attribute, rename, drop", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  apply(*conn, CreateTable{users_table()});
  conn->execute_script("INSERT INTO users (email, age) VALUES ('a@b', 30)");

  Column nick = col("nick", "varchar(20)", false);
  nick.default_ = "'anon'";
  nick.comment = "shown name";
  apply(*conn, AddColumn{"", "users", nick});
  Table t = reflected(*conn, "users");
  const Column* c = t.find_column("nick");
  REQUIRE(c);
  CHECK(pg().canonical_type(c->type) == "varchar(20)");
  CHECK_FALSE(c->nullable);
  CHECK(c->comment == std::optional<std::string>("shown name"));
  CHECK(conn->query_sql("SELECT nick FROM users")[0][0] == std::optional<std::string>("anon"));

  AlterColumn alter;
  alter.table = "users";
  alter.column = "age";
  alter.new_type = "bigint";
  alter.new_nullable = false;
  alter.new_default = std::optional<std::string>("18");
  alter.new_comment = std::optional<std::string>("years");
  alter.new_name = "years";
  apply(*conn, alter);
  t = reflected(*conn, "users");
  CHECK_FALSE(t.find_column("age"));
  c = t.find_column("years");
  REQUIRE(c);
  CHECK(pg().canonical_type(c->type) == "bigint");
  CHECK_FALSE(c->nullable);
  CHECK(pg().canonical_default(*c->default_, c->type) == "18");
  CHECK(c->comment == std::optional<std::string>("years"));
  CHECK(conn->query_sql("SELECT years FROM users")[0][0] == std::optional<std::string>("30"));

  // Text to integer needs the USING cast.
  conn->execute_script("ALTER TABLE users ADD COLUMN code text DEFAULT NULL;"
                       "UPDATE users SET code = '42'");
  AlterColumn to_int;
  to_int.table = "users";
  to_int.column = "code";
  to_int.new_type = "integer";
  apply(*conn, to_int);
  CHECK(pg().canonical_type(reflected(*conn, "users").find_column("code")->type) == "integer");

  AlterColumn undo;
  undo.table = "users";
  undo.column = "years";
  undo.new_nullable = true;
  undo.new_default = std::optional<std::string>();
  undo.new_comment = std::optional<std::string>();
  apply(*conn, undo);
  t = reflected(*conn, "users");
  c = t.find_column("years");
  REQUIRE(c);
  CHECK(c->nullable);
  CHECK_FALSE(c->default_);
  CHECK_FALSE(c->comment);

  apply(*conn, DropColumn{"", "users", "nick", std::nullopt});
  CHECK_FALSE(reflected(*conn, "users").find_column("nick"));
}

TEST_CASE("pg table ops in another schema: rename, comment", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  conn->execute_script("CREATE SCHEMA app");
  Table t = users_table();
  t.schema = "app";
  apply(*conn, CreateTable{t});
  CHECK(conn->table_exists("app", "users"));
  CHECK_FALSE(conn->table_exists("", "users"));
  apply(*conn, RenameTable{"app", "users", "people"});
  CHECK(conn->table_exists("app", "people"));
  apply(*conn, AlterTableComment{"app", "people", std::string("renamed"), std::nullopt});
  CHECK(reflected(*conn, "people", "app").comment == std::optional<std::string>("renamed"));
  apply(*conn, AlterTableComment{"app", "people", std::nullopt, std::nullopt});
  CHECK_FALSE(reflected(*conn, "people", "app").comment);
}

TEST_CASE("pg index ops: create, partial, expression, method, rename, drop", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  conn->execute_script("CREATE SCHEMA app");
  Table t = users_table();
  t.schema = "app";
  apply(*conn, CreateTable{t});
  Index a;
  a.name = "ix_users_email";
  a.columns = {"email"};
  a.unique = true;
  Index b;
  b.name = "ix_users_lower";
  b.columns = {"lower(email)", "age DESC"};
  b.where = "age > 0";
  Index h;
  h.name = "ix_users_status";
  h.columns = {"status"};
  h.method = "hash";
  for (const auto& ix : {a, b, h}) apply(*conn, CreateIndex{"app", "users", ix});
  Table r = reflected(*conn, "users", "app");
  REQUIRE(r.indexes.size() == 3);
  CHECK(*r.find_index("ix_users_email") == a);
  const Index* lower = r.find_index("ix_users_lower");
  REQUIRE(lower);
  CHECK(lower->columns == std::vector<std::string>{"lower(email::text)", "age DESC"});
  CHECK(lower->where == std::optional<std::string>("age > 0"));
  CHECK(r.find_index("ix_users_status")->method == "hash");

  apply(*conn, RenameIndex{"app", "users", "ix_users_email", "ix_users_mail"});
  r = reflected(*conn, "users", "app");
  CHECK_FALSE(r.find_index("ix_users_email"));
  CHECK(r.find_index("ix_users_mail"));
  apply(*conn, DropIndex{"app", "users", "ix_users_mail", std::nullopt});
  CHECK(reflected(*conn, "users", "app").indexes.size() == 2);

  // An index without a name gets the server's generated one.
  Index unnamed;
  unnamed.columns = {"age"};
  apply(*conn, CreateIndex{"app", "users", unnamed});
  r = reflected(*conn, "users", "app");
  CHECK(r.find_index("users_age_idx"));
  CHECK(pg().is_generated_name(r, "users_age_idx"));

  // CREATE INDEX CONCURRENTLY through an sql op outside a transaction.
  ExecuteSql conc;
  conc.sql = "CREATE INDEX CONCURRENTLY ix_conc ON app.users (status)";
  conc.transaction = false;
  apply(*conn, conc);
  CHECK(reflected(*conn, "users", "app").find_index("ix_conc"));
}

TEST_CASE("pg constraint ops: primary key, unique, foreign key, check, drop", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  conn->execute_script(
      "CREATE TABLE orgs (id integer NOT NULL, code text NOT NULL);"
      "CREATE TABLE members (org_id integer, code text, qty integer)");
  apply(*conn, CreatePrimaryKey{"", "orgs", PrimaryKey{"pk_orgs", {"id"}}});
  apply(*conn, CreateUniqueConstraint{"", "orgs", UniqueConstraint{"uq_orgs_code", {"code"}, {}}});
  ForeignKey fk;
  fk.name = "fk_members_org";
  fk.columns = {"org_id"};
  fk.ref_table = "orgs";
  fk.ref_columns = {"id"};
  fk.on_delete = "CASCADE";
  fk.deferrable = true;
  apply(*conn, CreateForeignKey{"", "members", fk});
  apply(*conn, CreateCheckConstraint{"", "members", CheckConstraint{"ck_qty", "qty > 0", {}}});
  // Unnamed: the server names it.
  apply(*conn, CreateUniqueConstraint{"", "members", UniqueConstraint{"", {"code"}, {}}});

  Table orgs = reflected(*conn, "orgs");
  CHECK(orgs.primary_key == PrimaryKey{"pk_orgs", {"id"}});
  REQUIRE(orgs.uniques.size() == 1);
  CHECK(orgs.uniques[0].name == "uq_orgs_code");
  Table members = reflected(*conn, "members");
  REQUIRE(members.foreign_keys.size() == 1);
  CHECK(members.foreign_keys[0] == fk);
  REQUIRE(members.checks.size() == 1);
  CHECK(members.checks[0].name == "ck_qty");
  CHECK(members.checks[0].sql == "qty > 0");
  REQUIRE(members.uniques.size() == 1);
  CHECK(members.uniques[0].name == "members_code_key");
  CHECK(pg().is_generated_name(members, members.uniques[0].name));
  CHECK_THROWS_AS(conn->execute_script("INSERT INTO members VALUES (NULL, 'x', 0)"),
                  DatabaseError);

  apply(*conn, DropConstraint{"", "members", "ck_qty", ConstraintKind::check, {}});
  apply(*conn, DropConstraint{"", "members", "fk_members_org", ConstraintKind::foreign_key, {}});
  apply(*conn, DropConstraint{"", "members", "members_code_key", ConstraintKind::unique, {}});
  apply(*conn, DropConstraint{"", "orgs", "pk_orgs", ConstraintKind::primary_key, {}});
  members = reflected(*conn, "members");
  CHECK(members.checks.empty());
  CHECK(members.foreign_keys.empty());
  CHECK(members.uniques.empty());
  CHECK(reflected(*conn, "orgs").primary_key.empty());
}

TEST_CASE("pg sql op runs several statements and picks the postgresql text", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  conn->execute_script("CREATE TABLE t (a int)");
  ExecuteSql op;
  op.sql = "INSERT INTO t VALUES (1)";
  op.per_dialect["postgresql"] = "INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)";
  apply(*conn, op);
  auto rows = conn->query_sql("SELECT a FROM t ORDER BY a");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][0] == std::optional<std::string>("2"));
  CHECK(rows[1][0] == std::optional<std::string>("3"));
}

}  // namespace
}  // namespace migrate

namespace migrate {
namespace {

TEST_CASE("pg implicit_constraint_name matches the names the server chooses", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = test::pg_connect(db.url());
  const std::string long_table(70, 'p');
  const std::string long_col(40, 'c');
  conn->execute_script(
      "CREATE TABLE parent (id integer PRIMARY KEY, a integer, b integer, UNIQUE (a, b));"
      "CREATE TABLE child (id integer PRIMARY KEY, a integer, b integer, qty integer,"
      " UNIQUE (a, b), FOREIGN KEY (a, b) REFERENCES parent (a, b), CHECK (qty > 0),"
      " CHECK (a < b), FOREIGN KEY (id) REFERENCES parent (id));"
      "CREATE TABLE " + long_table + " (" + long_col + " integer UNIQUE CHECK (" + long_col +
      " > 0))");
  for (const std::string& name : {std::string("child"), long_table.substr(0, 63)}) {
    auto t = conn->reflect_table("", name);
    REQUIRE(t);
    const Dialect& d = postgresql_dialect();
    if (!t->primary_key.empty())
      CHECK(t->primary_key.name ==
            d.implicit_constraint_name(*t, ConstraintKind::primary_key, t->primary_key.columns, ""));
    for (const auto& u : t->uniques)
      CHECK(u.name == d.implicit_constraint_name(*t, ConstraintKind::unique, u.columns, ""));
    for (const auto& fk : t->foreign_keys)
      CHECK(fk.name ==
            d.implicit_constraint_name(*t, ConstraintKind::foreign_key, fk.columns, ""));
    for (const auto& ck : t->checks)
      CHECK(ck.name == d.implicit_constraint_name(*t, ConstraintKind::check, {}, ck.sql));
    for (const auto& u : t->uniques) CHECK(d.is_generated_name(*t, u.name));
  }
}

}  // namespace
}  // namespace migrate
