// RevisionGraph: resolving targets and turning them into plans (upgrade, downgrade,
// stamp, history), and the version-table bookkeeping of each step. A port of the
// semantics of Alembic's RevisionMap (_resolve_revision_number, _walk,
// _parse_*_target, _collect_*_revisions, _topological_sort), HeadMaintainer and
// ScriptDirectory._stamp_revs; see docs/revisions.md for where we deliberately differ.
#include <migrate/script/revision_graph.hpp>

#include <algorithm>
#include <limits>
#include <cctype>

#include "script/revision_graph_impl.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace graph {

namespace {

bool contains(Revs v, int x) { return v.contains(x); }

std::vector<int> dedupe(const std::vector<int>& v) {
  std::vector<int> out;
  for (int x : v) push_unique(out, x);
  return out;
}

/// Python's int() on the text, for the "label@-N" branch of get_revisions.
std::optional<long long> as_int(const std::string& s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j)
    if (!std::isdigit(static_cast<unsigned char>(s[j]))) return std::nullopt;
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    throw RevisionError("Relative revision " + s + " is out of range");
  }
}

std::string relative_error(const std::string& relative, long long n) {
  return "Relative revision " + relative + " didn't produce " + std::to_string(n < 0 ? -n : n) +
         " migrations";
}

}  // namespace

std::optional<Relative> parse_relative(std::string_view spec) {
  // The whole text must read [label@][symbol](+|-)digits, symbol a word (Alembic's
  // pattern (?:(.+?)@)?(\w+)?((?:\+|-)\d+), matched in full). The digits run to the end,
  // so the sign sits just before the trailing digits; the label ends at the last '@'.
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  size_t q = spec.size();
  while (q > 0 && std::isdigit(static_cast<unsigned char>(spec[q - 1]))) --q;
  if (q == spec.size() || q == 0 || (spec[q - 1] != '+' && spec[q - 1] != '-')) return std::nullopt;
  const std::string_view prefix = spec.substr(0, q - 1);
  Relative r;
  std::string_view symbol = prefix;
  const auto at = prefix.rfind('@');
  if (at != std::string_view::npos) {
    if (at == 0) return std::nullopt;  // the label must not be empty
    r.label = std::string(prefix.substr(0, at));
    symbol = prefix.substr(at + 1);
  }
  for (char c : symbol)
    if (!is_word(c)) return std::nullopt;
  if (!symbol.empty()) r.symbol = std::string(symbol);
  r.relative_text = std::string(spec.substr(q - 1));
  try {
    r.relative = std::stoll(r.relative_text);
  } catch (const std::exception&) {
    throw RevisionError("Relative revision " + r.relative_text + " is out of range");
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// Resolution

std::vector<int> Index::rows_to_revs(const std::vector<std::string>& rows) const {
  std::vector<int> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    const int r = find_id(row);
    if (r < 0)
      throw RevisionError("Version table holds revision '" + row +
                          "', which no migration file defines");
    out.push_back(r);
  }
  return out;
}

std::vector<int> Index::current_head(const std::optional<std::string>& label) const {
  std::vector<int> hs = heads;
  if (label) hs = filter_for_lineage(hs, *label);
  if (hs.size() > 1) {
    std::vector<std::string> ids_;
    for (int h : hs) ids_.push_back(id(h));
    throw MultipleHeads{ids_, label ? *label + "@head" : "head"};
  }
  return hs;
}

Number Index::resolve_number(std::string_view spec) const {
  Number n;
  std::string_view rest = spec;
  auto at = spec.find('@');
  if (at != std::string_view::npos) {
    n.label = std::string(spec.substr(0, at));
    rest = spec.substr(at + 1);
  }
  if (rest == "heads") {
    const std::vector<int> hs = n.label ? filter_for_lineage(heads, *n.label) : real_heads;
    for (int h : hs) n.ids.push_back(id(h));
  } else if (rest == "head") {
    for (int h : current_head(n.label)) n.ids.push_back(id(h));
  } else if (rest == "base") {
    // base: no ids
  } else {
    n.ids.emplace_back(rest);
  }
  return n;
}

int Index::resolve_branch(const std::string& label) const {
  auto it = keys.find(label);
  if (it != keys.end()) return it->second.rev;
  try {
    return revision_for_ident(label, std::nullopt);
  } catch (const RevisionError&) {
    throw RevisionError("No such branch: '" + label + "'");
  }
}

int Index::revision_for_ident(const std::string& ident,
                              const std::optional<std::string>& branch) const {
  int branch_rev = kNone;
  if (branch) branch_rev = resolve_branch(*branch);
  int rev = kNone;
  auto it = keys.find(ident);
  if (it != keys.end()) {
    rev = it->second.rev;
  } else {
    if (ident.empty()) throw RevisionError("No such revision or branch ''");
    auto found = keys_starting_with(ident);
    if (branch && !found.empty()) {
      std::vector<char> mask = lineage_mask({branch_rev}, false);
      decltype(found) kept;
      for (auto& f : found)
        if (mask[static_cast<size_t>(f.second.rev)]) kept.push_back(f);
      found.swap(kept);
    }
    if (found.empty()) throw RevisionError("No such revision or branch '" + ident + "'");
    if (found.size() > 1) {
      std::vector<std::string> shown;
      for (size_t i = 0; i < found.size() && i < 10; ++i) shown.push_back("'" + std::string(found[i].first) + "'");
      throw RevisionError("Multiple revisions start with '" + ident + "': " +
                          util::join(shown, ", ") + (found.size() > 10 ? ", ..." : ""));
    }
    rev = found.front().second.rev;
  }
  if (branch && rev >= 0) {
    std::vector<char> mask = lineage_mask({branch_rev}, false);
    if (!mask[static_cast<size_t>(rev)])
      throw RevisionError("Revision " + id(rev) + " is not a member of branch '" + *branch + "'");
  }
  return rev;
}

std::vector<int> Index::get_revisions(std::string_view spec) const {
  Number n = resolve_number(spec);
  if (n.ids.size() == 1) {
    std::optional<long long> rint = as_int(n.ids.front());
    if (rint && *rint < 0) {
      // label@-N: walk down from the real heads that carry the label.
      std::vector<int> out;
      for (int h : real_heads) {
        if (n.label) {
          const auto& ls = labels[static_cast<size_t>(h)];
          if (std::find(ls.begin(), ls.end(), *n.label) == ls.end()) continue;
        }
        out.push_back(walk(h, *rint, std::nullopt, true));
      }
      return out;
    }
  }
  // "label@base" names nothing, but a misspelt label must not pass silently (Alembic
  // never looks the label up here).
  if (n.ids.empty() && n.label) resolve_branch(*n.label);
  std::vector<int> out;
  for (const auto& i : n.ids) out.push_back(revision_for_ident(i, n.label));
  return out;
}

std::vector<int> Index::get_revisions_of(const std::vector<std::string>& specs) const {
  std::vector<int> out;
  for (const auto& s : specs) {
    std::vector<int> part = get_revisions(s);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

int Index::get_revision(std::string_view spec) const {
  Number n = resolve_number(spec);
  if (n.ids.size() > 1) throw MultipleHeads{n.ids, std::string(spec)};
  if (n.ids.empty()) {
    if (n.label) resolve_branch(*n.label);
    return kNone;
  }
  return revision_for_ident(n.ids.front(), n.label);
}

std::vector<int> Index::filter_for_lineage(const std::vector<int>& targets, std::string_view against,
                                           bool deps) const {
  Number n = resolve_number(against);
  std::vector<std::string> shares;
  if (n.label) shares.push_back(*n.label);
  shares.insert(shares.end(), n.ids.begin(), n.ids.end());
  if (shares.empty()) return targets;
  std::vector<int> out;
  bool any = false;
  for (int t : targets) any = any || t >= 0;
  if (!any) return out;
  std::vector<int> against_revs;
  for (const auto& s : shares) {
    int r = revision_for_ident(s, std::nullopt);
    if (r >= 0) against_revs.push_back(r);
  }
  std::vector<char> mask = lineage_mask(against_revs, deps);
  for (int t : targets)
    if (t >= 0 && mask[static_cast<size_t>(t)]) out.push_back(t);
  return out;
}

int Index::walk(int start, long long steps, const std::optional<std::string>& label,
                bool no_overwalk) const {
  int initial = start;
  std::optional<std::vector<char>> mask;  // the label's lineage, computed on first use
  const long long count = steps < 0 ? -steps : steps;
  for (long long i = 0; i < count; ++i) {
    std::vector<int> children;
    if (steps > 0) {
      const Revs up = initial < 0 ? Revs(bases) : next[initial];
      if (label) {
        if (!mask) {
          Number nb = resolve_number(*label);
          std::vector<int> against;
          if (nb.label) against.push_back(revision_for_ident(*nb.label, std::nullopt));
          for (const auto& s : nb.ids) against.push_back(revision_for_ident(s, std::nullopt));
          mask = lineage_mask(against, false);
        }
        for (int c : up)
          if ((*mask)[static_cast<size_t>(c)]) children.push_back(c);
      } else {
        children = up.to_vector();
      }
    } else if (initial != kBase) {
      children = initial == kNone ? heads : down[initial].to_vector();
      if (children.empty()) children.push_back(kBase);
    }
    if (children.empty()) return no_overwalk ? kNone : initial;
    if (children.size() > 1) throw RevisionError("Ambiguous walk");
    initial = children.front();
  }
  return initial;
}

std::vector<int> Index::all_current(const std::vector<int>& rows) const {
  std::vector<char> in(static_cast<size_t>(size()), 0);
  for (int r : ancestors(rows, true)) in[static_cast<size_t>(r)] = 1;
  std::vector<int> out;
  for (int r = 0; r < size(); ++r) {
    if (!in[static_cast<size_t>(r)]) continue;
    bool covered = false;
    for (int c : next[static_cast<size_t>(r)]) covered = covered || in[static_cast<size_t>(c)];
    if (!covered) out.push_back(r);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Targets

std::vector<int> Index::parse_upgrade_target(const std::vector<int>& current,
                                             std::string_view target, bool assert_length) const {
  std::optional<Relative> rel = parse_relative(target);
  if (!rel) return get_revisions(target);
  if (rel->relative > 0) {
    if (!rel->symbol) {
      std::vector<int> start = current.empty() ? std::vector<int>{kNone} : current;
      if (rel->label) {
        std::vector<int> revs;
        for (int c : current)
          if (c >= 0) revs.push_back(c);
        start = filter_for_lineage(revs, *rel->label);
        if (start.empty()) {
          // The branch has no current row: back up to where it leaves the applied part.
          std::vector<int> active = filter_for_lineage(ancestors(revs, true), *rel->label);
          std::vector<char> below(static_cast<size_t>(size()), 0);
          for (int a : active)
            for (int d : norm_down[static_cast<size_t>(a)]) below[static_cast<size_t>(d)] = 1;
          std::sort(active.begin(), active.end());
          for (int a : active)
            if (!below[static_cast<size_t>(a)]) start.push_back(a);
          if (start.empty()) start.push_back(kNone);
        }
      }
      if (dedupe(start).size() > 1)
        throw RevisionError("Ambiguous upgrade from multiple current revisions");
      int r = walk(start.front(), rel->relative, rel->label, assert_length);
      if (r == kNone) throw RevisionError(relative_error(rel->relative_text, rel->relative));
      return {r};
    }
    int r = walk(get_revision(*rel->symbol), rel->relative, rel->label, assert_length);
    if (r == kNone)
      throw RevisionError(relative_error(std::string(target), rel->relative));
    return {r};
  }
  if (!rel->symbol) throw RevisionError(relative_error(std::to_string(rel->relative), rel->relative));
  int start = rel->label ? get_revision(*rel->label + "@" + *rel->symbol) : get_revision(*rel->symbol);
  int r = walk(start, rel->relative, std::nullopt, assert_length);
  if (r == kNone) throw RevisionError("Walked too far");
  return {r};
}

std::pair<std::optional<std::string>, int> Index::parse_downgrade_target(
    const std::vector<int>& current, std::string_view target, bool assert_length) const {
  std::optional<Relative> rel = parse_relative(target);
  if (rel) {
    if (rel->relative >= 0) {
      if (!rel->symbol) throw RevisionError(relative_error(rel->relative_text, rel->relative));
      int r = walk(get_revision(*rel->symbol), rel->relative, rel->label, assert_length);
      if (r == kNone) throw RevisionError("Walked too far");
      return {rel->label, r};
    }
    const bool relative_to_current = !rel->symbol;
    std::optional<std::string> branch = rel->label;
    std::string symbol;
    if (relative_to_current) {
      if (branch) {
        std::vector<int> on_branch = filter_for_lineage(current, *branch);
        if (on_branch.empty()) on_branch = filter_for_lineage(all_current(current), *branch);
        on_branch = dedupe(on_branch);
        if (on_branch.empty())
          throw RevisionError("Branch '" + *branch + "' has no applied revision to downgrade " +
                              "from with '" + std::string(target) + "'");
        if (on_branch.size() > 1)
          throw RevisionError("Branch '" + *branch + "' has several current revisions (" +
                              ids_text(on_branch) + "); downgrade one of them explicitly");
        symbol = id(on_branch.front());
      } else {
        if (current.empty())
          throw RevisionError(relative_error(rel->relative_text, rel->relative));
        std::vector<int> unique = dedupe(current);
        if (unique.size() > 1)
          throw RevisionError("Ambiguous downgrade " + rel->relative_text +
                              " from multiple current heads (" + ids_text(unique) + "); use '<branch>@" +
                              rel->relative_text + "' with a branch label or one of these revisions, or "
                              "an explicit target revision");
        symbol = id(current.front());
        branch = symbol;
      }
    } else {
      symbol = *rel->symbol;
    }
    int start = branch ? get_revision(*branch + "@" + symbol) : get_revision(symbol);
    int r = walk(start, rel->relative, std::nullopt, assert_length);
    if (r == kNone) {
      if (relative_to_current) throw RevisionError(relative_error(rel->relative_text, rel->relative));
      throw RevisionError("Walked too far");
    }
    return {branch, r};
  }
  auto at = target.rfind('@');
  std::optional<std::string> label;
  std::string_view symbol = target;
  if (at != std::string_view::npos) {
    if (at > 0) label = std::string(target.substr(0, at));
    symbol = target.substr(at + 1);
  }
  return {label, get_revision(symbol)};
}

// ---------------------------------------------------------------------------------------
// Ordering

std::vector<int> Index::topological_sort(const std::vector<int>& todo_list,
                                         const std::vector<int>& heads_in) const {
  const size_t n = static_cast<size_t>(size());
  std::vector<char> todo(n, 0);
  size_t remaining = 0;
  for (int x : todo_list)
    if (x >= 0 && !todo[static_cast<size_t>(x)]) {
      todo[static_cast<size_t>(x)] = 1;
      ++remaining;
    }
  std::vector<int> current;
  for (int h : heads_in)
    if (h >= 0 && todo[static_cast<size_t>(h)]) push_unique(current, h);
  std::sort(current.begin(), current.end());  // load order
  std::vector<char> is_current(n, 0);
  for (int h : current) is_current[static_cast<size_t>(h)] = 1;

  // The pending ancestors of a head (itself included), as a mask. Only revisions still
  // to emit are ever asked about, and those are reachable through other pending
  // revisions, so the walk can stay inside `todo`.
  auto pending_ancestors = [&](int h) {
    std::vector<char> mask(n, 0);
    std::vector<int> stack{h};
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      if (mask[static_cast<size_t>(x)]) continue;
      mask[static_cast<size_t>(x)] = 1;
      for (int p : norm_down[static_cast<size_t>(x)])
        if (todo[static_cast<size_t>(p)] && !mask[static_cast<size_t>(p)]) stack.push_back(p);
    }
    return mask;
  };
  std::vector<std::vector<char>> anc;
  for (int h : current) anc.push_back(pending_ancestors(h));

  std::vector<int> output;
  output.reserve(remaining);
  std::vector<int> add;  // the candidate's pending parents; reused, one step at a time
  size_t idx = 0;
  unsigned long long guard = 0;
  const unsigned long long limit = 64ULL * (remaining + 2) * (remaining + 2) + 1000000ULL;
  for (;;) {
    if (current.empty()) {
      if (remaining == 0) break;
      // Revisions the heads do not reach inside the set (Alembic fails an assertion
      // here, e.g. "history -r X:" where X's only child depends on it): continue from
      // the pending revisions that nothing pending sits on, in load order.
      for (size_t r = 0; r < n; ++r) {
        if (!todo[r]) continue;
        bool covered = false;
        for (int c : all_next[r]) covered = covered || todo[static_cast<size_t>(c)];
        if (!covered) current.push_back(static_cast<int>(r));
      }
      if (current.empty()) throw Error("internal error: revision ordering found no starting point");
      for (int h : current) {
        is_current[static_cast<size_t>(h)] = 1;
        anc.push_back(pending_ancestors(h));
      }
      idx = 0;
    }
    if (++guard > limit) throw Error("internal error: revision ordering did not converge");
    const int cand = current[idx];
    bool switched = false;
    for (size_t j = 0; j < anc.size(); ++j)
      if (j != idx && anc[j][static_cast<size_t>(cand)]) {
        idx = j;
        switched = true;
        break;
      }
    if (switched) continue;
    if (todo[static_cast<size_t>(cand)]) {
      output.push_back(cand);
      todo[static_cast<size_t>(cand)] = 0;
      --remaining;
    }
    add.clear();
    for (int r : norm_down[static_cast<size_t>(cand)])
      if (todo[static_cast<size_t>(r)] && !is_current[static_cast<size_t>(r)]) add.push_back(r);
    is_current[static_cast<size_t>(cand)] = 0;
    if (add.empty()) {
      current.erase(current.begin() + static_cast<long>(idx));
      anc.erase(anc.begin() + static_cast<long>(idx));
      idx = idx > 0 ? idx - 1 : 0;
      continue;
    }
    for (int r : add) is_current[static_cast<size_t>(r)] = 1;
    current[idx] = add.front();
    if (norm_deps[static_cast<size_t>(cand)].empty() && down[static_cast<size_t>(cand)].size() == 1) {
      anc[idx][static_cast<size_t>(cand)] = 0;
    } else {
      anc[idx] = pending_ancestors(add.front());
      for (size_t k = 1; k < add.size(); ++k) {
        current.push_back(add[k]);
        anc.push_back(pending_ancestors(add[k]));
      }
    }
  }
  if (remaining != 0) throw Error("internal error: revision ordering left revisions unvisited");
  return output;
}

// ---------------------------------------------------------------------------------------
// Version table

std::vector<VersionChange> Index::revision_step_changes(const std::vector<std::string>& rows,
                                                        int rev, bool upgrade) const {
  using Kind = VersionChange::Kind;
  const std::vector<int> heads_revs = dedupe(rows_to_revs(rows));
  const Revs d = norm_down[rev];
  std::vector<int> in_heads;  // d ∩ heads, in d's order
  for (int x : d)
    if (contains(heads_revs, x)) in_heads.push_back(x);
  std::vector<VersionChange> out;
  auto insert = [&](int r) { out.push_back({Kind::insert, {}, id(r)}); };
  auto remove = [&](int r) { out.push_back({Kind::remove, id(r), {}}); };
  auto update = [&](int from, int to) { out.push_back({Kind::update, id(from), id(to)}); };

  if (!upgrade) {
    const bool present = contains(heads_revs, rev);
    // Where an unmerge goes: the down-revisions not already implied by another row or
    // by another down-revision. (Alembic drops the second kind only when there is no
    // other row, and otherwise writes overlapping rows such as {a, b} with a below b.)
    auto unmerge_to = [&]() {
      std::vector<int> others;
      for (int h : heads_revs)
        if (h != rev) others.push_back(h);
      std::vector<int> to;
      for (int x : d) {
        bool implied = !others.empty() && reaches(others, x);
        for (int y : d)
          if (!implied && y != x && reaches({y}, x)) implied = true;
        if (!implied) to.push_back(x);
      }
      return to;
    };
    if (present && (d.empty() || unmerge_to().empty())) {
      remove(rev);
      return out;
    }
    if (present && d.size() > 1) {
      std::vector<int> to = unmerge_to();
      for (size_t i = 0; i + 1 < to.size(); ++i) insert(to[i]);
      update(rev, to.back());
      return out;
    }
    if (d.size() == 1) {
      update(rev, d.front());
    } else {
      if (in_heads.size() != 1)
        throw RevisionError("Cannot record the downgrade of " + id(rev) +
                            ": its down-revision is ambiguous for version rows " +
                            util::join(rows, ", "));
      update(rev, in_heads.front());
    }
    return out;
  }

  if (d.empty() || in_heads.empty()) {
    insert(rev);
    return out;
  }
  if (d.size() > 1 && in_heads.size() > 1) {
    std::vector<int> others;
    for (int h : heads_revs)
      if (!contains(d, h)) others.push_back(h);
    std::vector<int> from;
    for (int x : in_heads)
      if (others.empty() || !reaches(others, x)) from.push_back(x);
    if (from.empty()) from = in_heads;
    for (size_t i = 0; i + 1 < from.size(); ++i) remove(from[i]);
    update(from.back(), rev);
    return out;
  }
  update(d.size() == 1 ? d.front() : in_heads.front(), rev);
  return out;
}

}  // namespace graph

// ---------------------------------------------------------------------------------------
// Public entry points

namespace {

enum class Context { plain, upgrade, downgrade, stamp, history };

std::string multiple_heads_message(const graph::MultipleHeads& mh, Context ctx) {
  if (ctx == Context::stamp) return "Multiple heads are present; please specify a single target revision";
  return "Multiple head revisions are present for given argument '" + mh.argument +
         "'; please specify a specific target revision, '<branchname>@" + mh.argument +
         "' to narrow to a specific head, or 'heads' for all heads";
}

/// Runs `f`, turning the graph's internal signals into RevisionErrors worded for `ctx`.
template <class F>
auto guarded(Context ctx, const std::string& start, const std::string& end, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const graph::MultipleHeads& mh) {
    throw RevisionError(multiple_heads_message(mh, ctx), "heads: " + util::join(mh.heads, ", "));
  } catch (const graph::RangeNotAncestor&) {
    if (ctx == Context::history)
      throw RevisionError("Requested range " + start + ":" + end +
                          " does not refer to ancestor/descendant revisions along the same branch");
    throw RevisionError("Destination " + end + " is not a valid " +
                        (ctx == Context::upgrade ? "upgrade" : "downgrade") +
                        " target from current head(s)");
  }
}

std::vector<std::string> names(const graph::Index& ix, const std::vector<int>& revs) {
  std::vector<std::string> out;
  for (int r : revs)
    if (r >= 0) out.push_back(ix.id(r));
  return out;
}

Step make_step(const graph::Index& ix, int r, Direction dir) {
  Step s;
  s.revision = ix.id(r);
  s.direction = dir;
  const std::string parents = ix.ids_text(ix.down[static_cast<size_t>(r)]);
  if (dir == Direction::up) {
    s.from_text = parents;
    s.to_text = s.revision;
  } else {
    s.from_text = s.revision;
    s.to_text = parents;
  }
  return s;
}

}  // namespace

const Revision& RevisionGraph::get(std::string_view id_or_label) const {
  const std::string arg(id_or_label);
  int r = guarded(Context::plain, {}, arg, [&] { return impl_->get_revision(id_or_label); });
  if (r < 0) throw RevisionError("'" + arg + "' names no revision");
  return impl_->revisions[static_cast<size_t>(r)];
}

std::vector<std::string> RevisionGraph::resolve(std::string_view spec) const {
  const std::string arg(spec);
  return guarded(Context::plain, {}, arg, [&] {
    std::vector<int> revs = impl_->get_revisions(spec);
    for (int r : revs)
      if (r == graph::kNone) throw RevisionError(arg + ": walked past the base");
    return names(*impl_, revs);
  });
}

std::vector<Step> RevisionGraph::upgrade_steps(const std::vector<std::string>& current,
                                               std::string_view target) const {
  const std::string arg(target);
  return guarded(Context::upgrade, {}, arg, [&] {
    const graph::Index& ix = *impl_;
    std::vector<int> cur = ix.rows_to_revs(current);
    std::vector<int> targets;
    for (int t : ix.parse_upgrade_target(cur, target, true)) {
      if (t == graph::kBase) continue;
      if (t == graph::kNone) throw RevisionError("Walked too far");
      targets.push_back(t);
    }
    std::vector<char> required(static_cast<size_t>(ix.size()), 0);
    for (int r : ix.ancestors(targets, true, true)) required[static_cast<size_t>(r)] = 1;
    for (int r : ix.ancestors(cur, true, true)) required[static_cast<size_t>(r)] = 0;
    std::vector<int> needs;
    for (int r = 0; r < ix.size(); ++r)
      if (required[static_cast<size_t>(r)]) needs.push_back(r);
    std::vector<int> order = ix.topological_sort(needs, targets);
    std::vector<Step> steps;
    steps.reserve(order.size());
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      steps.push_back(make_step(ix, *it, Direction::up));
    return steps;
  });
}

std::vector<Step> RevisionGraph::downgrade_steps(const std::vector<std::string>& current,
                                                 std::string_view target) const {
  const std::string arg(target);
  return guarded(Context::downgrade, {}, arg, [&] {
    const graph::Index& ix = *impl_;
    std::vector<int> cur = ix.rows_to_revs(current);
    auto [label, dest] = ix.parse_downgrade_target(cur, target, true);
    if (dest == graph::kBase) dest = graph::kNone;
    std::vector<int> roots;
    if (dest == graph::kNone)
      roots = ix.bases;
    else
      roots = ix.next[dest].to_vector();
    // The label is checked even when there is nothing to filter: "typo@base" with one
    // base would otherwise drop everything.
    const int branch_rev = label ? ix.resolve_branch(*label) : graph::kNone;
    if (label && roots.size() > 1) {
      std::vector<char> anc(static_cast<size_t>(ix.size()), 0);
      for (int r : ix.ancestors({branch_rev}, false)) anc[static_cast<size_t>(r)] = 1;
      std::vector<int> kept;
      for (int r : roots)
        if (anc[static_cast<size_t>(r)]) kept.push_back(r);
      if (kept.empty()) throw RevisionError("Not a valid downgrade target from current heads");
      roots = kept;
    }
    std::vector<char> drop(static_cast<size_t>(ix.size()), 0);
    for (int r : ix.descendants(roots, true)) drop[static_cast<size_t>(r)] = 1;
    std::vector<int> todo;
    for (int r : ix.ancestors(cur, true))
      if (drop[static_cast<size_t>(r)]) todo.push_back(r);
    if (dest != graph::kNone && todo.empty() &&
        std::find(cur.begin(), cur.end(), dest) == cur.end())
      throw graph::RangeNotAncestor{};
    std::vector<int> order = ix.topological_sort(todo, cur);
    std::vector<Step> steps;
    steps.reserve(order.size());
    for (int r : order) steps.push_back(make_step(ix, r, Direction::down));
    return steps;
  });
}

std::vector<VersionChange> RevisionGraph::version_changes(const std::vector<std::string>& rows,
                                                          const Step& step) const {
  const int r = impl_->find_id(step.revision);
  if (r < 0) throw RevisionError("No such revision '" + step.revision + "' for a version-table update");
  return impl_->revision_step_changes(rows, r, step.direction == Direction::up);
}

std::vector<StampStep> RevisionGraph::stamp_steps(const std::vector<std::string>& current,
                                                  const std::vector<std::string>& targets) const {
  return guarded(Context::stamp, {}, {}, [&] {
    const graph::Index& ix = *impl_;
    std::vector<int> cur = ix.rows_to_revs(current);
    std::vector<std::string> specs = targets;
    if (specs.empty()) specs.push_back("base");

    std::vector<int> filtered;
    for (const auto& spec : specs)
      if (!spec.empty())
        for (int h : ix.filter_for_lineage(cur, spec, true)) graph::push_unique(filtered, h);

    std::vector<int> dests;
    for (const auto& spec : specs) {
      for (int d : ix.get_revisions(spec)) {
        if (d == graph::kNone && graph::parse_relative(spec)) throw RevisionError("Walked too far");
        dests.push_back(d == graph::kBase ? graph::kNone : d);
      }
    }
    if (dests.empty()) dests.push_back(graph::kNone);

    // Each destination moves the rows of its own lineage, as they stand after the
    // previous destinations (Alembic computes every step from the rows before the first
    // and, with several destinations, can delete a row twice).
    using Kind = VersionChange::Kind;
    std::vector<std::string> rows = current;
    auto has = [&](int r) { return std::find(rows.begin(), rows.end(), ix.id(r)) != rows.end(); };
    std::vector<StampStep> steps;
    auto emit = [&](const std::vector<int>& from, const std::vector<int>& to,
                    std::vector<VersionChange> changes) {
      StampStep s;
      s.from = names(ix, from);
      s.to = names(ix, to);
      s.from_text = util::join(s.from, ", ");
      s.to_text = util::join(s.to, ", ");
      s.changes = std::move(changes);
      rows = apply_changes(std::move(rows), s.changes);
      steps.push_back(std::move(s));
    };
    for (int dest : dests) {
      std::vector<int> live;
      for (int h : filtered)
        if (has(h)) live.push_back(h);
      if (dest == graph::kNone) {
        for (int h : live) emit({h}, {}, {{Kind::remove, ix.id(h), {}}});
        continue;
      }
      if (has(dest)) continue;
      std::vector<char> lineage = ix.lineage_mask({dest}, true);
      std::vector<int> mine;
      for (int h : live)
        if (lineage[static_cast<size_t>(h)]) mine.push_back(h);
      if (mine.empty()) {
        emit({}, {dest}, {{Kind::insert, {}, ix.id(dest)}});
        continue;
      }
      std::vector<VersionChange> changes;
      for (size_t i = 0; i + 1 < mine.size(); ++i) changes.push_back({Kind::remove, ix.id(mine[i]), {}});
      changes.push_back({Kind::update, ix.id(mine.back()), ix.id(dest)});
      emit(mine, {dest}, std::move(changes));
    }
    return steps;
  });
}

std::vector<std::string> RevisionGraph::history(std::string_view range,
                                                const std::vector<std::string>& rows) const {
  std::string base_s, head_s;
  if (!range.empty()) {
    auto colon = range.find(':');
    if (colon == std::string_view::npos || range.find(':', colon + 1) != std::string_view::npos)
      throw RevisionError("History range requires [start]:[end], [start]:, or :[end]");
    base_s = util::trim(range.substr(0, colon));
    head_s = util::trim(range.substr(colon + 1));
  }
  const std::string start_text = base_s.empty() ? "base" : base_s;
  const std::string end_text = head_s.empty() ? "heads" : head_s;
  return guarded(Context::history, start_text, end_text, [&] {
    const graph::Index& ix = *impl_;
    const std::vector<int> cur_rows = ix.rows_to_revs(rows);

    // The lower end: the revisions the range starts from (included).
    std::vector<int> lower;
    if (base_s == "current") {
      lower = cur_rows;
    } else if (!base_s.empty() && base_s != "base") {
      for (int r : ix.get_revisions(base_s)) {
        if (r == graph::kNone) {
          // Walked past the base: Alembic clamps history ranges instead of failing.
          lower.clear();
          break;
        }
        if (r >= 0) lower.push_back(r);
      }
    }
    // The upper end: the targets the walk descends from.
    std::vector<int> targets;
    if (head_s == "current") {
      targets = cur_rows;
    } else {
      for (int t : ix.parse_upgrade_target(lower, head_s.empty() ? "heads" : head_s, false))
        if (t >= 0) targets.push_back(t);
    }
    if (!base_s.empty() && base_s != "current" && base_s.find('@') != std::string::npos) {
      // label@base:... keeps only the targets on that branch.
      std::string branch = base_s.substr(0, base_s.find('@'));
      int branch_rev = ix.get_revision(branch);
      if (branch_rev >= 0 && ix.id(branch_rev) == branch) {
        const auto& ls = ix.labels[static_cast<size_t>(branch_rev)];
        if (ls.size() != 1)
          throw RevisionError("Revision " + branch + " carries " + std::to_string(ls.size()) +
                              " branch labels; name the branch by its label in '" + base_s + "'");
        branch = ls.front();
      }
      std::vector<int> kept;
      for (int t : targets) {
        const auto& ls = ix.labels[static_cast<size_t>(t)];
        if (std::find(ls.begin(), ls.end(), branch) != ls.end()) kept.push_back(t);
      }
      targets = kept;
    }

    std::vector<char> needs(static_cast<size_t>(ix.size()), 0);
    for (int r : ix.ancestors(targets, true, true)) needs[static_cast<size_t>(r)] = 1;
    for (int r : lower)
      if (!needs[static_cast<size_t>(r)]) throw graph::RangeNotAncestor{};
    for (int r : ix.ancestors(lower, true, true)) needs[static_cast<size_t>(r)] = 0;
    for (int r : lower) needs[static_cast<size_t>(r)] = 1;
    if (!lower.empty()) {
      std::vector<char> above(static_cast<size_t>(ix.size()), 0);
      for (int r : ix.descendants(lower, false, true)) above[static_cast<size_t>(r)] = 1;
      for (int r = 0; r < ix.size(); ++r) needs[static_cast<size_t>(r)] &= above[static_cast<size_t>(r)];
    }
    std::vector<int> todo;
    for (int r = 0; r < ix.size(); ++r)
      if (needs[static_cast<size_t>(r)]) todo.push_back(r);
    return names(ix, ix.topological_sort(todo, targets));
  });
}

}  // namespace migrate
