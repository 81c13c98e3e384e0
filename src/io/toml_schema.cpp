#include "io/toml_schema.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include <migrate/error.hpp>

#include "util/strings.hpp"

namespace migrate::io {

std::string position(const std::string& path, const toml::source_region& where) {
  return path + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

void fail_at(const std::string& path, const toml::source_region& where,
             const std::string& message) {
  throw InputError(position(path, where) + ": " + message);
}

toml::table parse_toml(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, std::string_view{path});
  } catch (const toml::parse_error& e) {
    fail_at(path, e.source(), "invalid TOML: " + std::string(e.description()));
  }
}

std::string a_type(const toml::node& node) {
  std::string t = type_name(node);
  return (t == "array" || t == "integer" ? "an " : "a ") + t;
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::array: return "array";
    case toml::node_type::table: return "table";
    default: return "nothing";
  }
}

// ---- Fields --------------------------------------------------------------------------

Fields::Fields(const toml::table& table, const std::string& path, std::string context)
    : table_(table), path_(path), context_(std::move(context)) {
  // Room for the keys of the largest reader (a column asks for about 20): regrowing the
  // vector from empty was a tenth of reading a models.toml of many tables.
  allowed_.reserve(24);
}

void Fields::allow(std::string_view key) {
  if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end())
    allowed_.emplace_back(key);
}

const toml::node* Fields::get(std::string_view key) {
  allow(key);
  return table_.get(key);
}

void Fields::fail(const toml::node* at, const std::string& message) const {
  const toml::source_region& where = at ? at->source() : table_.source();
  fail_at(path_, where, context_.empty() ? message : context_ + ": " + message);
}

void Fields::fail_key(std::string_view key, const std::string& message) const {
  fail(table_.get(key), message);
}

void Fields::wrong_type(std::string_view key, const toml::node& node, const char* expected) const {
  fail(&node, "'" + std::string(key) + "' must be " + expected + ", not " + a_type(node));
}

std::optional<std::string> Fields::str(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) wrong_type(key, *n, "a string");
  return n->as_string()->get();
}

std::string Fields::required_str(std::string_view key) {
  auto s = str(key);
  if (!s) fail(nullptr, "missing key '" + std::string(key) + "'");
  return *s;
}

std::optional<bool> Fields::boolean(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) wrong_type(key, *n, "a boolean (true or false)");
  return n->as_boolean()->get();
}

std::optional<std::vector<std::string>> Fields::str_list(std::string_view key, bool allow_single) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (allow_single && n->is_string()) return std::vector<std::string>{n->as_string()->get()};
  if (!n->is_array())
    wrong_type(key, *n, allow_single ? "a string or an array of strings" : "an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *n->as_array()) {
    if (!item.is_string())
      fail(&item, "'" + std::string(key) + "' must contain only strings, not " + type_name(item) +
                      " values");
    out.push_back(item.as_string()->get());
  }
  return out;
}

const toml::table* Fields::table(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (!n->is_table()) wrong_type(key, *n, "a table");
  return n->as_table();
}

const toml::array* Fields::array(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (!n->is_array()) wrong_type(key, *n, "an array");
  return n->as_array();
}

void Fields::finish() const {
  for (auto&& [k, v] : table_) {
    if (std::find(allowed_.begin(), allowed_.end(), k.str()) != allowed_.end()) continue;
    std::string msg = "unknown key '" + std::string(k.str()) + "' (allowed: " +
                      util::join(allowed_, ", ") + ")";
    fail_at(path_, k.source(), context_.empty() ? msg : context_ + ": " + msg);
  }
}

// ---- readers -------------------------------------------------------------------------

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::vector<std::string> required_columns(Fields& f) {
  auto cols = f.str_list("columns");
  if (!cols) f.fail(nullptr, "missing key 'columns'");
  if (cols->empty()) f.fail_key("columns", "'columns' must not be empty");
  return *cols;
}

std::string read_action(Fields& f, std::string_view key) {
  auto v = f.str(key);
  if (!v) return "";
  auto norm = normalise_fk_action(*v);
  if (!norm)
    f.fail_key(key, "'" + std::string(key) + "' is '" + *v +
                        "'; expected one of cascade, set null, set default, restrict, no action");
  return *norm;
}

// Column names that an index/constraint entry refers to must exist in the table.
void check_columns_exist(Fields& f, const Table& t, const std::vector<std::string>& cols,
                         bool expressions_allowed) {
  std::set<std::string> seen;
  for (const auto& c : cols) {
    if (expressions_allowed && !is_plain_identifier(c)) continue;
    if (!t.find_column(c))
      f.fail_key("columns", "unknown column " + quoted(c) + " of table " + quoted(t.name));
    if (!expressions_allowed && !seen.insert(c).second)
      f.fail_key("columns", "column " + quoted(c) + " is listed twice");
  }
}

bool is_bare_key(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::optional<std::string> normalise_fk_action(std::string_view action) {
  std::string a = util::to_upper(util::collapse_spaces(action));
  if (a == "NO ACTION" || a.empty()) return std::string();
  if (a == "CASCADE" || a == "SET NULL" || a == "SET DEFAULT" || a == "RESTRICT") return a;
  return std::nullopt;
}

namespace {

// One identifier of a references spelling: bare (up to . ( ) , or space) or "quoted".
bool parse_ident(std::string_view s, size_t& i, std::string& out) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  out.clear();
  if (i < s.size() && s[i] == '"') {
    ++i;
    while (i < s.size()) {
      if (s[i] == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          out += '"';
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      out += s[i++];
    }
    if (out.empty()) return false;
  } else {
    while (i < s.size() && s[i] != '.' && s[i] != '(' && s[i] != ')' && s[i] != ',' &&
           s[i] != '"' && !std::isspace(static_cast<unsigned char>(s[i])))
      out += s[i++];
    if (out.empty()) return false;
  }
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return true;
}

std::string ident_text(const std::string& s) {
  if (is_plain_identifier(s)) return s;
  std::string r = "\"";
  for (char c : s) {
    if (c == '"') r += '"';
    r += c;
  }
  return r + "\"";
}

}  // namespace

bool parse_references(std::string_view s, ForeignKey& fk) {
  size_t i = 0;
  std::string first, second;
  if (!parse_ident(s, i, first)) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!parse_ident(s, i, second)) return false;
    fk.ref_schema = first;
    fk.ref_table = second;
  } else {
    fk.ref_schema.clear();
    fk.ref_table = first;
  }
  if (i >= s.size() || s[i] != '(') return false;
  ++i;
  fk.ref_columns.clear();
  for (;;) {
    std::string col;
    if (!parse_ident(s, i, col)) return false;
    fk.ref_columns.push_back(col);
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < s.size() && s[i] == ')') {
      ++i;
      break;
    }
    return false;
  }
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i == s.size();
}

std::string references_text(const ForeignKey& fk) {
  std::string r;
  if (!fk.ref_schema.empty()) r += ident_text(fk.ref_schema) + ".";
  r += ident_text(fk.ref_table) + "(";
  for (size_t i = 0; i < fk.ref_columns.size(); ++i) {
    if (i) r += ", ";
    r += ident_text(fk.ref_columns[i]);
  }
  return r + ")";
}

namespace {

void read_references(Fields& f, ForeignKey& fk, bool required) {
  auto ref = f.str("references");
  if (!ref) {
    if (required) f.fail(nullptr, "missing key 'references'");
    return;
  }
  if (!parse_references(*ref, fk))
    f.fail_key("references", "bad 'references' value '" + *ref +
                                 "': expected \"table(column, ...)\" or \"schema.table(column, ...)\"");
}

}  // namespace

Column read_column(const toml::node& node, const std::string& path, const std::string& parent,
                   size_t number, ColumnSugar* sugar) {
  std::string context = parent + (number ? ", column " + std::to_string(number) : ", column");
  if (!node.is_table())
    fail_at(path, node.source(), context + ": a column must be a table, not " + a_type(node));
  Fields f(*node.as_table(), path, context);
  Column c;
  c.name = f.required_str("name");
  if (c.name.empty()) f.fail_key("name", "column name must not be empty");
  f.set_context(parent + ", column " + quoted(c.name));
  auto type = f.str("type");
  if (!type) f.fail(nullptr, "missing key 'type' (every column needs a type)");
  if (util::trim(*type).empty()) f.fail_key("type", "'type' must not be empty");
  c.type = *type;
  if (sugar) sugar->primary_key = f.boolean("primary_key").value_or(false);
  c.nullable = f.boolean("nullable").value_or(true);
  c.default_ = f.str("default");
  if (sugar) {
    sugar->unique = f.boolean("unique").value_or(false);
    sugar->index = f.boolean("index").value_or(false);
    ForeignKey fk;
    read_references(f, fk, false);
    std::string on_delete = read_action(f, "on_delete");
    std::string on_update = read_action(f, "on_update");
    if (!fk.ref_table.empty()) {
      if (fk.ref_columns.size() != 1)
        f.fail_key("references", "an inline 'references' must name exactly one column; use "
                                 "the table's foreign_keys for several");
      fk.columns = {c.name};
      fk.on_delete = on_delete;
      fk.on_update = on_update;
      sugar->foreign_key = fk;
    } else if (f.raw().contains("on_delete") || f.raw().contains("on_update")) {
      f.fail_key(f.raw().contains("on_delete") ? "on_delete" : "on_update",
                 "'on_delete'/'on_update' need 'references'");
    }
    sugar->node = &node;
  }
  c.autoincrement = f.boolean("autoincrement").value_or(false);
  if (auto id = f.str("identity")) {
    std::string norm = util::to_lower(util::collapse_spaces(*id));
    if (norm != "always" && norm != "by default")
      f.fail_key("identity", "'identity' is '" + *id + "'; expected \"always\" or \"by default\"");
    c.identity = norm;
  }
  c.generated = f.str("generated");
  c.generated_stored = f.boolean("stored").value_or(false);
  if (c.generated_stored && !c.generated) f.fail_key("stored", "'stored' needs 'generated'");
  c.collation = f.str("collation");
  c.comment = f.str("comment");
  c.renamed_from = f.str("renamed_from");
  f.finish();
  return c;
}

Index read_index(Fields& f) {
  Index ix;
  ix.name = f.str("name").value_or("");
  ix.columns = required_columns(f);
  ix.unique = f.boolean("unique").value_or(false);
  ix.where = f.str("where");
  ix.method = f.str("method").value_or("");
  ix.renamed_from = f.str("renamed_from");
  return ix;
}

UniqueConstraint read_unique(Fields& f) {
  UniqueConstraint uq;
  uq.name = f.str("name").value_or("");
  uq.columns = required_columns(f);
  uq.renamed_from = f.str("renamed_from");
  return uq;
}

CheckConstraint read_check(Fields& f) {
  CheckConstraint ck;
  ck.name = f.str("name").value_or("");
  ck.sql = f.required_str("sql");
  if (util::trim(ck.sql).empty()) f.fail_key("sql", "'sql' must not be empty");
  ck.renamed_from = f.str("renamed_from");
  return ck;
}

ForeignKey read_foreign_key(Fields& f) {
  ForeignKey fk;
  fk.name = f.str("name").value_or("");
  fk.columns = required_columns(f);
  read_references(f, fk, true);
  if (fk.ref_columns.size() != fk.columns.size())
    f.fail_key("references", "foreign key has " + std::to_string(fk.columns.size()) +
                                 " column(s) but references " +
                                 std::to_string(fk.ref_columns.size()));
  fk.on_delete = read_action(f, "on_delete");
  fk.on_update = read_action(f, "on_update");
  auto deferrable = f.boolean("deferrable");
  if (auto initially = f.str("initially")) {
    std::string v = util::to_lower(util::trim(*initially));
    if (v != "deferred" && v != "immediate")
      f.fail_key("initially",
                 "'initially' is '" + *initially + "'; expected \"deferred\" or \"immediate\"");
    fk.initially_deferred = v == "deferred";
    if (fk.initially_deferred && deferrable == false)
      f.fail_key("initially", "initially = \"deferred\" needs deferrable = true");
  }
  fk.deferrable = deferrable.value_or(fk.initially_deferred);
  fk.renamed_from = f.str("renamed_from");
  return fk;
}

PrimaryKey read_primary_key(Fields& f) {
  PrimaryKey pk;
  pk.name = f.str("name").value_or("");
  pk.columns = required_columns(f);
  return pk;
}

namespace {

// Reads an array-of-tables key, one Fields per entry, calling `each(fields, node)`.
template <typename Each>
void for_each_entry(Fields& f, std::string_view key, const std::string& what, Each each) {
  const toml::array* arr = f.array(key);
  if (!arr) return;
  size_t n = 0;
  for (const toml::node& item : *arr) {
    ++n;
    std::string ctx = f.context() + ", " + what + " " + std::to_string(n);
    if (!item.is_table())
      fail_at(f.path(), item.source(),
              ctx + ": must be a table, not " + a_type(item));
    Fields entry(*item.as_table(), f.path(), ctx);
    each(entry);
    entry.finish();
  }
}

std::string entry_context(const std::string& base, const std::string& what,
                          const std::string& name) {
  return name.empty() ? base : base.substr(0, base.rfind(", ")) + ", " + what + " " + quoted(name);
}

}  // namespace

void read_table_body(Fields& f, Table& t) {
  t.comment = f.str("comment");
  t.renamed_from = f.str("renamed_from");
  t.without_rowid = f.boolean("sqlite_without_rowid").value_or(false);
  t.strict = f.boolean("sqlite_strict").value_or(false);

  const toml::array* cols = f.array("columns");
  if (!cols) f.fail(nullptr, "missing key 'columns'");
  std::vector<ColumnSugar> sugars;
  t.columns.reserve(cols->size());
  size_t n = 0;
  for (const toml::node& item : *cols) {
    ++n;
    ColumnSugar sugar;
    Column c = read_column(item, f.path(), f.context(), n, &sugar);
    if (t.find_column(c.name))
      fail_at(f.path(), item.source(),
              f.context() + ": column " + quoted(c.name) + " is declared twice");
    t.columns.push_back(std::move(c));
    sugars.push_back(std::move(sugar));
  }

  // Column shorthands first (in column order), then the table-level lists: the writer
  // relies on this order to choose the shorthand form.
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const Column& c = t.columns[i];
    const ColumnSugar& s = sugars[i];
    if (s.primary_key) t.primary_key.columns.push_back(c.name);
    if (s.unique) t.uniques.push_back(UniqueConstraint{"", {c.name}, std::nullopt});
    if (s.index) {
      Index ix;
      ix.name = "ix_" + t.name + "_" + c.name;
      ix.columns = {c.name};
      t.indexes.push_back(ix);
    }
    if (s.foreign_key) t.foreign_keys.push_back(*s.foreign_key);
  }

  if (const toml::node* pk = f.get("primary_key")) {
    if (!t.primary_key.empty())
      f.fail(pk, "the primary key is declared both on columns (primary_key = true) and here");
    if (pk->is_table()) {
      Fields pf(*pk->as_table(), f.path(), f.context() + ", primary_key");
      t.primary_key = read_primary_key(pf);
      pf.finish();
      check_columns_exist(pf, t, t.primary_key.columns, false);
    } else if (pk->is_array()) {
      t.primary_key.columns = *f.str_list("primary_key");
      if (t.primary_key.columns.empty()) f.fail(pk, "'primary_key' must not be empty");
      for (const auto& c : t.primary_key.columns)
        if (!t.find_column(c))
          f.fail(pk, "primary_key: unknown column " + quoted(c) + " of table " + quoted(t.name));
    } else {
      f.fail(pk, "'primary_key' must be an array of column names or a table { name, columns }, "
                 "not " + a_type(*pk));
    }
  }
  {
    std::set<std::string> seen;
    for (const auto& c : t.primary_key.columns)
      if (!seen.insert(c).second)
        f.fail_key("primary_key", "primary_key: column " + quoted(c) + " is listed twice");
  }
  // Primary-key columns are NOT NULL (SQL standard; PostgreSQL enforces it).
  for (const auto& name : t.primary_key.columns) {
    Column* c = t.find_column(name);
    size_t i = static_cast<size_t>(c - t.columns.data());
    const toml::node* col = (*cols).get(i);
    const toml::node* nullable = col && col->is_table() ? col->as_table()->get("nullable") : nullptr;
    if (nullable && nullable->value_or(false))
      fail_at(f.path(), nullable->source(),
              f.context() + ", column " + quoted(name) +
                  ": a primary-key column cannot be nullable = true");
    c->nullable = false;
  }

  for_each_entry(f, "indexes", "index", [&](Fields& e) {
    Index ix = read_index(e);
    e.set_context(entry_context(e.context(), "index", ix.name));
    check_columns_exist(e, t, ix.columns, true);
    t.indexes.push_back(std::move(ix));
  });
  for_each_entry(f, "unique", "unique constraint", [&](Fields& e) {
    UniqueConstraint uq = read_unique(e);
    e.set_context(entry_context(e.context(), "unique constraint", uq.name));
    check_columns_exist(e, t, uq.columns, false);
    t.uniques.push_back(std::move(uq));
  });
  for_each_entry(f, "checks", "check", [&](Fields& e) {
    CheckConstraint ck = read_check(e);
    t.checks.push_back(std::move(ck));
  });
  for_each_entry(f, "foreign_keys", "foreign key", [&](Fields& e) {
    ForeignKey fk = read_foreign_key(e);
    e.set_context(entry_context(e.context(), "foreign key", fk.name));
    check_columns_exist(e, t, fk.columns, false);
    t.foreign_keys.push_back(std::move(fk));
  });

  std::set<std::string> index_names;
  for (const auto& ix : t.indexes)
    if (!ix.name.empty() && !index_names.insert(ix.name).second)
      f.fail_key("indexes", "index " + quoted(ix.name) + " is declared twice");
  std::set<std::string> constraint_names;
  auto add_constraint = [&](const std::string& name, const char* key) {
    if (!name.empty() && !constraint_names.insert(name).second)
      f.fail_key(key, "constraint " + quoted(name) + " is declared twice");
  };
  add_constraint(t.primary_key.name, "primary_key");
  for (const auto& u : t.uniques) add_constraint(u.name, "unique");
  for (const auto& c : t.checks) add_constraint(c.name, "checks");
  for (const auto& k : t.foreign_keys) add_constraint(k.name, "foreign_keys");
}

// ---- writers -------------------------------------------------------------------------

std::string quote(std::string_view s) {
  std::string r = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': r += "\\\""; break;
      case '\\': r += "\\\\"; break;
      case '\b': r += "\\b"; break;
      case '\t': r += "\\t"; break;
      case '\n': r += "\\n"; break;
      case '\f': r += "\\f"; break;
      case '\r': r += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          r += buf;
        } else {
          r += ch;
        }
    }
  }
  return r + "\"";
}

std::string key_text(std::string_view key) { return is_bare_key(key) ? std::string(key) : quote(key); }

std::string quote_sql(std::string_view s) {
  // A multi-line literal string shows SQL exactly as written. It cannot hold ''' or
  // control characters, and a trailing quote would merge with the delimiter.
  bool literal_ok = s.find('\n') != std::string_view::npos && s.find("'''") == std::string_view::npos &&
                    (s.empty() || s.back() != '\'');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && ch != '\n' && ch != '\t') || c == 0x7f) literal_ok = false;
  }
  if (!literal_ok) return quote(s);
  // The newline right after the opening delimiter is dropped by TOML.
  return "'''\n" + std::string(s) + "'''";
}

std::string string_array(const std::vector<std::string>& items) {
  std::string r = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) r += ", ";
    r += quote(items[i]);
  }
  return r + "]";
}

std::string inline_table(const KeyValues& kv) {
  if (kv.empty()) return "{}";
  std::string r = "{ ";
  for (size_t i = 0; i < kv.size(); ++i) {
    if (i) r += ", ";
    r += kv[i].first + " = " + kv[i].second;
  }
  return r + " }";
}

namespace {

std::string action_text(const std::string& action) { return quote(util::to_lower(action)); }

void put_opt(KeyValues& kv, const char* key, const std::optional<std::string>& v) {
  if (v) kv.emplace_back(key, quote(*v));
}

}  // namespace

KeyValues column_kv(const Column& c, const ColumnSugar* sugar) {
  KeyValues kv;
  kv.emplace_back("name", quote(c.name));
  kv.emplace_back("type", quote(c.type));
  bool pk = sugar && sugar->primary_key;
  if (pk) kv.emplace_back("primary_key", "true");
  if (!c.nullable && !pk) kv.emplace_back("nullable", "false");
  put_opt(kv, "default", c.default_);
  if (sugar && sugar->unique) kv.emplace_back("unique", "true");
  if (sugar && sugar->index) kv.emplace_back("index", "true");
  if (sugar && sugar->foreign_key) {
    const ForeignKey& fk = *sugar->foreign_key;
    kv.emplace_back("references", quote(references_text(fk)));
    if (!fk.on_delete.empty()) kv.emplace_back("on_delete", action_text(fk.on_delete));
    if (!fk.on_update.empty()) kv.emplace_back("on_update", action_text(fk.on_update));
  }
  if (c.autoincrement) kv.emplace_back("autoincrement", "true");
  put_opt(kv, "identity", c.identity);
  put_opt(kv, "generated", c.generated);
  if (c.generated_stored) kv.emplace_back("stored", "true");
  put_opt(kv, "collation", c.collation);
  put_opt(kv, "comment", c.comment);
  put_opt(kv, "renamed_from", c.renamed_from);
  return kv;
}

KeyValues index_kv(const Index& ix) {
  KeyValues kv;
  if (!ix.name.empty()) kv.emplace_back("name", quote(ix.name));
  kv.emplace_back("columns", string_array(ix.columns));
  if (ix.unique) kv.emplace_back("unique", "true");
  put_opt(kv, "where", ix.where);
  if (!ix.method.empty()) kv.emplace_back("method", quote(ix.method));
  put_opt(kv, "renamed_from", ix.renamed_from);
  return kv;
}

KeyValues unique_kv(const UniqueConstraint& uq) {
  KeyValues kv;
  if (!uq.name.empty()) kv.emplace_back("name", quote(uq.name));
  kv.emplace_back("columns", string_array(uq.columns));
  put_opt(kv, "renamed_from", uq.renamed_from);
  return kv;
}

KeyValues check_kv(const CheckConstraint& ck) {
  KeyValues kv;
  if (!ck.name.empty()) kv.emplace_back("name", quote(ck.name));
  kv.emplace_back("sql", quote(ck.sql));
  put_opt(kv, "renamed_from", ck.renamed_from);
  return kv;
}

KeyValues foreign_key_kv(const ForeignKey& fk) {
  KeyValues kv;
  if (!fk.name.empty()) kv.emplace_back("name", quote(fk.name));
  kv.emplace_back("columns", string_array(fk.columns));
  kv.emplace_back("references", quote(references_text(fk)));
  if (!fk.on_delete.empty()) kv.emplace_back("on_delete", action_text(fk.on_delete));
  if (!fk.on_update.empty()) kv.emplace_back("on_update", action_text(fk.on_update));
  if (fk.deferrable) kv.emplace_back("deferrable", "true");
  if (fk.initially_deferred) kv.emplace_back("initially", quote("deferred"));
  put_opt(kv, "renamed_from", fk.renamed_from);
  return kv;
}

KeyValues primary_key_kv(const PrimaryKey& pk) {
  KeyValues kv;
  if (!pk.name.empty()) kv.emplace_back("name", quote(pk.name));
  kv.emplace_back("columns", string_array(pk.columns));
  return kv;
}

namespace {

void write_entries(std::string& out, const char* key, const std::vector<std::string>& entries) {
  if (entries.empty()) return;
  out += key;
  if (entries.size() == 1) {
    out += " = [ " + entries[0] + " ]\n";
    return;
  }
  out += " = [\n";
  for (const auto& e : entries) out += "  " + e + ",\n";
  out += "]\n";
}

// Index of the column, or npos.
size_t column_pos(const Table& t, const std::string& name) {
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].name == name) return i;
  return std::string::npos;
}

// Length of the prefix of `items` that the column shorthand can express: each accepted
// by `fits`, naming one column, in strictly increasing column order.
template <typename T, typename Fits, typename ColumnOf>
size_t shorthand_prefix(const Table& t, const std::vector<T>& items, Fits fits, ColumnOf column_of) {
  size_t n = 0;
  size_t last = 0;
  bool first = true;
  for (const T& item : items) {
    if (!fits(item)) break;
    size_t pos = column_pos(t, column_of(item));
    if (pos == std::string::npos || (!first && pos <= last)) break;
    last = pos;
    first = false;
    ++n;
  }
  return n;
}

}  // namespace

void write_table_body(std::string& out, const Table& t) {
  if (t.comment) out += "comment = " + quote(*t.comment) + "\n";
  if (t.renamed_from) out += "renamed_from = " + quote(*t.renamed_from) + "\n";
  if (t.without_rowid) out += "sqlite_without_rowid = true\n";
  if (t.strict) out += "sqlite_strict = true\n";

  std::vector<ColumnSugar> sugar(t.columns.size());

  // Primary key inline when unnamed and in column order.
  bool pk_inline = !t.primary_key.empty() && t.primary_key.name.empty();
  for (size_t i = 0; pk_inline && i < t.primary_key.columns.size(); ++i) {
    size_t pos = column_pos(t, t.primary_key.columns[i]);
    if (pos == std::string::npos || (i > 0 && pos <= column_pos(t, t.primary_key.columns[i - 1])))
      pk_inline = false;
  }
  if (pk_inline)
    for (const auto& c : t.primary_key.columns) sugar[column_pos(t, c)].primary_key = true;

  size_t n_uq = shorthand_prefix(
      t, t.uniques,
      [](const UniqueConstraint& u) {
        return u.name.empty() && u.columns.size() == 1 && !u.renamed_from;
      },
      [](const UniqueConstraint& u) { return u.columns[0]; });
  for (size_t i = 0; i < n_uq; ++i) sugar[column_pos(t, t.uniques[i].columns[0])].unique = true;

  size_t n_ix = shorthand_prefix(
      t, t.indexes,
      [&](const Index& ix) {
        return ix.columns.size() == 1 && ix.name == "ix_" + t.name + "_" + ix.columns[0] &&
               !ix.unique && !ix.where && ix.method.empty() && !ix.renamed_from;
      },
      [](const Index& ix) { return ix.columns[0]; });
  for (size_t i = 0; i < n_ix; ++i) sugar[column_pos(t, t.indexes[i].columns[0])].index = true;

  size_t n_fk = shorthand_prefix(
      t, t.foreign_keys,
      [](const ForeignKey& fk) {
        return fk.name.empty() && fk.columns.size() == 1 && fk.ref_columns.size() == 1 &&
               !fk.deferrable && !fk.initially_deferred && !fk.renamed_from;
      },
      [](const ForeignKey& fk) { return fk.columns[0]; });
  for (size_t i = 0; i < n_fk; ++i)
    sugar[column_pos(t, t.foreign_keys[i].columns[0])].foreign_key = t.foreign_keys[i];

  if (t.columns.empty()) {
    out += "columns = []\n";
  } else {
    out += "columns = [\n";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      out += "  " + inline_table(column_kv(t.columns[i], &sugar[i])) + ",\n";
    }
    out += "]\n";
  }

  if (!t.primary_key.empty() && !pk_inline) {
    if (t.primary_key.name.empty())
      out += "primary_key = " + string_array(t.primary_key.columns) + "\n";
    else
      out += "primary_key = " + inline_table(primary_key_kv(t.primary_key)) + "\n";
  }
  std::vector<std::string> entries;
  for (size_t i = n_ix; i < t.indexes.size(); ++i) entries.push_back(inline_table(index_kv(t.indexes[i])));
  write_entries(out, "indexes", entries);
  entries.clear();
  for (size_t i = n_uq; i < t.uniques.size(); ++i) entries.push_back(inline_table(unique_kv(t.uniques[i])));
  write_entries(out, "unique", entries);
  entries.clear();
  for (const auto& ck : t.checks) entries.push_back(inline_table(check_kv(ck)));
  write_entries(out, "checks", entries);
  entries.clear();
  for (size_t i = n_fk; i < t.foreign_keys.size(); ++i)
    entries.push_back(inline_table(foreign_key_kv(t.foreign_keys[i])));
  write_entries(out, "foreign_keys", entries);
}

std::optional<long long> integer(Fields& f, std::string_view key) {
  const toml::node* n = f.get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer()) f.fail(n, "'" + std::string(key) + "' must be an integer, not " + a_type(*n));
  return n->as_integer()->get();
}

void read_sequence_options(Fields& f, Sequence& s) {
  s.type = f.str("type").value_or("");
  s.start = integer(f, "start");
  s.increment = integer(f, "increment");
  if (s.increment && *s.increment == 0) f.fail_key("increment", "'increment' must not be 0");
  s.min_value = integer(f, "min_value");
  s.max_value = integer(f, "max_value");
  s.cache = integer(f, "cache");
  if (s.cache && *s.cache < 1) f.fail_key("cache", "'cache' must be at least 1");
  s.cycle = f.boolean("cycle").value_or(false);
}

KeyValues sequence_kv(const Sequence& s) {
  KeyValues kv;
  if (!s.type.empty()) kv.emplace_back("type", quote(s.type));
  auto put = [&](const char* k, const std::optional<long long>& v) {
    if (v) kv.emplace_back(k, std::to_string(*v));
  };
  put("start", s.start);
  put("increment", s.increment);
  put("min_value", s.min_value);
  put("max_value", s.max_value);
  put("cache", s.cache);
  if (s.cycle) kv.emplace_back("cycle", "true");
  return kv;
}

}  // namespace migrate::io
