#include <migrate/io/models_file.hpp>

#include <algorithm>
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

MetaData parse_models_toml(const std::string& text, const std::string& path) {
  toml::table root = io::parse_toml(text, path);
  io::Fields top(root, path, "");
  MetaData md;

  if (const toml::table* tables = top.table("tables")) {
    for (const auto& [key, node] : in_document_order(*tables)) {
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
