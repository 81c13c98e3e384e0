// Capabilities, quoting, type spellings and the canonical forms compare relies on.
#include "dialect/sqlite/sqlite_dialect.hpp"

#include "dialect/sqlite/sqlite.hpp"
#include "dialect/sqlite/sqlite_sql_parser.hpp"
#include "util/strings.hpp"

namespace migrate {

const Dialect& sqlite_dialect() {
  static const sqlite::SqliteDialect instance;
  return instance;
}

namespace sqlite {

namespace {

// Whitespace collapsed and removed around "(", "," and ")": "numeric( 10 , 2 )" ->
// "numeric(10,2)".
std::string tidy_type(std::string_view type) {
  std::string s = util::collapse_spaces(type);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ') {
      char prev = out.empty() ? '\0' : out.back();
      char next = i + 1 < s.size() ? s[i + 1] : '\0';
      if (prev == '(' || prev == ',' || next == '(' || next == ',' || next == ')') continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Capabilities SqliteDialect::capabilities() const {
  Capabilities c;
  c.transactional_ddl = true;
  c.alter_column_type = false;
  c.schemas = false;
  c.comments = false;
  c.concurrent_index = false;
  c.render_reads_database = true;  // rebuilds reflect their table
  return c;
}

std::string SqliteDialect::quote_identifier(std::string_view ident) const {
  std::string r = "\"";
  for (char c : ident) {
    if (c == '"') r += '"';
    r += c;
  }
  r += '"';
  return r;
}

std::string SqliteDialect::placeholder(int /*i*/) const { return "?"; }

// SQLite accepts any type name and keeps the declared text verbatim (pragma_table_info
// reports it back as written), so the model spelling is the SQLite spelling, trimmed:
// "varchar(255)" stays "varchar(255)". Writing it unchanged is what makes
// reflect(render_create_table(T)) == T hold exactly, not only up to canonical_type. The
// column affinity follows from the name (lang_datatype3.html §3.1): INTEGER for *INT*,
// TEXT for *CHAR*/*CLOB*/*TEXT*, BLOB for *BLOB* or none, REAL for *REAL*/*FLOA*/*DOUB*,
// NUMERIC otherwise (boolean, date, timestamp, numeric(p,s), json, uuid).
std::string SqliteDialect::render_type(std::string_view model_type) const {
  return util::trim(model_type);
}

std::string SqliteDialect::canonical_type(std::string_view type) const {
  return util::to_lower(tidy_type(type));
}

std::string SqliteDialect::canonical_default(std::string_view expr, std::string_view /*type*/) const {
  std::string c = canonical_sql(expr);
  // TRUE and FALSE are the integers 1 and 0 in SQLite (3.23+): the same stored value.
  if (c == "TRUE") return "1";
  if (c == "FALSE") return "0";
  if (c.size() > 1 && c[0] == '+') c.erase(0, 1);
  return c;
}

std::string SqliteDialect::canonical_expression(std::string_view expr) const {
  return canonical_sql(expr);
}

bool SqliteDialect::is_generated_name(const Table& /*table*/, std::string_view name) const {
  return util::starts_with(name, "sqlite_autoindex_");
}

bool is_default_literal(std::string_view expr) {
  auto toks = tokenize(expr);
  size_t i = 0;
  if (toks.size() == 2 && toks[0].kind == TokenKind::op && (toks[0].text == "-" || toks[0].text == "+"))
    i = 1;
  if (toks.size() != i + 1) return false;
  const Token& t = toks[i];
  if (t.kind == TokenKind::number) return true;
  if (i == 1) return false;
  if (t.kind == TokenKind::string || t.kind == TokenKind::blob) return true;
  static const char* kws[] = {"NULL", "TRUE", "FALSE", "CURRENT_TIME", "CURRENT_DATE",
                              "CURRENT_TIMESTAMP"};
  for (const char* k : kws)
    if (is_keyword(t, k)) return true;
  return false;
}

bool is_constant_default(std::string_view expr) {
  if (!is_default_literal(expr)) return false;
  std::string u = util::to_upper(util::trim(expr));
  return !util::starts_with(u, "CURRENT_");
}

}  // namespace sqlite
}  // namespace migrate
