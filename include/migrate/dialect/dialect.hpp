// Dialect: everything that differs between databases, behind one interface.
//
// A dialect knows its SQL: how to quote, how to spell types, how to render an op, and
// which of two spellings of a type or default mean the same thing. It holds no
// connection and is stateless; one instance per dialect lives for the whole program
// (see registry.hpp). Nothing outside src/dialect/<name>/ knows a dialect's SQL.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <migrate/model/metadata.hpp>
#include <migrate/ops/operation.hpp>

namespace migrate {

/// One SQL statement with bound parameters. The only type that carries SQL text.
struct Statement {
  std::string sql;
  std::vector<std::optional<std::string>> params;  // bound in order; nullopt = NULL
  /// The statement is a check (e.g. PRAGMA foreign_key_check): if it returns any row,
  /// execution fails with DatabaseError naming `check_message` and the first row.
  bool must_return_no_rows = false;
  std::string check_message;
  /// The statement must change exactly this many rows (the version-table updates, which
  /// so prove that the database was at the revision they replace); otherwise execution
  /// fails with DatabaseError "<check_message>; <n> found". Only for a plain INSERT,
  /// UPDATE or DELETE without RETURNING: PostgreSQL's execute_batch_and_commit wraps it
  /// in `WITH changed AS (... RETURNING 1)` to have the server check the count.
  std::optional<size_t> expected_rows;
  /// Must run outside a transaction (CREATE INDEX CONCURRENTLY, ...).
  bool no_transaction = false;
  /// Sent once per migration with other values (the version-table statements): a
  /// PostgreSQL pipeline prepares it once per session under a name, then only binds the
  /// values, which saves the server a parse and a plan per migration.
  bool prepare = false;
};

struct Capabilities {
  bool transactional_ddl = true;
  bool alter_column_type = true;    // native ALTER COLUMN ... TYPE
  bool schemas = false;             // has named schemas
  bool comments = false;            // COMMENT ON
  bool concurrent_index = false;
  bool enums = false;      // CREATE TYPE ... AS ENUM
  bool sequences = false;  // CREATE SEQUENCE
  /// render() reads the database as it stands before the op (SQLite rebuilds reflect
  /// their table), so each op must run before the next is rendered. Otherwise a
  /// migration step can be rendered whole and sent as one batch.
  bool render_reads_database = false;
};

/// What a renderer may ask about the schema as it stands before an op (SQLite rebuilds
/// need the table's full definition). Online this reflects the database; offline it is
/// the schema obtained by replaying the migration files.
struct RenderContext {
  std::function<std::optional<Table>(const std::string& schema, const std::string& table)>
      current_table;
  /// The whole schema (views and triggers that a rebuild must recreate).
  std::function<std::vector<std::string>(const std::string& schema, const std::string& table)>
      dependent_objects_sql;
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  /// "sqlite" or "postgresql": the key of ExecuteSql::per_dialect, the URL scheme.
  virtual std::string_view name() const = 0;
  virtual Capabilities capabilities() const = 0;

  /// An identifier quoted for this dialect ("users" -> "\"users\"").
  virtual std::string quote_identifier(std::string_view ident) const = 0;
  /// "schema"."table", or just "table" when schema is empty.
  std::string quote_qualified(std::string_view schema, std::string_view name) const;
  /// A string literal ('it''s'), for offline SQL only; online SQL binds values.
  virtual std::string quote_literal(std::string_view value) const;
  /// Placeholder for the i-th (1-based) bound parameter: "?" or "$1".
  virtual std::string placeholder(int i) const = 0;

  /// The spelling of a models.toml type in this dialect's DDL ("double" -> "DOUBLE PRECISION").
  virtual std::string render_type(std::string_view model_type) const = 0;
  /// A canonical form such that two types compare equal exactly when they mean the same
  /// to this database (case, spacing, synonyms: "character varying(5)" == "varchar(5)").
  virtual std::string canonical_type(std::string_view type) const = 0;
  /// A canonical form of a default expression for comparison (outer parentheses,
  /// casts, case of keywords). `type` is the column's type.
  virtual std::string canonical_default(std::string_view expr, std::string_view type) const = 0;
  /// Canonical CHECK / partial-index expression for comparison.
  virtual std::string canonical_expression(std::string_view expr) const = 0;
  /// The name the database gives an unnamed constraint/index when it reports it (or ""
  /// when it reports none): used so reflected generated names never show as differences.
  virtual bool is_generated_name(const Table& table, std::string_view name) const = 0;

  /// The name this database gives a constraint created without one (PostgreSQL:
  /// "users_email_key", "users_org_id_fkey", ...), or "" when it keeps such constraints
  /// unnamed (SQLite). Compare names the constraints it creates with it, so that their
  /// downgrade can drop them by name.
  virtual std::string implicit_constraint_name(const Table& table, ConstraintKind kind,
                                               const std::vector<std::string>& columns,
                                               std::string_view check_sql) const {
    (void)table;
    (void)kind;
    (void)columns;
    (void)check_sql;
    return {};
  }

  /// The statements that perform `op`. May throw UnsupportedError.
  virtual std::vector<Statement> render(const Operation& op, const RenderContext& ctx) const = 0;

  /// The CREATE TABLE statement of a table (used by inspect --format sql and create_table).
  virtual std::vector<Statement> render_create_table(const Table& table) const = 0;
};

}  // namespace migrate
