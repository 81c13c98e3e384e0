// current, heads, branches, history, show: reading the graph and the version table.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <migrate/command.hpp>
#include <migrate/error.hpp>
#include <migrate/runtime/runner.hpp>

#include "command/environment.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// Appends Alembic's one-line history entry, "<down> -> <rev> (labels) (head), message",
/// and a newline. Appending to one buffer: a string per line costs more than the line.
void add_history_line(std::string& text, const RevisionGraph& graph, const Revision& r,
                      const std::vector<std::string>& current, bool indicate_current) {
  text += r.down_revisions.empty() ? "<base>" : util::join(r.down_revisions, ", ");
  if (!r.depends_on.empty()) text += " (" + util::join(r.depends_on, ", ") + ")";
  text += " -> ";
  text += r.id;
  if (auto labels = graph.branch_labels(r.id); !labels.empty()) text += " (" + util::join(labels, ", ") + ")";
  const size_t children = graph.child_count(r.id);
  if (children == 0) text += " (head)";
  if (indicate_current && contains(current, r.id)) text += " (current)";
  if (children > 1) text += " (branchpoint)";
  if (r.down_revisions.size() > 1) text += " (mergepoint)";
  text += ", ";
  text += r.message;
  if (text.back() != '\n') text += '\n';  // as Output::out ends a line
}

/// Alembic's verbose log entry.
std::string log_entry(const ScriptDirectory& scripts, const Revision& r, const std::vector<std::string>& current) {
  const RevisionGraph& graph = scripts.graph();
  std::string s = "Rev: " + revision_label(graph, r, current) + "\n";
  if (r.down_revisions.size() > 1)
    s += "Merges: " + util::join(r.down_revisions, ", ") + "\n";
  else
    s += "Parent: " + (r.down_revisions.empty() ? std::string("<base>") : r.down_revisions[0]) + "\n";
  if (!r.depends_on.empty()) s += "Also depends on: " + util::join(r.depends_on, ", ") + "\n";
  auto kids = graph.children(r.id);
  if (kids.size() > 1) s += "Branches into: " + util::join(kids, ", ") + "\n";
  if (auto labels = graph.branch_labels(r.id); !labels.empty()) s += "Branch names: " + util::join(labels, ", ") + "\n";
  s += "Path: " + r.path + "\n\n";
  s += "    " + r.message + "\n\n";
  s += "    Revision ID: " + r.id + "\n";
  s += "    Revises: " + util::join(r.down_revisions, ", ") + "\n";
  s += "    Create Date: " + scripts.load(r.id).create_date + "\n";
  return s;
}

std::vector<std::string> read_rows(const Environment& env) {
  auto conn = env.connect();
  return env.version_table().read(*conn);
}

}  // namespace

void cmd_current(const GlobalOptions& g, bool verbose, const Output& out) {
  Environment env(g);
  const ScriptDirectory& scripts = env.scripts();
  auto rows = read_rows(env);
  auto current = scripts.graph().current_heads(rows);
  if (g.format == "json") {
    out.out(nlohmann::json{{"current", current}}.dump(2));
    return;
  }
  if (verbose) out.info("Current revision(s) for " + env.display_url() + ":");
  for (const auto& id : current) {
    const Revision* r = scripts.graph().find(id);
    if (!r) {
      out.out(id + " (not found in " + scripts.dir() + ")");
      continue;
    }
    out.out(verbose ? log_entry(scripts, *r, {}) : revision_label(scripts.graph(), *r, {}));
  }
}

void cmd_heads(const GlobalOptions& g, bool verbose, bool resolve_dependencies, const Output& out) {
  Environment env(g);
  const ScriptDirectory& scripts = env.scripts();
  const RevisionGraph& graph = scripts.graph();
  auto heads = resolve_dependencies ? graph.real_heads() : graph.heads();
  if (g.format == "json") {
    out.out(nlohmann::json{{"heads", heads}}.dump(2));
    return;
  }
  for (const auto& h : heads) {
    const Revision& r = *graph.find(h);
    out.out(verbose ? log_entry(scripts, r, {}) : revision_label(graph, r, {}));
  }
}

void cmd_branches(const GlobalOptions& g, bool verbose, const Output& out) {
  Environment env(g);
  const ScriptDirectory& scripts = env.scripts();
  const RevisionGraph& graph = scripts.graph();
  for (const auto& id : graph.branch_points()) {
    const Revision& r = *graph.find(id);
    out.out(verbose ? log_entry(scripts, r, {}) : r.id + " (branchpoint)");
    for (const auto& child : graph.children(id)) {
      const Revision& c = *graph.find(child);
      out.out(fmt::format("{}-> {}, {}", std::string(r.id.size() + 1, ' '), revision_label(graph, c, {}), c.message));
    }
  }
}

void cmd_history(const GlobalOptions& g, const std::string& range, bool verbose, bool indicate_current,
                 const Output& out) {
  Environment env(g);
  const ScriptDirectory& scripts = env.scripts();
  const RevisionGraph& graph = scripts.graph();
  std::vector<std::string> rows;
  if (indicate_current || range.find("current") != std::string::npos) rows = read_rows(env);
  if (!range.empty() && range.find(':') == std::string::npos)
    throw InputError("History range requires [start]:[end], [start]:, or :[end]");
  auto ids = graph.history(range, rows);
  auto current = graph.current_heads(rows);
  if (g.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& id : ids) {
      const Revision& r = *graph.find(id);
      arr.push_back({{"revision", r.id},
                     {"down_revision", r.down_revisions},
                     {"depends_on", r.depends_on},
                     {"branch_labels", r.branch_labels},
                     {"message", r.message},
                     {"path", r.path},
                     {"current", contains(current, r.id)}});
    }
    out.out(arr.dump(2));
    return;
  }
  if (verbose) {
    // An entry at a time: each reads its file, which may fail after earlier entries.
    for (const auto& id : ids)
      out.out(log_entry(scripts, *graph.find(id), indicate_current ? current : std::vector<std::string>{}));
    return;
  }
  // One write for the whole history: thousands of lines, one Output call each, cost
  // more than formatting them.
  std::string text;
  for (const auto& id : ids) add_history_line(text, graph, *graph.find(id), current, indicate_current);
  if (!text.empty()) out.out(text);
}

void cmd_show(const GlobalOptions& g, const std::string& rev, const Output& out) {
  Environment env(g);
  const ScriptDirectory& scripts = env.scripts();
  const RevisionGraph& graph = scripts.graph();
  // Any revision argument (ids, partial ids, labels, head, heads, label@head...), as
  // Alembic's get_revisions; "current" reads the database. "base" shows nothing.
  std::vector<std::string> ids = rev == "current" ? graph.current_heads(read_rows(env)) : graph.resolve(rev);
  const Dialect& dialect = env.dialect();
  VersionTable table = env.version_table();
  for (const auto& id : ids) {
    const Revision& r = *graph.find(id);
    const MigrationFile& file = scripts.load(id);
    out.out(log_entry(scripts, r, {}));
    for (int dir = 0; dir < 2; ++dir) {
      const auto& ops = dir == 0 ? file.upgrade : file.downgrade;
      out.out(dir == 0 ? "Upgrade:" : "Downgrade:");
      if (ops.empty()) out.out("    (no operations)");
      for (const auto& op : ops) out.out("    " + describe(op));
      // The SQL as `upgrade A:B --sql` prints it for this one step.
      std::vector<std::string> before;
      try {
        if (dir == 0) {
          for (const auto& p : r.down_revisions) before.push_back(p);
          auto steps = graph.upgrade_steps(before, id);
          RunOptions ro;
          out.out("\n" + util::trim(offline_script(dialect, scripts, table, before, steps, ro)) + "\n");
        } else {
          std::vector<std::string> at{id};
          auto steps = graph.downgrade_steps(at, id + "-1");
          RunOptions ro;
          out.out("\n" + util::trim(offline_script(dialect, scripts, table, at, steps, ro)) + "\n");
        }
      } catch (const Error& e) {
        out.out(std::string("    (SQL not shown: ") + e.what() + ")\n");
      }
    }
  }
}

}  // namespace migrate
