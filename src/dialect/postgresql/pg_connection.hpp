// PgConnection: a libpq session behind migrate::Connection.
//
// Owns one PGconn (closed in the destructor). Not thread-safe. Every failure is a
// DatabaseError whose first line is "PostgreSQL error: <message> (SQLSTATE xxxxx)" and
// which carries the statement and the SQLSTATE. Every round trip to the server is
// counted (query_count()), so tests can prove reflection uses a fixed number of queries.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <migrate/dialect/connection.hpp>
#include <migrate/dialect/registry.hpp>

struct pg_conn;
struct pg_result;

namespace migrate {

/// Which tables one reflection pass reads (see pg_inspect.cpp).
struct PgReflectScope {
  std::vector<std::string> schemas;  // searched, in this order
  /// The schema reported as "" in Table::schema (models without schema compare clean);
  /// empty = none, every table keeps its schema name.
  std::string default_schema;
  std::optional<std::string> only_table;  // reflect just this table name
  std::string version_table;              // skipped with its files table ("" = none)
  std::vector<std::string> include_tables;
  std::vector<std::string> exclude_tables;
  bool others = true;  // views, sequences, enums, triggers, functions
};

class PgConnection : public Connection {
 public:
  /// Connects (see open_postgresql). Throws DatabaseError on failure.
  PgConnection(const DatabaseUrl& url, std::string display_url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  const Dialect& dialect() const override;
  void execute(const Statement& stmt) override;
  std::vector<Row> query(const Statement& stmt) override;
  void execute_script(const std::string& sql) override;
  /// One round trip for the whole batch (libpq pipeline mode), the BEGIN of a
  /// transaction just begun included. A statement holding several commands (an sql op)
  /// cannot be pipelined and runs on its own.
  void execute_batch(const std::vector<Statement>& stmts, const BatchFailure& failed) override;
  void execute_batch_and_commit(const std::vector<Statement>& stmts, const BatchFailure& failed) override;
  /// BEGIN is sent with the transaction's first statement rather than on its own.
  void begin() override;
  void commit() override;
  void rollback() override;
  bool in_transaction() const override;

  /// Session advisory lock on kMigrationLockKey, taken with pg_try_advisory_lock polled
  /// every 100 ms so that a waiter never blocks inside the server (a blocked waiter would
  /// deadlock with the holder's CREATE INDEX CONCURRENTLY). Re-entrant: nested calls
  /// count. Throws DatabaseError after lock_timeout() (10 minutes by default).
  void lock_for_migration() override;
  /// Releases one level of the lock; releases it on the server at depth 0.
  void unlock_for_migration() override;

  MetaData reflect(const ReflectOptions& options) override;
  std::optional<Table> reflect_table(const std::string& schema, const std::string& table) override;
  std::vector<Table> server_normalize(const std::vector<Table>& declared) override;
  /// The declared views' definitions as the server prints them (pg_get_viewdef, pretty),
  /// so that they compare with reflected views by meaning. Each view is created in a
  /// scratch schema inside a transaction (or savepoint) that is rolled back; tables
  /// resolve to the live schema. A view the server refuses (it reads a table or column
  /// not there yet), or one in a named schema, keeps its declared text.
  std::vector<View> server_normalize_views(const std::vector<View>& declared) override;
  bool table_exists(const std::string& schema, const std::string& table) override;
  std::string display_url() const override { return display_url_; }

  /// The schema a DDL script declares (a schema.sql models source): runs `sql` in a fresh
  /// scratch schema (first on the search_path, then public) inside a transaction that
  /// is always rolled back (a savepoint when one is open), and reflects that schema with
  /// reflect()'s code; tables come back without a schema. `options` filters as in
  /// reflect() (its schemas are ignored). Throws DatabaseError naming the failing
  /// statement when the script fails. Statements that cannot run in a transaction
  /// (CREATE INDEX CONCURRENTLY) fail.
  MetaData reflect_script(const std::string& sql, const ReflectOptions& options);
  /// The Connection hook: the same, statement by statement with retries (see
  /// Connection::reflect_script), in a scratch schema.
  MetaData reflect_script(const std::vector<ScriptStatement>& statements, const ReflectOptions& options,
                          std::vector<ScriptFailure>* failures) override;

  /// Statements sent to the server since the connection opened.
  size_t query_count() const { return query_count_; }
  /// Round trips in the strict sense: a pipelined batch counts once.
  size_t round_trip_count() const { return round_trips_; }
  /// How long lock_for_migration() waits before giving up.
  void set_lock_timeout(std::chrono::milliseconds timeout) { lock_timeout_ = timeout; }
  std::chrono::milliseconds lock_timeout() const { return lock_timeout_; }
  /// True while this session holds the migration lock.
  bool holds_migration_lock() const { return lock_depth_ > 0; }
  bool holds_exclusive_migration_lock() const override { return holds_migration_lock(); }

  /// query()/execute() of plain SQL text with bound parameters.
  std::vector<Row> query_sql(const std::string& sql,
                             const std::vector<std::optional<std::string>>& params = {});
  void exec_sql(const std::string& sql) { run(sql, {}); }

  /// One reflection pass with a fixed number of catalog queries (pg_inspect.cpp).
  MetaData reflect_scope(const PgReflectScope& scope);

  /// The advisory-lock key every migrate process agrees on ("migrate" in ASCII).
  static constexpr long long kMigrationLockKey = 0x6d696772617465LL;

 private:
  struct ResultDeleter {
    void operator()(pg_result* r) const;
  };
  using Result = std::unique_ptr<pg_result, ResultDeleter>;

  /// Runs `sql` (PQexec when there are no params, so several statements may be given;
  /// PQexecParams otherwise). Throws DatabaseError unless the command succeeded.
  Result run(const std::string& sql, const std::vector<std::optional<std::string>>& params);
  [[noreturn]] void fail(pg_result* result, const std::string& sql) const;
  /// execute_batch for stmts[begin, end).
  void run_batch(const std::vector<Statement>& stmts, size_t begin, size_t end, const BatchFailure& failed);
  /// execute_batch for stmts[begin, end), none of several commands: one pipeline. With
  /// `commit`, a COMMIT ends the pipeline and the server checks expected_rows.
  void run_pipeline(const std::vector<Statement>& stmts, size_t begin, size_t end, const BatchFailure& failed,
                    bool commit = false);
  /// Sends the BEGIN that begin() deferred, if any.
  void send_pending_begin();
  /// Throws when a command's result breaks the statement's checks
  /// (must_return_no_rows, expected_rows).
  static void check_result(pg_result* result, const Statement& stmt);
  static std::vector<Row> rows_of(pg_result* result);

  struct ConnDeleter {
    void operator()(pg_conn* c) const;
  };
  std::unique_ptr<pg_conn, ConnDeleter> conn_;
  std::string display_url_;
  size_t query_count_ = 0;
  size_t round_trips_ = 0;
  /// Statement::prepare statements prepared in this session: SQL text -> name.
  std::unordered_map<std::string, std::string> prepared_;
  size_t prepared_names_ = 0;  // names given so far, "migrate_1", ...
  int lock_depth_ = 0;
  bool begin_pending_ = false;
  std::chrono::milliseconds lock_timeout_{std::chrono::minutes(10)};
};

/// Whether `sql` may hold more than one command (then it cannot be pipelined): a ';'
/// outside quotes and comments with more than blanks and comments after it.
/// Conservative: a backslash in a string (E'' escapes), a '$' (dollar quoting) or a
/// nested comment also count, since a plain scan cannot be sure of them.
bool may_hold_several_commands(std::string_view sql);

/// Splits a PostgreSQL array literal in text form ("{a,\"b c\",NULL}") into its
/// elements (NULL becomes ""). Throws DatabaseError on malformed input.
std::vector<std::string> parse_pg_array(const std::string& text);
/// The text form of a text[] literal for binding ("{\"a\",\"b\"}").
std::string format_pg_array(const std::vector<std::string>& items);

}  // namespace migrate
