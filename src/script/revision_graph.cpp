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
  // Nearly every id passes: one cheap pass over it before the checks that word errors.
  auto plain = [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != '@' && c != '-' && c != '+' && c != ':';
  };
  if (!r.id.empty() && std::all_of(r.id.begin(), r.id.end(), plain)) return;
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

}  // namespace

int Index::find_id(std::string_view id) const {
  auto it = keys.find(id);
  if (it == keys.end() || this->id(it->second.rev) != id) return kNone;
  return it->second.rev;
}

std::string Index::ids_text(Revs revs, std::string_view sep) const {
  std::string out;
  for (size_t i = 0; i < revs.size(); ++i) {
    if (i) out += sep;
    const int r = revs.begin()[i];
    if (r >= 0) out += id(r);
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
  if (deps) return related(*this, targets, check, [&](int r) { return norm_down[r]; });
  return related(*this, targets, check, [&](int r) { return down[r]; });
}

std::vector<int> Index::descendants(const std::vector<int>& targets, bool deps, bool check) const {
  if (deps) return related(*this, targets, check, [&](int r) { return all_next[r]; });
  return related(*this, targets, check, [&](int r) { return next[r]; });
}

const std::vector<std::pair<std::string_view, Key>>& Index::prefix_keys() const {
  std::lock_guard<std::mutex> lock(prefix_keys_mutex_);
  if (!prefix_keys_built_) {
    for (const auto& [key, k] : keys)
      if (key.size() > 3) prefix_keys_.emplace_back(key, k);
    std::sort(prefix_keys_.begin(), prefix_keys_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    prefix_keys_built_ = true;
  }
  return prefix_keys_;
}

std::vector<std::pair<std::string_view, Key>> Index::keys_starting_with(std::string_view prefix) const {
  const auto& sorted = prefix_keys();
  auto k = std::lower_bound(sorted.begin(), sorted.end(), prefix,
                            [](const auto& entry, std::string_view p) { return entry.first < p; });
  std::vector<std::pair<std::string_view, Key>> out;
  for (; k != sorted.end() && util::starts_with(k->first, prefix); ++k) out.push_back(*k);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second.rank < b.second.rank; });
  return out;
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
std::vector<int> peel(const Index& ix, const Adjacency& parents, const Adjacency& children,
                      std::vector<int>* generation) {
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
std::vector<int> find_cycle(const Adjacency& parents, const std::vector<int>& left, int n) {
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

void report_cycle(const Index& ix, const Adjacency& parents, const std::vector<int>& left,
                  const std::string& kind) {
  std::vector<int> cycle = find_cycle(parents, left, ix.size());
  std::vector<std::string> ids;
  std::vector<std::string> paths;
  for (int r : cycle) {
    ids.push_back(ix.id(r));
    paths.push_back(ix.path(r));
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

RevisionGraph::RevisionGraph(std::vector<Revision> revisions) {
  using graph::fail;
  auto impl = std::make_shared<Impl>();
  Impl& ix = *impl;
  ix.revisions = std::move(revisions);
  const std::vector<Revision>& revs = ix.revisions;
  const int n = ix.size();
  const size_t un = static_cast<size_t>(n);
  size_t label_count = 0;
  size_t down_count = 0;
  size_t dep_count = 0;
  for (const Revision& rev : revs) {
    label_count += rev.branch_labels.size();
    down_count += rev.down_revisions.size();
    dep_count += rev.depends_on.size();
  }

  // Identifiers, duplicates, self-loops. The key map holds views of the strings in
  // ix.revisions, which stay put from here on: ids first, then branch labels.
  ix.keys.reserve(un + label_count);
  for (int r = 0; r < n; ++r) {
    const Revision& rev = revs[static_cast<size_t>(r)];
    graph::verify_rev_id(rev);
    auto [it, fresh] = ix.keys.emplace(rev.id, graph::Key{r, r});
    if (!fresh)
      fail({ix.path(it->second.rev), rev.path}, "Revision " + rev.id + " is present more than once");
  }
  for (const Revision& rev : revs) {
    if (std::find(rev.down_revisions.begin(), rev.down_revisions.end(), rev.id) !=
        rev.down_revisions.end())
      fail({rev.path}, "Self-loop is detected in revisions (" + rev.id + ")");
    if (std::find(rev.depends_on.begin(), rev.depends_on.end(), rev.id) != rev.depends_on.end())
      fail({rev.path}, "Dependency self-loop is detected in revisions (" + rev.id + ")");
  }

  // down_revision: exact ids of revisions that exist.
  ix.down.reserve(un, down_count);
  for (const Revision& rev : revs) {
    for (const auto& d : rev.down_revisions) {
      int p = ix.find_id(d);
      if (p < 0) fail({rev.path}, "Revision " + d + " referenced from " + rev.id + " is not present");
      if (ix.down.current_row().contains(p))
        fail({rev.path}, "Revision " + rev.id + " lists down_revision " + d + " more than once");
      ix.down.add(p);
    }
    ix.down.end_row();
  }

  // Branch labels join the key map (a label may not reuse any key).
  int rank = n;
  for (int r = 0; r < n; ++r) {
    const Revision& rev = revs[static_cast<size_t>(r)];
    for (const auto& label : rev.branch_labels) {
      graph::verify_label(rev, label);
      auto it = ix.keys.find(label);
      if (it != ix.keys.end())
        fail({ix.path(it->second.rev), rev.path},
             "Branch name '" + label + "' in revision " + rev.id + " already used by revision " +
                 ix.id(it->second.rev));
      ix.keys.emplace(label, graph::Key{r, rank++});
    }
  }

  // depends_on: an id, a label, or a unique prefix of either.
  ix.deps.reserve(un, dep_count);
  for (int r = 0; r < n; ++r) {
    const Revision& rev = revs[static_cast<size_t>(r)];
    for (const auto& d : rev.depends_on) {
      int target = -1;
      auto it = ix.keys.find(d);
      if (it != ix.keys.end()) {
        target = it->second.rev;
      } else {
        const auto found = d.empty() ? decltype(ix.keys_starting_with(d)){} : ix.keys_starting_with(d);
        if (found.empty())
          fail({rev.path}, "Revision " + rev.id + " depends on '" + d +
                               "', which names no revision or branch label");
        if (found.size() > 1) {
          std::vector<std::string> names;
          for (const auto& f : found) names.push_back("'" + std::string(f.first) + "'");
          fail({rev.path}, "Revision " + rev.id + " depends on '" + d +
                               "', which matches several revisions: " + util::join(names, ", "));
        }
        target = found.front().second.rev;
      }
      if (target == r)
        fail({rev.path}, "Dependency self-loop is detected in revisions (" + rev.id + ")");
      ix.deps.add_unique(target);
    }
    ix.deps.end_row();
  }

  // Children.
  graph::Adjacency all_down;  // down then deps, deduplicated
  all_down.reserve(un, down_count + dep_count);
  for (int r = 0; r < n; ++r) {
    for (int p : ix.down[r]) all_down.add_unique(p);
    for (int p : ix.deps[r]) all_down.add_unique(p);
    all_down.end_row();
  }
  ix.next = ix.down.inverted(un);
  ix.all_next = all_down.inverted(un);

  // Cycles: first through down_revision alone, then with dependencies.
  std::vector<int> versioned_generation;
  std::vector<int> left = graph::peel(ix, ix.down, ix.next, &versioned_generation);
  if (!left.empty()) graph::report_cycle(ix, ix.down, left, "Cycle");
  left = graph::peel(ix, all_down, ix.all_next, &ix.generation);
  if (!left.empty()) graph::report_cycle(ix, all_down, left, "Dependency cycle");

  for (int r = 0; r < n; ++r) {
    if (ix.next[r].empty()) ix.heads.push_back(r);
    if (ix.all_next[r].empty()) ix.real_heads.push_back(r);
    if (ix.down[r].empty()) ix.bases.push_back(r);
  }

  // Normalised dependencies: drop those that a (versioned) ancestor already depends on.
  // For each dependency, look for another revision with the same dependency below r:
  // a walk down from r pruned at the lowest such revision's generation, which in a
  // chain stops after a step or two instead of visiting the whole history.
  auto at = [](auto& v, int i) -> auto& { return v[static_cast<size_t>(i)]; };
  ix.norm_deps.reserve(un, dep_count);
  ix.norm_down.reserve(un, down_count + dep_count);
  const graph::Adjacency dependents = ix.deps.inverted(un);
  std::vector<int> visit_stamp(dep_count ? un : 0, -1);
  std::vector<int> candidate_stamp(dep_count ? un : 0, -1);
  int stamp = 0;
  for (int r = 0; r < n; ++r) {
    for (int d : ix.deps[r]) {
      ++stamp;
      int lowest = std::numeric_limits<int>::max();
      for (int a : dependents[d])
        if (a != r) {
          at(candidate_stamp, a) = stamp;
          lowest = std::min(lowest, at(versioned_generation, a));
        }
      bool inherited = false;
      std::vector<int> stack = ix.down[r].to_vector();
      while (!stack.empty() && !inherited) {
        int x = stack.back();
        stack.pop_back();
        if (at(visit_stamp, x) == stamp || at(versioned_generation, x) < lowest) continue;
        at(visit_stamp, x) = stamp;
        if (at(candidate_stamp, x) == stamp) inherited = true;
        for (int p : ix.down[x]) stack.push_back(p);
      }
      if (!inherited) ix.norm_deps.add(d);
    }
    ix.norm_deps.end_row();
    for (int p : ix.down[r]) ix.norm_down.add(p);
    for (int d : ix.norm_deps[r]) ix.norm_down.add_unique(d);
    ix.norm_down.end_row();
  }

  // Branch labels (Alembic's _add_branches): the labelled revision and its descendants;
  // then, from the last descendant the walk reached, down the single-parent line until
  // a branch point (dependencies count) or a merge point. Only declared labels spread,
  // so the result does not depend on the order labels are processed in.
  ix.labels.resize(un);
  if (label_count > 0) {
    std::vector<std::set<std::string>> labels(un);
    for (int r = 0; r < n; ++r) {
      const auto& own = at(revs, r).branch_labels;
      if (own.empty()) continue;
      std::vector<char> seen(un, 0);
      std::vector<int> stack{r};
      int last = r;
      while (!stack.empty()) {
        int x = stack.back();
        stack.pop_back();
        if (at(seen, x)) continue;
        at(seen, x) = 1;
        for (int c : ix.next[x]) stack.push_back(c);
        at(labels, x).insert(own.begin(), own.end());
        last = x;
      }
      int parent = last;
      while (ix.all_next[parent].size() <= 1 && ix.down[parent].size() <= 1) {
        at(labels, parent).insert(own.begin(), own.end());
        if (ix.down[parent].empty()) break;
        parent = ix.down[parent].front();
      }
    }
    for (int r = 0; r < n; ++r) at(ix.labels, r).assign(at(labels, r).begin(), at(labels, r).end());
  }

  impl_ = std::move(impl);
}

const std::vector<Revision>& RevisionGraph::revisions() const { return impl_->revisions; }

const Revision* RevisionGraph::find(std::string_view id) const {
  int r = impl_->find_id(id);
  return r < 0 ? nullptr : &impl_->revisions[static_cast<size_t>(r)];
}

namespace {

std::vector<std::string> names(const graph::Index& ix, graph::Revs revs) {
  std::vector<std::string> out;
  out.reserve(revs.size());
  for (int r : revs)
    if (r >= 0) out.push_back(ix.id(r));
  return out;
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
    if (impl_->next[r].size() > 1) out.push_back(r);
  return names(*impl_, out);
}

std::vector<std::string> RevisionGraph::children(std::string_view id) const {
  int r = impl_->find_id(id);
  if (r < 0) return {};
  return names(*impl_, impl_->next[r]);
}

size_t RevisionGraph::child_count(std::string_view id) const {
  int r = impl_->find_id(id);
  return r < 0 ? 0 : impl_->next[r].size();
}

std::vector<std::string> RevisionGraph::branch_labels(std::string_view id) const {
  int r = impl_->find_id(id);
  if (r < 0) return {};
  return impl_->labels[static_cast<size_t>(r)];
}

std::vector<std::string> RevisionGraph::dependencies(std::string_view id) const {
  int r = impl_->find_id(id);
  if (r < 0) return {};
  return names(*impl_, impl_->deps[r]);
}

std::vector<std::string> RevisionGraph::normalized_down_revisions(std::string_view id) const {
  int r = impl_->find_id(id);
  if (r < 0) return {};
  return names(*impl_, impl_->norm_down[r]);
}

bool RevisionGraph::is_applied(std::string_view revision,
                               const std::vector<std::string>& rows) const {
  int r = impl_->find_id(revision);
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

std::vector<VersionChange> RevisionGraph::net_changes(const std::vector<std::string>& from,
                                                      const std::vector<std::string>& to) {
  auto holds = [](const std::vector<std::string>& rows, const std::string& v) {
    return std::find(rows.begin(), rows.end(), v) != rows.end();
  };
  std::vector<std::string> gone, added;
  for (const auto& r : from)
    if (!holds(to, r)) gone.push_back(r);
  for (const auto& r : to)
    if (!holds(from, r)) added.push_back(r);
  std::vector<VersionChange> out;
  size_t paired = std::min(gone.size(), added.size());
  for (size_t i = 0; i < paired; ++i) out.push_back({VersionChange::Kind::update, gone[i], added[i]});
  for (size_t i = paired; i < gone.size(); ++i) out.push_back({VersionChange::Kind::remove, gone[i], ""});
  for (size_t i = paired; i < added.size(); ++i) out.push_back({VersionChange::Kind::insert, "", added[i]});
  return out;
}

}  // namespace migrate
