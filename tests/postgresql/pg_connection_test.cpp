// [pg]: connecting, errors with SQLSTATE, transactions, the advisory lock, and the
// canonical_type invariant checked against the server's own spelling.
#include <catch2/catch.hpp>

#include <migrate/error.hpp>

#include "postgresql/pg_test_util.hpp"
#include "support/support.hpp"
#include "util/strings.hpp"

namespace migrate {
namespace {

using test::pg;
using test::pg_connect;

std::string scalar(PgConnection& c, const std::string& sql) {
  auto rows = c.query_sql(sql);
  REQUIRE(rows.size() == 1);
  return rows[0][0].value_or("NULL");
}

/// A new database holding table t (x int), a connection to it, and a BatchFailure that
/// records each failure (index, message) before rethrowing it.
struct BatchSetup {
  test::PgDatabase db;
  std::unique_ptr<PgConnection> conn = pg_connect(db.url());
  std::vector<std::pair<size_t, std::string>> failures;
  Connection::BatchFailure record = [this](size_t i, const DatabaseError& e) {
    failures.emplace_back(i, e.what());
    throw e;
  };
  BatchSetup() { conn->execute_script("CREATE TABLE t (x int)"); }
};

TEST_CASE("pg connection failure names the masked URL, never the password", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  DatabaseUrl url = parse_url("postgresql://alice:s3cr%40t@127.0.0.1:1/db");
  CHECK(url.password == "s3cr@t");
  try {
    PgConnection conn(url, "postgresql://alice:***@127.0.0.1:1/db");
    FAIL("connected to port 1");
  } catch (const DatabaseError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(msg.rfind("cannot connect to postgresql://alice:***@127.0.0.1:1/db: ", 0) == 0);
    CHECK(msg.find("s3cr") == std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(e.detail().find("s3cr") == std::string::npos);
  }
}

TEST_CASE("pg connection to a missing database is a DatabaseError", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  DatabaseUrl url = parse_url(test::pg_url());
  url.database = "no_such_database_migrate";
  url.password = "hunter2";
  try {
    open_postgresql(url, "postgresql://postgres:***@host/no_such_database_migrate");
    FAIL("connected");
  } catch (const DatabaseError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find("no_such_database_migrate") != std::string::npos);
    CHECK(msg.find("hunter2") == std::string::npos);
  }
}

TEST_CASE("pg URL params reach libpq as keywords", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  DatabaseUrl url = parse_url(db.url());
  url.params["application_name"] = "migrate_param_test";
  url.params["sslmode"] = "disable";
  PgConnection conn(url, db.url());
  CHECK(scalar(conn, "SELECT current_setting('application_name')") == "migrate_param_test");
  CHECK(scalar(conn, "SELECT current_setting('client_min_messages')") == "warning");
  CHECK(conn.dialect().name() == "postgresql");
  CHECK(conn.display_url() == db.url());

  url.params["sslmode"] = "bogus";
  CHECK_THROWS_AS(PgConnection(url, db.url()), DatabaseError);
}

TEST_CASE("pg failing statement carries SQLSTATE and the SQL", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  conn->execute_script("CREATE TABLE t (id integer PRIMARY KEY); INSERT INTO t VALUES (1);");
  const std::string sql = "INSERT INTO t VALUES (1)";
  try {
    conn->execute(Statement{sql, {}, false, "", false});
    FAIL("duplicate key accepted");
  } catch (const DatabaseError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(e.sqlstate() == "23505");
    CHECK(e.sql() == sql);
    CHECK(msg.rfind("PostgreSQL error: duplicate key value violates unique constraint \"t_pkey\" "
                    "(SQLSTATE 23505)",
                    0) == 0);
    CHECK(msg.find("DETAIL: Key (id)=(1) already exists.") != std::string::npos);
    CHECK(e.detail() == "SQL: " + sql);
  }
  try {
    conn->query(Statement{"SELECT * FROM missing_table WHERE id = $1", {std::string("1")}, false,
                          "", false});
    FAIL("query of a missing table succeeded");
  } catch (const DatabaseError& e) {
    CHECK(e.sqlstate() == "42P01");
  }
  CHECK_THROWS_AS(conn->execute_script("SELECT 1; SELEC 2"), DatabaseError);
}

TEST_CASE("pg query binds parameters and returns NULL as nullopt", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  auto rows = conn->query(Statement{"SELECT $1::text, $2::text, length($1)",
                                    {std::string("it's; DROP"), std::nullopt}, false, "", false});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][0] == std::optional<std::string>("it's; DROP"));
  CHECK_FALSE(rows[0][1].has_value());
  CHECK(rows[0][2] == std::optional<std::string>("10"));
}

TEST_CASE("pg must_return_no_rows fails when rows come back", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  Statement check{"SELECT 'a', 1 WHERE $1::int = 1", {std::string("1")}, true, "orphan rows", false};
  try {
    conn->execute(check);
    FAIL("check passed");
  } catch (const DatabaseError& e) {
    CHECK(std::string(e.what()) == "orphan rows (first row: a, 1)");
    CHECK(e.sqlstate() == "check");
  }
  check.params = {std::string("2")};
  CHECK_NOTHROW(conn->execute(check));
}

TEST_CASE("pg transactions begin, commit, roll back and report their state", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  CHECK_FALSE(conn->in_transaction());
  conn->begin();
  CHECK(conn->in_transaction());
  conn->execute_script("CREATE TABLE a (x int)");
  conn->rollback();
  CHECK_FALSE(conn->in_transaction());
  CHECK_FALSE(conn->table_exists("", "a"));
  {
    Transaction tx(*conn);
    conn->execute_script("CREATE TABLE b (x int)");
    tx.commit();
  }
  CHECK(conn->table_exists("", "b"));
  CHECK(conn->table_exists("public", "b"));
  CHECK_FALSE(conn->table_exists("other", "b"));
  {
    Transaction tx(*conn);
    conn->execute_script("CREATE TABLE c (x int)");
  }  // rolled back
  CHECK_FALSE(conn->table_exists("", "c"));
  // A failed statement leaves the transaction aborted but still open.
  conn->begin();
  CHECK_THROWS_AS(conn->execute_script("SELECT * FROM nope"), DatabaseError);
  CHECK(conn->in_transaction());
  conn->rollback();
  CHECK_FALSE(conn->in_transaction());
}

TEST_CASE("may_hold_several_commands finds a second command outside quotes and comments", "[pg]") {
  CHECK_FALSE(may_hold_several_commands("CREATE TABLE t (x int)"));
  CHECK_FALSE(may_hold_several_commands("INSERT INTO t VALUES (1);  -- done\n /* end */ \n"));
  CHECK_FALSE(may_hold_several_commands("INSERT INTO t VALUES ('a;b', 'it''s; fine')"));
  CHECK_FALSE(may_hold_several_commands("SELECT 1 AS \"x;y\" -- ; not here\n"));
  CHECK(may_hold_several_commands("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"));
  CHECK(may_hold_several_commands("SELECT 1;\n-- comment\nSELECT 2"));
  // What a plain scan cannot be sure of counts as several: the batch then sends it alone.
  CHECK(may_hold_several_commands("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"));
  CHECK(may_hold_several_commands("SELECT E'\\'; SELECT 1'"));
  CHECK(may_hold_several_commands("SELECT 1 /* a /* nested */ comment */"));
  CHECK(may_hold_several_commands("SELECT 'unterminated"));
}

TEST_CASE("pg execute_batch pipelines a transaction's statements and names the one that fails", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  BatchSetup setup;
  auto& [db, conn, failures, record] = setup;
  Statement update{"UPDATE t SET x = x WHERE x = $1", {std::string("1")}};
  update.expected_rows = 1;
  update.check_message = "expected one row";

  // The deferred BEGIN and the statements up to the one of several commands share a
  // round trip; that one goes alone (simple protocol), the rest share another.
  size_t before = conn->round_trip_count();
  conn->begin();
  conn->execute_batch({Statement{"INSERT INTO t VALUES (1)"}, Statement{"INSERT INTO t VALUES (2)"},
                       Statement{"INSERT INTO t VALUES (3); INSERT INTO t VALUES (4)"}, update},
                      record);
  CHECK(conn->round_trip_count() - before == 3);
  CHECK(failures.empty());
  conn->commit();
  CHECK(scalar(*conn, "SELECT count(*) FROM t") == "4");

  // The failing statement is reported by index; those after it never run, and the
  // transaction stays open, aborted, until rolled back.
  conn->begin();
  CHECK_THROWS_AS(conn->execute_batch({Statement{"INSERT INTO t VALUES (5)"}, Statement{"INSERT INTO nope VALUES (1)"},
                                       Statement{"INSERT INTO t VALUES (6)"}},
                                      record),
                  DatabaseError);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].first == 1);
  CHECK(failures[0].second.find("\"nope\"") != std::string::npos);
  CHECK(conn->in_transaction());
  conn->rollback();
  CHECK(scalar(*conn, "SELECT count(*) FROM t") == "4");

  // expected_rows: an update that matches no row fails the batch.
  failures.clear();
  update.params = {std::string("99")};
  conn->begin();
  CHECK_THROWS_AS(conn->execute_batch({Statement{"INSERT INTO t VALUES (7)"}, update}, record), DatabaseError);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].first == 1);
  CHECK(failures[0].second == "expected one row; 0 found");
  conn->rollback();
  CHECK(scalar(*conn, "SELECT count(*) FROM t") == "4");

  // A transaction begun and ended without a statement sends nothing.
  before = conn->round_trip_count();
  conn->begin();
  CHECK(conn->in_transaction());
  conn->commit();
  CHECK_FALSE(conn->in_transaction());
  CHECK(conn->round_trip_count() == before);
}

TEST_CASE("pg execute_batch_and_commit ends the transaction in the same round trip", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  BatchSetup setup;
  auto& [db, conn, failures, record] = setup;
  auto other = pg_connect(db.url());
  conn->execute_script("INSERT INTO t VALUES (1)");
  Statement update{"UPDATE t SET x = $1 WHERE x = $2", {std::string("2"), std::string("1")}};
  update.expected_rows = 1;
  update.check_message = "expected one row";

  // BEGIN, the statements, the update checked by the server, and COMMIT: one round trip,
  // and another session sees the rows.
  size_t before = conn->round_trip_count();
  conn->begin();
  conn->execute_batch_and_commit({Statement{"INSERT INTO t VALUES (10)"}, update}, record);
  CHECK(conn->round_trip_count() - before == 1);
  CHECK(failures.empty());
  CHECK_FALSE(conn->in_transaction());
  CHECK(scalar(*other, "SELECT string_agg(x::text, ',' ORDER BY x) FROM t") == "2,10");

  // A count other than expected_rows fails the update, by index, with its check message;
  // the COMMIT is skipped and nothing of the batch is kept.
  conn->begin();
  CHECK_THROWS_AS(conn->execute_batch_and_commit({Statement{"INSERT INTO t VALUES (11)"}, update}, record),
                  DatabaseError);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].first == 1);
  CHECK(failures[0].second == "expected one row; another number found");
  CHECK(conn->in_transaction());
  conn->rollback();
  CHECK(scalar(*other, "SELECT string_agg(x::text, ',' ORDER BY x) FROM t") == "2,10");
  // Two matching rows fail as well: the count must be exact.
  failures.clear();
  conn->execute_script("INSERT INTO t VALUES (1), (1)");
  conn->begin();
  CHECK_THROWS_AS(conn->execute_batch_and_commit({update}, record), DatabaseError);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].second == "expected one row; another number found");
  conn->rollback();
  CHECK(scalar(*other, "SELECT count(*) FROM t WHERE x = 1") == "2");
  conn->execute_script("DELETE FROM t WHERE x = 1");

  // Any failing statement skips the COMMIT.
  failures.clear();
  conn->begin();
  CHECK_THROWS_AS(conn->execute_batch_and_commit({Statement{"INSERT INTO t VALUES (12)"},
                                                  Statement{"INSERT INTO nope VALUES (1)"}},
                                                 record),
                  DatabaseError);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].first == 1);
  conn->rollback();
  CHECK(scalar(*other, "SELECT count(*) FROM t") == "2");

  // A batch that ends with a statement of several commands commits after it, on its own.
  before = conn->round_trip_count();
  conn->begin();
  conn->execute_batch_and_commit({Statement{"INSERT INTO t VALUES (13)"},
                                  Statement{"INSERT INTO t VALUES (14); INSERT INTO t VALUES (15)"}},
                                 record);
  CHECK(conn->round_trip_count() - before == 3);
  CHECK_FALSE(conn->in_transaction());
  CHECK(scalar(*other, "SELECT count(*) FROM t") == "5");

  // A COMMIT that fails (a deferred constraint) is no statement's failure: it is thrown
  // as it is, and the transaction is over, with nothing kept.
  conn->execute_script(
      "CREATE TABLE p (id int PRIMARY KEY);"
      "CREATE TABLE ch (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED)");
  failures.clear();
  conn->begin();
  try {
    conn->execute_batch_and_commit({Statement{"INSERT INTO t VALUES (16)"}, Statement{"INSERT INTO ch VALUES (7)"}},
                                   record);
    FAIL("the deferred foreign key should fail the COMMIT");
  } catch (const DatabaseError& e) {
    CHECK(e.sqlstate() == "23503");
    CHECK(e.sql() == "COMMIT");
  }
  CHECK(failures.empty());
  CHECK_FALSE(conn->in_transaction());
  CHECK(scalar(*other, "SELECT count(*) FROM t") == "5");
}

TEST_CASE("pg pipelines prepare a Statement::prepare statement once per session", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  BatchSetup setup;
  auto& [db, conn, failures, record] = setup;
  auto insert = [](const std::string& table, int v) {
    Statement s{"INSERT INTO " + table + " VALUES ($1)", {std::to_string(v)}};
    s.prepare = true;
    return s;
  };
  // A prepare that fails is the statement's failure, and nothing is kept of it.
  conn->begin();
  CHECK_THROWS_AS(conn->execute_batch({insert("t", 0), insert("nope", 0)}, record), DatabaseError);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].first == 1);
  CHECK(failures[0].second.find("\"nope\"") != std::string::npos);
  conn->rollback();
  conn->execute_script("CREATE TABLE nope (x int)");
  // The same texts again and again, twice in one pipeline too: two prepared statements.
  for (int i = 1; i <= 5; ++i) {
    conn->begin();
    conn->execute_batch_and_commit({insert("t", i), insert("t", -i), insert("nope", i)}, record);
  }
  CHECK(failures.size() == 1);
  CHECK(scalar(*conn, "SELECT count(*) FROM pg_prepared_statements") == "2");
  CHECK(scalar(*conn, "SELECT count(*) FROM t") == "10");
  CHECK(scalar(*conn, "SELECT string_agg(x::text, ',' ORDER BY x) FROM nope") == "1,2,3,4,5");
}

TEST_CASE("pg advisory lock excludes a second session until released", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto a = pg_connect(db.url());
  auto b = pg_connect(db.url());
  const std::string key = std::to_string(PgConnection::kMigrationLockKey);
  auto try_lock = [&](PgConnection& c) {
    return scalar(c, "SELECT pg_try_advisory_lock(" + key + ")") == "t";
  };
  a->lock_for_migration();
  CHECK(a->holds_migration_lock());
  CHECK_FALSE(try_lock(*b));
  // Waiting gives up after the timeout with a DatabaseError (polls, never blocks).
  b->set_lock_timeout(std::chrono::milliseconds(300));
  CHECK_THROWS_AS(b->lock_for_migration(), DatabaseError);
  CHECK_FALSE(b->holds_migration_lock());
  // Re-entrant on the holder: one unlock per lock.
  a->lock_for_migration();
  a->unlock_for_migration();
  CHECK(a->holds_migration_lock());
  CHECK_FALSE(try_lock(*b));
  a->unlock_for_migration();
  CHECK_FALSE(a->holds_migration_lock());
  b->set_lock_timeout(std::chrono::seconds(30));
  b->lock_for_migration();
  CHECK(b->holds_migration_lock());
  CHECK_FALSE(try_lock(*a));
  b->unlock_for_migration();
  CHECK(try_lock(*a));
}

TEST_CASE("pg canonical_type of render_type equals the server's format_type", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  const char* types[] = {"integer",      "bigint",    "smallint",      "boolean",   "text",
                         "varchar(255)", "char(3)",   "numeric(10,2)", "numeric(7)", "real",
                         "double",       "date",      "time",          "timestamp", "timestamptz",
                         "blob",         "json",      "jsonb",         "uuid",      "bytea",
                         "integer[]",    "text[]",    "inet",          "interval",  "serial",
                         "bigserial",    "timestamp(3)", "varchar"};
  std::vector<std::string> defs;
  int i = 0;
  for (const char* t : types) defs.push_back("c" + std::to_string(i++) + " " + pg().render_type(t));
  conn->execute_script("CREATE TABLE types (" + util::join(defs, ", ") + ")");
  auto rows = conn->query_sql(
      "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
      "'types'::regclass AND attnum > 0 ORDER BY attnum");
  REQUIRE(rows.size() == std::size(types));
  for (size_t k = 0; k < rows.size(); ++k) {
    INFO(types[k] << " rendered " << pg().render_type(types[k]) << ", server says " << *rows[k][1]);
    CHECK(pg().canonical_type(types[k]) == pg().canonical_type(*rows[k][1]));
    CHECK(pg().canonical_type(pg().render_type(types[k])) == pg().canonical_type(*rows[k][1]));
  }
}

TEST_CASE("pg canonical_default equals the server's spelling of each default", "[pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  test::PgDatabase db;
  auto conn = pg_connect(db.url());
  struct Case {
    const char* type;
    const char* def;
  } cases[] = {
      {"varchar(20)", "'x'"},           {"text", "'active'"},
      {"integer", "0"},                 {"integer", "-1"},
      {"numeric(10,2)", "0"},           {"numeric(10,2)", "1.5"},
      {"boolean", "true"},              {"boolean", "FALSE"},
      {"timestamp", "CURRENT_TIMESTAMP"}, {"timestamptz", "now()"},
      {"date", "'2020-01-01'"},         {"jsonb", "'{}'"},
      {"double", "2.5"},                {"char(2)", "'ab'"},
      {"bigint", "42"},                 {"text", "lower('ABC')"},
      {"uuid", "'00000000-0000-0000-0000-000000000000'"},
  };
  std::vector<std::string> defs;
  int i = 0;
  for (const auto& c : cases)
    defs.push_back("c" + std::to_string(i++) + " " + pg().render_type(c.type) + " DEFAULT " + c.def);
  conn->execute_script("CREATE TABLE defaults (" + util::join(defs, ", ") + ")");
  MetaData md = conn->reflect({});
  const Table* t = md.find_table("defaults");
  REQUIRE(t);
  REQUIRE(t->columns.size() == std::size(cases));
  for (size_t k = 0; k < std::size(cases); ++k) {
    const Column& c = t->columns[k];
    REQUIRE(c.default_);
    INFO(cases[k].type << " DEFAULT " << cases[k].def << ", server says " << *c.default_);
    CHECK(pg().canonical_default(cases[k].def, cases[k].type) ==
          pg().canonical_default(*c.default_, c.type));
  }
}

}  // namespace
}  // namespace migrate
