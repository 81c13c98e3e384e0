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
  return out;
}

}  // namespace migrate
