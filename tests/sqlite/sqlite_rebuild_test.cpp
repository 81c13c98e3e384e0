// The table rebuild on a real database: rows, indexes, triggers, views, AUTOINCREMENT and
// foreign keys survive; violations raise DatabaseError.
#include <catch2/catch.hpp>

#include <migrate/error.hpp>

#include "sqlite_test_util.hpp"

namespace mt = migrate::test;
using namespace std::string_literals;

namespace {

const char* kSchema = R"SQL(
CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT COLLATE NOCASE,
  status TEXT DEFAULT 'active',
  age TEXT,
  org_id INTEGER REFERENCES orgs (id) ON DELETE CASCADE,
  email_len INT GENERATED ALWAYS AS (length(email)) VIRTUAL,
  CONSTRAINT ck_age CHECK (age IS NULL OR age >= 0)
);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), title TEXT);
CREATE INDEX ix_users_email ON users (lower(email)) WHERE email IS NOT NULL;
CREATE VIEW user_emails AS SELECT id, email FROM users;
CREATE TABLE audit (msg TEXT);
CREATE TRIGGER trg_users_ins AFTER INSERT ON users BEGIN INSERT INTO audit VALUES ('ins ' || new.email); END;
INSERT INTO orgs VALUES (1, 'acme');
INSERT INTO users (email, status, age, org_id) VALUES ('a@x', 'active', '30', 1), ('b@x', NULL, '41', 1), ('c@x', 'x', NULL, 1);
DELETE FROM users WHERE email = 'c@x';
INSERT INTO posts VALUES (1, 1, 'hello'), (2, 2, 'world');
)SQL";

// The things every rebuild of users must keep.
void check_survivors(migrate::Connection& c) {
  CHECK(mt::scalar(c, "SELECT count(*) FROM users") == "2");
  CHECK(mt::scalar(c, "SELECT group_concat(email, ',') FROM (SELECT email FROM users ORDER BY id)") == "a@x,b@x");
  CHECK(mt::scalar(c, "SELECT seq FROM sqlite_sequence WHERE name = 'users'") == "3");
  CHECK(mt::scalar(c, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '_migrate_tmp_%'") == "0");
  auto t = mt::reflect_one(c, "users");
  INFO(mt::dump(t));
  CHECK(t.find_column("id")->autoincrement);
  CHECK(t.find_column("email")->collation == "NOCASE"s);
  REQUIRE(t.find_column("email_len"));
  CHECK(t.find_column("email_len")->generated == "length(email)"s);
  REQUIRE(t.find_index("ix_users_email"));
  CHECK(t.find_index("ix_users_email")->where == "email IS NOT NULL"s);
  REQUIRE(t.foreign_keys.size() >= 1);
  CHECK(t.foreign_keys[0].on_delete == "CASCADE");
  // The view and the trigger work against the new table; AUTOINCREMENT does not reuse 3.
  CHECK(mt::scalar(c, "SELECT count(*) FROM user_emails") == "2");
  c.execute(migrate::sqlite::make_statement("INSERT INTO users (email) VALUES ('d@x')"));
  CHECK(mt::scalar(c, "SELECT id FROM users WHERE email = 'd@x'") == "4");
  CHECK(mt::scalar(c, "SELECT count(*) FROM audit WHERE msg = 'ins d@x'") == "1");
  // Children still point at "users" and their rows are intact.
  auto posts = mt::reflect_one(c, "posts");
  REQUIRE(posts.foreign_keys.size() == 1);
  CHECK(posts.foreign_keys[0].ref_table == "users");
  CHECK(mt::scalar(c, "SELECT count(*) FROM posts") == "2");
}

migrate::AlterColumn alter(const std::string& column) {
  migrate::AlterColumn a;
  a.table = "users";
  a.column = column;
  return a;
}

}  // namespace

TEST_CASE("rebuild alters a column type and keeps rows and dependents", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  auto a = alter("age");
  a.new_type = "integer";
  mt::run_op(*c, a);
  CHECK(mt::reflect_one(*c, "users").find_column("age")->type == "INTEGER");
  CHECK(mt::scalar(*c, "SELECT typeof(age) FROM users WHERE email = 'a@x'") == "integer");
  check_survivors(*c);
}

TEST_CASE("rebuild sets NOT NULL, and refuses it while NULLs remain", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  auto a = alter("status");
  a.new_nullable = false;
  try {
    mt::run_op(*c, a);
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("cannot make column users.status NOT NULL") == 0);
  }
  CHECK_FALSE(c->in_transaction());
  CHECK(mt::reflect_one(*c, "users").find_column("status")->nullable);
  c->execute_script("UPDATE users SET status = 'active' WHERE status IS NULL");
  mt::run_op(*c, a);
  CHECK_FALSE(mt::reflect_one(*c, "users").find_column("status")->nullable);
  check_survivors(*c);
}

TEST_CASE("rebuild changes and drops a default", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  auto a = alter("status");
  a.new_default = std::optional<std::string>("'pending'");
  mt::run_op(*c, a);
  CHECK(mt::reflect_one(*c, "users").find_column("status")->default_ == "'pending'"s);
  check_survivors(*c);
  a.new_default = std::optional<std::string>();
  mt::run_op(*c, a);
  CHECK_FALSE(mt::reflect_one(*c, "users").find_column("status")->default_);
}

TEST_CASE("rebuild renames and retypes a column in one op", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  auto a = alter("email");
  a.new_name = "mail";
  a.new_type = "varchar(200)";
  mt::run_op(*c, a);
  auto t = mt::reflect_one(*c, "users");
  INFO(mt::dump(t));
  REQUIRE(t.find_column("mail"));
  CHECK(t.find_column("mail")->type == "varchar(200)");
  CHECK(t.find_column("mail")->collation == "NOCASE"s);
  CHECK(t.find_column("email_len")->generated == "length(\"mail\")"s);
  CHECK(t.find_index("ix_users_email")->where == "\"mail\" IS NOT NULL"s);
  CHECK(mt::scalar(*c, "SELECT group_concat(mail, ',') FROM user_emails") == "a@x,b@x");
}

TEST_CASE("rebuild adds and drops unique, check and foreign key constraints", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  mt::run_op(*c, migrate::CreateUniqueConstraint{"", "users", {"uq_users_email", {"email"}, std::nullopt}});
  auto t = mt::reflect_one(*c, "users");
  REQUIRE(t.uniques.size() == 1);
  CHECK(t.uniques[0].name == "uq_users_email");
  check_survivors(*c);
  CHECK_THROWS_AS(c->execute_script("INSERT INTO users (email) VALUES ('a@x')"), migrate::DatabaseError);

  migrate::DropConstraint drop_u;
  drop_u.table = "users";
  drop_u.name = "uq_users_email";
  drop_u.kind = migrate::ConstraintKind::unique;
  mt::run_op(*c, drop_u);
  CHECK(mt::reflect_one(*c, "users").uniques.empty());

  mt::run_op(*c, migrate::CreateCheckConstraint{"", "users", {"ck_email", "email LIKE '%@%'", std::nullopt}});
  CHECK(mt::reflect_one(*c, "users").checks.size() == 2);
  CHECK_THROWS_AS(c->execute_script("INSERT INTO users (email) VALUES ('nope')"), migrate::DatabaseError);
  migrate::DropConstraint drop_ck;
  drop_ck.table = "users";
  drop_ck.kind = migrate::ConstraintKind::check;
  drop_ck.existing = migrate::CheckConstraint{"", "(email like '%@%')", std::nullopt};  // found by definition
  mt::run_op(*c, drop_ck);
  auto checks = mt::reflect_one(*c, "users").checks;
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].name == "ck_age");

  migrate::DropConstraint drop_fk;
  drop_fk.table = "users";
  drop_fk.kind = migrate::ConstraintKind::foreign_key;
  migrate::ForeignKey old_fk;
  old_fk.columns = {"org_id"};
  old_fk.ref_table = "orgs";
  drop_fk.existing = old_fk;
  mt::run_op(*c, drop_fk);
  CHECK(mt::reflect_one(*c, "users").foreign_keys.empty());

  migrate::ForeignKey fk;
  fk.name = "fk_users_org";
  fk.columns = {"org_id"};
  fk.ref_table = "orgs";
  fk.ref_columns = {"id"};
  fk.on_delete = "SET NULL";
  mt::run_op(*c, migrate::CreateForeignKey{"", "users", fk});
  auto fks = mt::reflect_one(*c, "users").foreign_keys;
  REQUIRE(fks.size() == 1);
  CHECK(fks[0].name == "fk_users_org");
  CHECK(fks[0].on_delete == "SET NULL");
  CHECK(mt::scalar(*c, "SELECT count(*) FROM users") == "3");  // check_survivors added one
}

TEST_CASE("a new foreign key that existing rows violate fails the rebuild", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  c->execute_script("INSERT INTO posts VALUES (3, 99, 'orphan')");
  migrate::Table posts = mt::reflect_one(*c, "posts");
  migrate::DropConstraint drop;
  drop.table = "posts";
  drop.kind = migrate::ConstraintKind::foreign_key;
  drop.existing = posts.foreign_keys[0];
  CHECK_NOTHROW(mt::run_op(*c, drop));  // the table no longer checks user_id

  migrate::ForeignKey fk;
  fk.columns = {"user_id"};
  fk.ref_table = "users";
  fk.ref_columns = {"id"};
  try {
    mt::run_op(*c, migrate::CreateForeignKey{"", "posts", fk});
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("foreign key check failed after rebuilding table 'posts'") == 0);
  }
  CHECK_FALSE(c->in_transaction());
  CHECK(mt::reflect_one(*c, "posts").foreign_keys.empty());  // rolled back
  CHECK(mt::scalar(*c, "SELECT count(*) FROM posts") == "3");
}

TEST_CASE("rebuilding a parent checks the children that reference it", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  // Changing users.id to TEXT keeps rows; a child row pointing nowhere is caught.
  c->execute_script("INSERT INTO posts VALUES (3, 77, 'orphan')");
  auto a = alter("status");
  a.new_type = "varchar(10)";
  try {
    mt::run_op(*c, a);
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("first row: posts") != std::string::npos);
  }
}

TEST_CASE("rebuild changes the primary key", "[sqlite][rebuild]") {
  auto c = mt::open_memory(
      "CREATE TABLE kv (k TEXT NOT NULL, v TEXT NOT NULL, n INT, PRIMARY KEY (k));"
      "INSERT INTO kv VALUES ('a', '1', 1), ('b', '2', 2);");
  migrate::DropConstraint drop;
  drop.table = "kv";
  drop.kind = migrate::ConstraintKind::primary_key;
  mt::run_op(*c, drop);
  CHECK(mt::reflect_one(*c, "kv").primary_key.empty());
  mt::run_op(*c, migrate::CreatePrimaryKey{"", "kv", {"pk_kv", {"k", "v"}}});
  auto t = mt::reflect_one(*c, "kv");
  CHECK(t.primary_key.name == "pk_kv");
  CHECK(t.primary_key.columns == std::vector<std::string>{"k", "v"});
  CHECK(mt::scalar(*c, "SELECT group_concat(k || v, ',') FROM kv") == "a1,b2");
}

TEST_CASE("add_column that SQLite cannot add natively rebuilds", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  migrate::Column created;
  created.name = "created_at";
  created.type = "timestamp";
  created.nullable = false;
  created.default_ = "CURRENT_TIMESTAMP";
  mt::run_op(*c, migrate::AddColumn{"", "users", created});
  CHECK(mt::reflect_one(*c, "users").find_column("created_at")->default_ == "CURRENT_TIMESTAMP"s);
  CHECK(mt::scalar(*c, "SELECT count(*) FROM users WHERE created_at IS NOT NULL") == "2");
  check_survivors(*c);

  migrate::Column required;
  required.name = "required";
  required.type = "text";
  required.nullable = false;
  try {
    mt::run_op(*c, migrate::AddColumn{"", "users", required});
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("cannot add NOT NULL column users.required without a default") == 0);
  }
}

TEST_CASE("drop_column is native when safe and rebuilds otherwise", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  const auto& d = migrate::sqlite_dialect();
  auto ctx = mt::context_for(*c);
  // age is used by a CHECK: rebuild, the CHECK goes with it.
  auto stmts = d.render(migrate::DropColumn{"", "users", "age", std::nullopt}, ctx);
  CHECK(stmts.size() > 1);
  mt::run_op(*c, migrate::DropColumn{"", "users", "age", std::nullopt});
  auto t = mt::reflect_one(*c, "users");
  CHECK_FALSE(t.find_column("age"));
  CHECK(t.checks.empty());
  check_survivors(*c);

  c->execute_script("ALTER TABLE users ADD COLUMN note TEXT");
  stmts = d.render(migrate::DropColumn{"", "users", "note", std::nullopt}, ctx);
  REQUIRE(stmts.size() == 1);
  CHECK(stmts[0].sql == "ALTER TABLE \"users\" DROP COLUMN \"note\"");
  mt::run_op(*c, migrate::DropColumn{"", "users", "note", std::nullopt});
  CHECK_FALSE(mt::reflect_one(*c, "users").find_column("note"));

  // A column named only in a trigger body: SQLite's DROP COLUMN would break the trigger.
  c->execute_script(
      "ALTER TABLE orgs ADD COLUMN note TEXT;"
      "CREATE TRIGGER trg_orgs AFTER UPDATE ON orgs BEGIN UPDATE orgs SET note = 'x' WHERE id = new.id; END;");
  stmts = d.render(migrate::DropColumn{"", "orgs", "note", std::nullopt}, ctx);
  CHECK(stmts.size() > 1);
}

TEST_CASE("a rebuild keeps WITHOUT ROWID and STRICT tables as they are", "[sqlite][rebuild]") {
  auto c = mt::open_memory(
      "CREATE TABLE w (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID, STRICT;"
      "INSERT INTO w VALUES ('a', 1);");
  migrate::AlterColumn a;
  a.table = "w";
  a.column = "v";
  a.new_default = std::optional<std::string>("7");
  mt::run_op(*c, a);
  auto t = mt::reflect_one(*c, "w");
  CHECK(t.without_rowid);
  CHECK(t.strict);
  CHECK(t.find_column("v")->default_ == "7"s);
  CHECK(mt::scalar(*c, "SELECT v FROM w WHERE k = 'a'") == "1");
}

TEST_CASE("rebuild keeps a self-referencing foreign key pointing at the table", "[sqlite][rebuild]") {
  auto c = mt::open_memory(
      "CREATE TABLE node (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES node (id) ON DELETE CASCADE, v TEXT);"
      "INSERT INTO node VALUES (1, NULL, 'a'), (2, 1, 'b');");
  migrate::AlterColumn a;
  a.table = "node";
  a.column = "v";
  a.new_type = "varchar(5)";
  mt::run_op(*c, a);
  auto t = mt::reflect_one(*c, "node");
  REQUIRE(t.foreign_keys.size() == 1);
  CHECK(t.foreign_keys[0].ref_table == "node");
  CHECK(t.foreign_keys[0].on_delete == "CASCADE");
  CHECK(mt::scalar(*c, "SELECT sql FROM sqlite_schema WHERE name = 'node'").find("_migrate_tmp_") ==
        std::string::npos);
  CHECK(mt::scalar(*c, "SELECT count(*) FROM node") == "2");
}

TEST_CASE("rebuild survives views on views, INSTEAD OF triggers and other tables' triggers", "[sqlite][rebuild]") {
  auto c = mt::open_memory(R"SQL(
    CREATE TABLE "order" (id INTEGER PRIMARY KEY, "the total" TEXT);
    CREATE TABLE log (msg TEXT);
    CREATE TABLE src (v TEXT);
    CREATE VIEW v1 AS SELECT id, "the total" FROM "order";
    CREATE VIEW v2 AS SELECT id FROM v1;
    CREATE TRIGGER tr_view INSTEAD OF INSERT ON v1 BEGIN INSERT INTO "order" ("the total") VALUES (new."the total"); END;
    CREATE TRIGGER tr_src AFTER INSERT ON src BEGIN INSERT INTO "order" ("the total") VALUES (new.v); END;
    INSERT INTO "order" VALUES (1, '10');
  )SQL");
  migrate::AlterColumn a;
  a.table = "order";
  a.column = "the total";
  a.new_type = "numeric(10,2)";
  a.new_nullable = false;
  mt::run_op(*c, a);
  CHECK(mt::reflect_one(*c, "order").find_column("the total")->type == "numeric(10,2)");
  CHECK(mt::scalar(*c, "SELECT count(*) FROM v2") == "1");
  c->execute_script("INSERT INTO v1 (\"the total\") VALUES ('5'); INSERT INTO src VALUES ('7');");
  CHECK(mt::scalar(*c, "SELECT count(*) FROM \"order\"") == "3");
  auto md = c->reflect(migrate::ReflectOptions{});
  CHECK(md.views.size() == 2);
  CHECK(md.unsupported.size() == 2);
}

TEST_CASE("rebuild keeps the AUTOINCREMENT high-water mark of an emptied table", "[sqlite][rebuild]") {
  auto c = mt::open_memory(
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
      "INSERT INTO t (v) VALUES ('a'), ('b'), ('c'); DELETE FROM t;");
  migrate::AlterColumn a;
  a.table = "t";
  a.column = "v";
  a.new_default = std::optional<std::string>("'x'");
  mt::run_op(*c, a);
  c->execute_script("INSERT INTO t DEFAULT VALUES");
  CHECK(mt::scalar(*c, "SELECT id FROM t") == "4");
  CHECK(mt::scalar(*c, "SELECT count(*) FROM sqlite_sequence") == "1");
}

TEST_CASE("a rebuild refuses to run with foreign_keys on, where DROP TABLE would cascade", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  c->set_foreign_keys(true);
  auto a = alter("status");
  a.new_type = "varchar(9)";
  try {
    mt::run_op(*c, a);
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("PRAGMA foreign_keys") != std::string::npos);
  }
  CHECK(mt::scalar(*c, "SELECT count(*) FROM posts") == "2");
}

TEST_CASE("an upgrade and its downgrade through rebuilds restore the schema", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  auto before = c->reflect(migrate::ReflectOptions{});
  std::vector<std::pair<migrate::Operation, migrate::Operation>> steps;
  {
    auto up = alter("age");
    up.new_type = "integer";
    up.new_nullable = false;
    up.new_default = std::optional<std::string>("0");
    auto down = alter("age");
    down.new_type = "TEXT";
    down.new_nullable = true;
    down.new_default = std::optional<std::string>();
    steps.emplace_back(up, down);
  }
  {
    migrate::DropConstraint down;
    down.table = "users";
    down.name = "uq_e";
    down.kind = migrate::ConstraintKind::unique;
    steps.emplace_back(migrate::CreateUniqueConstraint{"", "users", {"uq_e", {"email", "org_id"}, std::nullopt}}, down);
  }
  c->execute_script("UPDATE users SET age = 0 WHERE age IS NULL");
  for (auto& s : steps) mt::run_op(*c, s.first);
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) mt::run_op(*c, it->second);
  auto after = c->reflect(migrate::ReflectOptions{});
  REQUIRE(after.tables().size() == before.tables().size());
  for (size_t i = 0; i < before.tables().size(); ++i) {
    CHECK(mt::dump(after.tables()[i]) == mt::dump(before.tables()[i]));
  }
  CHECK(after.views == before.views);
  CHECK(mt::scalar(*c, "SELECT count(*) FROM users") == "2");
}

TEST_CASE("dropping a column a view still uses fails the migration and changes nothing", "[sqlite][rebuild]") {
  auto c = mt::open_memory(kSchema);
  c->execute_script("CREATE VIEW ages AS SELECT age FROM users");
  try {
    mt::run_op(*c, migrate::DropColumn{"", "users", "age", std::nullopt});
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("no such column: age") != std::string::npos);
    CHECK(e.sql() == "SELECT 1 FROM \"ages\" LIMIT 0");
  }
  CHECK(mt::reflect_one(*c, "users").find_column("age"));
  CHECK(mt::scalar(*c, "SELECT count(*) FROM ages") == "2");
}
