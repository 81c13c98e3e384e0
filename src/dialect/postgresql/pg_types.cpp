// Types and canonical forms: render_type, canonical_type, canonical_default,
// canonical_expression. The canonical spellings are the models.toml names of DESIGN.md §5
// ("varchar(255)", "double", "timestamptz"), so they can also be shown to people.
#include <cctype>
#include <map>

#include "dialect/postgresql/pg_dialect.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

struct ParsedType {
  std::string name;  // lower case (unless quoted), words single-spaced, no arguments
  std::string args;  // inside the parentheses, spaces removed; "" when none
  int dims = 0;      // array dimensions
  bool quoted = false;
};

ParsedType parse_type(std::string_view text) {
  ParsedType t;
  std::string s = util::collapse_spaces(text);
  t.quoted = s.find('"') != std::string::npos;
  if (!t.quoted) s = util::to_lower(s);
  for (;;) {
    s = util::trim(s);
    if (!s.empty() && s.back() == ']') {
      auto lb = s.rfind('[');
      if (lb == std::string::npos) break;
      s.erase(lb);
      ++t.dims;
    } else if (util::ends_with(s, " array")) {
      s.erase(s.size() - 6);
      ++t.dims;
    } else {
      break;
    }
  }
  auto lp = s.find('(');
  auto rp = lp == std::string::npos ? std::string::npos : s.find(')', lp);
  if (lp != std::string::npos && rp != std::string::npos && !t.quoted) {
    for (char c : s.substr(lp + 1, rp - lp - 1))
      if (!std::isspace(static_cast<unsigned char>(c))) t.args += c;
    s = util::trim(s.substr(0, lp)) + " " + util::trim(s.substr(rp + 1));
  }
  t.name = util::collapse_spaces(s);
  return t;
}

const std::map<std::string, std::string>& canonical_names() {
  static const std::map<std::string, std::string> names = {
      {"int", "integer"},
      {"int4", "integer"},
      {"integer", "integer"},
      {"serial", "integer"},
      {"serial4", "integer"},
      {"int8", "bigint"},
      {"bigint", "bigint"},
      {"bigserial", "bigint"},
      {"serial8", "bigint"},
      {"int2", "smallint"},
      {"smallint", "smallint"},
      {"smallserial", "smallint"},
      {"serial2", "smallint"},
      {"bool", "boolean"},
      {"boolean", "boolean"},
      {"character varying", "varchar"},
      {"varchar", "varchar"},
      {"character", "char"},
      {"char", "char"},
      {"bpchar", "char"},
      {"double precision", "double"},
      {"double", "double"},
      {"float8", "double"},
      {"real", "real"},
      {"float4", "real"},
      {"numeric", "numeric"},
      {"decimal", "numeric"},
      {"timestamp", "timestamp"},
      {"timestamp without time zone", "timestamp"},
      {"timestamptz", "timestamptz"},
      {"timestamp with time zone", "timestamptz"},
      {"time", "time"},
      {"time without time zone", "time"},
      {"timetz", "timetz"},
      {"time with time zone", "timetz"},
      {"bytea", "bytea"},
      {"blob", "bytea"},
      {"bit varying", "varbit"},
      {"varbit", "varbit"},
  };
  return names;
}

// DESIGN.md §5 names and their DDL spelling; anything else is passed through as written.
const std::map<std::string, std::string>& ddl_names() {
  static const std::map<std::string, std::string> names = {
      {"integer", "INTEGER"},   {"int", "INTEGER"},
      {"bigint", "BIGINT"},     {"smallint", "SMALLINT"},
      {"boolean", "BOOLEAN"},   {"bool", "BOOLEAN"},
      {"text", "TEXT"},         {"varchar", "VARCHAR"},
      {"char", "CHAR"},         {"numeric", "NUMERIC"},
      {"decimal", "NUMERIC"},   {"real", "REAL"},
      {"double", "DOUBLE PRECISION"}, {"double precision", "DOUBLE PRECISION"},
      {"date", "DATE"},         {"time", "TIME"},
      {"timestamp", "TIMESTAMP"}, {"timestamptz", "TIMESTAMPTZ"},
      {"blob", "BYTEA"},        {"bytea", "BYTEA"},
      {"json", "JSON"},         {"jsonb", "JSONB"},
      {"uuid", "UUID"},
      {"serial", "SERIAL"},     {"bigserial", "BIGSERIAL"},
      {"smallserial", "SMALLSERIAL"},
  };
  return names;
}

std::string with_dims(std::string s, int dims) {
  for (int i = 0; i < dims; ++i) s += "[]";
  return s;
}

bool is_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

// Whether `s` is exactly one string literal ('...' with '' escapes).
bool is_string_literal(std::string_view s) {
  if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\'') {
      if (s[i + 1] != '\'') return false;
      ++i;
    }
  }
  return true;
}

bool is_atom(const std::string& s) {
  if (is_string_literal(s) || is_number(s) || s == "null" || s == "true" || s == "false")
    return true;
  return s.size() >= 2 && s.front() == '(' && util::strip_outer_parens(s) != s;
}

std::string base_of(const std::string& canonical) {
  auto lp = canonical.find('(');
  return lp == std::string::npos ? canonical : canonical.substr(0, lp) +
                                                   canonical.substr(canonical.find(')', lp) + 1);
}

bool type_like(std::string_view s) {
  if (util::trim(s).empty()) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '_' || c == ' ' || c == '(' || c == ')' || c == ',' ||
          c == '[' || c == ']' || c == '"' || c == '.' || u >= 0x80))
      return false;
  }
  return true;
}

// Position of the last "::" outside quotes and parentheses, or npos.
size_t last_top_level_cast(const std::string& s) {
  size_t found = std::string::npos;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    else if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (c == ':' && depth == 0 && i + 1 < s.size() && s[i + 1] == ':') {
      found = i;
      ++i;
    }
  }
  return found;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
}

}  // namespace

std::string pg_normalize_sql(std::string_view sql) {
  std::string out;
  bool pending_space = false, after_comma = false;
  auto emit_gap = [&](char next) {
    if (out.empty()) return;
    char last = out.back();
    if (after_comma) {
      if (next != ')') out += ' ';
    } else if (pending_space && last != '(' && next != ')' && next != ',') {
      out += ' ';
    }
  };
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = true;
      continue;
    }
    emit_gap(c);
    pending_space = false;
    after_comma = false;
    if (c == '\'' || c == '"') {
      // Copy the literal or quoted identifier verbatim; a doubled quote is an escape.
      out += c;
      for (++i; i < sql.size(); ++i) {
        out += sql[i];
        if (sql[i] == c) {
          if (i + 1 < sql.size() && sql[i + 1] == c) {
            out += sql[++i];
            continue;
          }
          break;
        }
      }
      continue;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == ',') after_comma = true;
  }
  return util::strip_outer_parens(out);
}

namespace {

// Drops the text casts the server adds to string literals inside an expression
// ('ABC'::text, 'x'::character varying): the literal's type is inferred from its use.
std::string drop_literal_text_casts(const std::string& s) {
  static const char* casts[] = {"::text", "::character varying"};
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    out += c;
    if (c == '"') {
      for (++i; i < s.size(); ++i) {
        out += s[i];
        if (s[i] == '"') break;
      }
      continue;
    }
    if (c != '\'') continue;
    for (++i; i < s.size(); ++i) {
      out += s[i];
      if (s[i] == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          out += s[++i];
          continue;
        }
        break;
      }
    }
    for (const char* cast : casts) {
      std::string_view cv(cast);
      if (s.compare(i + 1, cv.size(), cv) != 0) continue;
      size_t after = i + 1 + cv.size();
      char next = after < s.size() ? s[after] : ' ';
      if (std::isalnum(static_cast<unsigned char>(next)) || next == '_' || next == '[' ||
          next == '(')
        continue;
      i = after - 1;
      break;
    }
  }
  return out;
}

}  // namespace

std::string PgDialect::render_type(std::string_view model_type) const {
  ParsedType t = parse_type(model_type);
  if (t.quoted) return std::string(util::trim(model_type));
  auto it = ddl_names().find(t.name);
  if (it == ddl_names().end()) return std::string(util::trim(model_type));
  std::string r = it->second;
  if (!t.args.empty()) r += "(" + t.args + ")";
  return with_dims(r, t.dims);
}

std::string PgDialect::canonical_type(std::string_view type) const {
  ParsedType t = parse_type(type);
  std::string name = t.name, args = t.args;
  auto it = canonical_names().find(name);
  if (it != canonical_names().end()) name = it->second;
  if (name == "float") {
    // float(p): p <= 24 is real, otherwise double precision.
    name = (!args.empty() && is_number(args) && std::stoi(args) <= 24) ? "real" : "double";
    args.clear();
  }
  if (name == "char" && args.empty()) args = "1";
  if (name == "numeric" && !args.empty() && args.find(',') == std::string::npos)
    args += ",0";
  std::string r = name;
  if (!args.empty()) r += "(" + args + ")";
  return with_dims(r, t.dims);
}

std::string PgDialect::canonical_default(std::string_view expr, std::string_view type) const {
  std::string s = pg_normalize_sql(expr);
  replace_all(s, "::regclass", "");
  const std::string column = canonical_type(type);
  const std::string column_base = base_of(column);
  for (;;) {
    size_t pos = last_top_level_cast(s);
    if (pos == std::string::npos) break;
    std::string left = util::trim(s.substr(0, pos));
    std::string cast = s.substr(pos + 2);
    if (!type_like(cast) || !is_atom(left)) break;
    std::string cast_base = base_of(canonical_type(cast));
    bool own_type = cast_base == column_base;
    bool texty_literal = is_string_literal(left) &&
                         (cast_base == "text" || cast_base == "varchar" || cast_base == "char");
    if (!own_type && !texty_literal) break;
    s = util::strip_outer_parens(left);
  }
  if (s == "now()" || s == "transaction_timestamp()") s = "current_timestamp";
  s = drop_literal_text_casts(s);
  if (is_string_literal(s) && s.find('\'', 1) == s.size() - 1) {
    std::string inner = s.substr(1, s.size() - 2);
    static const char* numeric_types[] = {"integer", "bigint", "smallint", "numeric", "real",
                                          "double"};
    for (const char* n : numeric_types) {
      if (column_base == n && is_number(inner)) {
        s = inner[0] == '+' ? inner.substr(1) : inner;
        break;
      }
    }
    if (column_base == "boolean") {
      std::string v = util::to_lower(inner);
      if (v == "t" || v == "true" || v == "y" || v == "yes" || v == "on" || v == "1") s = "true";
      if (v == "f" || v == "false" || v == "n" || v == "no" || v == "off" || v == "0")
        s = "false";
    }
  }
  return s;
}

std::string PgDialect::canonical_expression(std::string_view expr) const {
  return util::strip_outer_parens(drop_literal_text_casts(pg_normalize_sql(expr)));
}

}  // namespace migrate
