// Connection: an open database session, behind one interface for every dialect.
//
// Not thread-safe: one connection per thread. Closing happens in the destructor. Every
// failure is a DatabaseError carrying the SQL and the SQLSTATE / result code.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <migrate/dialect/dialect.hpp>
#include <migrate/error.hpp>
#include <migrate/model/metadata.hpp>

namespace migrate {

using Row = std::vector<std::optional<std::string>>;

/// The table beside the version table that records the SHA-256 of each applied migration
/// file: "<version table>_files" (DESIGN.md §8).
inline std::string version_files_table_name(const std::string& version_table) { return version_table + "_files"; }

struct ReflectOptions {
  /// The version table: never part of the reflected schema, and neither is its files
  /// table (version_files_table_name).
  std::string version_table = "migrate_version";
  /// Schemas to reflect (PostgreSQL); empty = the default schema ("public").
  std::vector<std::string> schemas;
  /// Tables never reflected; glob patterns allowed.
  std::vector<std::string> exclude_tables;
  /// When non-empty, only tables matching one of these globs.
  std::vector<std::string> include_tables;
};

/// One statement of a DDL script (a schema.sql models source), with where it came from.
struct ScriptStatement {
  std::string sql;
  std::string file;
  int line = 0;
};
struct ScriptFailure {
  ScriptStatement statement;
  std::string error;  // the database's message
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual const Dialect& dialect() const = 0;

  /// Runs a statement. Throws DatabaseError (with the SQL) on failure, or when
  /// stmt.must_return_no_rows and rows came back.
  virtual void execute(const Statement& stmt) = 0;
  /// Runs a query and returns every row as text (NULL = nullopt).
  virtual std::vector<Row> query(const Statement& stmt) = 0;
  /// Runs several statements given as one SQL text (schema.sql loading, ExecuteSql).
  virtual void execute_script(const std::string& sql) = 0;

  /// Called by execute_batch with the index of the statement that failed and its error;
  /// it must throw.
  using BatchFailure = std::function<void(size_t index, const DatabaseError& error)>;
  /// Runs the statements in order, each as execute() would, and stops at the first that
  /// fails, which goes to `failed`. PostgreSQL sends them together (libpq pipeline mode):
  /// a migration step costs one round trip to the server, not one per statement. Used
  /// inside a transaction (outside one, PostgreSQL runs a batch as one transaction).
  virtual void execute_batch(const std::vector<Statement>& stmts, const BatchFailure& failed);
  /// execute_batch(stmts, failed), then commit(): the last statements of the open
  /// transaction and its end. PostgreSQL sends the COMMIT in the same pipeline, so a
  /// migration step is one round trip; the server then checks expected_rows (see
  /// Statement), since the client cannot stop a COMMIT it has already sent. When a
  /// statement fails, nothing is committed and the transaction is left for rollback().
  virtual void execute_batch_and_commit(const std::vector<Statement>& stmts, const BatchFailure& failed);

  /// Transactions. begin() takes the write lock at once where the database has one
  /// (SQLite BEGIN IMMEDIATE), so that re-checks done inside are authoritative.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;

  /// Sets foreign-key enforcement where the dialect can switch it (SQLite; must be called
  /// outside a transaction). A no-op elsewhere.
  virtual void set_foreign_keys(bool on) { (void)on; }

  /// Takes the run-wide migration lock (PostgreSQL: advisory lock, try-lock and poll).
  /// A no-op where per-step transactions are the lock (SQLite).
  virtual void lock_for_migration() {}
  virtual void unlock_for_migration() {}
  /// True while this connection holds a lock that keeps every other migrate process out
  /// (PostgreSQL's advisory lock). The runner then need not re-read the version rows in
  /// each step. False where no such lock exists (SQLite).
  virtual bool holds_exclusive_migration_lock() const { return false; }

  /// Reads the schema. The version table is never part of the result.
  virtual MetaData reflect(const ReflectOptions& options) = 0;
  /// One table, or nullopt when absent (used by SQLite rebuilds online).
  virtual std::optional<Table> reflect_table(const std::string& schema, const std::string& table) = 0;
  /// The SQL of triggers and views that depend on a table (SQLite rebuilds recreate them).
  virtual std::vector<std::string> dependent_objects_sql(const std::string& schema,
                                                         const std::string& table) {
    (void)schema;
    (void)table;
    return {};
  }

  /// The declared tables as this database reports them once created: types, defaults,
  /// CHECK, index and partial-index expressions in the server's own spelling. Done by
  /// creating them in a scratch schema inside a transaction that is rolled back, and
  /// reflecting them with the same code as reflect(). Compare calls this only for
  /// tables whose expressions differ in text from the live ones. Dialects whose pure
  /// canonical forms suffice return the input unchanged (the default).
  virtual std::vector<Table> server_normalize(const std::vector<Table>& declared) {
    return declared;
  }

  /// The schema a DDL script declares, without leaving anything behind: the statements
  /// run in a transaction that is rolled back (PostgreSQL: in a fresh scratch schema;
  /// SQLite: call it on an in-memory database). A statement that fails (say, on a table it
  /// references that a later statement creates) is retried after the others, until no
  /// statement makes progress; those that never succeed are returned in *failures with
  /// the database's message. The result is reflected with reflect()'s code.
  virtual MetaData reflect_script(const std::vector<ScriptStatement>& statements,
                                  const ReflectOptions& options,
                                  std::vector<ScriptFailure>* failures);

  /// The declared views as this database spells their definitions once created (same
  /// scratch approach as server_normalize). Default: unchanged.
  virtual std::vector<View> server_normalize_views(const std::vector<View>& declared) { return declared; }

  /// Whether a table exists (the version table check).
  virtual bool table_exists(const std::string& schema, const std::string& table) = 0;

  /// The URL with the password masked ("postgresql://user:***@host/db").
  virtual std::string display_url() const = 0;

 protected:
  /// The check of Statement::expected_rows, once the statement changed `changed` rows:
  /// throws DatabaseError "<check_message>; <changed> found" (with `sql`) on a mismatch.
  static void check_changed_rows(const Statement& stmt, size_t changed, const std::string& sql);
  /// The failure of that check, `found` saying what was found instead ("0", or "another
  /// number" when the server counted): DatabaseError "<check_message>; <found> found".
  [[noreturn]] static void fail_row_count(const Statement& stmt, const std::string& found, const std::string& sql);
  /// The check of Statement::must_return_no_rows, once `first_row` came back: throws
  /// DatabaseError "<check_message> (first row: a, NULL)" (with `sql`).
  [[noreturn]] static void fail_no_rows_check(const Statement& stmt, const Row& first_row, const std::string& sql);
  /// Runs the statements inside the open transaction, each under a savepoint, retrying
  /// failures until no progress (the core of reflect_script).
  void run_script_statements(const std::vector<ScriptStatement>& statements,
                             std::vector<ScriptFailure>* failures);
};

/// RAII transaction: begins on construction, rolls back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& conn) : conn_(conn) { conn_.begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        conn_.rollback();
      } catch (...) {
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    conn_.commit();
    done_ = true;
  }

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace migrate
