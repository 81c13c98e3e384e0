// Helpers for building in-memory revision graphs and running plans against a simulated
// version table.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <migrate/error.hpp>
#include <migrate/script/revision_graph.hpp>

namespace migrate::test {

using Ids = std::vector<std::string>;

inline Revision R(std::string id, Ids down = {}, Ids deps = {}, Ids labels = {}) {
  Revision r;
  r.id = std::move(id);
  r.down_revisions = std::move(down);
  r.depends_on = std::move(deps);
  r.branch_labels = std::move(labels);
  r.path = "versions/" + r.id + ".toml";
  return r;
}

inline Ids sorted(Ids v) {
  std::sort(v.begin(), v.end());
  return v;
}

inline Ids step_ids(const std::vector<Step>& steps) {
  Ids out;
  for (const auto& s : steps) out.push_back(s.revision);
  return out;
}

/// Applies every step's version-table changes to `rows` (apply_changes throws when a
/// change does not fit the rows) and returns the final rows, sorted.
inline Ids apply_all(const RevisionGraph& g, Ids rows, const std::vector<Step>& steps) {
  for (const auto& s : steps) rows = RevisionGraph::apply_changes(rows, g.version_changes(rows, s));
  return sorted(rows);
}

inline Ids upgrade_rows(const RevisionGraph& g, const Ids& rows, const std::string& target) {
  return apply_all(g, rows, g.upgrade_steps(rows, target));
}

inline Ids downgrade_rows(const RevisionGraph& g, const Ids& rows, const std::string& target) {
  return apply_all(g, rows, g.downgrade_steps(rows, target));
}

inline Ids stamp_rows(const RevisionGraph& g, Ids rows, const Ids& targets) {
  for (const auto& s : g.stamp_steps(rows, targets)) rows = RevisionGraph::apply_changes(rows, s.changes);
  return sorted(rows);
}

/// The message of the error `f` throws (of type E), or "<no error>".
template <class E = Error, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace migrate::test
