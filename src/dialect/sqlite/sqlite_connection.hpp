// SqliteConnection: a Connection over one sqlite3* handle (RAII; closed in the destructor).
//
// Not thread-safe. Every failing call throws DatabaseError whose what() is one line
// ("SQLite error: no such table: x (SQLITE_ERROR)"), sql() the statement and sqlstate()
// the result code name.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <migrate/dialect/connection.hpp>

struct sqlite3;
struct sqlite3_stmt;

namespace migrate::sqlite {

class SqliteConnection final : public Connection {
 public:
  /// Opens `path` (a file, created when absent, or ":memory:"). Throws DatabaseError.
  SqliteConnection(const std::string& path, std::string display_url);
  ~SqliteConnection() override;

  const Dialect& dialect() const override;
  /// Runs one statement with its bound parameters; SQL text without parameters may hold
  /// several statements, run in order.
  void execute(const Statement& stmt) override;
  std::vector<Row> query(const Statement& stmt) override;
  /// Runs a query and hands each row to `on_row` as it is stepped, collecting nothing
  /// (reflection builds its model from the rows as they come). `on_row` may move from
  /// the row.
  void for_each_row(const Statement& stmt, const std::function<void(Row&)>& on_row);
  /// Runs every statement of `sql`; an error names the failing statement.
  void execute_script(const std::string& sql) override;

  void begin() override;     // BEGIN IMMEDIATE
  void commit() override;    // on failure rolls back, then throws
  void rollback() override;  // a no-op outside a transaction
  bool in_transaction() const override;
  /// PRAGMA foreign_keys. Throws DatabaseError inside a transaction (SQLite would
  /// silently ignore it there).
  void set_foreign_keys(bool on) override;

  /// The schema in a fixed number of queries, whatever the number of tables.
  MetaData reflect(const ReflectOptions& options) override;
  std::optional<Table> reflect_table(const std::string& schema, const std::string& table) override;
  /// CREATE texts of every view, and of every trigger that is on `table`, on a view, or
  /// names `table` in its body, in sqlite_schema order: what a rebuild drops and recreates.
  std::vector<std::string> dependent_objects_sql(const std::string& schema,
                                                 const std::string& table) override;
  bool table_exists(const std::string& schema, const std::string& table) override;
  std::string display_url() const override { return display_url_; }

  /// Statements run so far (execute, query and each statement of a script): lets tests
  /// check that reflection issues a fixed number of queries.
  size_t query_count() const { return query_count_; }

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const;
  };
  // Runs every statement of `sql` (params bind to the first); passes each row to
  // `on_row` when given.
  void run(const Statement& stmt, const std::function<void(Row&)>* on_row);
  [[noreturn]] void fail(const std::string& sql, int rc) const;
  MetaData reflect_impl(const ReflectOptions& options, const std::string* only_table);

  std::unique_ptr<sqlite3, DbCloser> db_;
  std::string display_url_;
  size_t query_count_ = 0;
};

}  // namespace migrate::sqlite
