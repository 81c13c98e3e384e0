#include "dialect/postgresql/pg_dialect.hpp"

#include <algorithm>
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
  c.enums = true;
  c.sequences = true;
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

namespace {

constexpr size_t kMaxIdentifier = 63;  // NAMEDATALEN - 1

// PostgreSQL's makeObjectName: name1[_name2]_label, shortening the longer of name1/name2
// one byte at a time until the whole fits.
std::string make_object_name(const std::string& name1, const std::string& name2,
                             const std::string& label) {
  size_t overhead = label.size() + 1 + (name2.empty() ? 0 : 1);
  size_t avail = kMaxIdentifier - overhead;
  size_t n1 = name1.size(), n2 = name2.size();
  while (n1 + n2 > avail) {
    if (n1 > n2)
      --n1;
    else
      --n2;
  }
  std::string r = name1.substr(0, n1);
  if (!name2.empty()) r += "_" + name2.substr(0, n2);
  return r + "_" + label;
}

// Column names joined with '_', cut at NAMEDATALEN - 1 (ChooseIndexNameAddition).
std::string name_addition(const std::vector<std::string>& columns) {
  std::string r;
  for (const auto& c : columns) {
    if (!r.empty()) r += '_';
    r += c;
    if (r.size() >= kMaxIdentifier) {
      r.resize(kMaxIdentifier);
      break;
    }
  }
  return r;
}

// The distinct columns of `table` that `sql` mentions as identifiers (outside literals).
std::vector<std::string> referenced_columns(const Table& table, std::string_view sql) {
  std::vector<std::string> found;
  auto note = [&](const std::string& word, bool quoted) {
    for (const auto& c : table.columns) {
      bool same = quoted ? c.name == word : util::iequals(c.name, word);
      if (same && std::find(found.begin(), found.end(), c.name) == found.end())
        found.push_back(c.name);
    }
  };
  for (size_t i = 0; i < sql.size();) {
    char ch = sql[i];
    if (ch == '\'') {
      for (++i; i < sql.size() && sql[i] != '\''; ++i) {
      }
      ++i;
    } else if (ch == '"') {
      size_t start = ++i;
      while (i < sql.size() && sql[i] != '"') ++i;
      note(std::string(sql.substr(start, i - start)), true);
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(ch)) || ch == '_') {
      size_t start = i;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) ||
                                sql[i] == '_' || sql[i] == '$'))
        ++i;
      bool is_cast_type = start >= 2 && sql[start - 1] == ':' && sql[start - 2] == ':';
      if (!is_cast_type) note(std::string(sql.substr(start, i - start)), false);
    } else {
      ++i;
    }
  }
  return found;
}

}  // namespace

std::string PgDialect::implicit_constraint_name(const Table& table, ConstraintKind kind,
                                                const std::vector<std::string>& columns,
                                                std::string_view check_sql) const {
  switch (kind) {
    case ConstraintKind::primary_key:
      return make_object_name(table.name, "", "pkey");
    case ConstraintKind::unique:
      return make_object_name(table.name, name_addition(columns), "key");
    case ConstraintKind::foreign_key:
      return make_object_name(table.name, name_addition(columns), "fkey");
    case ConstraintKind::check: {
      auto cols = referenced_columns(table, check_sql);
      return make_object_name(table.name, cols.size() == 1 ? cols[0] : "", "check");
    }
  }
  return {};
}

}  // namespace migrate
