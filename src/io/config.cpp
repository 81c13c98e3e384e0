#include <migrate/io/config.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <migrate/error.hpp>

#include "io/toml_schema.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

namespace fs = std::filesystem;
using io::Fields;

// Replaces ${NAME} (and ${NAME:-fallback}) with the environment's value; "$${" is a
// literal "${". Throws at `at` when a variable is unset and has no fallback.
std::string expand(const std::string& s, const toml::node& at, const std::string& path,
                   const std::string& where) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$') {
      out += s[i];
      continue;
    }
    if (s.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 2;
      continue;
    }
    if (i + 1 >= s.size() || s[i + 1] != '{') {
      out += s[i];
      continue;
    }
    size_t close = s.find('}', i + 2);
    if (close == std::string::npos)
      io::fail_at(path, at.source(), where + ": unterminated '${' in '" + s + "'");
    std::string inner = s.substr(i + 2, close - i - 2);
    std::string name = inner;
    std::optional<std::string> fallback;
    if (size_t dash = inner.find(":-"); dash != std::string::npos) {
      name = inner.substr(0, dash);
      fallback = inner.substr(dash + 2);
    }
    bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok)
      io::fail_at(path, at.source(),
                  where + ": bad variable name '" + name + "' in '${" + inner + "}'");
    const char* value = std::getenv(name.c_str());
    if (value && (*value || !fallback)) out += value;
    else if (fallback) out += *fallback;
    else
      io::fail_at(path, at.source(),
                  where + ": environment variable " + name + " is not set (used as ${" + name + "})");
    i = close;
  }
  return out;
}

class Section {
 public:
  Section(Fields& fields, std::string name) : f_(fields), name_(std::move(name)) {}

  std::optional<std::string> str(std::string_view key) {
    auto v = f_.str(key);
    if (!v) return v;
    return expand(*v, *f_.get(key), f_.path(), where(key));
  }
  std::optional<std::vector<std::string>> str_list(std::string_view key, bool allow_single) {
    auto v = f_.str_list(key, allow_single);
    if (!v) return v;
    const toml::node* n = f_.get(key);
    std::vector<std::string> out;
    for (size_t i = 0; i < v->size(); ++i) {
      const toml::node* item = n->is_array() ? n->as_array()->get(i) : n;
      out.push_back(expand((*v)[i], *item, f_.path(), where(key)));
    }
    return out;
  }
  std::optional<bool> boolean(std::string_view key) { return f_.boolean(key); }
  Fields& fields() { return f_; }

 private:
  std::string where(std::string_view key) const { return "[" + name_ + "] " + std::string(key); }
  Fields& f_;
  std::string name_;
};

std::string absolute_from(const fs::path& dir, const std::string& p) {
  fs::path path(p);
  if (path.is_relative()) path = dir / path;
  return path.lexically_normal().string();
}

// Runs `body` on [name] when present; the section must be a table.
template <typename Body>
void section(Fields& top, const char* name, Body body) {
  const toml::table* t = top.table(name);
  if (!t) return;
  Fields f(*t, top.path(), "[" + std::string(name) + "]");
  Section s(f, name);
  body(s);
  f.finish();
}

}  // namespace

Config load_config(const std::string& path, const std::optional<std::string>& url_override) {
  std::string text = util::read_file(path);
  toml::table root = io::parse_toml(text, path);
  Fields top(root, path, "");

  Config cfg;
  cfg.path = path;
  fs::path dir = fs::absolute(fs::path(path)).lexically_normal().parent_path();
  cfg.dir = dir.string();
  std::string versions = cfg.versions_dir;

  section(top, "database", [&](Section& s) { cfg.url = s.str("url").value_or(""); });
  section(top, "models", [&](Section& s) {
    if (auto src = s.str_list("source", true)) {
      for (const auto& p : *src) {
        if (p.empty()) s.fields().fail_key("source", "'source' must not hold an empty path");
        cfg.model_sources.push_back(absolute_from(dir, p));
      }
    }
    cfg.scratch_url = s.str("scratch_url").value_or("");
  });
  section(top, "migrations", [&](Section& s) {
    versions = s.str("directory").value_or(versions);
    if (versions.empty()) s.fields().fail_key("directory", "'directory' must not be empty");
    for (const auto& p : s.str_list("version_locations", false).value_or(std::vector<std::string>{})) {
      if (p.empty()) s.fields().fail_key("version_locations", "'version_locations' must not hold an empty path");
      cfg.version_locations.push_back(absolute_from(dir, p));
    }
    cfg.version_table = s.str("version_table").value_or(cfg.version_table);
    if (cfg.version_table.empty())
      s.fields().fail_key("version_table", "'version_table' must not be empty");
    cfg.transaction_per_migration =
        s.boolean("transaction_per_migration").value_or(cfg.transaction_per_migration);
  });
  section(top, "autogenerate", [&](Section& s) {
    cfg.exclude_tables = s.str_list("exclude_tables", false).value_or(cfg.exclude_tables);
    cfg.include_tables = s.str_list("include_tables", false).value_or(cfg.include_tables);
    cfg.schemas = s.str_list("schemas", false).value_or(cfg.schemas);
    cfg.compare_types = s.boolean("compare_types").value_or(cfg.compare_types);
    cfg.compare_server_defaults =
        s.boolean("compare_server_defaults").value_or(cfg.compare_server_defaults);
    if (const toml::table* nc = s.fields().table("naming_convention")) {
      Fields f(*nc, path, "[autogenerate] naming_convention");
      Section n(f, "autogenerate.naming_convention");
      for (const char* key : {"ix", "uq", "fk", "ck", "pk"})
        if (auto v = n.str(key)) cfg.naming_convention[key] = *v;
      f.finish();
    }
  });
  top.finish();

  cfg.versions_dir = absolute_from(dir, versions);
  if (const char* env = std::getenv("MIGRATE_DATABASE_URL"); env && *env) cfg.url = env;
  if (url_override) cfg.url = *url_override;
  return cfg;
}

}  // namespace migrate
