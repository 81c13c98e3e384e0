// Internal: the indexes behind RevisionGraph and the Alembic algorithms over them.
//
// Revisions are numbered by load order (0..n-1). Two sentinels stand for Alembic's
// non-revision values: kNone (Python None: "nothing", an empty database, an over-walk)
// and kBase (the "base" string a downward walk returns when it steps below a root).
//
// Every traversal is iterative (an explicit stack), so a 10 000-long chain is fine.
#pragma once

#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <migrate/error.hpp>
#include <migrate/script/revision.hpp>
#include <migrate/script/revision_graph.hpp>

namespace migrate::graph {

constexpr int kNone = -1;
constexpr int kBase = -2;

/// Thrown inside the graph code for Alembic's MultipleHeads; the public entry points
/// turn it into a RevisionError worded for the command (upgrade, stamp, ...).
struct MultipleHeads {
  std::vector<std::string> heads;
  std::string argument;
};

/// Thrown inside the graph code for Alembic's RangeNotAncestorError ("nothing to drop",
/// a history range whose ends are not on one line); reworded by the entry points.
struct RangeNotAncestor {};

/// The result of Alembic's _resolve_revision_number: ids (possibly partial, possibly
/// labels) and the branch label before '@'.
struct Number {
  std::vector<std::string> ids;  // empty: base
  std::optional<std::string> label;
};

/// The parts of a relative target: [label@][symbol](+|-)N.
struct Relative {
  std::optional<std::string> label;
  std::optional<std::string> symbol;
  std::string relative_text;  // "+2", "-1"
  long long relative = 0;
};

/// Parses `spec` as a relative target; nullopt when it is not one (the whole text must
/// match, unlike Alembic's prefix match, so "c1+1junk" is not read as "c1+1").
std::optional<Relative> parse_relative(std::string_view spec);

struct Index {
  std::vector<std::string> ids;
  std::vector<std::string> paths;
  std::vector<std::vector<int>> down;       // versioned down_revisions
  std::vector<std::vector<int>> deps;       // resolved depends_on
  std::vector<std::vector<int>> norm_deps;  // deps not implied by an ancestor's deps
  std::vector<std::vector<int>> norm_down;  // down + norm_deps, deduplicated
  std::vector<std::vector<int>> next;       // children through down_revision
  std::vector<std::vector<int>> all_next;   // children through down_revision or deps
  std::vector<std::vector<std::string>> labels;  // propagated, sorted
  std::vector<int> generation;              // 0 at real bases, 1 + max over all parents
  std::unordered_map<std::string, int> keys;      // ids and branch labels -> revision
  std::unordered_map<std::string, int> key_rank;  // insertion order of `keys`
  /// Keys longer than 3 characters, sorted, for prefix matching. Built on first use:
  /// commands that resolve no partial id (heads, history) never pay for the sort.
  const std::vector<std::pair<std::string, int>>& prefix_keys() const;
  mutable std::vector<std::pair<std::string, int>> prefix_keys_;
  mutable bool prefix_keys_built_ = false;
  mutable std::mutex prefix_keys_mutex_;
  std::vector<int> heads, real_heads, bases;

  int size() const { return static_cast<int>(ids.size()); }
  const std::string& id(int r) const { return ids[static_cast<size_t>(r)]; }
  std::string ids_text(const std::vector<int>& revs, std::string_view sep = ", ") const;

  // ---- traversal ----
  /// Ancestors of `targets` including themselves (deps: through normalised
  /// down-revisions, else through down_revision only), in visit order. With check,
  /// throws "Requested revision X overlaps with other requested revisions Y" when a
  /// target reaches another target, as Alembic's _iterate_related_revisions(check=True).
  std::vector<int> ancestors(const std::vector<int>& targets, bool deps, bool check = false) const;
  /// Descendants of `targets` including themselves (deps: through all children).
  std::vector<int> descendants(const std::vector<int>& targets, bool deps,
                               bool check = false) const;
  /// True when `node` is one of `tops` or an ancestor of one (dependencies included).
  /// Walks down from `tops` only through generations >= node's, so asking about a
  /// revision near the tops is cheap even in a long chain.
  bool reaches(const std::vector<int>& tops, int node) const;
  /// The cache behind reaches(): the ancestry mask of the last large query's tops. A
  /// plan asks about the same other rows step after step, so one entry is enough.
  mutable std::mutex cache_mutex;
  mutable std::vector<int> cache_tops;
  mutable std::vector<char> cache_mask;
  /// anc(r) ∪ desc(r) as a mask.
  std::vector<char> lineage_mask(const std::vector<int>& revs, bool deps) const;

  // ---- resolution (Alembic's RevisionMap API) ----
  Number resolve_number(std::string_view spec) const;
  int revision_for_ident(const std::string& ident, const std::optional<std::string>& branch) const;
  int resolve_branch(const std::string& label) const;
  std::vector<int> get_revisions(std::string_view spec) const;
  std::vector<int> get_revisions_of(const std::vector<std::string>& specs) const;
  int get_revision(std::string_view spec) const;
  std::vector<int> filter_for_lineage(const std::vector<int>& targets, std::string_view against,
                                      bool deps = false) const;
  std::vector<int> current_head(const std::optional<std::string>& label) const;
  int walk(int start, long long steps, const std::optional<std::string>& label,
           bool no_overwalk) const;
  /// Database rows to revisions: exact ids only (a row naming no file is an error).
  std::vector<int> rows_to_revs(const std::vector<std::string>& rows) const;

  // ---- plans ----
  std::vector<int> parse_upgrade_target(const std::vector<int>& current, std::string_view target,
                                        bool assert_length) const;
  std::pair<std::optional<std::string>, int> parse_downgrade_target(
      const std::vector<int>& current, std::string_view target, bool assert_length) const;
  /// Alembic's _topological_sort: `todo` in walk order from `heads` (newest first).
  std::vector<int> topological_sort(const std::vector<int>& todo, const std::vector<int>& heads) const;
  std::vector<int> all_current(const std::vector<int>& rows) const;

  // ---- version table ----
  std::vector<VersionChange> revision_step_changes(const std::vector<std::string>& rows, int rev,
                                                   bool upgrade) const;
};

}  // namespace migrate::graph

namespace migrate {
struct RevisionGraph::Impl : graph::Index {};
}  // namespace migrate
