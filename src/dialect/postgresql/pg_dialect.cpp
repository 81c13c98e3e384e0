#include "dialect/postgresql/pg_dialect.hpp"

#include <cctype>

#include "dialect/postgresql/postgresql.hpp"
#include "util/strings.hpp"

namespace migrate {

const Dialect& postgresql_dialect() {
  static const PgDialect dialect;
  return dialect;
}

Capabilities PgDialect::capabilities() const {
  Capabilities c;
  c.transactional_ddl = true;
  c.alter_column_type = true;
  c.schemas = true;
  c.comments = true;
  c.concurrent_index = true;
  return c;
}

std::string PgDialect::quote_identifier(std::string_view ident) const {
  std::string r = "\"";
  for (char c : ident) {
    if (c == '"') r += '"';
    r += c;
  }
  return r + "\"";
}

bool PgDialect::is_generated_name(const Table& table, std::string_view name) const {
  // PostgreSQL names an unnamed constraint or index <table>_<columns>_<suffix>, then
  // appends a number on collision (t_a_key1) and truncates the whole to 63 bytes
  // (NAMEDATALEN - 1), cutting the table/column part, never the suffix.
  static const char* suffixes[] = {"_pkey", "_key", "_fkey", "_check", "_idx", "_excl"};
  std::string n(name);
  while (!n.empty() && std::isdigit(static_cast<unsigned char>(n.back()))) n.pop_back();
  for (const char* suffix : suffixes) {
    if (!util::ends_with(n, suffix)) continue;
    std::string prefix = table.name + "_";
    std::string head = n.substr(0, n.size() - std::string(suffix).size());
    if (std::string(suffix) == "_pkey" && head == table.name) return true;
    if (util::starts_with(head + "_", prefix)) return true;
    // Truncated: the table name itself was cut.
    if (name.size() >= 60 && util::starts_with(table.name, head.substr(0, head.find('_'))) &&
        !head.empty())
      return true;
  }
  return false;
}

}  // namespace migrate
