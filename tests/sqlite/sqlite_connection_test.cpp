// The connection: statements, parameters, checks, errors, transactions, pragmas.
#include <catch2/catch.hpp>

#include <migrate/error.hpp>

#include "support/support.hpp"
#include "sqlite_test_util.hpp"

namespace mt = migrate::test;
using migrate::sqlite::make_statement;

TEST_CASE("execute binds text and NULL parameters", "[sqlite][connection]") {
  auto conn = mt::open_memory("CREATE TABLE t (a TEXT, b TEXT)");
  conn->execute(make_statement("INSERT INTO t VALUES (?, ?)", {std::string("it's"), std::nullopt}));
  auto rows = conn->query(make_statement("SELECT a, b, typeof(b) FROM t"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][0] == std::optional<std::string>("it's"));
  CHECK_FALSE(rows[0][1]);
  CHECK(rows[0][2] == std::optional<std::string>("null"));
  CHECK(mt::scalar(*conn, "SELECT count(*) FROM t") == "1");
}

TEST_CASE("execute runs every statement of a parameterless text", "[sqlite][connection]") {
  auto conn = mt::open_memory();
  conn->execute(make_statement("CREATE TABLE a (x); CREATE TABLE b (y);  -- trailing comment\n"));
  CHECK(conn->table_exists("", "a"));
  CHECK(conn->table_exists("", "b"));
}

TEST_CASE("a failing statement throws DatabaseError carrying the SQL", "[sqlite][connection]") {
  auto conn = mt::open_memory();
  try {
    conn->execute(make_statement("SELECT * FROM missing_table"));
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()) == "SQLite error: no such table: missing_table (SQLITE_ERROR)");
    CHECK(e.sql() == "SELECT * FROM missing_table");
    CHECK(e.sqlstate() == "SQLITE_ERROR");
  }
  conn->execute_script("CREATE TABLE t (a NOT NULL)");
  try {
    conn->execute(make_statement("INSERT INTO t VALUES (NULL)"));
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("NOT NULL constraint failed: t.a") != std::string::npos);
    CHECK(e.sqlstate() == "SQLITE_CONSTRAINT");
  }
}

TEST_CASE("execute_script names the failing statement", "[sqlite][connection]") {
  auto conn = mt::open_memory();
  try {
    conn->execute_script("CREATE TABLE ok (a);\nINSERT INTO nope VALUES (1);\nCREATE TABLE never (b);");
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(e.sql() == "INSERT INTO nope VALUES (1)");
  }
  CHECK(conn->table_exists("", "ok"));
  CHECK_FALSE(conn->table_exists("", "never"));
  try {
    conn->execute_script("CREATE TABLE x (a);\nCREATE TABL y (b); CREATE TABLE z (c);");
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(e.sql() == "CREATE TABL y (b)");
  }
}

TEST_CASE("must_return_no_rows fails with the check message and the first row", "[sqlite][connection]") {
  auto conn = mt::open_memory("CREATE TABLE t (a); INSERT INTO t VALUES (7);");
  auto s = make_statement("SELECT a, NULL FROM t");
  s.must_return_no_rows = true;
  s.check_message = "t must be empty";
  try {
    conn->execute(s);
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()) == "t must be empty (first row: 7, NULL)");
    CHECK(e.sql() == "SELECT a, NULL FROM t");
  }
  s.sql = "SELECT a FROM t WHERE a = 8";
  CHECK_NOTHROW(conn->execute(s));
}

TEST_CASE("expected_rows fails a statement that changes another number of rows", "[sqlite][connection]") {
  auto conn = mt::open_memory("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x'), ('y')");
  migrate::Statement update = make_statement("UPDATE t SET a = 'z' WHERE a = ?", {std::string("x")});
  update.expected_rows = 1;
  update.check_message = "expected one row";
  CHECK_NOTHROW(conn->execute(update));
  update.params = {std::string("nope")};
  try {
    conn->execute(update);
    FAIL("an update of no row passed");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()) == "expected one row; 0 found");
  }
  // execute_batch stops at the failing statement and reports its index.
  std::vector<size_t> failed;
  conn->begin();
  CHECK_THROWS_AS(conn->execute_batch({make_statement("INSERT INTO t VALUES ('w')"), update,
                                       make_statement("INSERT INTO t VALUES ('v')")},
                                      [&](size_t i, const migrate::DatabaseError& e) {
                                        failed.push_back(i);
                                        throw e;
                                      }),
                  migrate::DatabaseError);
  CHECK(failed == std::vector<size_t>{1});
  CHECK(mt::scalar(*conn, "SELECT count(*) FROM t WHERE a IN ('w', 'v')") == "1");
  conn->rollback();
}

TEST_CASE("transactions commit and roll back", "[sqlite][connection]") {
  auto conn = mt::open_memory("CREATE TABLE t (a)");
  CHECK_FALSE(conn->in_transaction());
  conn->begin();
  CHECK(conn->in_transaction());
  conn->execute(make_statement("INSERT INTO t VALUES (1)"));
  conn->rollback();
  CHECK_FALSE(conn->in_transaction());
  CHECK(mt::scalar(*conn, "SELECT count(*) FROM t") == "0");
  {
    migrate::Transaction tx(*conn);
    conn->execute(make_statement("INSERT INTO t VALUES (1)"));
    tx.commit();
  }
  CHECK(mt::scalar(*conn, "SELECT count(*) FROM t") == "1");
  {
    migrate::Transaction tx(*conn);
    conn->execute(make_statement("CREATE TABLE t2 (a)"));
  }  // rolled back: SQLite DDL is transactional
  CHECK_FALSE(conn->table_exists("", "t2"));
  CHECK_NOTHROW(conn->rollback());  // no-op outside a transaction
}

TEST_CASE("a COMMIT refused by a deferred foreign key leaves no open transaction", "[sqlite][connection]") {
  auto conn = mt::open_memory(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (pid INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);");
  conn->set_foreign_keys(true);
  CHECK(mt::scalar(*conn, "PRAGMA foreign_keys") == "1");
  conn->begin();
  conn->execute(make_statement("INSERT INTO c VALUES (42)"));
  CHECK_THROWS_AS(conn->commit(), migrate::DatabaseError);
  CHECK_FALSE(conn->in_transaction());
  CHECK(mt::scalar(*conn, "SELECT count(*) FROM c") == "0");
}

TEST_CASE("set_foreign_keys is refused inside a transaction", "[sqlite][connection]") {
  auto conn = mt::open_memory();
  CHECK(mt::scalar(*conn, "PRAGMA foreign_keys") == "0");
  conn->begin();
  CHECK_THROWS_AS(conn->set_foreign_keys(true), migrate::DatabaseError);
  conn->rollback();
  conn->set_foreign_keys(true);
  CHECK(mt::scalar(*conn, "PRAGMA foreign_keys") == "1");
  conn->set_foreign_keys(false);
  CHECK(mt::scalar(*conn, "PRAGMA foreign_keys") == "0");
}

TEST_CASE("open_sqlite creates the file and BEGIN IMMEDIATE takes the write lock", "[sqlite][connection]") {
  mt::TempDir dir;
  std::string path = dir.file("app.db");
  auto a = migrate::open_sqlite(path, "sqlite:///app.db");
  CHECK(a->display_url() == "sqlite:///app.db");
  CHECK(&a->dialect() == &migrate::sqlite_dialect());
  a->execute_script("CREATE TABLE t (x)");
  auto b = std::make_unique<migrate::sqlite::SqliteConnection>(path, "b");
  b->execute(make_statement("PRAGMA busy_timeout = 0"));  // fail at once instead of waiting 30 s
  a->begin();
  try {
    b->begin();
    FAIL("second writer got the lock");
  } catch (const migrate::DatabaseError& e) {
    CHECK(e.sqlstate() == "SQLITE_BUSY");
  }
  a->commit();
  CHECK_NOTHROW(b->begin());
  b->rollback();
}

TEST_CASE("open_sqlite on an impossible path throws DatabaseError naming the URL", "[sqlite][connection]") {
  try {
    migrate::open_sqlite("/nonexistent-dir/x/y.db", "sqlite:////nonexistent-dir/x/y.db");
    FAIL("no error");
  } catch (const migrate::DatabaseError& e) {
    CHECK(std::string(e.what()).find("sqlite:////nonexistent-dir/x/y.db") != std::string::npos);
    CHECK(e.sqlstate() == "SQLITE_CANTOPEN");
  }
}
