// RevisionGraph: construction, validation, indexes and the plain queries.
//
// The algorithms that turn targets into plans live in revision_plan.cpp; both work on
// graph::Index (revision_graph_impl.hpp).
#include <migrate/script/revision_graph.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include "script/revision_graph_impl.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace graph {

namespace {

/// "a.toml, b.toml: " for the revisions that have a path; "" when none has one.
std::string where(const std::vector<std::string>& paths) {
  std::vector<std::string> named;
  for (const auto& p : paths)
    if (!p.empty() && std::find(named.begin(), named.end(), p) == named.end()) named.push_back(p);
  if (named.empty()) return {};
  return util::join(named, ", ") + ": ";
}

[[noreturn]] void fail(const std::vector<std::string>& paths, const std::string& message,
                       std::string detail = {}) {
  throw InputError(where(paths) + message, std::move(detail));
}

void verify_rev_id(const Revision& r) {
  if (r.id.empty()) fail({r.path}, "Empty revision identifier");
  for (char c : r.id)
    if (std::isspace(static_cast<unsigned char>(c)))
      fail({r.path}, "Whitespace not allowed in revision identifier '" + r.id + "'");
  std::set<char> bad;
  for (char c : r.id)
    if (c == '@' || c == '-' || c == '+' || c == ':') bad.insert(c);
  if (bad.empty()) return;
  std::vector<std::string> chars;
  for (char c : bad) chars.emplace_back(1, c);
  fail({r.path}, "Character(s) '" + util::join(chars, ", ") +
                     "' not allowed in revision identifier '" + r.id + "'");
}

void verify_label(const Revision& r, const std::string& label) {
  bool bad = label.empty();
  for (char c : label)
    if (c == '@' || std::isspace(static_cast<unsigned char>(c))) bad = true;
  if (bad)
    fail({r.path}, "Branch label '" + label + "' of revision " + r.id +
                       " is empty or contains '@' or whitespace");
}

template <class T>
void push_unique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::string Index::ids_text(const std::vector<int>& revs, std::string_view sep) const {
  std::string out;
  for (size_t i = 0; i < revs.size(); ++i) {
    if (i) out += sep;
    out += revs[i] >= 0 ? id(revs[i]) : std::string();
  }
  return out;
}

namespace {

/// Alembic's _iterate_related_revisions: a LIFO walk from each target in turn, sharing
/// one "seen" set. With check, a later target popping an earlier one (or the other way
/// round) is an overlap.
template <class Edges>
std::vector<int> related(const Index& ix, const std::vector<int>& targets, bool check,
                         Edges&& edges) {
  const int n = ix.size();
  std::vector<char> seen(static_cast<size_t>(n), 0);
  std::vector<char> is_target;
  if (check) {
    is_target.assign(static_cast<size_t>(n), 0);
    for (int t : targets)
      if (t >= 0) is_target[static_cast<size_t>(t)] = 1;
  }
  std::vector<int> out;
  std::vector<int> stack;
  for (int target : targets) {
    if (target < 0) continue;
    std::vector<int> overlaps;
    stack.push_back(target);
    while (!stack.empty()) {
      int r = stack.back();
      stack.pop_back();
      if (check && r != target && is_target[static_cast<size_t>(r)]) push_unique(overlaps, r);
      if (seen[static_cast<size_t>(r)]) continue;
      seen[static_cast<size_t>(r)] = 1;
      for (int x : edges(r)) stack.push_back(x);
      out.push_back(r);
    }
    if (!overlaps.empty())
      throw RevisionError("Requested revision " + ix.id(target) +
                          " overlaps with other requested revisions " + ix.ids_text(overlaps));
  }
  return out;
}

}  // namespace

std::vector<int> Index::ancestors(const std::vector<int>& targets, bool deps, bool check) const {
  if (deps) return related(*this, targets, check, [&](int r) -> const std::vector<int>& {
      return norm_down[static_cast<size_t>(r)];
    });
  return related(*this, targets, check,
                 [&](int r) -> const std::vector<int>& { return down[static_cast<size_t>(r)]; });
}

std::vector<int> Index::descendants(const std::vector<int>& targets, bool deps, bool check) const {
  if (deps) return related(*this, targets, check, [&](int r) -> const std::vector<int>& {
      return all_next[static_cast<size_t>(r)];
    });
  return related(*this, targets, check,
                 [&](int r) -> const std::vector<int>& { return next[static_cast<size_t>(r)]; });
}

const std::vector<std::pair<std::string, int>>& Index::prefix_keys() const {
  std::lock_guard<std::mutex> lock(prefix_keys_mutex_);
  if (!prefix_keys_built_) {
    for (const auto& [key, r] : keys)
      if (key.size() > 3) prefix_keys_.emplace_back(key, r);
    std::sort(prefix_keys_.begin(), prefix_keys_.end());
    prefix_keys_built_ = true;
  }
  return prefix_keys_;
}

bool Index::reaches(const std::vector<int>& tops, int node) const {
  if (node < 0) return false;
  std::vector<int> key;
  for (int t : tops)
    if (t >= 0) key.push_back(t);
  std::sort(key.begin(), key.end());
  key.erase(std::unique(key.begin(), key.end()), key.end());
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (key == cache_tops && cache_mask.size() == static_cast<size_t>(size()))
      return cache_mask[static_cast<size_t>(node)] != 0;
  }
  // A walk pruned by generation answers most questions after a few steps; when it grows
  // large, build the full ancestry mask of `tops` and keep it for the next question.
  constexpr size_t kBudget = 256;
  const int g = generation[static_cast<size_t>(node)];
  std::unordered_set<int> visited;
  std::vector<int> stack;
  for (int t : key)
    if (generation[static_cast<size_t>(t)] >= g) stack.push_back(t);
  while (!stack.empty() && visited.size() < kBudget) {
    int x = stack.back();
    stack.pop_back();
    if (x == node) return true;
    if (!visited.insert(x).second) continue;
    for (int p : norm_down[static_cast<size_t>(x)])
      if (generation[static_cast<size_t>(p)] >= g && !visited.count(p)) stack.push_back(p);
  }
  if (stack.empty()) return false;
  std::vector<char> mask(static_cast<size_t>(size()), 0);
  for (int r : ancestors(key, true)) mask[static_cast<size_t>(r)] = 1;
  const bool found = mask[static_cast<size_t>(node)] != 0;
  std::lock_guard<std::mutex> lock(cache_mutex);
  cache_mask = std::move(mask);
  cache_tops = std::move(key);
  return found;
}

std::vector<char> Index::lineage_mask(const std::vector<int>& revs, bool deps) const {
  std::vector<char> mask(static_cast<size_t>(size()), 0);
  for (int r : ancestors(revs, deps)) mask[static_cast<size_t>(r)] = 1;
  for (int r : descendants(revs, deps)) mask[static_cast<size_t>(r)] = 1;
  return mask;
}

namespace {

/// Kahn's algorithm over `parents`; returns the revisions left over (on or above a
/// cycle) and fills generation when given.
std::vector<int> peel(const Index& ix, const std::vector<std::vector<int>>& parents,
                      const std::vector<std::vector<int>>& children, std::vector<int>* generation) {
  const int n = ix.size();
  std::vector<int> pending(static_cast<size_t>(n));
  std::vector<int> ready;
  if (generation) generation->assign(static_cast<size_t>(n), 0);
  for (int r = 0; r < n; ++r) {
    pending[static_cast<size_t>(r)] = static_cast<int>(parents[static_cast<size_t>(r)].size());
    if (pending[static_cast<size_t>(r)] == 0) ready.push_back(r);
  }
  int done = 0;
  while (!ready.empty()) {
    int r = ready.back();
    ready.pop_back();
    ++done;
    for (int c : children[static_cast<size_t>(r)]) {
      if (generation)
        (*generation)[static_cast<size_t>(c)] =
            std::max((*generation)[static_cast<size_t>(c)], (*generation)[static_cast<size_t>(r)] + 1);
      if (--pending[static_cast<size_t>(c)] == 0) ready.push_back(c);
    }
  }
  std::vector<int> left;
  if (done == n) return left;
  for (int r = 0; r < n; ++r)
    if (pending[static_cast<size_t>(r)] > 0) left.push_back(r);
  return left;
}

/// One cycle among the revisions `left` over by peel(): every one of them has a parent
/// that is left over too, so following such parents must come back round.
std::vector<int> find_cycle(const std::vector<std::vector<int>>& parents, const std::vector<int>& left,
                            int n) {
  std::vector<char> in_left(static_cast<size_t>(n), 0);
  for (int r : left) in_left[static_cast<size_t>(r)] = 1;
  std::vector<int> pos(static_cast<size_t>(n), -1);
  std::vector<int> path;
  int r = left.front();
  while (pos[static_cast<size_t>(r)] < 0) {
    pos[static_cast<size_t>(r)] = static_cast<int>(path.size());
    path.push_back(r);
    int nextp = -1;
    for (int p : parents[static_cast<size_t>(r)])
      if (in_left[static_cast<size_t>(p)]) {
        nextp = p;
        break;
      }
    if (nextp < 0) break;  // cannot happen after peel(); stop rather than loop
    r = nextp;
  }
  return std::vector<int>(path.begin() + std::max(0, pos[static_cast<size_t>(r)]), path.end());
}

void report_cycle(const Index& ix, const std::vector<std::vector<int>>& parents,
                  const std::vector<int>& left, const std::string& kind) {
  std::vector<int> cycle = find_cycle(parents, left, ix.size());
  std::vector<std::string> ids;
  std::vector<std::string> paths;
  for (int r : cycle) {
    ids.push_back(ix.id(r));
    paths.push_back(ix.paths[static_cast<size_t>(r)]);
  }
  std::sort(ids.begin(), ids.end());
  std::string detail;
  if (left.size() > cycle.size())
    detail = std::to_string(left.size() - cycle.size()) +
             " further revision(s) descend from the cycle";
  fail(paths, kind + " is detected in revisions (" + util::join(ids, ", ") + ")", detail);
}

}  // namespace

}  // namespace graph

RevisionGraph::RevisionGraph(std::vector<Revision> revisions) : revisions_(std::move(revisions)) {
  using graph::fail;
  auto impl = std::make_shared<Impl>();
  Impl& ix = *impl;
  const int n = static_cast<int>(revisions_.size());
  auto at = [](auto& v, int i) -> auto& { return v[static_cast<size_t>(i)]; };

  // Identifiers, duplicates, self-loops.
  for (int r = 0; r < n; ++r) {
    const Revision& rev = revisions_[static_cast<size_t>(r)];
    graph::verify_rev_id(rev);
    auto [it, fresh] = by_id_.emplace(rev.id, static_cast<size_t>(r));
    if (!fresh)
      fail({revisions_[it->second].path, rev.path},
           "Revision " + rev.id + " is present more than once");
    ix.ids.push_back(rev.id);
    ix.paths.push_back(rev.path);
  }
  for (const Revision& rev : revisions_) {
    if (std::find(rev.down_revisions.begin(), rev.down_revisions.end(), rev.id) !=
        rev.down_revisions.end())
      fail({rev.path}, "Self-loop is detected in revisions (" + rev.id + ")");
    if (std::find(rev.depends_on.begin(), rev.depends_on.end(), rev.id) != rev.depends_on.end())
      fail({rev.path}, "Dependency self-loop is detected in revisions (" + rev.id + ")");
  }

  // down_revision: exact ids of revisions that exist.
  ix.down.resize(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    const Revision& rev = revisions_[static_cast<size_t>(r)];
    for (const auto& d : rev.down_revisions) {
      auto it = by_id_.find(d);
      if (it == by_id_.end())
        fail({rev.path}, "Revision " + d + " referenced from " + rev.id + " is not present");
      int p = static_cast<int>(it->second);
      if (std::find(at(ix.down, r).begin(), at(ix.down, r).end(), p) != at(ix.down, r).end())
        fail({rev.path}, "Revision " + rev.id + " lists down_revision " + d + " more than once");
      at(ix.down, r).push_back(p);
    }
  }

  // The key map: ids first, then branch labels (a label may not reuse any key).
  int rank = 0;
  for (int r = 0; r < n; ++r) {
    ix.keys.emplace(ix.id(r), r);
    ix.key_rank.emplace(ix.id(r), rank++);
  }
  for (int r = 0; r < n; ++r) {
    const Revision& rev = revisions_[static_cast<size_t>(r)];
    for (const auto& label : rev.branch_labels) {
      graph::verify_label(rev, label);
      auto it = ix.keys.find(label);
      if (it != ix.keys.end())
        fail({ix.paths[static_cast<size_t>(it->second)], rev.path},
             "Branch name '" + label + "' in revision " + rev.id + " already used by revision " +
                 ix.id(it->second));
      ix.keys.emplace(label, r);
      ix.key_rank.emplace(label, rank++);
    }
  }

  // depends_on: an id, a label, or a unique prefix of either.
  ix.deps.resize(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    const Revision& rev = revisions_[static_cast<size_t>(r)];
    for (const auto& d : rev.depends_on) {
      int target = -1;
      auto it = ix.keys.find(d);
      if (it != ix.keys.end()) {
        target = it->second;
      } else {
        std::vector<std::pair<int, std::string>> found;  // (rank, key)
        const auto& prefix_keys = ix.prefix_keys();
        auto lo = std::lower_bound(prefix_keys.begin(), prefix_keys.end(),
                                   std::make_pair(d, std::numeric_limits<int>::min()));
        for (auto k = lo; k != prefix_keys.end() && util::starts_with(k->first, d); ++k)
          found.emplace_back(ix.key_rank.at(k->first), k->first);
        std::sort(found.begin(), found.end());
        if (found.empty() || d.empty())
          fail({rev.path}, "Revision " + rev.id + " depends on '" + d +
                               "', which names no revision or branch label");
        if (found.size() > 1) {
          std::vector<std::string> names;
          for (const auto& f : found) names.push_back("'" + f.second + "'");
          fail({rev.path}, "Revision " + rev.id + " depends on '" + d +
                               "', which matches several revisions: " + util::join(names, ", "));
        }
        target = ix.keys.at(found.front().second);
      }
      if (target == r)
        fail({rev.path}, "Dependency self-loop is detected in revisions (" + rev.id + ")");
      graph::push_unique(at(ix.deps, r), target);
    }
  }

  // Children.
  ix.next.resize(static_cast<size_t>(n));
  ix.all_next.resize(static_cast<size_t>(n));
  std::vector<std::vector<int>> all_down(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    for (int p : at(ix.down, r)) graph::push_unique(at(all_down, r), p);
    for (int p : at(ix.deps, r)) graph::push_unique(at(all_down, r), p);
    for (int p : at(ix.down, r)) at(ix.next, p).push_back(r);
    for (int p : at(all_down, r)) at(ix.all_next, p).push_back(r);
  }

  // Cycles: first through down_revision alone, then with dependencies.
  std::vector<int> versioned_generation;
  std::vector<int> left = graph::peel(ix, ix.down, ix.next, &versioned_generation);
  if (!left.empty()) graph::report_cycle(ix, ix.down, left, "Cycle");
  left = graph::peel(ix, all_down, ix.all_next, &ix.generation);
  if (!left.empty()) graph::report_cycle(ix, all_down, left, "Dependency cycle");

  for (int r = 0; r < n; ++r) {
    if (at(ix.next, r).empty()) ix.heads.push_back(r);
    if (at(ix.all_next, r).empty()) ix.real_heads.push_back(r);
    if (at(ix.down, r).empty()) ix.bases.push_back(r);
  }

  // Normalised dependencies: drop those that a (versioned) ancestor already depends on.
  // For each dependency, look for another revision with the same dependency below r:
  // a walk down from r pruned at the lowest such revision's generation, which in a
  // chain stops after a step or two instead of visiting the whole history.
  ix.norm_deps.resize(static_cast<size_t>(n));
  ix.norm_down.resize(static_cast<size_t>(n));
  std::vector<std::vector<int>> dependents(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r)
    for (int d : at(ix.deps, r)) at(dependents, d).push_back(r);
  std::vector<int> visit_stamp(static_cast<size_t>(n), -1);
  std::vector<int> candidate_stamp(static_cast<size_t>(n), -1);
  int stamp = 0;
  for (int r = 0; r < n; ++r) {
    for (int d : at(ix.deps, r)) {
      ++stamp;
      int lowest = std::numeric_limits<int>::max();
      for (int a : at(dependents, d))
        if (a != r) {
          at(candidate_stamp, a) = stamp;
          lowest = std::min(lowest, at(versioned_generation, a));
        }
      bool inherited = false;
      std::vector<int> stack(at(ix.down, r).begin(), at(ix.down, r).end());
      while (!stack.empty() && !inherited) {
        int x = stack.back();
        stack.pop_back();
        if (at(visit_stamp, x) == stamp || at(versioned_generation, x) < lowest) continue;
        at(visit_stamp, x) = stamp;
        if (at(candidate_stamp, x) == stamp) inherited = true;
        for (int p : at(ix.down, x)) stack.push_back(p);
      }
      if (!inherited) at(ix.norm_deps, r).push_back(d);
    }
    at(ix.norm_down, r) = at(ix.down, r);
    for (int d : at(ix.norm_deps, r)) graph::push_unique(at(ix.norm_down, r), d);
  }

  // Branch labels (Alembic's _add_branches): the labelled revision and its descendants;
  // then, from the last descendant the walk reached, down the single-parent line until
  // a branch point (dependencies count) or a merge point. Only declared labels spread,
  // so the result does not depend on the order labels are processed in.
  std::vector<std::set<std::string>> labels(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    const auto& own = revisions_[static_cast<size_t>(r)].branch_labels;
    if (own.empty()) continue;
    std::vector<char> seen(static_cast<size_t>(n), 0);
    std::vector<int> stack{r};
    int last = r;
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      if (seen[static_cast<size_t>(x)]) continue;
      seen[static_cast<size_t>(x)] = 1;
      for (int c : at(ix.next, x)) stack.push_back(c);
      at(labels, x).insert(own.begin(), own.end());
      last = x;
    }
    int parent = last;
    while (at(ix.all_next, parent).size() <= 1 && at(ix.down, parent).size() <= 1) {
      at(labels, parent).insert(own.begin(), own.end());
      if (at(ix.down, parent).empty()) break;
      parent = at(ix.down, parent).front();
    }
  }
  ix.labels.resize(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) at(ix.labels, r).assign(at(labels, r).begin(), at(labels, r).end());

  impl_ = std::move(impl);
}

const Revision* RevisionGraph::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &revisions_[it->second];
}

namespace {

std::vector<std::string> names(const graph::Index& ix, const std::vector<int>& revs) {
  std::vector<std::string> out;
  out.reserve(revs.size());
  for (int r : revs)
    if (r >= 0) out.push_back(ix.id(r));
  return out;
}

int exact(const graph::Index& ix, std::string_view id) {
  auto it = ix.keys.find(std::string(id));
  if (it == ix.keys.end() || ix.id(it->second) != id) return graph::kNone;
  return it->second;
}

}  // namespace

std::vector<std::string> RevisionGraph::heads() const { return names(*impl_, impl_->heads); }
std::vector<std::string> RevisionGraph::real_heads() const {
  return names(*impl_, impl_->real_heads);
}
std::vector<std::string> RevisionGraph::bases() const { return names(*impl_, impl_->bases); }

std::vector<std::string> RevisionGraph::branch_points() const {
  std::vector<int> out;
  for (int r = 0; r < impl_->size(); ++r)
    if (impl_->next[static_cast<size_t>(r)].size() > 1) out.push_back(r);
  return names(*impl_, out);
}

std::vector<std::string> RevisionGraph::children(std::string_view id) const {
  int r = exact(*impl_, id);
  if (r < 0) return {};
  return names(*impl_, impl_->next[static_cast<size_t>(r)]);
}

std::vector<std::string> RevisionGraph::branch_labels(std::string_view id) const {
  int r = exact(*impl_, id);
  if (r < 0) return {};
  return impl_->labels[static_cast<size_t>(r)];
}

std::vector<std::string> RevisionGraph::dependencies(std::string_view id) const {
  int r = exact(*impl_, id);
  if (r < 0) return {};
  return names(*impl_, impl_->deps[static_cast<size_t>(r)]);
}

std::vector<std::string> RevisionGraph::normalized_down_revisions(std::string_view id) const {
  int r = exact(*impl_, id);
  if (r < 0) return {};
  return names(*impl_, impl_->norm_down[static_cast<size_t>(r)]);
}

bool RevisionGraph::is_applied(std::string_view revision,
                               const std::vector<std::string>& rows) const {
  int r = exact(*impl_, revision);
  if (r < 0) return false;
  return impl_->reaches(impl_->rows_to_revs(rows), r);
}

std::vector<std::string> RevisionGraph::current_heads(const std::vector<std::string>& rows) const {
  return names(*impl_, impl_->all_current(impl_->rows_to_revs(rows)));
}

std::vector<std::string> RevisionGraph::apply_changes(std::vector<std::string> rows,
                                                      const std::vector<VersionChange>& changes) {
  auto find_row = [&](const std::string& v) { return std::find(rows.begin(), rows.end(), v); };
  for (const auto& c : changes) {
    switch (c.kind) {
      case VersionChange::Kind::insert:
        if (find_row(c.to) != rows.end())
          throw InputError("Version table already holds revision '" + c.to + "'; cannot insert it");
        rows.push_back(c.to);
        break;
      case VersionChange::Kind::update: {
        auto it = find_row(c.from);
        if (it == rows.end())
          throw InputError("Version table has no row '" + c.from + "' to update to '" + c.to + "'");
        if (c.to != c.from && find_row(c.to) != rows.end())
          throw InputError("Version table already holds revision '" + c.to + "'; cannot update '" +
                           c.from + "' to it");
        *it = c.to;
        break;
      }
      case VersionChange::Kind::remove: {
        auto it = find_row(c.from);
        if (it == rows.end())
          throw InputError("Version table has no row '" + c.from + "' to delete");
        rows.erase(it);
        break;
      }
    }
  }
  return rows;
}

}  // namespace migrate
