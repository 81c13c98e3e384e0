#include <migrate/dialect/dialect.hpp>

namespace migrate {

std::string Dialect::quote_qualified(std::string_view schema, std::string_view name) const {
  if (schema.empty()) return quote_identifier(name);
  return quote_identifier(schema) + "." + quote_identifier(name);
}

std::string Dialect::quote_literal(std::string_view value) const {
  std::string r = "'";
  for (char c : value) {
    if (c == '\'') r += '\'';
    r += c;
  }
  r += '\'';
  return r;
}

}  // namespace migrate
