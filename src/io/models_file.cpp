#include <migrate/io/models_file.hpp>

#include <algorithm>
#include <optional>
#include <set>

#include <migrate/error.hpp>

#include "io/toml_schema.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

// The entries of a TOML table in document order (toml++ iterates key-sorted; the
// order of tables in models.toml is their declaration order).
std::vector<std::pair<std::string, const toml::node*>> in_document_order(const toml::table& t) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(std::string(k.str()), &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& x = a.second->source().begin;
    const auto& y = b.second->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return out;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

namespace {

/// Reads the [tables.X] entries of `tables` into `md`, in document order.
void read_tables(const toml::table& tables, const std::string& path, MetaData& md) {
  for (const auto& [key, node] : in_document_order(tables)) {
    if (!node->is_table())
      io::fail_at(path, node->source(),
                  "table " + quoted(key) + ": must be a table ([tables." + io::key_text(key) +
                      "]), not " + io::a_type(*node));
    io::Fields f(*node->as_table(), path, "table " + quoted(key));
    Table t;
    t.name = f.str("name").value_or(key);
    if (t.name.empty()) f.fail_key("name", "table name must not be empty");
    t.schema = f.str("schema").value_or("");
    io::read_table_body(f, t);
    f.finish();
    if (md.find_table(t.qualified_name()))
      f.fail(nullptr, "table " + quoted(t.qualified_name()) + " is declared twice");
    md.add_table(std::move(t));
  }
}

/// models.toml files made only of [tables.X] sections are parsed one section at a time,
/// so the TOML document of a 10 000-table file never sits in memory whole (it was the
/// peak of `check`). Positions inside a section are relative to it, so on any error the
/// whole-file reader runs instead and gives the authoritative message; returns nullopt
/// for that, and for any other shape of file.
std::optional<MetaData> parse_by_table(const std::string& text, const std::string& path) {
  std::vector<size_t> starts;  // offsets of the lines that begin a [tables.X] section
  size_t line_start = 0;
  bool preamble = true;
  while (line_start < text.size()) {
    size_t end = text.find('\n', line_start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + line_start, end - line_start);
    if (!line.empty() && line[0] == '[') {
      if (util::starts_with(line, "[tables.")) {
        starts.push_back(line_start);
        preamble = false;
      } else if (!util::starts_with(line, "[[tables.")) {
        return std::nullopt;  // views, enums, sequences...: the whole-file reader
      }
    } else if (preamble) {
      std::string t = util::trim(line);
      if (!t.empty() && t[0] != '#') return std::nullopt;  // top-level keys
    }
    line_start = end + 1;
  }
  if (starts.size() < 64) return std::nullopt;  // small files: one parse is cheaper
  MetaData md;
  try {
    for (size_t i = 0; i < starts.size(); ++i) {
      size_t from = starts[i], to = i + 1 < starts.size() ? starts[i + 1] : text.size();
      toml::table root = io::parse_toml(std::string_view(text).substr(from, to - from), path);
      io::Fields top(root, path, "");
      if (const toml::table* tables = top.table("tables")) read_tables(*tables, path, md);
      top.finish();
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return md;
}

}  // namespace

MetaData parse_models_toml(const std::string& text, const std::string& path) {
  if (auto md = parse_by_table(text, path)) return std::move(*md);
  toml::table root = io::parse_toml(text, path);
  io::Fields top(root, path, "");
  MetaData md;

  if (const toml::table* tables = top.table("tables")) read_tables(*tables, path, md);
  if (const toml::table* views = top.table("views")) {
    std::set<std::string> seen;
    for (const auto& [key, node] : in_document_order(*views)) {
      if (!node->is_table())
        io::fail_at(path, node->source(),
                    "view " + quoted(key) + ": must be a table, not " + io::a_type(*node));
      io::Fields f(*node->as_table(), path, "view " + quoted(key));
      View v;
      v.name = f.str("name").value_or(key);
      v.schema = f.str("schema").value_or("");
      v.sql = f.required_str("sql");
      f.finish();
      std::string qn = v.schema.empty() ? v.name : v.schema + "." + v.name;
      if (!seen.insert(qn).second) f.fail(nullptr, "view " + quoted(qn) + " is declared twice");
      md.views.push_back(std::move(v));
    }
  }
  if (const toml::table* enums = top.table("enums")) {
    std::set<std::string> seen;
    for (const auto& [key, node] : in_document_order(*enums)) {
      if (!node->is_table())
        io::fail_at(path, node->source(), "enum " + quoted(key) + ": must be a table, not " + io::a_type(*node));
      io::Fields f(*node->as_table(), path, "enum " + quoted(key));
      EnumType e;
      e.name = f.str("name").value_or(key);
      e.schema = f.str("schema").value_or("");
      auto values = f.str_list("values");
      if (!values) f.fail(nullptr, "missing key 'values'");
      e.values = *values;
      for (size_t i = 0; i < e.values.size(); ++i) {
        if (e.values[i].empty()) f.fail_key("values", "an enum value must not be empty");
        for (size_t j = 0; j < i; ++j)
          if (e.values[i] == e.values[j]) f.fail_key("values", "value " + quoted(e.values[i]) + " is listed twice");
      }
      if (const toml::table* renamed = f.table("renamed_values")) {
        for (auto&& [k, v] : *renamed) {
          std::string value(k.str());
          if (!v.is_string())
            io::fail_at(path, v.source(), "enum " + quoted(key) + ", renamed_values: " + quoted(value) +
                                              " must map to the old value's name (a string)");
          if (std::find(e.values.begin(), e.values.end(), value) == e.values.end())
            io::fail_at(path, v.source(), "enum " + quoted(key) + ", renamed_values: " + quoted(value) +
                                              " is not one of its values");
          e.renamed_values[value] = v.as_string()->get();
        }
      }
      f.finish();
      if (!seen.insert(e.qualified_name()).second) f.fail(nullptr, "enum " + quoted(e.qualified_name()) + " is declared twice");
      md.enums.push_back(std::move(e));
    }
  }
  if (const toml::table* sequences = top.table("sequences")) {
    std::set<std::string> seen;
    for (const auto& [key, node] : in_document_order(*sequences)) {
      if (!node->is_table())
        io::fail_at(path, node->source(), "sequence " + quoted(key) + ": must be a table, not " + io::a_type(*node));
      io::Fields f(*node->as_table(), path, "sequence " + quoted(key));
      Sequence q;
      q.name = f.str("name").value_or(key);
      q.schema = f.str("schema").value_or("");
      io::read_sequence_options(f, q);
      f.finish();
      if (!seen.insert(q.qualified_name()).second)
        f.fail(nullptr, "sequence " + quoted(q.qualified_name()) + " is declared twice");
      md.sequences.push_back(std::move(q));
    }
  }
  top.finish();
  return md;
}

MetaData load_models_toml(const std::string& path) {
  return parse_models_toml(util::read_file(path), path);
}

std::string write_models_toml(const MetaData& md) {
  std::string out;
  std::set<std::string> keys;
  for (const Table& t : md.tables()) {
    // The section key is the table name; a second table of that name (another schema)
    // gets "schema.name" and an explicit `name`.
    bool plain = keys.insert(t.name).second;
    std::string key = t.name;
    if (!plain) {
      key = t.qualified_name();
      for (int n = 2; !keys.insert(key).second; ++n) key = t.qualified_name() + "_" + std::to_string(n);
    }
    if (!out.empty()) out += "\n";
    out += "[tables." + io::key_text(key) + "]\n";
    if (!plain) out += "name = " + io::quote(t.name) + "\n";
    if (!t.schema.empty()) out += "schema = " + io::quote(t.schema) + "\n";
    io::write_table_body(out, t);
  }
  std::set<std::string> view_keys;
  for (const View& v : md.views) {
    bool plain = view_keys.insert(v.name).second;
    std::string key = v.name;
    if (!plain) {
      key = v.schema + "." + v.name;
      for (int n = 2; !view_keys.insert(key).second; ++n) key = v.schema + "." + v.name + "_" + std::to_string(n);
    }
    if (!out.empty()) out += "\n";
    out += "[views." + io::key_text(key) + "]\n";
    if (!plain) out += "name = " + io::quote(v.name) + "\n";
    if (!v.schema.empty()) out += "schema = " + io::quote(v.schema) + "\n";
    out += "sql = " + io::quote_sql(v.sql) + "\n";
  }
  // Enum types and sequences: one section each, keyed by name ("schema.name" when the
  // plain name is taken).
  auto section = [&](std::set<std::string>& keys, const std::string& kind, const std::string& schema,
                     const std::string& name) {
    bool plain = keys.insert(name).second;
    std::string key = plain ? name : schema + "." + name;
    if (!out.empty()) out += "\n";
    out += "[" + kind + "." + io::key_text(key) + "]\n";
    if (!plain) out += "name = " + io::quote(name) + "\n";
    if (!schema.empty()) out += "schema = " + io::quote(schema) + "\n";
  };
  std::set<std::string> enum_keys, sequence_keys;
  for (const EnumType& e : md.enums) {
    section(enum_keys, "enums", e.schema, e.name);
    out += "values = " + io::string_array(e.values) + "\n";
    if (!e.renamed_values.empty()) {
      io::KeyValues kv;
      for (const auto& [to, from] : e.renamed_values) kv.emplace_back(io::key_text(to), io::quote(from));
      out += "renamed_values = " + io::inline_table(kv) + "\n";
    }
  }
  for (const Sequence& q : md.sequences) {
    section(sequence_keys, "sequences", q.schema, q.name);
    for (const auto& [k, v] : io::sequence_kv(q)) out += k + " = " + v + "\n";
  }
  return out;
}

}  // namespace migrate
