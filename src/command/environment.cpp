#include "command/environment.hpp"

#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include <migrate/dialect/registry.hpp>
#include <migrate/error.hpp>
#include <migrate/io/models_file.hpp>

#include "util/sql_script.hpp"
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
  if (!scripts_) scripts_ = std::make_unique<ScriptDirectory>(config_.versions_dir, config_.version_locations);
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

MetaData load_sql_models(const std::vector<std::string>& files, const Dialect& dialect, const Config& config,
                         const std::string& url) {
  std::vector<ScriptStatement> statements;
  for (const auto& f : files) {
    auto part = util::split_sql_script(util::read_file(f), f);
    statements.insert(statements.end(), part.begin(), part.end());
  }
  // SQLite loads into a private in-memory database; PostgreSQL into a scratch schema of
  // [models] scratch_url, else of the target database, always rolled back.
  std::unique_ptr<Connection> scratch;
  if (dialect.name() == "sqlite")
    scratch = open_connection("sqlite:///:memory:");
  else
    scratch = open_connection(config.scratch_url.empty() ? url : config.scratch_url, config.dir);
  ReflectOptions o;
  o.version_table = config.version_table;
  std::vector<ScriptFailure> failures;
  MetaData md = scratch->reflect_script(statements, o, &failures);
  if (!failures.empty()) {
    std::string detail;
    for (const auto& f : failures)
      detail += fmt::format("{}:{}: {}\n    {}\n", f.statement.file, f.statement.line, f.error,
                            util::collapse_spaces(f.statement.sql).substr(0, 200));
    const auto& first = failures.front();
    throw InputError(fmt::format("{}:{}: cannot execute statement ({} statement{} failed): {}", first.statement.file,
                                 first.statement.line, failures.size(), failures.size() == 1 ? "" : "s", first.error),
                     detail);
  }
  util::RenameHints hints = util::read_rename_hints(statements);
  for (auto& t : md.mutable_tables()) {
    // A primary key implies NOT NULL in models (as in models.toml), whatever the
    // database reports for a column declared without it.
    for (const auto& pk : t.primary_key.columns)
      if (Column* c = t.find_column(pk)) c->nullable = false;
    // Names the database generated for unnamed constraints are not part of the model
    // (after a table rename the live database keeps the old generated names).
    auto unname = [&](std::string& n) {
      if (!n.empty() && dialect.is_generated_name(t, n)) n.clear();
    };
    unname(t.primary_key.name);
    for (auto& u : t.uniques) unname(u.name);
    for (auto& f : t.foreign_keys) unname(f.name);
    for (auto& c : t.checks) unname(c.name);
    if (auto it = hints.tables.find(t.name); it != hints.tables.end()) t.renamed_from = it->second;
    for (auto& c : t.columns)
      if (auto it = hints.columns.find({t.name, c.name}); it != hints.columns.end()) c.renamed_from = it->second;
  }
  return md;
}

namespace {

/// Moves everything `part` declares into `md` (a models source of several files).
void merge_into(MetaData& md, MetaData& part) {
  for (auto& t : part.mutable_tables()) md.add_table(std::move(t));
  for (auto& v : part.views) md.views.push_back(std::move(v));
  for (auto& e : part.enums) md.enums.push_back(std::move(e));
  for (auto& s : part.sequences) md.sequences.push_back(std::move(s));
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
    merge_into(md, part);
  }
  if (!sql_files.empty()) {
    MetaData part = load_sql_models(sql_files, dialect(), config_, config_.url);
    merge_into(md, part);
  }
  // Filters apply to both sides, so excluded tables are neither created nor dropped.
  MetaData filtered;
  for (auto& t : md.mutable_tables()) {
    if (!config_.include_tables.empty() && !util::matches_any(config_.include_tables, t.name)) continue;
    if (util::matches_any(config_.exclude_tables, t.name)) continue;
    if (t.name == config_.version_table || t.name == version_files_table_name(config_.version_table)) continue;
    filtered.add_table(std::move(t));
  }
  filtered.views = std::move(md.views);
  filtered.enums = std::move(md.enums);
  filtered.sequences = std::move(md.sequences);
  if (!config_.naming_convention.empty()) apply_naming_convention(filtered, config_.naming_convention);
  return filtered;
}

Diff compare_with_database(const Environment& env, Connection& conn, const MetaData& declared, MetaData* live_out) {
  MetaData live = conn.reflect(env.reflect_options());
  const Dialect& dialect = conn.dialect();
  Diff diff = compare(live, declared, dialect, env.compare_options());
  bool view_ops = std::any_of(diff.upgrade.begin(), diff.upgrade.end(), [](const Operation& op) {
    return std::holds_alternative<CreateView>(op) || std::holds_alternative<DropView>(op);
  });
  if (diff.expression_tables.empty() && !(view_ops && !declared.views.empty())) {
    if (live_out) *live_out = std::move(live);
    return diff;
  }
  // Ask the database how it spells the declared expressions and view definitions, then
  // compare again: what differs only in spelling is no difference.
  std::vector<Table> tables;
  for (const auto& name : diff.expression_tables)
    if (const Table* t = declared.find_table(name)) tables.push_back(*t);
  std::vector<Table> normalized = tables.empty() ? std::vector<Table>{} : conn.server_normalize(tables);
  std::unordered_map<std::string, const Table*> by_name;
  for (const auto& t : normalized) by_name.emplace(t.qualified_name(), &t);
  MetaData again;
  for (const auto& t : declared.tables()) {
    auto it = by_name.find(t.qualified_name());
    if (it == by_name.end()) {
      again.add_table(t);
      continue;
    }
    Table n = *it->second;
    // Keep the hints; they are the model's, not the database's.
    n.renamed_from = t.renamed_from;
    for (auto& c : n.columns)
      if (const Column* dc = t.find_column(c.name)) c.renamed_from = dc->renamed_from;
    again.add_table(std::move(n));
  }
  again.views = view_ops ? conn.server_normalize_views(declared.views) : declared.views;
  again.enums = declared.enums;
  again.sequences = declared.sequences;
  diff = compare(live, again, dialect, env.compare_options());
  if (live_out) *live_out = std::move(live);
  return diff;
}

std::string revision_label(const RevisionGraph& graph, const Revision& r, const std::vector<std::string>& current) {
  std::string s = r.id;
  // Labels as they apply after propagation, as Alembic shows them.
  auto labels = graph.branch_labels(r.id);
  if (!labels.empty()) s += " (" + util::join(labels, ", ") + ")";
  if (graph.children(r.id).empty()) s += " (head)";
  if (std::find(current.begin(), current.end(), r.id) != current.end()) s += " (current)";
  return s;
}

}  // namespace migrate
