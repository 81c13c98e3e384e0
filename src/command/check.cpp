// check, diff, inspect: comparing and printing schemas.
#include <algorithm>
#include <filesystem>
#include <functional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <migrate/command.hpp>
#include <migrate/error.hpp>
#include <migrate/dialect/registry.hpp>
#include <migrate/io/config.hpp>
#include <migrate/io/models_file.hpp>

#include "command/environment.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

nlohmann::json ops_json(const Diff& diff) {
  nlohmann::json arr = nlohmann::json::array();
  for (size_t i = 0; i < diff.upgrade.size(); ++i) {
    nlohmann::json o{{"op", op_name(diff.upgrade[i])}, {"description", describe(diff.upgrade[i])}};
    if (!diff.notes[i].empty()) o["note"] = diff.notes[i];
    arr.push_back(std::move(o));
  }
  return arr;
}

nlohmann::json unsupported_json(const MetaData& live) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& u : live.unsupported) arr.push_back({{"kind", u.kind}, {"name", u.name}, {"table", u.table}});
  return arr;
}

void report_unsupported(const MetaData& live, const Output& out) {
  for (const auto& u : live.unsupported)
    out.info(fmt::format("warning: {} '{}'{} is not managed by migrate (left as it is)", u.kind, u.name,
                         u.table.empty() ? "" : " on table '" + u.table + "'"));
}

/// Prints the ops of a diff, one description (and note) a line, or with `sql` their
/// statements, rendered against `start` with each op applied in turn (what a SQLite
/// rebuild needs to know). `dependents` gives the views and triggers around a table.
void print_diff(const Diff& diff, const MetaData& start, const Dialect& dialect, bool sql,
                std::function<std::vector<std::string>(const std::string&, const std::string&)> dependents,
                const Output& out) {
  MetaData state = start;
  RenderContext ctx;
  ctx.current_table = [&state](const std::string& schema, const std::string& table) -> std::optional<Table> {
    const Table* t = state.find_table(schema.empty() ? table : schema + "." + table);
    if (!t) return std::nullopt;
    return *t;
  };
  ctx.dependent_objects_sql = dependents ? std::move(dependents) : [](const std::string&, const std::string&) {
    return std::vector<std::string>{};
  };
  for (size_t i = 0; i < diff.upgrade.size(); ++i) {
    const auto& op = diff.upgrade[i];
    if (sql) {
      out.out("-- " + describe(op));
      for (const auto& s : dialect.render(op, ctx)) out.out(util::trim(s.sql) + ";\n");
      apply_op(state, op);
    } else {
      out.out(describe(op));
      if (!diff.notes[i].empty()) out.out("  note: " + diff.notes[i]);
    }
  }
}

/// A migration file's path as the user knows it: relative to migrate.toml's directory
/// when it lies below it ("versions/b2_x.toml").
std::string shown_path(const Environment& env, const std::string& path) {
  std::filesystem::path rel = std::filesystem::path(path).lexically_relative(env.config().dir);
  if (rel.empty() || *rel.begin() == "..") return path;
  return rel.string();
}

nlohmann::json edited_json(const Environment& env, const std::vector<EditedFile>& edited) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : edited)
    arr.push_back({{"revision", e.revision}, {"path", shown_path(env, e.path)}, {"recorded", e.recorded},
                   {"current", e.current}});
  return arr;
}

void report_edited(const Environment& env, const std::vector<EditedFile>& edited, const Output& out) {
  for (const auto& e : edited)
    out.out(fmt::format("applied migration {} was edited after it was applied (sha256 recorded {}…, now {}…)",
                        shown_path(env, e.path), e.recorded.substr(0, 8), e.current.substr(0, 8)));
}

}  // namespace

bool cmd_check(const GlobalOptions& g, const Output& out) {
  Environment env(g);
  const RevisionGraph& graph = env.scripts().graph();
  auto conn = env.connect();
  VersionTable table = env.version_table();
  auto rows = table.read(*conn);
  std::vector<std::string> heads = graph.real_heads();
  std::vector<std::string> behind;
  for (const auto& h : heads)
    if (!graph.is_applied(h, rows)) behind.push_back(h);
  // Applied files edited since: a failure whether or not the schema matches.
  std::vector<EditedFile> edited = table.files().edited_files(*conn, env.scripts(), rows);
  if (!behind.empty()) {
    std::string msg = fmt::format("Target database is not up to date: at {}, heads not applied: {}",
                                  rows.empty() ? std::string("base") : util::join(graph.current_heads(rows), ", "),
                                  util::join(behind, ", "));
    if (g.format == "json") {
      out.out(nlohmann::json{{"ok", false},
                             {"up_to_date", false},
                             {"message", msg},
                             {"differences", nlohmann::json::array()},
                             {"edited", edited_json(env, edited)}}
                  .dump(2));
    } else {
      out.out(msg);
      report_edited(env, edited, out);
    }
    return false;
  }
  MetaData declared = env.load_models();
  MetaData live;
  Diff diff = compare_with_database(env, *conn, declared, &live);
  bool ok = diff.empty() && edited.empty();
  if (g.format == "json") {
    out.out(nlohmann::json{{"ok", ok},
                           {"up_to_date", true},
                           {"differences", ops_json(diff)},
                           {"unsupported", unsupported_json(live)},
                           {"edited", edited_json(env, edited)}}
                .dump(2));
    return ok;
  }
  report_unsupported(live, out);
  if (diff.empty()) {
    out.out(edited.empty() ? "No differences: the database matches the models."
                           : "The database matches the models, but applied migration files were edited:");
  } else {
    out.out(fmt::format("{} difference{} between the models and the database:", diff.upgrade.size(),
                        diff.upgrade.size() == 1 ? "" : "s"));
    for (size_t i = 0; i < diff.upgrade.size(); ++i) {
      out.out("  - " + describe(diff.upgrade[i]));
      if (!diff.notes[i].empty()) out.out("    note: " + diff.notes[i]);
    }
    out.out("Run `migrate revision --autogenerate -m \"...\"` to write a migration for them.");
  }
  report_edited(env, edited, out);
  return ok;
}

bool cmd_diff(const GlobalOptions& g, bool sql, const Output& out) {
  Environment env(g);
  auto conn = env.connect();
  MetaData declared = env.load_models();
  MetaData live;
  Diff diff = compare_with_database(env, *conn, declared, &live);
  if (g.format == "json") {
    out.out(nlohmann::json{{"differences", ops_json(diff)}, {"unsupported", unsupported_json(live)}}.dump(2));
    return diff.empty();
  }
  report_unsupported(live, out);
  print_diff(diff, live, conn->dialect(), sql,
             [&conn](const std::string& schema, const std::string& table) {
               return conn->dependent_objects_sql(schema, table);
             },
             out);
  return diff.empty();
}

namespace {

bool is_url(const std::string& s) { return s.find("://") != std::string::npos; }

/// The schema a diff source stands for.
MetaData load_source(const std::string& spec, const Dialect& dialect, const Config& config,
                     const std::string& scratch_url, const Output& out) {
  if (is_url(spec)) {
    auto conn = open_connection(spec, config.dir.empty() ? "." : config.dir);
    ReflectOptions o;
    o.version_table = config.version_table;
    o.schemas = config.schemas;
    o.exclude_tables = config.exclude_tables;
    o.include_tables = config.include_tables;
    MetaData md = conn->reflect(o);
    report_unsupported(md, out);
    return md;
  }
  MetaData md;
  std::vector<std::string> sql_files;
  for (const auto& f : util::split(spec, ',')) {
    if (util::ends_with(util::to_lower(f), ".sql")) {
      sql_files.push_back(f);
      continue;
    }
    MetaData part = load_models_toml(f);
    for (const auto& t : part.tables()) md.add_table(t);
  }
  if (!sql_files.empty()) {
    if (dialect.name() != "sqlite" && scratch_url.empty())
      throw InputError(fmt::format("{}: a schema.sql on {} needs a database to load it into: give --url, a URL as "
                                   "the other side, or [models] scratch_url",
                                   sql_files.front(), dialect.name()));
    MetaData part = load_sql_models(sql_files, dialect, config, scratch_url);
    for (const auto& t : part.tables()) md.add_table(t);
  }
  return md;
}

}  // namespace

bool cmd_diff_sources(const GlobalOptions& g, const DiffSourcesOptions& o, const Output& out) {
  if (o.from.empty() || o.to.empty()) throw InputError("diff needs both --from and --to");
  Config config;
  std::error_code ec;
  if (std::filesystem::exists(g.config_path, ec)) config = load_config(g.config_path, g.url);
  else if (g.url) config.url = *g.url;
  // The dialect: from a URL side, else --dialect, else the configured database, else SQLite.
  std::string name = o.dialect;
  std::string url_side = is_url(o.from) ? o.from : is_url(o.to) ? o.to : "";
  if (!url_side.empty()) name = parse_url(url_side).scheme;
  if (name.empty()) name = config.url.empty() ? "sqlite" : parse_url(config.url).scheme;
  const Dialect& dialect = dialect_by_name(name);
  std::string scratch = !config.scratch_url.empty() ? config.scratch_url : !url_side.empty() ? url_side : config.url;
  MetaData from = load_source(o.from, dialect, config, scratch, out);
  MetaData to = load_source(o.to, dialect, config, scratch, out);
  if (!config.naming_convention.empty()) apply_naming_convention(to, config.naming_convention);
  CompareOptions co;
  co.compare_types = config.compare_types;
  co.compare_server_defaults = config.compare_server_defaults;
  Diff diff = compare(from, to, dialect, co);
  if (g.format == "json") {
    out.out(nlohmann::json{{"differences", ops_json(diff)}}.dump(2));
    return diff.empty();
  }
  print_diff(diff, from, dialect, o.sql, nullptr, out);
  return diff.empty();
}

namespace {

std::string mermaid(const MetaData& md) {
  std::string s = "erDiagram\n";
  for (const auto& t : md.tables()) {
    s += "  " + t.name + " {\n";
    for (const auto& c : t.columns) {
      std::string type = c.type;
      std::replace(type.begin(), type.end(), ' ', '_');
      std::replace(type.begin(), type.end(), ',', '_');
      type.erase(std::remove_if(type.begin(), type.end(), [](char ch) { return ch == '(' || ch == ')'; }), type.end());
      bool pk = std::find(t.primary_key.columns.begin(), t.primary_key.columns.end(), c.name) != t.primary_key.columns.end();
      bool fk = std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const ForeignKey& f) {
        return std::find(f.columns.begin(), f.columns.end(), c.name) != f.columns.end();
      });
      s += "    " + type + " " + c.name + (pk ? " PK" : fk ? " FK" : "") + "\n";
    }
    s += "  }\n";
  }
  for (const auto& t : md.tables())
    for (const auto& f : t.foreign_keys)
      s += "  " + f.ref_table + " ||--o{ " + t.name + " : \"" + util::join(f.columns, ", ") + "\"\n";
  return s;
}

nlohmann::json table_json(const Table& t) {
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& c : t.columns) {
    nlohmann::json j{{"name", c.name}, {"type", c.type}, {"nullable", c.nullable}};
    if (c.default_) j["default"] = *c.default_;
    if (c.comment) j["comment"] = *c.comment;
    cols.push_back(j);
  }
  nlohmann::json fks = nlohmann::json::array();
  for (const auto& f : t.foreign_keys)
    fks.push_back({{"name", f.name}, {"columns", f.columns}, {"ref_table", f.ref_table}, {"ref_columns", f.ref_columns},
                   {"on_delete", f.on_delete}, {"on_update", f.on_update}});
  nlohmann::json idx = nlohmann::json::array();
  for (const auto& i : t.indexes) {
    nlohmann::json j{{"name", i.name}, {"columns", i.columns}, {"unique", i.unique}};
    if (i.where) j["where"] = *i.where;
    idx.push_back(j);
  }
  nlohmann::json uq = nlohmann::json::array();
  for (const auto& u : t.uniques) uq.push_back({{"name", u.name}, {"columns", u.columns}});
  nlohmann::json ck = nlohmann::json::array();
  for (const auto& c : t.checks) ck.push_back({{"name", c.name}, {"sql", c.sql}});
  nlohmann::json j{{"name", t.name}, {"columns", cols}, {"primary_key", t.primary_key.columns},
                   {"foreign_keys", fks}, {"indexes", idx}, {"unique", uq}, {"checks", ck}};
  if (!t.schema.empty()) j["schema"] = t.schema;
  if (t.comment) j["comment"] = *t.comment;
  return j;
}

}  // namespace

void cmd_inspect(const GlobalOptions& g, const std::string& format, const Output& out) {
  Environment env(g);
  auto conn = env.connect();
  MetaData live = conn->reflect(env.reflect_options());
  std::string f = format.empty() ? (g.format == "json" ? "json" : "toml") : format;
  if (f == "toml") {
    // Types in the models' own vocabulary ("varchar(200)", not "character varying(200)").
    MetaData shown = live;
    for (auto& t : shown.mutable_tables())
      for (auto& c : t.columns) c.type = conn->dialect().canonical_type(c.type);
    out.out(write_models_toml(shown));
  } else if (f == "sql") {
    for (size_t idx : dependency_order(live))
      for (const auto& s : conn->dialect().render_create_table(live.tables()[idx])) out.out(util::trim(s.sql) + ";\n");
  } else if (f == "mermaid") {
    out.out(mermaid(live));
  } else if (f == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& t : live.tables()) arr.push_back(table_json(t));
    out.out(nlohmann::json{{"tables", arr}}.dump(2));
  } else {
    throw InputError(fmt::format("unknown inspect format '{}': use toml, sql, mermaid or json", f));
  }
  report_unsupported(live, out);
}

}  // namespace migrate
