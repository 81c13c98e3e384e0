#include "command/environment.hpp"

#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include <migrate/dialect/registry.hpp>
#include <migrate/error.hpp>
#include <migrate/io/models_file.hpp>

#include "util/strings.hpp"

namespace migrate {

namespace fs = std::filesystem;

Environment::Environment(const GlobalOptions& g) {
  std::error_code ec;
  if (!fs::exists(g.config_path, ec))
    throw InputError(fmt::format("{}: config file not found (run `migrate init DIR`, or pass -c FILE)", g.config_path));
  config_ = load_config(g.config_path, g.url);
  if (config_.url.empty())
    throw InputError(fmt::format("{}: no database URL: set [database] url, MIGRATE_DATABASE_URL or --url", config_.path));
}

const Dialect& Environment::dialect() const { return dialect_for_url(config_.url); }

const ScriptDirectory& Environment::scripts() const {
  if (!scripts_) scripts_ = std::make_unique<ScriptDirectory>(config_.versions_dir);
  return *scripts_;
}

std::unique_ptr<Connection> Environment::connect() const { return open_connection(config_.url, config_.dir); }

std::string Environment::display_url() const { return mask_password(config_.url); }

ReflectOptions Environment::reflect_options() const {
  ReflectOptions o;
  o.version_table = config_.version_table;
  o.schemas = config_.schemas;
  o.exclude_tables = config_.exclude_tables;
  o.include_tables = config_.include_tables;
  return o;
}

CompareOptions Environment::compare_options() const {
  CompareOptions o;
  o.compare_types = config_.compare_types;
  o.compare_server_defaults = config_.compare_server_defaults;
  return o;
}

namespace {

MetaData load_sql_models(const std::vector<std::string>& files, const Dialect& dialect, const Config& config) {
  if (dialect.name() != "sqlite")
    throw InputError(fmt::format("{}: schema.sql models are not supported on {} yet; use a models.toml",
                                 files.front(), dialect.name()));
  auto scratch = open_connection("sqlite:///:memory:");
  for (const auto& f : files) {
    std::string sql = util::read_file(f);
    try {
      scratch->execute_script(sql);
    } catch (const DatabaseError& e) {
      throw InputError(fmt::format("{}: cannot load schema: {}", f, e.what()), e.detail());
    }
  }
  ReflectOptions o;
  o.version_table = config.version_table;
  return scratch->reflect(o);
}

}  // namespace

MetaData Environment::load_models() const {
  if (config_.model_sources.empty())
    throw InputError(fmt::format("{}: no models: set [models] source", config_.path));
  MetaData md;
  std::vector<std::string> sql_files;
  for (const auto& src : config_.model_sources) {
    if (util::ends_with(util::to_lower(src), ".sql")) {
      sql_files.push_back(src);
      continue;
    }
    MetaData part = load_models_toml(src);
    for (const auto& t : part.tables()) md.add_table(t);
    for (const auto& v : part.views) md.views.push_back(v);
  }
  if (!sql_files.empty()) {
    MetaData part = load_sql_models(sql_files, dialect(), config_);
    for (const auto& t : part.tables()) md.add_table(t);
    for (const auto& v : part.views) md.views.push_back(v);
  }
  // Filters apply to both sides, so excluded tables are neither created nor dropped.
  MetaData filtered;
  for (auto& t : md.mutable_tables()) {
    if (!config_.include_tables.empty() && !util::matches_any(config_.include_tables, t.name)) continue;
    if (util::matches_any(config_.exclude_tables, t.name)) continue;
    if (t.name == config_.version_table) continue;
    filtered.add_table(std::move(t));
  }
  filtered.views = md.views;
  if (!config_.naming_convention.empty()) apply_naming_convention(filtered, config_.naming_convention);
  return filtered;
}

Diff compare_with_database(const Environment& env, Connection& conn, const MetaData& declared, MetaData* live_out) {
  MetaData live = conn.reflect(env.reflect_options());
  const Dialect& dialect = conn.dialect();
  Diff diff = compare(live, declared, dialect, env.compare_options());
  if (!diff.expression_tables.empty()) {
    // Ask the database how it spells the declared expressions, then compare again.
    std::vector<Table> tables;
    for (const auto& name : diff.expression_tables)
      if (const Table* t = declared.find_table(name)) tables.push_back(*t);
    std::vector<Table> normalized = conn.server_normalize(tables);
    MetaData again;
    std::unordered_map<std::string, const Table*> by_name;
    for (const auto& t : normalized) by_name.emplace(t.qualified_name(), &t);
    for (const auto& t : declared.tables()) {
      auto it = by_name.find(t.qualified_name());
      if (it == by_name.end()) {
        again.add_table(t);
        continue;
      }
      Table n = *it->second;
      // Keep the hints and the model's own spelling of everything but expressions.
      n.renamed_from = t.renamed_from;
      for (auto& c : n.columns)
        if (const Column* dc = t.find_column(c.name)) c.renamed_from = dc->renamed_from;
      again.add_table(std::move(n));
    }
    again.views = declared.views;
    diff = compare(live, again, dialect, env.compare_options());
  }
  if (live_out) *live_out = std::move(live);
  return diff;
}

std::string revision_label(const RevisionGraph& graph, const Revision& r, const std::vector<std::string>& current) {
  std::string s = r.id;
  if (!r.branch_labels.empty()) s += " (" + util::join(r.branch_labels, ", ") + ")";
  auto heads = graph.heads();
  if (std::find(heads.begin(), heads.end(), r.id) != heads.end()) s += " (head)";
  if (std::find(current.begin(), current.end(), r.id) != current.end()) s += " (current)";
  return s;
}

}  // namespace migrate
