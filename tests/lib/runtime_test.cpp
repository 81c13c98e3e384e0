// The version table and the runner, on an in-memory SQLite database.
#include <algorithm>
#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include <migrate/dialect/registry.hpp>
#include <migrate/error.hpp>
#include <migrate/runtime/runner.hpp>
#include <migrate/runtime/version_table.hpp>

#include "support/support.hpp"

using migrate::VersionChange;

TEST_CASE("the version table holds one row per head and checks every update hits one row", "[runtime]") {
  auto conn = migrate::open_connection("sqlite:///:memory:");
  migrate::VersionTable vt(conn->dialect(), "migrate_version");
  CHECK(vt.read(*conn).empty());  // absent: no rows, nothing created
  CHECK_FALSE(conn->table_exists("", "migrate_version"));
  vt.ensure(*conn);
  vt.ensure(*conn);  // idempotent
  vt.apply(*conn, {{VersionChange::Kind::insert, "", "a"}, {VersionChange::Kind::insert, "", "b"}});
  vt.apply(*conn, {{VersionChange::Kind::update, "a", "c"}});
  auto rows = vt.read(*conn);
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<std::string>{"b", "c"});
  CHECK_THROWS_AS(vt.apply(*conn, {{VersionChange::Kind::update, "zz", "d"}}), migrate::DatabaseError);
  CHECK_THROWS_AS(vt.apply(*conn, {{VersionChange::Kind::remove, "zz", ""}}), migrate::DatabaseError);
  vt.apply(*conn, {{VersionChange::Kind::remove, "b", ""}});
  CHECK(vt.read(*conn) == std::vector<std::string>{"c"});
}

TEST_CASE("offline version-table statements use literals, as Alembic prints them", "[runtime]") {
  migrate::VersionTable vt(migrate::dialect_by_name("postgresql"), "migrate_version");
  auto sql = vt.offline_sql({{VersionChange::Kind::insert, "", "a'1"},
                             {VersionChange::Kind::update, "a'1", "b"},
                             {VersionChange::Kind::remove, "b", ""}});
  REQUIRE(sql.size() == 3);
  CHECK(sql[0] == "INSERT INTO \"migrate_version\" (version_num) VALUES ('a''1')");
  CHECK(sql[1] == "UPDATE \"migrate_version\" SET version_num='b' WHERE \"migrate_version\".version_num = 'a''1'");
  CHECK(sql[2] == "DELETE FROM \"migrate_version\" WHERE \"migrate_version\".version_num = 'b'");
}

TEST_CASE("the files table upserts an upgrade's hash and deletes a downgrade's, its name quoted", "[runtime]") {
  auto conn = migrate::open_connection("sqlite:///:memory:");
  migrate::VersionTable vt(conn->dialect(), "odd \"versions\"");
  const migrate::VersionFilesTable& files = vt.files();
  CHECK(files.name() == "odd \"versions\"_files");
  CHECK(files.read(*conn).empty());  // absent: no rows, nothing created
  CHECK_FALSE(conn->table_exists("", files.name()));
  vt.ensure(*conn);  // both tables
  CHECK(conn->table_exists("", files.name()));
  migrate::MigrationFile file;
  migrate::Step up{"a'1", migrate::Direction::up, "", "a'1"};
  migrate::Step down{"a'1", migrate::Direction::down, "a'1", ""};
  file.sha256 = "1111";
  conn->execute(files.step_statement(up, file));
  file.sha256 = "2222";
  conn->execute(files.step_statement(up, file));  // applied again: the new hash
  CHECK(files.read(*conn) == std::map<std::string, std::string>{{"a'1", "2222"}});
  conn->execute(files.step_statement(down, file));
  CHECK(files.read(*conn).empty());
  conn->execute(files.step_statement(down, file));  // no row (applied before hashes): no error
  conn->execute(files.step_statement(up, file));
  vt.apply(*conn, {{VersionChange::Kind::insert, "", "a'1"}});
  for (const auto& s : vt.purge_statements()) conn->execute(s);
  CHECK(vt.read(*conn).empty());
  CHECK(files.read(*conn).empty());
  // Offline: the same statements with literals.
  CHECK(files.offline_step_sql(up, file) ==
        "INSERT INTO \"odd \"\"versions\"\"_files\" (revision, sha256) VALUES ('a''1', '2222') "
        "ON CONFLICT (revision) DO UPDATE SET sha256 = excluded.sha256");
  CHECK(files.offline_step_sql(down, file) == "DELETE FROM \"odd \"\"versions\"\"_files\" WHERE revision = 'a''1'");
}

namespace {

// On `url` (an empty database): the runner applies steps, keeps completed ones on
// failure, names the failing op and its SQL, and skips applied ones.
void check_runner_failure(const std::string& url) {
  migrate::test::TempDir dir;
  dir.write("versions/a_one.toml",
            "revision = \"a\"\nmessage = \"one\"\n[[upgrade]]\nop = \"sql\"\nsql = \"CREATE TABLE t (x INTEGER)\"\n");
  dir.write("versions/b_two.toml",
            "revision = \"b\"\ndown_revision = \"a\"\nmessage = \"two\"\n[[upgrade]]\nop = \"sql\"\n"
            "sql = \"INSERT INTO t VALUES (1)\"\n[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO nope VALUES (1)\"\n"
            "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO t VALUES (2)\"\n");
  migrate::ScriptDirectory scripts(dir.file("versions"));
  auto conn = migrate::open_connection(url.empty() ? "sqlite:///" + dir.file("db.sqlite") : url);
  migrate::VersionTable vt(conn->dialect(), "migrate_version");
  vt.ensure(*conn);
  std::vector<std::string> lines;
  migrate::RunOptions opts;
  opts.progress = [&](const std::string& l) { lines.push_back(l); };
  auto steps = scripts.graph().upgrade_steps({}, "heads");
  REQUIRE(steps.size() == 2);
  try {
    migrate::run_steps(*conn, scripts, vt, steps, opts);
    FAIL("the second migration should fail");
  } catch (const migrate::DatabaseError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("b_two.toml failed in upgrade op 2") != std::string::npos);
    CHECK(e.sql() == "INSERT INTO nope VALUES (1)");
  }
  CHECK_FALSE(conn->in_transaction());
  CHECK(vt.read(*conn) == std::vector<std::string>{"a"});
  CHECK(conn->query({"SELECT COUNT(*) FROM t"})[0][0] == std::optional<std::string>("0"));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("Running upgrade  -> a, one ... ", 0) == 0);
  // A step whose revision is already applied (by another process) is skipped.
  lines.clear();
  migrate::run_steps(*conn, scripts, vt, {steps[0]}, opts);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("skipped") != std::string::npos);
  // A version row that moved under the runner fails the step's version update, and the
  // step's own changes are rolled back with it.
  conn->execute({"UPDATE migrate_version SET version_num = 'elsewhere'"});
  try {
    migrate::VersionChange change{migrate::VersionChange::Kind::update, "a", "b"};
    conn->begin();
    conn->execute_batch(vt.statements({change}), [](size_t, const migrate::DatabaseError& e) { throw e; });
    FAIL("the version update matched a row");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()) ==
          "online migration expected to match one row when updating 'a' to 'b' in 'migrate_version'; 0 found");
  }
  conn->rollback();
  CHECK(vt.read(*conn) == std::vector<std::string>{"elsewhere"});
  // The same when the update ends the step's transaction (on PostgreSQL, the server
  // counts the rows, since the COMMIT travels with the update): nothing is committed.
  try {
    migrate::VersionChange change{migrate::VersionChange::Kind::update, "a", "b"};
    std::vector<migrate::Statement> stmts{{"INSERT INTO t VALUES (5)"}};
    for (auto& s : vt.statements({change})) stmts.push_back(std::move(s));
    conn->begin();
    conn->execute_batch_and_commit(stmts, [](size_t, const migrate::DatabaseError& e) { throw e; });
    FAIL("the version update matched a row");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).rfind(
              "online migration expected to match one row when updating 'a' to 'b' in 'migrate_version'; ", 0) == 0);
  }
  conn->rollback();
  CHECK(vt.read(*conn) == std::vector<std::string>{"elsewhere"});
  CHECK(conn->query({"SELECT COUNT(*) FROM t"})[0][0] == std::optional<std::string>("0"));
}

}  // namespace

TEST_CASE("the runner applies steps, keeps completed ones on failure and skips applied ones", "[runtime]") {
  check_runner_failure("");
}

TEST_CASE("postgresql: the runner applies steps, keeps completed ones on failure and skips applied ones",
          "[runtime][pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  migrate::test::PgDatabase db;
  check_runner_failure(db.url());
}

namespace {

const char* const kCreateT =
    "revision = \"a\"\nmessage = \"one\"\n[[upgrade]]\nop = \"sql\"\nsql = \"CREATE TABLE t (x INTEGER)\"\n";

/// Upgrades to the heads of `versions` with single_transaction.
void upgrade_in_one_transaction(migrate::Connection& conn, const migrate::VersionTable& vt,
                                const std::string& versions) {
  migrate::ScriptDirectory scripts(versions);
  migrate::RunOptions opts;
  opts.single_transaction = true;
  migrate::run_steps(conn, scripts, vt, scripts.graph().upgrade_steps({}, "heads"), opts);
}

}  // namespace

TEST_CASE("single_transaction rolls back every step on failure", "[runtime]") {
  migrate::test::TempDir dir;
  dir.write("versions/a_one.toml", kCreateT);
  dir.write("versions/b_two.toml",
            "revision = \"b\"\ndown_revision = \"a\"\nmessage = \"two\"\n[[upgrade]]\nop = \"sql\"\nsql = \"BOGUS\"\n");
  auto conn = migrate::open_connection("sqlite:///" + dir.file("db.sqlite"));
  migrate::VersionTable vt(conn->dialect(), "migrate_version");
  vt.ensure(*conn);
  CHECK_THROWS_AS(upgrade_in_one_transaction(*conn, vt, dir.file("versions")), migrate::DatabaseError);
  CHECK(vt.read(*conn).empty());
  CHECK_FALSE(conn->table_exists("", "t"));
}

TEST_CASE("single_transaction writes the version rows before a statement that must run outside it",
          "[runtime]") {
  // b's op commits the run's transaction early; c then fails and rolls back to that
  // point, where the version table must already say "a".
  migrate::test::TempDir dir;
  dir.write("versions/a_one.toml", kCreateT);
  dir.write("versions/b_two.toml",
            "revision = \"b\"\ndown_revision = \"a\"\nmessage = \"two\"\n[[upgrade]]\nop = \"sql\"\n"
            "sql = \"INSERT INTO t VALUES (1)\"\ntransaction = false\n");
  dir.write("versions/c_three.toml",
            "revision = \"c\"\ndown_revision = \"b\"\nmessage = \"three\"\n[[upgrade]]\nop = \"sql\"\nsql = \"BOGUS\"\n");
  auto conn = migrate::open_connection("sqlite:///" + dir.file("db.sqlite"));
  migrate::VersionTable vt(conn->dialect(), "migrate_version");
  vt.ensure(*conn);
  CHECK_THROWS_AS(upgrade_in_one_transaction(*conn, vt, dir.file("versions")), migrate::DatabaseError);
  CHECK_FALSE(conn->in_transaction());
  CHECK(vt.read(*conn) == std::vector<std::string>{"a"});
  CHECK(conn->query({"SELECT COUNT(*) FROM t"})[0][0] == std::optional<std::string>("1"));
  // Without the failing step, the run ends with the version row at "b".
  std::filesystem::remove(dir.file("versions/c_three.toml"));
  conn->execute({"DROP TABLE t"});
  conn->execute({"DELETE FROM migrate_version"});
  upgrade_in_one_transaction(*conn, vt, dir.file("versions"));
  CHECK(vt.read(*conn) == std::vector<std::string>{"b"});
}
