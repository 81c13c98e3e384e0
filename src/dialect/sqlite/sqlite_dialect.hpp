// The SQLite Dialect: quoting, type and default spellings, op rendering (native ALTER
// where SQLite has it, the 12-step table rebuild otherwise). Stateless.
#pragma once

#include <migrate/dialect/dialect.hpp>

namespace migrate::sqlite {

class SqliteDialect final : public Dialect {
 public:
  std::string_view name() const override { return "sqlite"; }
  Capabilities capabilities() const override;
  std::string quote_identifier(std::string_view ident) const override;
  std::string placeholder(int i) const override;
  std::string render_type(std::string_view model_type) const override;
  std::string canonical_type(std::string_view type) const override;
  std::string canonical_default(std::string_view expr, std::string_view type) const override;
  std::string canonical_expression(std::string_view expr) const override;
  bool is_generated_name(const Table& table, std::string_view name) const override;
  // sqlite_render.cpp
  std::vector<Statement> render(const Operation& op, const RenderContext& ctx) const override;
  std::vector<Statement> render_create_table(const Table& table) const override;
};

/// A Statement from its SQL and bound parameters (the other fields at their defaults).
inline Statement make_statement(std::string sql, std::vector<std::optional<std::string>> params = {}) {
  Statement s;
  s.sql = std::move(sql);
  s.params = std::move(params);
  return s;
}

/// True when `expr` may be written bare after DEFAULT: a number (optionally signed), a
/// string or blob literal, NULL, TRUE, FALSE, CURRENT_TIME/DATE/TIMESTAMP.
bool is_default_literal(std::string_view expr);
/// True when `expr` is a constant ADD COLUMN accepts: a literal other than CURRENT_*.
bool is_constant_default(std::string_view expr);

}  // namespace migrate::sqlite
