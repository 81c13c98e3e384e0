// check --ci: the checks pytest-alembic runs, on a scratch database (DESIGN.md §8).
#include <algorithm>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <migrate/command.hpp>
#include <migrate/dialect/registry.hpp>
#include <migrate/error.hpp>
#include <migrate/runtime/runner.hpp>

#include "command/environment.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

namespace fs = std::filesystem;

struct CheckResult {
  std::string name;
  bool ok = true;
  std::string message;
};

std::string describe_all(const Diff& diff) {
  std::vector<std::string> lines;
  for (const auto& op : diff.upgrade) lines.push_back(describe(op));
  return util::join(lines, "; ");
}

/// A scratch database for the run: the given URL, or a temporary SQLite file.
struct Scratch {
  std::string url;
  std::string temp_file;
  ~Scratch() {
    if (!temp_file.empty()) std::remove(temp_file.c_str());
  }
};

}  // namespace

bool cmd_check_ci(const GlobalOptions& g, const CiCheckOptions& o, const Output& out) {
  Environment env(g);
  const ScriptDirectory& scripts = env.scripts();
  const RevisionGraph& graph = scripts.graph();
  std::vector<std::string> wanted = o.checks.empty() ? std::vector<std::string>{"heads", "upgrade", "models", "roundtrip"}
                                                     : o.checks;
  for (const auto& w : wanted)
    if (w != "heads" && w != "upgrade" && w != "models" && w != "roundtrip")
      throw InputError(fmt::format("unknown check '{}': use heads, upgrade, models or roundtrip", w));
  auto want = [&](const char* n) { return std::find(wanted.begin(), wanted.end(), n) != wanted.end(); };

  Scratch scratch;
  scratch.url = !o.scratch_url.empty() ? o.scratch_url : env.config().scratch_url;
  if (scratch.url.empty()) {
    if (env.dialect().name() != "sqlite")
      throw InputError(fmt::format("check --ci on {} needs an empty scratch database: give --scratch-url or set "
                                   "[models] scratch_url",
                                   env.dialect().name()));
    scratch.temp_file = (fs::temp_directory_path() / fmt::format("migrate-check-{}.db", ::getpid())).string();
    std::remove(scratch.temp_file.c_str());
    scratch.url = "sqlite:///" + scratch.temp_file;
  }
  auto conn = open_connection(scratch.url, env.config().dir);
  ReflectOptions ro = env.reflect_options();
  VersionTable table = env.version_table();
  // Empty: no tables, and no version rows (a version table left by an earlier run is fine).
  if (!conn->reflect(ro).tables().empty() || !table.read(*conn).empty())
    throw InputError(fmt::format("scratch database {} is not empty; check --ci needs an empty one",
                                 conn->display_url()));
  RunOptions quiet;
  std::vector<CheckResult> results;

  if (want("heads")) {
    auto heads = graph.heads();
    CheckResult r{"heads"};
    r.ok = heads.size() == 1;
    r.message = r.ok ? "one head: " + heads[0]
                     : fmt::format("expected 1 head revision, found {}: {}", heads.size(), util::join(heads, ", "));
    results.push_back(r);
  }

  auto steps = graph.upgrade_steps({}, "heads");
  auto to_base = [&] {
    // Leaves the scratch database as it was found; a failure here is reported by the
    // check that caused it.
    try {
      run_steps(*conn, scripts, table, graph.downgrade_steps(table.read(*conn), "base"), quiet);
    } catch (const Error&) {
    }
  };

  bool upgraded = false;
  if (want("upgrade") || want("models")) {
    CheckResult r{"upgrade"};
    try {
      table.ensure(*conn);
      for (const auto& step : steps) run_steps(*conn, scripts, table, {step}, quiet);
      r.message = fmt::format("base -> heads in {} step{}", steps.size(), steps.size() == 1 ? "" : "s");
      upgraded = true;
    } catch (const Error& e) {
      r.ok = false;
      r.message = e.what();
    }
    if (want("upgrade")) results.push_back(r);
    if (want("models")) {
      CheckResult m{"models"};
      if (!upgraded) {
        m.ok = false;
        m.message = "not run: the upgrade failed";
      } else {
        Diff diff = compare_with_database(env, *conn, env.load_models());
        m.ok = diff.empty();
        m.message = m.ok ? "the migrations produce the schema the models declare"
                         : fmt::format("{} difference{} between the models and the migrated schema: {}",
                                       diff.upgrade.size(), diff.upgrade.size() == 1 ? "" : "s", describe_all(diff));
      }
      results.push_back(m);
    }
    to_base();
  }

  if (want("roundtrip")) {
    // From base, one revision at a time: upgrade, downgrade (which must leave no trace),
    // upgrade again (which must give the same schema). Stops at the first failure.
    CheckResult rt{"roundtrip"};
    try {
      table.ensure(*conn);
      for (const auto& step : steps) {
        MetaData before = conn->reflect(ro);
        run_steps(*conn, scripts, table, {step}, quiet);
        MetaData after = conn->reflect(ro);
        run_steps(*conn, scripts, table, {Step{step.revision, Direction::down, step.to_text, step.from_text}}, quiet);
        Diff trace = compare(conn->reflect(ro), before, conn->dialect(), env.compare_options());
        if (!trace.empty()) {
          rt.ok = false;
          rt.message = fmt::format("the downgrade of {} leaves a trace: {}", step.revision, describe_all(trace));
          break;
        }
        run_steps(*conn, scripts, table, {step}, quiet);
        Diff again = compare(conn->reflect(ro), after, conn->dialect(), env.compare_options());
        if (!again.empty()) {
          rt.ok = false;
          rt.message = fmt::format("upgrading {} again gives another schema: {}", step.revision, describe_all(again));
          break;
        }
      }
      if (rt.ok) rt.message = fmt::format("every one of {} revisions downgrades without a trace", steps.size());
    } catch (const Error& e) {
      rt.ok = false;
      rt.message = e.what();
    }
    results.push_back(rt);
    to_base();
  }

  bool all_ok = std::all_of(results.begin(), results.end(), [](const CheckResult& c) { return c.ok; });
  if (g.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : results) arr.push_back({{"name", c.name}, {"ok", c.ok}, {"message", c.message}});
    out.out(nlohmann::json{{"ok", all_ok}, {"checks", arr}}.dump(2));
  } else {
    for (const auto& c : results) out.out(fmt::format("{:<4} {}: {}", c.ok ? "ok" : "FAIL", c.name, c.message));
  }
  return all_ok;
}

}  // namespace migrate
