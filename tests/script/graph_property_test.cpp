// Generated-graph property tests: random DAGs (merges, several bases, labels,
// cross-branch dependencies) with fixed seeds; every plan's version-table changes must
// apply cleanly and leave the rows that Alembic's rules predict.
#include "script/graph_helpers.hpp"

#include <map>
#include <random>
#include <set>

namespace migrate::test {
namespace {

std::string util_join(const Ids& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

struct Generated {
  std::vector<Revision> revisions;  // in load order (shuffled)
};

Generated generate(unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](unsigned n) { return static_cast<int>(rng() % n); };
  const int n = 4 + pick(40);
  std::vector<Revision> revs;
  for (int i = 0; i < n; ++i) {
    Revision r = R("v" + std::to_string(i) + "x" + std::to_string(rng() % 1000));
    const int p = pick(100);
    auto earlier = [&]() { return pick(3) ? std::max(0, i - 1 - pick(3)) : pick(static_cast<unsigned>(i)); };
    if (i == 0 || p < 8) {
      // a new base
    } else if (p < 25 && i >= 2) {
      int a = earlier(), b = earlier();
      if (a == b) b = (a + 1) % i;
      r.down_revisions = {revs[static_cast<size_t>(a)].id, revs[static_cast<size_t>(b)].id};
    } else {
      r.down_revisions = {revs[static_cast<size_t>(earlier())].id};
    }
    if (i >= 2 && pick(100) < 18) {
      const std::string& dep = revs[static_cast<size_t>(pick(static_cast<unsigned>(i)))].id;
      if (std::find(r.down_revisions.begin(), r.down_revisions.end(), dep) == r.down_revisions.end())
        r.depends_on.push_back(dep);
    }
    if (pick(100) < 10) r.branch_labels.push_back("label" + std::to_string(i));
    revs.push_back(r);
  }
  // Files are loaded in name order, not creation order.
  std::shuffle(revs.begin(), revs.end(), rng);
  return {revs};
}

/// The graph as text, for failure messages.
std::string dump(const Generated& gen) {
  std::string out;
  for (const auto& r : gen.revisions) {
    out += r.id + " <- [" + util_join(r.down_revisions) + "]";
    if (!r.depends_on.empty()) out += " deps [" + util_join(r.depends_on) + "]";
    if (!r.branch_labels.empty()) out += " labels [" + util_join(r.branch_labels) + "]";
    out += "\n";
  }
  return out;
}

/// Ancestors of `id` (itself included) through down_revision and depends_on, computed
/// independently of the graph's own walks.
std::set<std::string> closure(const RevisionGraph& g, const std::string& id) {
  std::set<std::string> out;
  std::vector<std::string> stack{id};
  while (!stack.empty()) {
    std::string x = stack.back();
    stack.pop_back();
    if (!out.insert(x).second) continue;
    for (const auto& d : g.find(x)->down_revisions) stack.push_back(d);
    for (const auto& d : g.dependencies(x)) stack.push_back(d);
  }
  return out;
}

/// Descendants of the versioned children of `id`, through down_revision or depends_on.
std::set<std::string> dropped_by_downgrade_to(const RevisionGraph& g, const std::string& id) {
  std::map<std::string, std::vector<std::string>> kids;
  for (const auto& r : g.revisions()) {
    for (const auto& d : r.down_revisions) kids[d].push_back(r.id);
    for (const auto& d : g.dependencies(r.id)) kids[d].push_back(r.id);
  }
  std::set<std::string> out;
  std::vector<std::string> stack = g.children(id);
  while (!stack.empty()) {
    std::string x = stack.back();
    stack.pop_back();
    if (!out.insert(x).second) continue;
    for (const auto& k : kids[x]) stack.push_back(k);
  }
  return out;
}

/// Every revision's (normalised) down-revisions are applied before it.
void check_upgrade_order(const RevisionGraph& g, const Ids& rows_before, const std::vector<Step>& steps) {
  std::set<std::string> done;
  for (const auto& s : steps) {
    for (const auto& d : g.normalized_down_revisions(s.revision)) {
      INFO("upgrade " << s.revision << " needs " << d);
      CHECK((done.count(d) || g.is_applied(d, rows_before)));
    }
    done.insert(s.revision);
  }
}

std::set<std::string> applied_set(const RevisionGraph& g, const Ids& rows) {
  std::set<std::string> out;
  for (const auto& r : g.revisions())
    if (g.is_applied(r.id, rows)) out.insert(r.id);
  return out;
}

}  // namespace

TEST_CASE("graph property: random graphs upgrade to heads and back to base", "[graph][property]") {
  for (unsigned seed = 1; seed <= 400; ++seed) {
    Generated gen = generate(seed);
    INFO("seed " << seed << "\n" << dump(gen));
    RevisionGraph g(gen.revisions);
    const Ids real_heads = sorted(g.real_heads());

    auto up = g.upgrade_steps({}, "heads");
    CHECK(up.size() == gen.revisions.size());
    check_upgrade_order(g, {}, up);
    Ids rows = apply_all(g, {}, up);
    CHECK(rows == real_heads);
    CHECK(g.upgrade_steps(rows, "heads").empty());
    CHECK(stamp_rows(g, {}, {"heads"}) == real_heads);

    auto down = g.downgrade_steps(rows, "base");
    CHECK(down.size() == gen.revisions.size());
    std::set<std::string> undone;
    for (const auto& s : down) {
      // Nothing that depends on s is still applied when s is undone.
      for (const auto& r : g.revisions()) {
        const auto nd = g.normalized_down_revisions(r.id);
        if (std::find(nd.begin(), nd.end(), s.revision) != nd.end()) {
          INFO("downgrade " << s.revision << " before its child " << r.id);
          CHECK(undone.count(r.id) == 1);
        }
      }
      undone.insert(s.revision);
    }
    CHECK(apply_all(g, rows, down).empty());
    CHECK(stamp_rows(g, rows, {"base"}).empty());
    CHECK(g.history("", {}).size() == gen.revisions.size());
  }
}

TEST_CASE("graph property: random targets leave exactly their ancestry applied", "[graph][property]") {
  for (unsigned seed = 10000; seed < 10400; ++seed) {
    Generated gen = generate(seed);
    INFO("seed " << seed << "\n" << dump(gen));
    RevisionGraph g(gen.revisions);
    std::mt19937 rng(seed);
    const auto& revs = g.revisions();
    const std::string x = revs[rng() % revs.size()].id;
    INFO("upgrade to " << x);
    auto up = g.upgrade_steps({}, x);
    check_upgrade_order(g, {}, up);
    Ids rows = apply_all(g, {}, up);
    CHECK(applied_set(g, rows) == closure(g, x));

    // From everything applied, downgrade to a random revision.
    Ids all = upgrade_rows(g, {}, "heads");
    const std::string y = revs[rng() % revs.size()].id;
    INFO("downgrade to " << y);
    std::set<std::string> expected = applied_set(g, all);
    for (const auto& d : dropped_by_downgrade_to(g, y)) expected.erase(d);
    const bool nothing_to_do = expected == applied_set(g, all);
    const bool is_row = std::find(all.begin(), all.end(), y) != all.end();
    if (nothing_to_do && !is_row) {
      CHECK(error_of<RevisionError>([&] { g.downgrade_steps(all, y); }) ==
            "Destination " + y + " is not a valid downgrade target from current head(s)");
      continue;
    }
    Ids after = downgrade_rows(g, all, y);
    CHECK(applied_set(g, after) == expected);
    // And up again to the heads from there.
    auto again = g.upgrade_steps(after, "heads");
    check_upgrade_order(g, after, again);
    CHECK(apply_all(g, after, again) == sorted(g.real_heads()));
  }
}

TEST_CASE("graph property: every target form either plans cleanly or refuses", "[graph][property]") {
  // From states reached by real upgrades, every kind of target must give a plan whose
  // version-table changes apply, or a RevisionError; never another exception.
  for (unsigned seed = 2000; seed < 2400; ++seed) {
    Generated gen = generate(seed);
    INFO("seed " << seed << "\n" << dump(gen));
    RevisionGraph g(gen.revisions);
    std::mt19937 rng(seed);
    const auto& revs = g.revisions();
    auto any_id = [&]() { return revs[rng() % revs.size()].id; };
    std::vector<std::string> labels;
    for (const auto& r : revs)
      for (const auto& l : r.branch_labels) labels.push_back(l);
    auto any_label = [&]() { return labels.empty() ? any_id() : labels[rng() % labels.size()]; };

    Ids rows = upgrade_rows(g, {}, any_id());
    for (int round = 0; round < 12; ++round) {
      const std::vector<std::string> forms = {
          "head", "heads", "base", "+1", "+2", "-1", "-2", any_id(), any_id().substr(0, 3),
          any_id() + "+1", any_id() + "-1", any_label() + "@head", any_label() + "@heads",
          any_label() + "@base", any_label() + "@+1", any_label() + "@-1", any_id() + "@head",
          any_label() + "@" + any_id(), "head-1", "base+1"};
      const std::string target = forms[rng() % forms.size()];
      const bool up = rng() % 2 == 0;
      INFO((up ? "upgrade " : "downgrade ") << target << " from rows " << util_join(rows));
      try {
        auto steps = up ? g.upgrade_steps(rows, target) : g.downgrade_steps(rows, target);
        Ids before = rows;
        rows = apply_all(g, rows, steps);
        if (up) check_upgrade_order(g, before, steps);
        // Rows never overlap: no row is an ancestor of another.
        for (const auto& a : rows)
          for (const auto& b : rows)
            if (a != b) CHECK_FALSE(g.is_applied(a, {b}));
      } catch (const RevisionError&) {
        // a refusal is fine
      }
      try {
        Ids stamped = stamp_rows(g, rows, {target});
        (void)stamped;
        (void)g.history(target + ":", rows);
      } catch (const RevisionError&) {
      }
    }
  }
}

}  // namespace migrate::test
