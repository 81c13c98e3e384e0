// Reflection of a rich schema, asserted field by field.
#include <algorithm>

#include <catch2/catch.hpp>

#include "sqlite_test_util.hpp"

using namespace std::string_literals;
namespace mt = migrate::test;

namespace {

const char* kRichSchema = R"SQL(
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(100) NOT NULL COLLATE NOCASE,
  CONSTRAINT uq_orgs_name UNIQUE (name)
);
CREATE TABLE users (
  id integer NOT NULL,
  email varchar (255) NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  score NUMERIC(10, 2) DEFAULT (1 + 2),
  org_id INTEGER REFERENCES orgs ON DELETE CASCADE,
  manager_id INTEGER,
  lower_email TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL,
  email_len INT AS (length(email)) STORED,
  CONSTRAINT pk_users PRIMARY KEY (id),
  CONSTRAINT ck_users_score CHECK (score >= 0),
  CHECK (manager_id <> id),
  CONSTRAINT fk_users_manager FOREIGN KEY (manager_id) REFERENCES users (id)
    ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX ix_users_created ON users (created_at);
CREATE UNIQUE INDEX ix_users_lower ON users (lower(email), status DESC) WHERE status = 'active';
CREATE TABLE pairs (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  PRIMARY KEY (b, a),
  UNIQUE (a)
) WITHOUT ROWID;
CREATE TABLE strict_t (x INTEGER, y TEXT) STRICT;
CREATE VIEW active_users AS SELECT id, email FROM users WHERE status = 'active';
CREATE TRIGGER trg_users AFTER INSERT ON users BEGIN UPDATE orgs SET name = name WHERE id = new.org_id; END;
CREATE TABLE migrate_version (version_num VARCHAR(32) PRIMARY KEY);
)SQL";

}  // namespace

TEST_CASE("reflect reads every column attribute of a rich schema", "[sqlite][inspect]") {
  auto conn = mt::open_memory(kRichSchema);
  migrate::MetaData md = conn->reflect(migrate::ReflectOptions{});
  REQUIRE(md.tables().size() == 4);
  // Name order, whatever the creation order.
  CHECK(md.tables()[0].name == "orgs");
  CHECK(md.tables()[1].name == "pairs");
  CHECK(md.tables()[2].name == "strict_t");
  CHECK(md.tables()[3].name == "users");
  CHECK(md.find_table("migrate_version") == nullptr);
  CHECK(md.find_table("sqlite_sequence") == nullptr);

  const migrate::Table& orgs = *md.find_table("orgs");
  REQUIRE(orgs.columns.size() == 2);
  CHECK(orgs.columns[0].name == "id");
  CHECK(orgs.columns[0].type == "INTEGER");
  CHECK(orgs.columns[0].autoincrement);
  CHECK(orgs.columns[1].type == "VARCHAR(100)");
  CHECK_FALSE(orgs.columns[1].nullable);
  CHECK(orgs.columns[1].collation == "NOCASE"s);
  CHECK(orgs.primary_key.columns == std::vector<std::string>{"id"});
  CHECK(orgs.primary_key.name.empty());
  REQUIRE(orgs.uniques.size() == 1);
  CHECK(orgs.uniques[0].name == "uq_orgs_name");
  CHECK(orgs.uniques[0].columns == std::vector<std::string>{"name"});

  const migrate::Table& u = *md.find_table("users");
  INFO(mt::dump(u));
  REQUIRE(u.columns.size() == 9);
  CHECK(u.columns[0].type == "INTEGER");  // SQLite spells a rowid alias INTEGER
  CHECK_FALSE(u.columns[0].nullable);
  CHECK_FALSE(u.columns[0].autoincrement);
  CHECK(u.columns[1].type == "varchar (255)");
  CHECK(u.columns[2].default_ == "'active'"s);
  CHECK(u.columns[3].default_ == "CURRENT_TIMESTAMP"s);
  CHECK(u.columns[3].nullable);
  CHECK(u.columns[4].type == "NUMERIC(10, 2)");
  CHECK(u.columns[4].default_ == "1 + 2"s);
  CHECK_FALSE(u.columns[6].default_);
  CHECK(u.columns[7].generated == "lower(email)"s);
  CHECK_FALSE(u.columns[7].generated_stored);
  CHECK(u.columns[7].type == "TEXT");
  CHECK(u.columns[8].generated == "length(email)"s);
  CHECK(u.columns[8].generated_stored);
  CHECK_FALSE(u.columns[0].generated);
  CHECK(u.primary_key.name == "pk_users");
  CHECK(u.primary_key.columns == std::vector<std::string>{"id"});
  REQUIRE(u.uniques.size() == 1);
  CHECK(u.uniques[0].name.empty());
  CHECK(u.uniques[0].columns == std::vector<std::string>{"email"});
  REQUIRE(u.checks.size() == 3);
  // Ordered by (name, sql): unnamed first.
  CHECK(u.checks[0].name.empty());
  CHECK(u.checks[0].sql == "manager_id <> id");
  CHECK(u.checks[1].name.empty());
  CHECK(u.checks[1].sql == "status IN ('active', 'disabled')");
  CHECK(u.checks[2].name == "ck_users_score");
  CHECK(u.checks[2].sql == "score >= 0");
  REQUIRE(u.foreign_keys.size() == 2);
  const auto& fk0 = u.foreign_keys[0];
  CHECK(fk0.name.empty());
  CHECK(fk0.columns == std::vector<std::string>{"org_id"});
  CHECK(fk0.ref_table == "orgs");
  CHECK(fk0.ref_columns == std::vector<std::string>{"id"});  // omitted: the parent's PK
  CHECK(fk0.on_delete == "CASCADE");
  CHECK(fk0.on_update.empty());
  CHECK_FALSE(fk0.deferrable);
  const auto& fk1 = u.foreign_keys[1];
  CHECK(fk1.name == "fk_users_manager");
  CHECK(fk1.ref_table == "users");
  CHECK(fk1.on_update == "SET NULL");
  CHECK(fk1.on_delete.empty());
  CHECK(fk1.deferrable);
  CHECK(fk1.initially_deferred);
  REQUIRE(u.indexes.size() == 2);
  CHECK(u.indexes[0].name == "ix_users_created");
  CHECK(u.indexes[0].columns == std::vector<std::string>{"created_at"});
  CHECK_FALSE(u.indexes[0].unique);
  CHECK_FALSE(u.indexes[0].where);
  CHECK(u.indexes[1].name == "ix_users_lower");
  CHECK(u.indexes[1].columns == std::vector<std::string>{"lower(email)", "status DESC"});
  CHECK(u.indexes[1].unique);
  CHECK(u.indexes[1].where == "status = 'active'"s);
  CHECK_FALSE(u.without_rowid);

  const migrate::Table& pairs = *md.find_table("pairs");
  CHECK(pairs.without_rowid);
  CHECK_FALSE(pairs.strict);
  CHECK(pairs.primary_key.columns == std::vector<std::string>{"b", "a"});
  REQUIRE(pairs.uniques.size() == 1);
  CHECK(pairs.uniques[0].columns == std::vector<std::string>{"a"});
  CHECK(pairs.indexes.empty());

  CHECK(md.find_table("strict_t")->strict);

  REQUIRE(md.views.size() == 1);
  CHECK(md.views[0].name == "active_users");
  CHECK(md.views[0].sql == "SELECT id, email FROM users WHERE status = 'active'");
  REQUIRE(md.unsupported.size() == 1);
  CHECK(md.unsupported[0].kind == "trigger");
  CHECK(md.unsupported[0].name == "trg_users");
  CHECK(md.unsupported[0].table == "users");
}

TEST_CASE("reflect applies include and exclude globs and the version table option", "[sqlite][inspect]") {
  auto conn = mt::open_memory(kRichSchema);
  migrate::ReflectOptions opts;
  opts.exclude_tables = {"u*", "strict_*"};
  auto md = conn->reflect(opts);
  REQUIRE(md.tables().size() == 2);
  CHECK(md.tables()[0].name == "orgs");
  CHECK(md.tables()[1].name == "pairs");
  opts.version_table = "other_version";
  md = conn->reflect(opts);
  REQUIRE(md.tables().size() == 3);
  CHECK(md.find_table("migrate_version"));

  opts = migrate::ReflectOptions{};
  opts.include_tables = {"orgs", "pa*"};
  md = conn->reflect(opts);
  REQUIRE(md.tables().size() == 2);
  CHECK(md.tables()[1].name == "pairs");
  CHECK(md.unsupported.empty());  // the trigger's table is filtered out
}

TEST_CASE("reflect skips the files table of the version table, whatever its name", "[sqlite][inspect]") {
  auto conn = mt::open_memory(
      "CREATE TABLE t (id INTEGER PRIMARY KEY);\n"
      "CREATE TABLE Migrate_Version_Files (revision VARCHAR(32) PRIMARY KEY, sha256 VARCHAR(64) NOT NULL);\n"
      "CREATE TABLE app_versions_files (revision VARCHAR(32) PRIMARY KEY, sha256 VARCHAR(64) NOT NULL);\n");
  auto names = [&](const std::string& version_table) {
    migrate::ReflectOptions opts;
    opts.version_table = version_table;
    std::vector<std::string> out;
    auto md = conn->reflect(opts);
    for (const auto& t : md.tables()) out.push_back(t.name);
    std::sort(out.begin(), out.end());
    return out;
  };
  // SQLite names are case-insensitive: Migrate_Version_Files is migrate_version's.
  CHECK(names("migrate_version") == std::vector<std::string>{"app_versions_files", "t"});
  CHECK(names("app_versions") == std::vector<std::string>{"Migrate_Version_Files", "t"});
  CHECK(names("") == std::vector<std::string>{"Migrate_Version_Files", "app_versions_files", "t"});
}

TEST_CASE("reflect_table returns one table or nullopt", "[sqlite][inspect]") {
  auto conn = mt::open_memory(kRichSchema);
  auto all = conn->reflect(migrate::ReflectOptions{});
  auto users = conn->reflect_table("", "users");
  REQUIRE(users);
  CHECK(mt::dump(*users) == mt::dump(*all.find_table("users")));
  CHECK(*users == *all.find_table("users"));
  CHECK(conn->reflect_table("", "USERS"));  // SQLite names are case-insensitive
  CHECK_FALSE(conn->reflect_table("", "nope"));
  CHECK(conn->table_exists("", "orgs"));
  CHECK_FALSE(conn->table_exists("", "nope"));
}

TEST_CASE("reflect_table resolves an omitted referenced column to the parent primary key", "[sqlite][inspect]") {
  auto conn = mt::open_memory(
      "CREATE TABLE p (a TEXT, b TEXT, PRIMARY KEY (b, a));"
      "CREATE TABLE c (x TEXT, y TEXT, FOREIGN KEY (x, y) REFERENCES p);");
  auto c = mt::reflect_one(*conn, "c");
  REQUIRE(c.foreign_keys.size() == 1);
  CHECK(c.foreign_keys[0].ref_columns == std::vector<std::string>{"b", "a"});
  auto md = conn->reflect(migrate::ReflectOptions{});
  CHECK(md.find_table("c")->foreign_keys[0].ref_columns == std::vector<std::string>{"b", "a"});
}

TEST_CASE("dependent_objects_sql lists views and the triggers that name the table", "[sqlite][inspect]") {
  auto conn = mt::open_memory(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
      "CREATE TABLE u (id INTEGER PRIMARY KEY, b TEXT);"
      "CREATE TABLE w (id INTEGER PRIMARY KEY);"
      "CREATE VIEW v1 AS SELECT a FROM t;"
      "CREATE VIEW v2 AS SELECT b FROM u;"
      "CREATE TRIGGER tr_t AFTER INSERT ON t BEGIN SELECT 1; END;"
      "CREATE TRIGGER tr_u AFTER INSERT ON u BEGIN INSERT INTO t (a) VALUES (new.b); END;"
      "CREATE TRIGGER tr_w AFTER INSERT ON w BEGIN SELECT 2; END;");
  auto deps = conn->dependent_objects_sql("", "t");
  REQUIRE(deps.size() == 4);
  CHECK(deps[0].find("VIEW v1") != std::string::npos);
  CHECK(deps[1].find("VIEW v2") != std::string::npos);
  CHECK(deps[2].find("TRIGGER tr_t") != std::string::npos);
  CHECK(deps[3].find("TRIGGER tr_u") != std::string::npos);
}

TEST_CASE("reflect issues the same number of queries for 10 and 200 tables", "[sqlite][inspect]") {
  auto count_for = [](int n) {
    auto conn = mt::open_memory();
    std::string script;
    for (int i = 0; i < n; ++i) {
      std::string t = "t" + std::to_string(i);
      script += "CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, p INTEGER REFERENCES t0, name TEXT UNIQUE);";
      script += "CREATE INDEX ix_" + t + " ON " + t + " (p);";
    }
    conn->execute_script(script);
    size_t before = conn->query_count();
    auto md = conn->reflect(migrate::ReflectOptions{});
    REQUIRE(md.tables().size() == static_cast<size_t>(n));
    return conn->query_count() - before;
  };
  size_t small = count_for(10);
  size_t large = count_for(200);
  CHECK(small == large);
  CHECK(small <= 6);
}
