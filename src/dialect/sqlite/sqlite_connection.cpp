#include "dialect/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <migrate/error.hpp>

#include "dialect/sqlite/sqlite.hpp"
#include "dialect/sqlite/sqlite_dialect.hpp"
#include "dialect/sqlite/sqlite_sql_parser.hpp"
#include "util/strings.hpp"

namespace migrate {

std::unique_ptr<Connection> open_sqlite(const std::string& path, const std::string& display_url) {
  return std::make_unique<sqlite::SqliteConnection>(path, display_url);
}

namespace sqlite {

namespace {

constexpr int kBusyTimeoutMs = 30000;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// The name of a result code's primary code ("SQLITE_CONSTRAINT").
std::string code_name(int rc) {
  switch (rc & 0xff) {
    case SQLITE_ERROR: return "SQLITE_ERROR";
    case SQLITE_INTERNAL: return "SQLITE_INTERNAL";
    case SQLITE_PERM: return "SQLITE_PERM";
    case SQLITE_ABORT: return "SQLITE_ABORT";
    case SQLITE_BUSY: return "SQLITE_BUSY";
    case SQLITE_LOCKED: return "SQLITE_LOCKED";
    case SQLITE_NOMEM: return "SQLITE_NOMEM";
    case SQLITE_READONLY: return "SQLITE_READONLY";
    case SQLITE_INTERRUPT: return "SQLITE_INTERRUPT";
    case SQLITE_IOERR: return "SQLITE_IOERR";
    case SQLITE_CORRUPT: return "SQLITE_CORRUPT";
    case SQLITE_NOTFOUND: return "SQLITE_NOTFOUND";
    case SQLITE_FULL: return "SQLITE_FULL";
    case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN";
    case SQLITE_PROTOCOL: return "SQLITE_PROTOCOL";
    case SQLITE_SCHEMA: return "SQLITE_SCHEMA";
    case SQLITE_TOOBIG: return "SQLITE_TOOBIG";
    case SQLITE_CONSTRAINT: return "SQLITE_CONSTRAINT";
    case SQLITE_MISMATCH: return "SQLITE_MISMATCH";
    case SQLITE_MISUSE: return "SQLITE_MISUSE";
    case SQLITE_RANGE: return "SQLITE_RANGE";
    case SQLITE_NOTADB: return "SQLITE_NOTADB";
    default: return "SQLITE_" + std::to_string(rc);
  }
}

// Reads the current row of `s` into `row`, reusing the strings it already holds.
void read_row(sqlite3_stmt* s, Row& row) {
  row.resize(static_cast<size_t>(sqlite3_column_count(s)));
  for (size_t i = 0; i < row.size(); ++i) {
    int col = static_cast<int>(i);
    if (sqlite3_column_type(s, col) == SQLITE_NULL) {
      row[i].reset();
      continue;
    }
    const char* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
    size_t n = static_cast<size_t>(sqlite3_column_bytes(s, col));
    if (!p) n = 0;  // out of memory converting to text: as before, an empty string
    if (row[i])
      row[i]->assign(p ? p : "", n);
    else
      row[i].emplace(p ? p : "", n);
  }
}

// The first statement of a script (up to its first top-level ';'): what an error names
// when preparing failed and SQLite did not say where the statement ends.
std::string first_statement(std::string_view sql) {
  for (const auto& t : tokenize(sql))
    if (t.kind == TokenKind::semicolon) return std::string(sql.substr(0, t.begin));
  return std::string(sql);
}

}  // namespace

void SqliteConnection::DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteConnection::SqliteConnection(const std::string& path, std::string display_url)
    : display_url_(std::move(display_url)) {
  sqlite3* raw = nullptr;
  // NOMUTEX: a connection is used by one thread (see the header), so SQLite need not lock
  // its mutex around every call; on reflection's many column reads that was 4% of check.
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  db_.reset(raw);  // even a failed open allocates a handle that must be closed
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    throw DatabaseError("SQLite error: cannot open " + display_url_ + ": " + msg + " (" +
                            code_name(rc) + ")",
                        "", code_name(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
}

SqliteConnection::~SqliteConnection() = default;

const Dialect& SqliteConnection::dialect() const { return sqlite_dialect(); }

void SqliteConnection::fail(const std::string& sql, int rc) const {
  std::string msg = sqlite3_errmsg(db_.get());
  throw DatabaseError("SQLite error: " + msg + " (" + code_name(rc) + ")", util::trim(sql),
                      code_name(rc));
}

void SqliteConnection::run(const Statement& stmt, const std::function<void(Row&)>* on_row) {
  const char* tail = stmt.sql.c_str();
  const char* end = tail + stmt.sql.size();
  bool first = true;
  Row row;
  while (tail < end) {
    const char* start = tail;
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), start, static_cast<int>(end - start), &raw, &tail);
    StmtPtr s(raw);
    std::string text(start, static_cast<size_t>(tail - start));
    if (rc != SQLITE_OK) fail(first_statement(std::string_view(start, static_cast<size_t>(end - start))), rc);
    if (!s) continue;  // only whitespace or comments were left
    ++query_count_;
    if (first) {
      for (size_t i = 0; i < stmt.params.size(); ++i) {
        int idx = static_cast<int>(i) + 1;
        rc = stmt.params[i] ? sqlite3_bind_text(s.get(), idx, stmt.params[i]->c_str(),
                                                static_cast<int>(stmt.params[i]->size()),
                                                SQLITE_TRANSIENT)
                            : sqlite3_bind_null(s.get(), idx);
        if (rc != SQLITE_OK) fail(text, rc);
      }
    }
    first = false;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      read_row(s.get(), row);
      if (stmt.must_return_no_rows) fail_no_rows_check(stmt, row, util::trim(text));
      if (on_row) (*on_row)(row);
    }
    if (rc != SQLITE_DONE) fail(text, rc);
  }
  // The row count of the last INSERT, UPDATE or DELETE run.
  if (stmt.expected_rows)
    check_changed_rows(stmt, static_cast<size_t>(sqlite3_changes64(db_.get())), util::trim(stmt.sql));
}

void SqliteConnection::execute(const Statement& stmt) { run(stmt, nullptr); }

std::vector<Row> SqliteConnection::query(const Statement& stmt) {
  std::vector<Row> rows;
  std::function<void(Row&)> collect = [&rows](Row& row) { rows.push_back(std::move(row)); };
  run(stmt, &collect);
  return rows;
}

void SqliteConnection::for_each_row(const Statement& stmt, const std::function<void(Row&)>& on_row) {
  run(stmt, &on_row);
}

void SqliteConnection::execute_script(const std::string& sql) { run(make_statement(sql, {}), nullptr); }

void SqliteConnection::begin() { execute(make_statement("BEGIN IMMEDIATE", {})); }

void SqliteConnection::commit() {
  try {
    execute(make_statement("COMMIT", {}));
  } catch (const DatabaseError&) {
    // A COMMIT refused (deferred foreign keys, busy) leaves the transaction open.
    if (in_transaction()) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SqliteConnection::rollback() {
  if (in_transaction()) execute(make_statement("ROLLBACK", {}));
}

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

void SqliteConnection::set_foreign_keys(bool on) {
  std::string sql = on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF";
  if (in_transaction())
    throw DatabaseError("SQLite error: PRAGMA foreign_keys cannot change inside a transaction", sql,
                        "SQLITE_MISUSE");
  execute(make_statement(sql, {}));
}

bool SqliteConnection::table_exists(const std::string& /*schema*/, const std::string& table) {
  auto rows = query(make_statement(
      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND lower(name) = lower(?)", {table}));
  return !rows.empty();
}

}  // namespace sqlite
}  // namespace migrate
