// upgrade, downgrade, stamp: online and offline (--sql).
#include <algorithm>

#include <fmt/format.h>

#include <migrate/command.hpp>
#include <migrate/error.hpp>
#include <migrate/runtime/runner.hpp>

#include "command/environment.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

/// Splits "FROM:TO" for offline runs. Returns false when there is no ':'.
bool split_range(const std::string& spec, std::string* from, std::string* to) {
  auto colon = spec.find(':');
  if (colon == std::string::npos) return false;
  *from = spec.substr(0, colon);
  *to = spec.substr(colon + 1);
  return true;
}

/// The version rows a FROM of an offline range stands for (Alembic: the table is assumed
/// to hold FROM; base or empty = no rows).
std::vector<std::string> rows_for(const RevisionGraph& graph, const std::string& from) {
  if (from.empty() || from == "base") return {};
  return graph.resolve(from);
}

RunOptions run_options(const Environment& env, const ApplyOptions& o, const Output& out) {
  RunOptions r;
  r.single_transaction = o.single_transaction;
  r.transaction_per_migration = env.config().transaction_per_migration;
  r.progress = out.info;
  return r;
}

/// Holds the run-wide lock for a scope (PostgreSQL advisory lock; SQLite no-op).
class MigrationLock {
 public:
  explicit MigrationLock(Connection& c) : conn_(c) { conn_.lock_for_migration(); }
  ~MigrationLock() {
    try {
      conn_.unlock_for_migration();
    } catch (...) {
    }
  }

 private:
  Connection& conn_;
};

void apply(const GlobalOptions& g, const ApplyOptions& o, const Output& out, Direction dir) {
  Environment env(g);
  const ScriptDirectory& scripts = env.scripts();
  const RevisionGraph& graph = scripts.graph();
  VersionTable table = env.version_table();
  const char* verb = dir == Direction::up ? "upgrade" : "downgrade";
  std::string from, to;
  bool ranged = split_range(o.target, &from, &to);
  if (o.sql) {
    if (dir == Direction::down && !ranged)
      throw InputError("downgrade with --sql requires <fromrev>:<torev>");
    if (!ranged) to = o.target;
    std::vector<std::string> start = rows_for(graph, from);
    auto steps = dir == Direction::up ? graph.upgrade_steps(start, to) : graph.downgrade_steps(start, to);
    out.out(offline_script(env.dialect(), scripts, table, start, steps, run_options(env, o, out)));
    return;
  }
  if (ranged) throw InputError(fmt::format("Range revision not allowed: '{}' (FROM:TO needs --sql)", o.target));
  auto conn = env.connect();
  MigrationLock lock(*conn);
  table.ensure(*conn);
  std::vector<std::string> rows = table.read(*conn);
  auto steps = dir == Direction::up ? graph.upgrade_steps(rows, o.target) : graph.downgrade_steps(rows, o.target);
  if (steps.empty()) {
    out.info(fmt::format("Nothing to {}: the database is already at {}", verb,
                         rows.empty() ? std::string("base") : util::join(graph.current_heads(rows), ", ")));
    return;
  }
  out.info(fmt::format("Running {} on {} ({} step{})", verb, conn->display_url(), steps.size(),
                       steps.size() == 1 ? "" : "s"));
  run_steps(*conn, scripts, table, steps, run_options(env, o, out));
}

}  // namespace

void cmd_upgrade(const GlobalOptions& g, const ApplyOptions& o, const Output& out) { apply(g, o, out, Direction::up); }

void cmd_downgrade(const GlobalOptions& g, const ApplyOptions& o, const Output& out) {
  apply(g, o, out, Direction::down);
}

void cmd_stamp(const GlobalOptions& g, const StampOptions& o, const Output& out) {
  Environment env(g);
  const RevisionGraph& graph = env.scripts().graph();
  VersionTable table = env.version_table();
  if (o.sql) {
    if (o.purge) throw InputError("Can't use --purge with --sql mode");
    std::vector<std::string> start;
    std::vector<std::string> targets = o.targets;
    std::string from, to;
    if (targets.size() == 1 && split_range(targets[0], &from, &to)) {
      start = rows_for(graph, from);
      targets = {to};
    }
    auto steps = graph.stamp_steps(start, targets);
    RunOptions r;
    out.out(offline_stamp_script(env.dialect(), table, start.empty(), steps, r));
    return;
  }
  auto conn = env.connect();
  MigrationLock lock(*conn);
  table.ensure(*conn);
  std::vector<std::string> rows = o.purge ? std::vector<std::string>{} : table.read(*conn);
  // Resolve before touching anything, so a bad target leaves the table as it was.
  auto steps = graph.stamp_steps(rows, o.targets);
  Transaction tx(*conn);
  if (o.purge)
    for (const auto& s : table.purge_statements()) conn->execute(s);
  for (const auto& s : steps) {
    out.info(fmt::format("Running stamp_revision {} -> {}", s.from_text, s.to_text));
    table.apply(*conn, s.changes);
  }
  tx.commit();
}

}  // namespace migrate
