// The schema model: tables, their columns, keys, constraints and indexes.
//
// Pure data with value semantics, no database code. The same types describe the
// declared schema (models.toml, schema.sql) and the reflected one (a live database); a
// dialect's hooks decide when two spellings mean the same thing (see dialect.hpp).
//
// Conventions:
// - An empty `name` on a constraint or index means "unnamed" (the database or the naming
//   convention chooses one).
// - Types and defaults are SQL text as written or as reflected; they are compared through
//   Dialect::canonical_type / canonical_default, never as raw strings.
// - Foreign-key actions are kept upper case ("CASCADE", "SET NULL", "SET DEFAULT",
//   "RESTRICT"); an empty string means the default, NO ACTION.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace migrate {

struct Column {
  std::string name;
  std::string type;                    // e.g. "integer", "varchar(255)", as written
  bool nullable = true;
  std::optional<std::string> default_; // SQL expression, e.g. "'active'", "CURRENT_TIMESTAMP"
  bool autoincrement = false;          // SQLite AUTOINCREMENT / PostgreSQL serial-like identity
  std::optional<std::string> identity; // PostgreSQL: "always" or "by default"
  std::optional<std::string> generated;// generated column expression
  bool generated_stored = false;
  std::optional<std::string> collation;
  std::optional<std::string> comment;
  std::optional<std::string> renamed_from;  // models only: rename hint

  bool operator==(const Column& o) const;
  bool operator!=(const Column& o) const { return !(*this == o); }
};

struct PrimaryKey {
  std::string name;
  std::vector<std::string> columns;
  bool operator==(const PrimaryKey& o) const { return name == o.name && columns == o.columns; }
  bool empty() const { return columns.empty(); }
};

struct UniqueConstraint {
  std::string name;
  std::vector<std::string> columns;
  std::optional<std::string> renamed_from;
  bool operator==(const UniqueConstraint& o) const {
    return name == o.name && columns == o.columns;
  }
};

struct CheckConstraint {
  std::string name;
  std::string sql;  // the boolean expression, without CHECK ( )
  std::optional<std::string> renamed_from;
  bool operator==(const CheckConstraint& o) const { return name == o.name && sql == o.sql; }
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;  // empty: same schema as the table
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string on_delete;   // "" = NO ACTION
  std::string on_update;
  bool deferrable = false;
  bool initially_deferred = false;
  std::optional<std::string> renamed_from;
  bool operator==(const ForeignKey& o) const;
};

struct Index {
  std::string name;
  // Each element is a column name or, when it is not a plain identifier, an SQL
  // expression ("lower(email)", "created_at DESC") rendered verbatim.
  std::vector<std::string> columns;
  bool unique = false;
  std::optional<std::string> where;  // partial index predicate
  std::string method;                // PostgreSQL access method; "" = btree
  std::optional<std::string> renamed_from;
  bool operator==(const Index& o) const;
};

struct Table {
  std::string schema;  // empty: the dialect's default schema
  std::string name;
  std::vector<Column> columns;
  PrimaryKey primary_key;
  std::vector<UniqueConstraint> uniques;
  std::vector<CheckConstraint> checks;
  std::vector<ForeignKey> foreign_keys;
  std::vector<Index> indexes;
  std::optional<std::string> comment;
  std::optional<std::string> renamed_from;  // models only: rename hint
  bool without_rowid = false;               // SQLite
  bool strict = false;                      // SQLite

  /// The column with this name, or nullptr.
  const Column* find_column(const std::string& column) const;
  Column* find_column(const std::string& column);
  const Index* find_index(const std::string& index) const;
  /// "schema.name" when a schema is set, else "name".
  std::string qualified_name() const;

  bool operator==(const Table& o) const;
  bool operator!=(const Table& o) const { return !(*this == o); }
};

/// True when `s` is a plain identifier ([A-Za-z_][A-Za-z0-9_$]*), i.e. an index element
/// that names a column rather than an expression.
bool is_plain_identifier(const std::string& s);

}  // namespace migrate
