// Rendering: SQL text of each op (offline, no database), then round trips through a
// real database: reflect(render_create_table(T)) == T.
#include <catch2/catch.hpp>

#include <migrate/error.hpp>

#include "sqlite_test_util.hpp"

namespace mt = migrate::test;
using migrate::sqlite_dialect;

namespace {

migrate::Column col(std::string name, std::string type, bool nullable = true,
                    std::optional<std::string> def = std::nullopt) {
  migrate::Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.nullable = nullable;
  c.default_ = std::move(def);
  return c;
}

std::vector<std::string> sqls(const std::vector<migrate::Statement>& stmts) {
  std::vector<std::string> r;
  for (const auto& s : stmts) r.push_back(s.sql);
  return r;
}

// A context that knows one table, as offline rendering has it.
migrate::RenderContext context_with(const migrate::Table& t, std::vector<std::string> deps = {}) {
  migrate::RenderContext ctx;
  ctx.current_table = [t](const std::string&, const std::string& name) -> std::optional<migrate::Table> {
    if (name == t.name) return t;
    return std::nullopt;
  };
  ctx.dependent_objects_sql = [deps](const std::string&, const std::string&) { return deps; };
  return ctx;
}

migrate::Table users_table() {
  migrate::Table t;
  t.name = "users";
  migrate::Column id = col("id", "integer", false);
  id.autoincrement = true;
  t.columns = {id, col("email", "varchar(255)", false), col("status", "text", false, "'active'"),
               col("org_id", "integer")};
  t.primary_key.columns = {"id"};
  t.uniques.push_back({"uq_users_email", {"email"}, std::nullopt});
  t.checks.push_back({"ck_status", "status IN ('active', 'disabled')", std::nullopt});
  migrate::ForeignKey fk;
  fk.columns = {"org_id"};
  fk.ref_table = "orgs";
  fk.ref_columns = {"id"};
  fk.on_delete = "CASCADE";
  t.foreign_keys.push_back(fk);
  migrate::Index ix;
  ix.name = "ix_users_status";
  ix.columns = {"status", "lower(email)"};
  ix.where = "status <> 'disabled'";
  t.indexes.push_back(ix);
  return t;
}

}  // namespace

TEST_CASE("render_create_table writes columns, constraints and indexes", "[sqlite][render]") {
  auto out = sqls(sqlite_dialect().render_create_table(users_table()));
  REQUIRE(out.size() == 2);
  CHECK(out[0] ==
        "CREATE TABLE \"users\" (\n"
        "  \"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
        "  \"email\" varchar(255) NOT NULL,\n"
        "  \"status\" text NOT NULL DEFAULT 'active',\n"
        "  \"org_id\" integer,\n"
        "  CONSTRAINT \"uq_users_email\" UNIQUE (\"email\"),\n"
        "  CONSTRAINT \"ck_status\" CHECK (status IN ('active', 'disabled')),\n"
        "  FOREIGN KEY (\"org_id\") REFERENCES \"orgs\" (\"id\") ON DELETE CASCADE\n"
        ")");
  CHECK(out[1] ==
        "CREATE INDEX \"ix_users_status\" ON \"users\" (\"status\", lower(email)) WHERE status <> 'disabled'");
}

TEST_CASE("render_create_table writes table options, composite keys and column extras", "[sqlite][render]") {
  migrate::Table t;
  t.name = "pairs";
  migrate::Column a = col("a", "text", false);
  a.collation = "NOCASE";
  migrate::Column g = col("g", "integer");
  g.generated = "(length(a))";
  g.generated_stored = true;
  migrate::Column e = col("e", "integer", true, "1 + 2");
  t.columns = {a, col("b", "text", false), g, e};
  t.primary_key = {"pk_pairs", {"b", "a"}};
  migrate::ForeignKey fk;
  fk.name = "fk_self";
  fk.columns = {"a", "b"};
  fk.ref_table = "pairs";
  fk.ref_columns = {"b", "a"};
  fk.on_update = "SET NULL";
  fk.deferrable = true;
  fk.initially_deferred = true;
  t.foreign_keys.push_back(fk);
  t.without_rowid = true;
  t.strict = false;
  auto out = sqls(sqlite_dialect().render_create_table(t));
  REQUIRE(out.size() == 1);
  CHECK(out[0] ==
        "CREATE TABLE \"pairs\" (\n"
        "  \"a\" text NOT NULL COLLATE \"NOCASE\",\n"
        "  \"b\" text NOT NULL,\n"
        "  \"g\" integer GENERATED ALWAYS AS (length(a)) STORED,\n"
        "  \"e\" integer DEFAULT (1 + 2),\n"
        "  CONSTRAINT \"pk_pairs\" PRIMARY KEY (\"b\", \"a\"),\n"
        "  CONSTRAINT \"fk_self\" FOREIGN KEY (\"a\", \"b\") REFERENCES \"pairs\" (\"b\", \"a\") "
        "ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED\n"
        ") WITHOUT ROWID");
}

TEST_CASE("native ops render as SQLite ALTER statements", "[sqlite][render]") {
  const auto& d = sqlite_dialect();
  auto ctx = context_with(users_table());
  struct Case {
    migrate::Operation op;
    std::vector<std::string> sql;
  };
  migrate::AlterColumn rename;
  rename.table = "users";
  rename.column = "email";
  rename.new_name = "mail";
  migrate::AlterColumn comment_only;
  comment_only.table = "users";
  comment_only.column = "email";
  comment_only.new_comment = std::optional<std::string>("hi");
  migrate::Index ix;
  ix.name = "ix_e";
  ix.columns = {"email"};
  ix.unique = true;
  migrate::ExecuteSql raw;
  raw.sql = "UPDATE users SET status = 'x'";
  migrate::ExecuteSql per;
  per.sql = "generic";
  per.per_dialect["sqlite"] = "VACUUM";
  per.transaction = false;
  const std::vector<Case> cases = {
      {migrate::RenameTable{"", "users", "people"}, {"ALTER TABLE \"users\" RENAME TO \"people\""}},
      {migrate::DropTable{"", "users", std::nullopt}, {"DROP TABLE \"users\""}},
      {migrate::AddColumn{"", "users", col("nick", "varchar(20)")},
       {"ALTER TABLE \"users\" ADD COLUMN \"nick\" varchar(20)"}},
      {migrate::AddColumn{"", "users", col("n", "integer", false, "0")},
       {"ALTER TABLE \"users\" ADD COLUMN \"n\" integer NOT NULL DEFAULT 0"}},
      {migrate::DropColumn{"", "users", "org_id_x", std::nullopt},
       {"ALTER TABLE \"users\" DROP COLUMN \"org_id_x\""}},
      {rename, {"ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\""}},
      {comment_only, {}},
      {migrate::CreateIndex{"", "users", ix}, {"CREATE UNIQUE INDEX \"ix_e\" ON \"users\" (\"email\")"}},
      {migrate::DropIndex{"", "users", "ix_e", std::nullopt}, {"DROP INDEX \"ix_e\""}},
      {migrate::RenameIndex{"", "users", "ix_users_status", "ix_st"},
       {"DROP INDEX \"ix_users_status\"",
        "CREATE INDEX \"ix_st\" ON \"users\" (\"status\", lower(email)) WHERE status <> 'disabled'"}},
      {migrate::AlterTableComment{"", "users", std::optional<std::string>("c"), std::nullopt}, {}},
      {raw, {"UPDATE users SET status = 'x'"}},
      {per, {"VACUUM"}},
  };
  for (const auto& c : cases) {
    auto stmts = d.render(c.op, ctx);
    CHECK(sqls(stmts) == c.sql);
  }
  auto per_stmts = d.render(per, ctx);
  CHECK(per_stmts[0].no_transaction);
  CHECK_FALSE(d.render(raw, ctx)[0].no_transaction);
}

TEST_CASE("ops SQLite cannot do natively render as a rebuild", "[sqlite][render]") {
  const auto& d = sqlite_dialect();
  std::vector<std::string> deps = {"CREATE VIEW v AS SELECT email FROM users",
                                   "CREATE TRIGGER tr AFTER INSERT ON users BEGIN SELECT 1; END"};
  auto ctx = context_with(users_table(), deps);
  migrate::AlterColumn alter;
  alter.table = "users";
  alter.column = "status";
  alter.new_type = "varchar(20)";
  auto out = sqls(d.render(alter, ctx));
  REQUIRE(out.size() == 14);
  CHECK(out[0].find("pragma_foreign_keys") != std::string::npos);
  out.erase(out.begin());
  CHECK(out[0] == "DROP TRIGGER IF EXISTS \"tr\"");
  CHECK(out[1] == "DROP VIEW IF EXISTS \"v\"");
  CHECK(out[2].rfind("CREATE TABLE \"_migrate_tmp_users\" (", 0) == 0);
  CHECK(out[2].find("\"status\" varchar(20) NOT NULL DEFAULT 'active'") != std::string::npos);
  CHECK(out[3] ==
        "INSERT INTO \"_migrate_tmp_users\" (\"id\", \"email\", \"status\", \"org_id\") "
        "SELECT \"id\", \"email\", \"status\", \"org_id\" FROM \"users\"");
  CHECK(out[4] == "DELETE FROM sqlite_sequence WHERE name = '_migrate_tmp_users'");
  CHECK(out[5].rfind("INSERT INTO sqlite_sequence", 0) == 0);
  CHECK(out[6] == "DROP TABLE \"users\"");
  CHECK(out[7] == "ALTER TABLE \"_migrate_tmp_users\" RENAME TO \"users\"");
  CHECK(out[8].rfind("CREATE INDEX \"ix_users_status\"", 0) == 0);
  CHECK(out[9] == deps[0]);
  CHECK(out[10] == "SELECT 1 FROM \"v\" LIMIT 0");
  CHECK(out[11] == deps[1]);
  CHECK(out[12].find("pragma_foreign_key_check") != std::string::npos);
}

TEST_CASE("a rebuild without the current definition is refused clearly", "[sqlite][render]") {
  migrate::RenderContext empty;
  migrate::AlterColumn alter;
  alter.table = "ghost";
  alter.column = "x";
  alter.new_nullable = false;
  try {
    sqlite_dialect().render(alter, empty);
    FAIL("no error");
  } catch (const migrate::UnsupportedError& e) {
    CHECK(std::string(e.what()) == "cannot rebuild table 'ghost': its current definition is unknown");
  }
  CHECK_THROWS_AS(sqlite_dialect().render(migrate::RenameIndex{"", "ghost", "a", "b"}, empty),
                  migrate::UnsupportedError);
}

TEST_CASE("add_column goes native only when SQLite's ALTER allows it", "[sqlite][render]") {
  const auto& d = sqlite_dialect();
  auto ctx = context_with(users_table());
  auto native = [&](migrate::Column c) {
    auto out = d.render(migrate::AddColumn{"", "users", std::move(c)}, ctx);
    return out.size() == 1 && out[0].sql.rfind("ALTER TABLE", 0) == 0;
  };
  CHECK(native(col("a", "text")));
  CHECK(native(col("a", "text", true, "'x'")));
  CHECK(native(col("a", "integer", false, "(5)")));
  CHECK_FALSE(native(col("a", "text", false)));                 // NOT NULL, no default
  CHECK_FALSE(native(col("a", "text", false, "NULL")));         // NOT NULL, NULL default
  CHECK_FALSE(native(col("a", "timestamp", true, "CURRENT_TIMESTAMP")));  // not constant
  CHECK_FALSE(native(col("a", "text", true, "lower('x')")));    // expression
  migrate::Column stored = col("g", "integer");
  stored.generated = "id * 2";
  stored.generated_stored = true;
  CHECK_FALSE(native(stored));
  stored.generated_stored = false;
  CHECK(native(stored));
}

TEST_CASE("reflect then render then reflect gives the same table", "[sqlite][render][roundtrip]") {
  const char* shapes[] = {
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name TEXT NOT NULL DEFAULT 'x')",
      "CREATE TABLE t (id INTEGER, CONSTRAINT pk PRIMARY KEY (id AUTOINCREMENT))",
      "CREATE TABLE t (a TEXT, b INT, PRIMARY KEY (b, a)) WITHOUT ROWID",
      "CREATE TABLE t (a INTEGER, b TEXT) STRICT",
      "CREATE TABLE t (a INTEGER NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID, STRICT",
      "CREATE TABLE t (a TEXT COLLATE NOCASE UNIQUE, b TEXT COLLATE RTRIM, CONSTRAINT u2 UNIQUE (b, a))",
      "CREATE TABLE t (a, b DEFAULT (1 + 2), c DEFAULT -1, d DEFAULT CURRENT_TIMESTAMP, e DEFAULT x'ff')",
      "CREATE TABLE t (a INT, g INT GENERATED ALWAYS AS (a * 2) STORED, h TEXT AS (a || 'x'))",
      "CREATE TABLE t (a INT CHECK (a > 0), b INT, CONSTRAINT ck_b CHECK (b IN (1, 2)), CHECK (a <> b))",
      "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (pid INT REFERENCES p ON DELETE SET NULL "
      "ON UPDATE CASCADE, q INT, CONSTRAINT fk_q FOREIGN KEY (q) REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)",
      "CREATE TABLE t (id INTEGER PRIMARY KEY, parent INT REFERENCES t (id) ON DELETE RESTRICT)",
      "CREATE TABLE t (a TEXT, b TEXT); CREATE INDEX i1 ON t (a); CREATE UNIQUE INDEX i2 ON t (lower(a), b DESC) "
      "WHERE a IS NOT NULL; CREATE INDEX i3 ON t (b COLLATE NOCASE)",
      "CREATE TABLE \"odd \"\"name\"\"\" (\"col one\" TEXT, [col two] INT); CREATE INDEX \"ix odd\" ON \"odd \"\"name\"\"\" (\"col one\")",
      "CREATE TABLE t (x)",
      "CREATE TABLE t (a NUMERIC(10, 2) NOT NULL DEFAULT 0.0, b VARCHAR (5))",
  };
  const auto& d = sqlite_dialect();
  for (const char* shape : shapes) {
    INFO(shape);
    auto src = mt::open_memory(shape);
    auto md = src->reflect(migrate::ReflectOptions{});
    auto dst = mt::open_memory();
    for (const auto& t : md.tables())
      for (const auto& s : d.render_create_table(t)) dst->execute(s);
    auto back = dst->reflect(migrate::ReflectOptions{});
    REQUIRE(back.tables().size() == md.tables().size());
    for (size_t i = 0; i < md.tables().size(); ++i) {
      CHECK(mt::dump(back.tables()[i]) == mt::dump(md.tables()[i]));
      CHECK(back.tables()[i] == md.tables()[i]);
    }
  }
}

TEST_CASE("every native op's SQL runs on a real database with the expected effect", "[sqlite][render]") {
  const auto& d = sqlite_dialect();
  auto fresh = [&]() {
    auto c = mt::open_memory("CREATE TABLE orgs (id INTEGER PRIMARY KEY)");
    for (const auto& s : d.render_create_table(users_table())) c->execute(s);
    c->execute_script("INSERT INTO users (email, org_id) VALUES ('a@x', NULL)");
    return c;
  };
  {
    auto c = fresh();
    mt::run_op(*c, migrate::RenameTable{"", "users", "people"});
    CHECK(c->table_exists("", "people"));
    CHECK_FALSE(c->table_exists("", "users"));
  }
  {
    auto c = fresh();
    mt::run_op(*c, migrate::AddColumn{"", "users", col("n", "integer", false, "0")});
    CHECK(mt::scalar(*c, "SELECT n FROM users") == "0");
    mt::run_op(*c, migrate::DropColumn{"", "users", "n", std::nullopt});
    CHECK_FALSE(mt::reflect_one(*c, "users").find_column("n"));
  }
  {
    auto c = fresh();
    migrate::AlterColumn rename;
    rename.table = "users";
    rename.column = "email";
    rename.new_name = "mail";
    mt::run_op(*c, rename);
    auto t = mt::reflect_one(*c, "users");
    CHECK(t.find_column("mail"));
    CHECK(t.uniques[0].columns == std::vector<std::string>{"mail"});
  }
  {
    auto c = fresh();
    migrate::Index ix;
    ix.name = "ix_e";
    ix.columns = {"email", "status DESC"};
    ix.unique = true;
    mt::run_op(*c, migrate::CreateIndex{"", "users", ix});
    CHECK(mt::reflect_one(*c, "users").find_index("ix_e")->columns == ix.columns);
    mt::run_op(*c, migrate::RenameIndex{"", "users", "ix_e", "ix_f"});
    auto t = mt::reflect_one(*c, "users");
    CHECK_FALSE(t.find_index("ix_e"));
    REQUIRE(t.find_index("ix_f"));
    CHECK(t.find_index("ix_f")->unique);
    mt::run_op(*c, migrate::DropIndex{"", "users", "ix_f", std::nullopt});
    CHECK_FALSE(mt::reflect_one(*c, "users").find_index("ix_f"));
  }
  {
    auto c = fresh();
    migrate::ExecuteSql raw;
    raw.sql = "UPDATE users SET status = 'disabled'; UPDATE users SET email = 'b@x'";
    mt::run_op(*c, raw);
    CHECK(mt::scalar(*c, "SELECT status || email FROM users") == "disabledb@x");
    mt::run_op(*c, migrate::AlterTableComment{"", "users", std::optional<std::string>("c"), std::nullopt});
    mt::run_op(*c, migrate::DropTable{"", "users", std::nullopt});
    CHECK_FALSE(c->table_exists("", "users"));
  }
}
