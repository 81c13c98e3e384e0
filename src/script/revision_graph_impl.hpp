// Internal: the indexes behind RevisionGraph and the Alembic algorithms over them.
//
// Revisions are numbered by load order (0..n-1). Two sentinels stand for Alembic's
// non-revision values: kNone (Python None: "nothing", an empty database, an over-walk)
// and kBase (the "base" string a downward walk returns when it steps below a root).
//
// Every traversal is iterative (an explicit stack), so a 10 000-long chain is fine.
#pragma once

#include <algorithm>
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

/// Appends x to v unless v holds it already.
template <class T>
void push_unique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

/// A read-only run of revision numbers: a row of an Adjacency or a whole vector (a
/// stand-in for C++20's std::span<const int>).
class Revs {
 public:
  Revs() = default;
  Revs(const int* first, const int* last) : first_(first), last_(last) {}
  // Implicit, so that a function taking Revs also takes a vector.
  Revs(const std::vector<int>& v) : first_(v.data()), last_(v.data() + v.size()) {}
  const int* begin() const { return first_; }
  const int* end() const { return last_; }
  size_t size() const { return static_cast<size_t>(last_ - first_); }
  bool empty() const { return first_ == last_; }
  int front() const { return *first_; }
  bool contains(int x) const { return std::find(first_, last_, x) != last_; }
  std::vector<int> to_vector() const { return {first_, last_}; }

 private:
  const int* first_ = nullptr;
  const int* last_ = nullptr;
};

/// One list of revision numbers per revision, all in one array (row r is
/// items[start[r], start[r + 1])): two allocations for the whole graph instead of one
/// per revision. Built a row at a time, in revision order.
class Adjacency {
 public:
  Revs operator[](size_t r) const { return {items_.data() + start_[r], items_.data() + start_[r + 1]}; }
  Revs operator[](int r) const { return (*this)[static_cast<size_t>(r)]; }
  size_t rows() const { return start_.size() - 1; }

  void reserve(size_t rows, size_t items) {
    start_.reserve(rows + 1);
    items_.reserve(items);
  }
  /// Appends x to the row being built.
  void add(int x) { items_.push_back(x); }
  /// Appends x to the row being built unless it is there already.
  void add_unique(int x) {
    if (!current_row().contains(x)) items_.push_back(x);
  }
  /// The row being built so far.
  Revs current_row() const { return {items_.data() + start_.back(), items_.data() + items_.size()}; }
  void end_row() { start_.push_back(static_cast<int>(items_.size())); }

  /// The reverse relation over `n` revisions: row p lists every r whose row holds p, in
  /// increasing r (load order).
  Adjacency inverted(size_t n) const {
    Adjacency out;
    out.start_.assign(n + 1, 0);
    for (int x : items_) ++out.start_[static_cast<size_t>(x) + 1];
    for (size_t i = 0; i < n; ++i) out.start_[i + 1] += out.start_[i];
    out.items_.resize(items_.size());
    std::vector<int> fill(out.start_.begin(), out.start_.end() - 1);
    for (size_t r = 0; r < rows(); ++r)
      for (int x : (*this)[r]) out.items_[static_cast<size_t>(fill[static_cast<size_t>(x)]++)] = static_cast<int>(r);
    return out;
  }

 private:
  std::vector<int> start_{0};
  std::vector<int> items_;
};

/// An entry of the key map: the revision, and the key's insertion order (ids in load
/// order, then branch labels), which orders the candidates of a partial id.
struct Key {
  int rev;
  int rank;
};

struct Index {
  std::vector<Revision> revisions;  // load order; the keys are views of their strings
  Adjacency down;       // versioned down_revisions
  Adjacency deps;       // resolved depends_on
  Adjacency norm_deps;  // deps not implied by an ancestor's deps
  Adjacency norm_down;  // down + norm_deps, deduplicated
  Adjacency next;       // children through down_revision
  Adjacency all_next;   // children through down_revision or deps
  std::vector<std::vector<std::string>> labels;  // propagated, sorted
  std::vector<int> generation;              // 0 at real bases, 1 + max over all parents
  std::unordered_map<std::string_view, Key> keys;  // ids and branch labels
  /// Keys longer than 3 characters, sorted, for prefix matching. Built on first use:
  /// commands that resolve no partial id (heads, history) never pay for the sort.
  const std::vector<std::pair<std::string_view, Key>>& prefix_keys() const;
  /// The keys that start with `prefix`, in rank order.
  std::vector<std::pair<std::string_view, Key>> keys_starting_with(std::string_view prefix) const;
  mutable std::vector<std::pair<std::string_view, Key>> prefix_keys_;
  mutable bool prefix_keys_built_ = false;
  mutable std::mutex prefix_keys_mutex_;
  std::vector<int> heads, real_heads, bases;

  int size() const { return static_cast<int>(revisions.size()); }
  const std::string& id(int r) const { return revisions[static_cast<size_t>(r)].id; }
  const std::string& path(int r) const { return revisions[static_cast<size_t>(r)].path; }
  /// The revision whose id is exactly `id`, or kNone.
  int find_id(std::string_view id) const;
  std::string ids_text(Revs revs, std::string_view sep = ", ") const;

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
