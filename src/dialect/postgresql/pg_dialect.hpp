// PgDialect: the PostgreSQL implementation of migrate::Dialect (private).
//
// Stateless. Its methods live in three files: pg_dialect.cpp (names, quoting, generated
// names), pg_types.cpp (types and canonical forms), pg_render.cpp (ops -> SQL).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <migrate/dialect/dialect.hpp>

namespace migrate {

class PgDialect : public Dialect {
 public:
  std::string_view name() const override { return "postgresql"; }
  Capabilities capabilities() const override;
  std::string quote_identifier(std::string_view ident) const override;
  std::string placeholder(int i) const override { return "$" + std::to_string(i); }

  std::string render_type(std::string_view model_type) const override;
  std::string canonical_type(std::string_view type) const override;
  std::string canonical_default(std::string_view expr, std::string_view type) const override;
  std::string canonical_expression(std::string_view expr) const override;
  bool is_generated_name(const Table& table, std::string_view name) const override;
  /// PostgreSQL's own choice (ChooseConstraintName/makeObjectName): <table>_pkey,
  /// <table>_<cols>_key, <table>_<cols>_fkey, <table>_<col>_check when the CHECK names
  /// exactly one column of the table, else <table>_check; the table and column parts are
  /// truncated so the whole fits in 63 bytes. The numeric suffix the server appends on a
  /// name collision cannot be known offline and is not added.
  std::string implicit_constraint_name(const Table& table, ConstraintKind kind,
                                       const std::vector<std::string>& columns,
                                       std::string_view check_sql) const override;

  std::vector<Statement> render(const Operation& op, const RenderContext& ctx) const override;
  std::vector<Statement> render_create_table(const Table& table) const override;

  /// One column definition as in CREATE TABLE / ADD COLUMN ("\"id\" INTEGER NOT NULL").
  std::string column_definition(const Column& column) const;
  /// "CONSTRAINT \"n\" FOREIGN KEY (...) REFERENCES ..." (no CONSTRAINT part when unnamed);
  /// `table_schema` qualifies the referenced table when the key names no schema.
  std::string foreign_key_clause(const ForeignKey& fk, const std::string& table_schema) const;
  std::string primary_key_clause(const PrimaryKey& pk) const;
  std::string unique_clause(const UniqueConstraint& uq) const;
  std::string check_clause(const CheckConstraint& ck) const;
  /// CREATE TYPE ... AS ENUM (...).
  std::string create_enum_sql(const std::string& schema, const std::string& name,
                              const std::vector<std::string>& values) const;
  /// RENAME VALUE / ADD VALUE (outside a transaction) statements, or the type rebuild
  /// when a value goes away or the order changes.
  std::vector<Statement> alter_enum_statements(const AlterEnum& op) const;
  /// " AS bigint INCREMENT BY ..." for CREATE SEQUENCE (only the options set) or ALTER
  /// SEQUENCE (every option, unset ones back to their defaults).
  std::string sequence_options(const Sequence& s, bool alter) const;
  /// CREATE [UNIQUE] INDEX ... ON schema.table [USING m] (...) [WHERE ...].
  std::string create_index_sql(const std::string& schema, const std::string& table,
                               const Index& index) const;
};

/// Normalises SQL text for comparison: lower case and single spaces outside quotes, no
/// spaces inside parentheses or before commas, one space after commas, outer parentheses
/// removed. String literals and quoted identifiers are kept verbatim.
std::string pg_normalize_sql(std::string_view sql);

}  // namespace migrate
