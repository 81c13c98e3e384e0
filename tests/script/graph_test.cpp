// Table-driven tests of the revision graph on in-memory graphs. Expected orders and
// rows follow Alembic's RevisionMap/HeadMaintainer (shared/reference/alembic-graph.md).
#include "script/graph_helpers.hpp"

#include <functional>

namespace migrate::test {
namespace {

RevisionGraph chain5() {
  return RevisionGraph({R("a"), R("b", {"a"}), R("c", {"b"}), R("d", {"c"}), R("e", {"d"})});
}

// a -> b1, b2 -> c (merge, down_revision = [b1, b2]) -> d
RevisionGraph diamond() {
  return RevisionGraph({R("a"), R("b1", {"a"}), R("b2", {"a"}), R("c", {"b1", "b2"}), R("d", {"c"})});
}

// Two trees: a1 -> a2 (label alpha on a1), b1 -> b2 (label beta on b1).
RevisionGraph forest() {
  return RevisionGraph(
      {R("a1", {}, {}, {"alpha"}), R("a2", {"a1"}), R("b1", {}, {}, {"beta"}), R("b2", {"b1"})});
}

// r0 -> r1 -> {x1 -> x2 (label xbr on x1), y1 -> y2 (label ybr on y1)}
RevisionGraph branched() {
  return RevisionGraph({R("r0"), R("r1", {"r0"}), R("x1", {"r1"}, {}, {"xbr"}), R("x2", {"x1"}),
                        R("y1", {"r1"}, {}, {"ybr"}), R("y2", {"y1"})});
}

// lib tree l1 -> l2 (label lib on l1); app tree p1 -> p2, p2 depends on l2.
RevisionGraph with_dependency() {
  return RevisionGraph({R("l1", {}, {}, {"lib"}), R("l2", {"l1"}), R("p1"), R("p2", {"p1"}, {"l2"})});
}

}  // namespace

TEST_CASE("graph: heads, bases, branch points and children", "[graph]") {
  RevisionGraph g = diamond();
  CHECK(g.heads() == Ids{"d"});
  CHECK(g.real_heads() == Ids{"d"});
  CHECK(g.bases() == Ids{"a"});
  CHECK(g.branch_points() == Ids{"a"});
  CHECK(g.children("a") == Ids{"b1", "b2"});
  CHECK(g.children("zz").empty());
  CHECK(g.find("b2") != nullptr);
  CHECK(g.find("b") == nullptr);

  RevisionGraph dep = with_dependency();
  CHECK(dep.heads() == Ids{"l2", "p2"});  // versioned: l2 is an "effective head"
  CHECK(dep.real_heads() == Ids{"p2"});
  CHECK(dep.bases() == Ids{"l1", "p1"});
  CHECK(dep.dependencies("p2") == Ids{"l2"});
  CHECK(dep.normalized_down_revisions("p2") == Ids{"p1", "l2"});

  RevisionGraph empty({});
  CHECK(empty.heads().empty());
  CHECK(empty.upgrade_steps({}, "heads").empty());
  CHECK(empty.upgrade_steps({}, "head").empty());
}

TEST_CASE("graph: invalid graphs are rejected with the file and ids named", "[graph][errors]") {
  struct Case {
    const char* name;
    std::vector<Revision> revisions;
    std::string message;
  };
  auto dup_a = R("a");
  dup_a.path = "versions/a_second.toml";
  std::vector<Case> cases = {
      {"duplicate id", {R("a"), dup_a},
       "versions/a.toml, versions/a_second.toml: Revision a is present more than once"},
      {"at sign", {R("a@b")},
       "versions/a@b.toml: Character(s) '@' not allowed in revision identifier 'a@b'"},
      {"several bad characters", {R("a-b+c")},
       "versions/a-b+c.toml: Character(s) '+, -' not allowed in revision identifier 'a-b+c'"},
      {"colon", {R("a:b")},
       "versions/a:b.toml: Character(s) ':' not allowed in revision identifier 'a:b'"},
      {"whitespace", {R("a b")},
       "versions/a b.toml: Whitespace not allowed in revision identifier 'a b'"},
      {"missing parent", {R("a"), R("b", {"zz"})},
       "versions/b.toml: Revision zz referenced from b is not present"},
      {"unknown dependency", {R("a"), R("b", {"a"}, {"zz"})},
       "versions/b.toml: Revision b depends on 'zz', which names no revision or branch label"},
      {"self-loop", {R("a", {"a"})}, "versions/a.toml: Self-loop is detected in revisions (a)"},
      {"dependency self-loop", {R("a", {}, {"a"})},
       "versions/a.toml: Dependency self-loop is detected in revisions (a)"},
      {"dependency self-loop through a label", {R("a", {}, {"mine"}, {"mine"})},
       "versions/a.toml: Dependency self-loop is detected in revisions (a)"},
      {"cycle without a base", {R("a", {"c"}), R("b", {"a"}), R("c", {"b"})},
       "versions/a.toml, versions/c.toml, versions/b.toml: Cycle is detected in revisions (a, b, c)"},
      {"cycle through a merge", {R("r"), R("m", {"r", "y"}), R("y", {"m"}), R("h", {"m"})},
       "versions/m.toml, versions/y.toml: Cycle is detected in revisions (m, y)"},
      {"dependency cycle", {R("a"), R("b", {"a"}), R("c", {}, {"b"}), R("a2", {"a"})},
       "<no error>"},
      {"dependency cycle for real", {R("a", {}, {"b"}), R("b", {"a"})},
       "versions/a.toml, versions/b.toml: Dependency cycle is detected in revisions (a, b)"},
      {"duplicate branch label", {R("a", {}, {}, {"x"}), R("b", {"a"}, {}, {"x"})},
       "versions/a.toml, versions/b.toml: Branch name 'x' in revision b already used by revision a"},
      {"label equal to an id", {R("a"), R("b", {"a"}, {}, {"a"})},
       "versions/a.toml, versions/b.toml: Branch name 'a' in revision b already used by revision a"},
      {"down_revision listed twice", {R("a"), R("b", {"a", "a"})},
       "versions/b.toml: Revision b lists down_revision a more than once"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(error_of<InputError>([&] { RevisionGraph g(c.revisions); }) == c.message);
  }
}

TEST_CASE("graph: in-memory revisions without a path name only the ids", "[graph][errors]") {
  Revision r = R("a", {"a"});
  r.path.clear();
  CHECK(error_of<InputError>([&] { RevisionGraph g({r}); }) == "Self-loop is detected in revisions (a)");
}

TEST_CASE("graph: partial ids and labels resolve, ambiguity lists the candidates", "[graph][resolve]") {
  RevisionGraph g({R("abc1x"), R("abc2y", {"abc1x"}), R("bcd3z", {"abc2y"}, {}, {"feature"}),
                   R("fea9000", {"bcd3z"})});
  struct Case {
    std::string arg;
    std::string result;  // id, or the error message
  };
  std::vector<Case> cases = {
      {"abc1x", "abc1x"},
      {"abc1", "abc1x"},
      {"b", "bcd3z"},
      {"feature", "bcd3z"},
      {"featu", "bcd3z"},
      {"abc", "Multiple revisions start with 'abc': 'abc1x', 'abc2y'"},
      {"fea", "Multiple revisions start with 'fea': 'fea9000', 'feature'"},
      {"zz", "No such revision or branch 'zz'"},
      {"head", "fea9000"},
      {"feature@head", "fea9000"},
      {"base", "'base' names no revision"},
      {"feature@abc1", "abc1x"},
  };
  for (const auto& c : cases) {
    INFO(c.arg);
    std::string got;
    try {
      got = g.get(c.arg).id;
    } catch (const RevisionError& e) {
      got = e.what();
    }
    CHECK(got == c.result);
  }
  CHECK(g.resolve("heads") == Ids{"fea9000"});
  CHECK(g.resolve("base").empty());
  CHECK(g.resolve("-1") == Ids{"bcd3z"});
  CHECK(g.branch_labels("abc1x") == Ids{"feature"});  // label in mid-chain covers the chain
  CHECK(g.branch_labels("fea9000") == Ids{"feature"});
}

TEST_CASE("graph: linear chain upgrade and downgrade targets", "[graph][chain]") {
  RevisionGraph g = chain5();
  struct Case {
    Ids rows;
    std::string target;
    bool up;
    Ids steps;         // expected step order
    Ids rows_after;    // sorted
  };
  std::vector<Case> cases = {
      {{}, "head", true, {"a", "b", "c", "d", "e"}, {"e"}},
      {{}, "heads", true, {"a", "b", "c", "d", "e"}, {"e"}},
      {{}, "c", true, {"a", "b", "c"}, {"c"}},
      {{"b"}, "+2", true, {"c", "d"}, {"d"}},
      {{}, "+1", true, {"a"}, {"a"}},
      {{}, "b+2", true, {"a", "b", "c", "d"}, {"d"}},
      {{"a"}, "e-1", true, {"b", "c", "d"}, {"d"}},
      {{"e"}, "c", true, {}, {"e"}},          // upgrade to an ancestor: nothing
      {{"e"}, "heads", true, {}, {"e"}},
      {{}, "base", true, {}, {}},
      {{"e"}, "-1", false, {"e"}, {"d"}},
      {{"e"}, "-2", false, {"e", "d"}, {"c"}},
      {{"e"}, "c", false, {"e", "d"}, {"c"}},
      {{"c"}, "base", false, {"c", "b", "a"}, {}},
      {{"c"}, "c", false, {}, {"c"}},         // downgrade to the current revision: nothing
      {{"e"}, "head-5", false, {"e", "d", "c", "b", "a"}, {}},
      {{"e"}, "base+1", false, {"e", "d", "c", "b"}, {"a"}},
      {{"e"}, "c-1", false, {"e", "d", "c"}, {"b"}},
  };
  for (const auto& c : cases) {
    INFO((c.up ? "upgrade " : "downgrade ") << c.target << " from " << c.rows.size() << " rows");
    auto steps = c.up ? g.upgrade_steps(c.rows, c.target) : g.downgrade_steps(c.rows, c.target);
    CHECK(step_ids(steps) == c.steps);
    CHECK(apply_all(g, c.rows, steps) == c.rows_after);
  }
}

TEST_CASE("graph: relative and invalid targets give Alembic's messages", "[graph][errors]") {
  RevisionGraph g = chain5();
  struct Case {
    Ids rows;
    std::string target;
    bool up;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"a"}, "+10", true, "Relative revision +10 didn't produce 10 migrations"},
      {{"a"}, "+5", true, "Relative revision +5 didn't produce 5 migrations"},
      {{}, "e+1", true, "Relative revision e+1 didn't produce 1 migrations"},
      {{"c"}, "-1", true, "Relative revision -1 didn't produce 1 migrations"},
      {{"c"}, "+0", true, "Relative revision 0 didn't produce 0 migrations"},
      {{"c"}, "+1", false, "Relative revision +1 didn't produce 1 migrations"},
      {{"c"}, "-5", false, "Relative revision -5 didn't produce 5 migrations"},
      {{}, "-1", false, "Relative revision -1 didn't produce 1 migrations"},
      {{"e"}, "head-6", false, "Walked too far"},
      {{"c"}, "e", false, "Destination e is not a valid downgrade target from current head(s)"},
      {{"c"}, "zz", true, "No such revision or branch 'zz'"},
      {{"zz"}, "head", true, "Version table holds revision 'zz', which no migration file defines"},
      {{"c"}, "c+1junk", true, "No such revision or branch 'c+1junk'"},
  };
  for (const auto& c : cases) {
    INFO(c.target);
    CHECK(error_of<RevisionError>([&] {
            if (c.up)
              g.upgrade_steps(c.rows, c.target);
            else
              g.downgrade_steps(c.rows, c.target);
          }) == c.message);
  }
}

TEST_CASE("graph: diamond merge order and version rows", "[graph][merge]") {
  RevisionGraph g = diamond();
  // Last-listed parent's chain first on upgrade; the merge's own parents on downgrade.
  auto up = g.upgrade_steps({}, "heads");
  CHECK(step_ids(up) == Ids{"a", "b2", "b1", "c", "d"});
  CHECK(up[3].from_text == "b1, b2");
  CHECK(up[3].to_text == "c");
  CHECK(up[0].from_text.empty());
  Ids rows;
  std::vector<std::vector<VersionChange>> changes;
  for (const auto& s : up) {
    changes.push_back(g.version_changes(rows, s));
    rows = RevisionGraph::apply_changes(rows, changes.back());
  }
  CHECK(rows == Ids{"d"});
  using K = VersionChange::Kind;
  REQUIRE(changes[2].size() == 1);
  CHECK(changes[2][0].kind == K::insert);  // b1 starts a second branch
  REQUIRE(changes[3].size() == 2);          // merge: delete b1, update b2 -> c
  CHECK(changes[3][0].kind == K::remove);
  CHECK(changes[3][0].from == "b1");
  CHECK(changes[3][1].kind == K::update);
  CHECK(changes[3][1].from == "b2");
  CHECK(changes[3][1].to == "c");

  auto down = g.downgrade_steps({"d"}, "base");
  CHECK(step_ids(down) == Ids{"d", "c", "b1", "b2", "a"});
  CHECK(down[1].from_text == "c");
  CHECK(down[1].to_text == "b1, b2");
  CHECK(apply_all(g, {"d"}, down).empty());

  // Downgrading to one merge parent leaves both parents applied.
  CHECK(step_ids(g.downgrade_steps({"d"}, "b1")) == Ids{"d", "c"});
  CHECK(downgrade_rows(g, {"d"}, "b1") == Ids{"b1", "b2"});
  auto unmerge = g.version_changes({"c"}, Step{"c", Direction::down, "c", "b1, b2"});
  REQUIRE(unmerge.size() == 2);
  CHECK(unmerge[0].kind == K::insert);
  CHECK(unmerge[0].to == "b1");
  CHECK(unmerge[1].kind == K::update);
  CHECK(unmerge[1].to == "b2");

  // +1 from a parent runs the other parent too.
  CHECK(step_ids(g.upgrade_steps({"b1"}, "+1")) == Ids{"b2", "c"});
  CHECK(upgrade_rows(g, {"b1"}, "+1") == Ids{"c"});
  CHECK(step_ids(g.upgrade_steps({"b1"}, "b2")) == Ids{"b2"});
  CHECK(upgrade_rows(g, {"b1"}, "b2") == Ids{"b1", "b2"});
  CHECK(downgrade_rows(g, {"b1", "b2"}, "base").empty());
  CHECK(step_ids(g.downgrade_steps({"b1", "b2"}, "base")) == Ids{"b1", "b2", "a"});
  CHECK(step_ids(g.downgrade_steps({"d"}, "-1")) == Ids{"d"});

  // Walking across a merge is ambiguous.
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps({"c"}, "-1"); }) == "Ambiguous walk");
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "c-1"); }) == "Ambiguous walk");
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({"a"}, "+1"); }) == "Ambiguous walk");
  // Two rows: +1 and -1 are ambiguous.
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({"b1", "b2"}, "+1"); }) ==
        "Ambiguous upgrade from multiple current revisions");
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps({"b1", "b2"}, "-1"); }) ==
        "Ambiguous downgrade -1 from multiple current heads (b1, b2); use '<branch>@-1' with a "
        "branch label or one of these revisions, or an explicit target revision");
  // A revision standing in for the branch removes the ambiguity.
  CHECK(downgrade_rows(g, {"b1", "b2"}, "b1@-1") == Ids{"b2"});
}

TEST_CASE("graph: merges of merges and twin merges", "[graph][merge]") {
  RevisionGraph g({R("a"), R("b1", {"a"}), R("b2", {"a"}), R("b3", {"a"}), R("m1", {"b1", "b2"}),
                   R("m2", {"m1", "b3"}), R("top", {"m2"})});
  CHECK(step_ids(g.upgrade_steps({}, "heads")) == Ids{"a", "b2", "b3", "b1", "m1", "m2", "top"});
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"top"});
  CHECK(step_ids(g.downgrade_steps({"top"}, "base")) == Ids{"top", "m2", "m1", "b1", "b3", "b2", "a"});
  CHECK(downgrade_rows(g, {"top"}, "base").empty());
  CHECK(downgrade_rows(g, {"top"}, "b1") == Ids{"b1", "b2", "b3"});
  CHECK(downgrade_rows(g, {"top"}, "m1") == Ids{"b3", "m1"});

  RevisionGraph twins({R("a"), R("b1", {"a"}), R("b2", {"a"}), R("m1", {"b1", "b2"}),
                       R("m2", {"b1", "b2"})});
  CHECK(twins.heads() == Ids{"m1", "m2"});
  Ids rows = upgrade_rows(twins, {}, "m1");
  CHECK(rows == Ids{"m1"});
  CHECK(step_ids(twins.upgrade_steps(rows, "m2")) == Ids{"m2"});
  rows = upgrade_rows(twins, rows, "m2");
  CHECK(rows == Ids{"m1", "m2"});
  CHECK(twins.downgrade_steps(rows, "m1").empty());
  CHECK(error_of<RevisionError>([&] { twins.upgrade_steps({}, "head"); }) ==
        "Multiple head revisions are present for given argument 'head'; please specify a specific "
        "target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads");
}

TEST_CASE("graph: several bases and labelled trees", "[graph][labels]") {
  RevisionGraph g = forest();
  CHECK(g.heads() == Ids{"a2", "b2"});
  CHECK(g.bases() == Ids{"a1", "b1"});
  CHECK(step_ids(g.upgrade_steps({}, "heads")) == Ids{"b1", "b2", "a1", "a2"});
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"a2", "b2"});
  CHECK(step_ids(g.upgrade_steps({}, "alpha@head")) == Ids{"a1", "a2"});
  CHECK(step_ids(g.upgrade_steps({}, "alpha@+1")) == Ids{"a1"});
  CHECK(step_ids(g.upgrade_steps({"b2"}, "alpha@+1")) == Ids{"a1"});
  CHECK(upgrade_rows(g, {"b2"}, "alpha@+2") == Ids{"a2", "b2"});
  CHECK(step_ids(g.upgrade_steps({"a1", "b1"}, "beta@+1")) == Ids{"b2"});
  CHECK(g.upgrade_steps({}, "alpha@base").empty());
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "+1"); }) == "Ambiguous walk");
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "head"); }).rfind("Multiple head revisions", 0) == 0);

  CHECK(downgrade_rows(g, {"a2", "b2"}, "alpha@base") == Ids{"b2"});
  CHECK(step_ids(g.downgrade_steps({"a2", "b2"}, "alpha@base")) == Ids{"a2", "a1"});
  CHECK(downgrade_rows(g, {"a2", "b2"}, "alpha@-1") == Ids{"a1", "b2"});
  CHECK(downgrade_rows(g, {"a2", "b2"}, "beta@-2") == Ids{"a2"});
  CHECK(downgrade_rows(g, {"a2", "b2"}, "base").empty());
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps({"b2"}, "alpha@-1"); }) ==
        "Branch 'alpha' has no applied revision to downgrade from with 'alpha@-1'");
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps({"a2", "b2"}, "-1"); })
            .rfind("Ambiguous downgrade -1 from multiple current heads (a2, b2)", 0) == 0);
  CHECK(error_of<RevisionError>([&] { g.get("gamma@head"); }) == "No such revision or branch 'gamma'");
  CHECK(g.get("alph@head").id == "a2");  // a label prefix stands for the label
  CHECK(g.resolve("alpha@heads") == Ids{"a2"});
  CHECK(g.resolve("heads") == Ids{"a2", "b2"});
  CHECK(g.resolve("beta@-1") == Ids{"b1"});
  CHECK(g.resolve("a1@head") == Ids{"a2"});
  CHECK(error_of<RevisionError>([&] { g.get("alpha@b2"); }) ==
        "Revision b2 is not a member of branch 'alpha'");
}

TEST_CASE("graph: branches off a shared base", "[graph][labels]") {
  RevisionGraph g = branched();
  CHECK(g.branch_labels("x2") == Ids{"xbr"});
  CHECK(g.branch_labels("r1").empty());  // stops at the branch point
  CHECK(g.branch_points() == Ids{"r1"});
  CHECK(step_ids(g.upgrade_steps({}, "xbr@head")) == Ids{"r0", "r1", "x1", "x2"});
  CHECK(step_ids(g.upgrade_steps({}, "x1@head")) == Ids{"r0", "r1", "x1", "x2"});
  CHECK(step_ids(g.upgrade_steps({}, "heads")) == Ids{"r0", "r1", "y1", "y2", "x1", "x2"});
  Ids all = upgrade_rows(g, {}, "heads");
  CHECK(all == Ids{"x2", "y2"});
  CHECK(step_ids(g.upgrade_steps({"x2"}, "ybr@+1")) == Ids{"y1"});
  CHECK(upgrade_rows(g, {"x2"}, "ybr@+1") == Ids{"x2", "y1"});
  CHECK(upgrade_rows(g, {"x2"}, "y2") == Ids{"x2", "y2"});

  // label@base with one base drops every branch; use the branch point for one branch.
  CHECK(step_ids(g.downgrade_steps(all, "xbr@base")) == Ids{"x2", "x1", "y2", "y1", "r1", "r0"});
  CHECK(downgrade_rows(g, all, "xbr@base").empty());
  CHECK(downgrade_rows(g, all, "xbr@r1") == Ids{"y2"});
  CHECK(downgrade_rows(g, all, "base+2") == Ids{"r1"});
  CHECK(downgrade_rows(g, all, "xbr@base+2") == Ids{"y2"});
  CHECK(downgrade_rows(g, all, "xbr@-1") == Ids{"x1", "y2"});
  CHECK(downgrade_rows(g, all, "xbr@head-2") == Ids{"y2"});
  CHECK(downgrade_rows(g, all, "x2@-2") == Ids{"y2"});
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps(all, "xbr@head"); })
            .rfind("Multiple head revisions are present for given argument 'head'", 0) == 0);
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "xbr@y1"); }) ==
        "Revision y1 is not a member of branch 'xbr'");
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "zzz@head"); }) ==
        "No such revision or branch 'zzz'");
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "zzz@base"); }) == "No such branch: 'zzz'");
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps(all, "zzz@base"); }) == "No such branch: 'zzz'");
  CHECK(error_of<RevisionError>([&] { g.stamp_steps(all, {"zzz@base"}); }) == "No such revision or branch 'zzz'");
}

TEST_CASE("graph: a label@rev downgrade works across a merge", "[graph][labels]") {
  // b -> c1, c2 -> m (merge) -> n; "c1@b" drops n, m and c1 and keeps c2.
  RevisionGraph g({R("b"), R("c1", {"b"}), R("c2", {"b"}), R("m", {"c1", "c2"}), R("n", {"m"})});
  CHECK(step_ids(g.downgrade_steps({"n"}, "c1@b")) == Ids{"n", "m", "c1"});
  CHECK(downgrade_rows(g, {"n"}, "c1@b") == Ids{"c2"});
  // A range whose FROM is one row runs the missing sibling as a new row.
  CHECK(step_ids(g.upgrade_steps({"c1"}, "n")) == Ids{"c2", "m", "n"});
  CHECK(upgrade_rows(g, {"c1"}, "n") == Ids{"n"});
}

TEST_CASE("graph: cross-tree dependencies", "[graph][depends]") {
  RevisionGraph g = with_dependency();
  auto up = g.upgrade_steps({}, "p2");
  CHECK(step_ids(up) == Ids{"l1", "l2", "p1", "p2"});  // dependency chain first
  CHECK(up[3].from_text == "p1");                      // deps never in the from list
  CHECK(apply_all(g, {}, up) == Ids{"p2"});            // rows collapse
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"p2"});
  CHECK(g.current_heads({"p2"}) == Ids{"l2", "p2"});
  CHECK(g.is_applied("l1", {"p2"}));
  CHECK(g.is_applied("p2", {"p2"}));
  CHECK_FALSE(g.is_applied("p2", {"l2"}));
  CHECK_FALSE(g.is_applied("zz", {"l2"}));

  CHECK(step_ids(g.downgrade_steps({"p2"}, "p1")) == Ids{"p2"});
  CHECK(downgrade_rows(g, {"p2"}, "p1") == Ids{"l2", "p1"});
  CHECK(step_ids(g.downgrade_steps({"p2"}, "l1")) == Ids{"p2", "l2"});
  CHECK(downgrade_rows(g, {"p2"}, "l1") == Ids{"l1", "p1"});
  CHECK(downgrade_rows(g, {"p2"}, "lib@base") == Ids{"p1"});
  CHECK(downgrade_rows(g, {"p2"}, "base").empty());
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps({"p2"}, "l2"); }) ==
        "Destination l2 is not a valid downgrade target from current head(s)");
  // +1 from p1 applies the dependency chain too.
  CHECK(step_ids(g.upgrade_steps({"p1"}, "+1")) == Ids{"l1", "l2", "p2"});
  CHECK(upgrade_rows(g, {"p1"}, "+1") == Ids{"p2"});
  CHECK(stamp_rows(g, {}, {"p2"}) == Ids{"p2"});
}

TEST_CASE("graph: depends_on a label means the labelled revision", "[graph][depends]") {
  RevisionGraph g({R("l1", {}, {}, {"lib"}), R("l2", {"l1"}), R("p1"), R("p2", {"p1"}, {"lib"})});
  CHECK(g.dependencies("p2") == Ids{"l1"});
  CHECK(step_ids(g.upgrade_steps({}, "p2")) == Ids{"l1", "p1", "p2"});
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"l2", "p2"});
  // A versioned descendant of the dependency is dropped, the dependent is not; l1 stays
  // applied through p2's dependency, so it needs no row of its own.
  CHECK(downgrade_rows(g, {"l2", "p2"}, "l1") == Ids{"p2"});
  CHECK(g.is_applied("l1", {"p2"}));
}

TEST_CASE("graph: dependency on an own ancestor and normalisation", "[graph][depends]") {
  // c depends on a, which is already an ancestor through b: kept (Alembic does not
  // normalise it away) but the downgrade of c leaves just b (Alembic >= 1.13.1).
  RevisionGraph g({R("a"), R("b", {"a"}), R("c", {"b"}, {"a"}), R("d", {"c"}, {"a"})});
  CHECK(g.normalized_down_revisions("c") == Ids{"b", "a"});
  CHECK(g.normalized_down_revisions("d") == Ids{"c"});  // inherited from c: dropped
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"d"});
  CHECK(downgrade_rows(g, {"c"}, "-1") == Ids{"b"});
  CHECK(downgrade_rows(g, {"d"}, "base").empty());

  // Criss-cross dependencies between two trees.
  RevisionGraph x({R("a1"), R("a2", {"a1"}, {"b1"}), R("b1"), R("b2", {"b1"}, {"a2"})});
  CHECK(x.real_heads() == Ids{"b2"});
  CHECK(step_ids(x.upgrade_steps({}, "heads")) == Ids{"b1", "a1", "a2", "b2"});
  CHECK(upgrade_rows(x, {}, "heads") == Ids{"b2"});
  CHECK(downgrade_rows(x, {"b2"}, "base").empty());
  CHECK(downgrade_rows(x, {"b2"}, "b1") == Ids{"a2"});  // a2 implies b1
}

TEST_CASE("graph: effective heads through depends_on", "[graph][depends]") {
  // x is only depended on: a versioned head but not a real head.
  RevisionGraph g({R("a"), R("b", {"a"}, {"x"}), R("x"), R("z")});
  CHECK(g.heads() == Ids{"b", "x", "z"});
  CHECK(g.real_heads() == Ids{"b", "z"});
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"b", "z"});
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "head"); })
            .rfind("Multiple head revisions", 0) == 0);
}

TEST_CASE("graph: overlapping version rows", "[graph][rows]") {
  RevisionGraph g({R("c1"), R("c2", {"c1"}), R("c3", {"c2"}), R("d1", {"c3"})});
  Ids rows{"c1", "c3"};
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps(rows, "heads"); }) ==
        "Requested revision c3 overlaps with other requested revisions c1");
  CHECK(step_ids(g.downgrade_steps(rows, "base")) == Ids{"c3", "c2", "c1"});
  CHECK(downgrade_rows(g, rows, "base").empty());
  CHECK(g.current_heads(rows) == Ids{"c3"});
  CHECK(stamp_rows(g, rows, {"heads"}) == Ids{"d1"});
  CHECK(error_of<RevisionError>([&] { g.upgrade_steps({}, "c1"); }) == "<no error>");
}

TEST_CASE("graph: apply_changes refuses changes that do not fit the rows", "[graph][rows]") {
  using K = VersionChange::Kind;
  CHECK(RevisionGraph::apply_changes({"a"}, {{K::update, "a", "b"}}) == Ids{"b"});
  CHECK(RevisionGraph::apply_changes({"a", "b"}, {{K::remove, "a", ""}}) == Ids{"b"});
  CHECK(error_of<InputError>([] { RevisionGraph::apply_changes({"a"}, {{K::update, "x", "b"}}); }) ==
        "Version table has no row 'x' to update to 'b'");
  CHECK(error_of<InputError>([] { RevisionGraph::apply_changes({"a"}, {{K::remove, "x", ""}}); }) ==
        "Version table has no row 'x' to delete");
  CHECK(error_of<InputError>([] { RevisionGraph::apply_changes({"a"}, {{K::insert, "", "a"}}); }) ==
        "Version table already holds revision 'a'; cannot insert it");
}

TEST_CASE("graph: net_changes turns one set of rows into another in one go", "[graph][rows]") {
  using K = VersionChange::Kind;
  auto net = [](const Ids& from, const Ids& to) {
    auto changes = RevisionGraph::net_changes(from, to);
    auto rows = RevisionGraph::apply_changes(from, changes);
    auto sorted = [](Ids v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    CHECK(sorted(rows) == sorted(to));
    return changes.size();
  };
  CHECK(net({}, {}) == 0);
  CHECK(net({"a", "b"}, {"b", "a"}) == 0);
  CHECK(net({"a"}, {"b"}) == 1);
  CHECK(net({"a", "b"}, {"c"}) == 2);
  CHECK(net({"a"}, {"a", "b", "c"}) == 2);
  CHECK(net({}, {"a"}) == 1);
  CHECK(net({"a", "b"}, {}) == 2);
  auto c = RevisionGraph::net_changes({"a", "b"}, {"c"});
  REQUIRE(c.size() == 2);
  CHECK((c[0].kind == K::update && c[0].from == "a" && c[0].to == "c"));
  CHECK((c[1].kind == K::remove && c[1].from == "b"));
}

TEST_CASE("graph: stamp", "[graph][stamp]") {
  RevisionGraph d = diamond();
  struct Case {
    const char* name;
    Ids rows;
    Ids targets;
    Ids rows_after;
  };
  std::vector<Case> cases = {
      {"empty to head", {}, {"head"}, {"d"}},
      {"base deletes every row", {"b1", "b2"}, {"base"}, {}},
      {"no targets means base", {"d"}, {}, {}},
      {"below a merge does not unmerge", {"d"}, {"b1"}, {"b1"}},
      {"common ancestor collapses rows", {"b1", "b2"}, {"a"}, {"a"}},
      {"parents to the merge", {"b1", "b2"}, {"c"}, {"c"}},
      {"sibling branch is a new row", {"b1"}, {"b2"}, {"b1", "b2"}},
      {"already there", {"d"}, {"d"}, {"d"}},
      {"several targets", {}, {"b1", "b2"}, {"b1", "b2"}},
      {"relative from the heads", {}, {"-1"}, {"c"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(stamp_rows(d, c.rows, c.targets) == c.rows_after);
  }
  auto steps = d.stamp_steps({"d"}, {"b1"});
  REQUIRE(steps.size() == 1);
  CHECK(steps[0].from_text == "d");
  CHECK(steps[0].to_text == "b1");
  CHECK(d.stamp_steps({"d"}, {"d"}).empty());

  RevisionGraph f = forest();
  CHECK(stamp_rows(f, {"a2", "b2"}, {"alpha@base"}) == Ids{"b2"});
  CHECK(stamp_rows(f, {"a1"}, {"heads"}) == Ids{"a2", "b2"});
  CHECK(stamp_rows(f, {"a2"}, {"b1"}) == Ids{"a2", "b1"});
  CHECK(error_of<RevisionError>([&] { f.stamp_steps({}, {"head"}); }) ==
        "Multiple heads are present; please specify a single target revision");

  RevisionGraph b = branched();
  auto s = b.stamp_steps({"r1"}, {"heads"});
  REQUIRE(s.size() == 2);
  CHECK(s[0].from_text == "r1");
  CHECK(s[0].to_text == "x2");
  CHECK(s[1].changes.size() == 1);
  CHECK(s[1].changes[0].kind == VersionChange::Kind::insert);
  CHECK(stamp_rows(b, {"r1"}, {"heads"}) == Ids{"x2", "y2"});
}

TEST_CASE("graph: history order and ranges", "[graph][history]") {
  RevisionGraph g = chain5();
  struct Case {
    std::string range;
    Ids rows;
    Ids expected;
  };
  std::vector<Case> cases = {
      {"", {}, {"e", "d", "c", "b", "a"}},
      {":", {}, {"e", "d", "c", "b", "a"}},
      {"b:d", {}, {"d", "c", "b"}},
      {"c:", {}, {"e", "d", "c"}},
      {":c", {}, {"c", "b", "a"}},
      {"base:head", {}, {"e", "d", "c", "b", "a"}},
      {"current:", {"c"}, {"e", "d", "c"}},
      {":current", {"c"}, {"c", "b", "a"}},
      {":current", {}, {}},
      {"-2:", {}, {"e", "d", "c"}},
      {"-9:", {}, {"e", "d", "c", "b", "a"}},
      {"b:+2", {}, {"d", "c", "b"}},
  };
  for (const auto& c : cases) {
    INFO(c.range);
    CHECK(g.history(c.range, c.rows) == c.expected);
  }
  CHECK(error_of<RevisionError>([&] { g.history("abc", {}); }) ==
        "History range requires [start]:[end], [start]:, or :[end]");
  CHECK(diamond().history("", {}) == Ids{"d", "c", "b1", "b2", "a"});
  RevisionGraph b = branched();
  CHECK(b.history("", {}) == Ids{"x2", "x1", "y2", "y1", "r1", "r0"});
  CHECK(b.history("xbr@base:", {}) == Ids{"x2", "x1", "r1", "r0"});
  CHECK(error_of<RevisionError>([&] { b.history("x2:y2", {}); }) ==
        "Requested range x2:y2 does not refer to ancestor/descendant revisions along the same branch");
}

TEST_CASE("graph: a 10000-revision chain", "[graph][scale]") {
  std::vector<Revision> revs;
  const int n = 10000;
  auto name = [](int i) {
    std::string s = std::to_string(i);
    return "r" + std::string(5 - s.size(), '0') + s;
  };
  for (int i = 0; i < n; ++i) revs.push_back(R(name(i), i ? Ids{name(i - 1)} : Ids{}));
  RevisionGraph g(revs);
  CHECK(g.heads() == Ids{name(n - 1)});
  CHECK(g.get("r09999").id == name(9999));
  CHECK(g.get("r00999").id == name(999));
  CHECK(error_of<RevisionError>([&] { g.get("r0999"); })
            .rfind("Multiple revisions start with 'r0999': 'r09990', 'r09991'", 0) == 0);
  auto up = g.upgrade_steps({}, "heads");
  REQUIRE(up.size() == static_cast<size_t>(n));
  CHECK(up.front().revision == name(0));
  CHECK(up.back().revision == name(n - 1));
  Ids rows = apply_all(g, {}, up);
  CHECK(rows == Ids{name(n - 1)});
  CHECK(step_ids(g.upgrade_steps({name(5000)}, "+2")) == Ids{name(5001), name(5002)});
  CHECK(step_ids(g.downgrade_steps(rows, "-1")) == Ids{name(n - 1)});
  auto down = g.downgrade_steps(rows, "base");
  REQUIRE(down.size() == static_cast<size_t>(n));
  CHECK(down.front().revision == name(n - 1));
  CHECK(apply_all(g, rows, down).empty());
  CHECK(g.is_applied(name(0), rows));
  CHECK(g.current_heads(rows) == rows);
  CHECK(g.history("", {}).size() == static_cast<size_t>(n));
  CHECK(stamp_rows(g, {}, {"head"}) == rows);
}

}  // namespace migrate::test

namespace migrate::test {

TEST_CASE("graph: the upgrade order Alembic was observed to produce", "[graph][order]") {
  // alembic.md §2.4: aaaa -> bbbb -> {cccc0031, cccc0032} -> dddd (merge) -> eeee, and a
  // second tree ffff0001 -> ffff0002 that depends on bbbb.
  RevisionGraph g({R("aaaa0001"), R("bbbb0002", {"aaaa0001"}), R("cccc0031", {"bbbb0002"}),
                   R("cccc0032", {"bbbb0002"}), R("dddd0004", {"cccc0031", "cccc0032"}),
                   R("eeee0005", {"dddd0004"}), R("ffff0001"),
                   R("ffff0002", {"ffff0001"}, {"bbbb0002"})});
  CHECK(step_ids(g.upgrade_steps({}, "heads")) ==
        Ids{"aaaa0001", "bbbb0002", "cccc0032", "ffff0001", "ffff0002", "cccc0031", "dddd0004",
            "eeee0005"});
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"eeee0005", "ffff0002"});
  // downgrade cccc0031 from eeee0005 runs eeee, dddd and leaves both parents.
  Ids top = upgrade_rows(g, {}, "eeee0005");
  CHECK(step_ids(g.downgrade_steps(top, "cccc0031")) == Ids{"eeee0005", "dddd0004"});
  CHECK(downgrade_rows(g, top, "cccc0031") == Ids{"cccc0031", "cccc0032"});
  // stamp heads from cccc0031: one update, one new row.
  auto s = g.stamp_steps({"cccc0031"}, {"heads"});
  REQUIRE(s.size() == 2);
  CHECK(s[0].from_text + " -> " + s[0].to_text == "cccc0031 -> eeee0005");
  CHECK(s[1].from_text + " -> " + s[1].to_text == " -> ffff0002");
}

TEST_CASE("graph: +1 into a merge of two trees applies the other tree", "[graph][merge]") {
  RevisionGraph g({R("a1", {}, {}, {"gar"}), R("a2", {"a1"}), R("b1", {}, {}, {"bar"}), R("b2", {"b1"}),
                   R("m", {"a2", "b2"}), R("top", {"m"})});
  CHECK(step_ids(g.upgrade_steps({"b2"}, "+1")) == Ids{"a1", "a2", "m"});
  CHECK(upgrade_rows(g, {"b2"}, "+1") == Ids{"m"});
  CHECK(g.branch_labels("m") == Ids{"bar", "gar"});
  CHECK(g.branch_labels("top") == Ids{"bar", "gar"});
  CHECK(downgrade_rows(g, {"top"}, "gar@-1") == Ids{"m"});
  CHECK(g.resolve("gar@heads") == Ids{"top"});
  CHECK(g.resolve("bar@head") == Ids{"top"});
  CHECK(downgrade_rows(g, {"top"}, "bar@base") == Ids{"a2"});
  CHECK(downgrade_rows(g, {"top"}, "base").empty());
}

TEST_CASE("graph: label@-1 needs exactly one current revision on the branch", "[graph][labels]") {
  // Two rows on one label's branch: the branch forks above the labelled revision.
  RevisionGraph g({R("a", {}, {}, {"lab"}), R("b", {"a"}), R("c", {"a"})});
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps({"b", "c"}, "lab@-1"); }) ==
        "Branch 'lab' has several current revisions (b, c); downgrade one of them explicitly");
  CHECK(downgrade_rows(g, {"b", "c"}, "b@-1") == Ids{"c"});
  CHECK(downgrade_rows(g, {"b", "c"}, "c") == Ids{"b", "c"});  // c is a row: nothing to do
  CHECK(downgrade_rows(g, {"b", "c"}, "a") == Ids{"a"});
}

TEST_CASE("graph: step texts for progress and offline comments", "[graph][steps]") {
  RevisionGraph g = with_dependency();
  auto up = g.upgrade_steps({}, "heads");
  REQUIRE(up.size() == 4);
  CHECK(up[0].direction == Direction::up);
  CHECK(up[0].from_text.empty());  // "-- Running upgrade  -> l1"
  CHECK(up[0].to_text == "l1");
  CHECK(up[3].from_text == "p1");  // p2 depends on l2: not shown
  auto down = g.downgrade_steps({"p2"}, "base");
  REQUIRE(!down.empty());
  CHECK(down[0].direction == Direction::down);
  CHECK(down[0].from_text == "p2");
  CHECK(down[0].to_text == "p1");
  // A step whose row is missing cannot be recorded.
  CHECK(error_of<InputError>([&] {
          RevisionGraph::apply_changes({"l1"}, g.version_changes({"l1"}, down[0]));
        }) == "Cannot record the downgrade of p2: its down-revision is ambiguous for version rows l1");
  auto l2_down = g.downgrade_steps({"l2"}, "base");
  REQUIRE(l2_down.size() == 2);
  CHECK(error_of<InputError>([&] {
          RevisionGraph::apply_changes({"l1"}, g.version_changes({"l1"}, l2_down[0]));
        }) == "Version table has no row 'l2' to update to 'l1'");
  CHECK(error_of<RevisionError>([&] { g.version_changes({}, Step{"zz", Direction::up, "", "zz"}); }) ==
        "No such revision 'zz' for a version-table update");
}

}  // namespace migrate::test

namespace migrate::test {

TEST_CASE("graph: cases Alembic fails an assertion on", "[graph][errors]") {
  // x's only child y depends on it without following it: "history x:" cannot walk from
  // the heads to x (Alembic: AssertionError in _topological_sort).
  RevisionGraph g({R("w"), R("x", {"w"}), R("y", {}, {"x"}), R("z", {"y"})});
  CHECK(g.history("x:", {}) == Ids{"x"});
  CHECK(g.history("", {}) == Ids{"z", "y", "x", "w"});
  CHECK(upgrade_rows(g, {}, "heads") == Ids{"z"});
  // Nothing follows x through down_revision and x has no row of its own.
  CHECK(error_of<RevisionError>([&] { g.downgrade_steps({"z"}, "x"); }) ==
        "Destination x is not a valid downgrade target from current head(s)");
  CHECK(downgrade_rows(g, {"z"}, "w") == Ids{"w"});
}

TEST_CASE("graph: stamping several targets moves each lineage once", "[graph][stamp]") {
  RevisionGraph g({R("a1"), R("a2", {"a1"}), R("b1"), R("b2", {"b1"})});
  CHECK(stamp_rows(g, {"a1", "b1"}, {"a2", "b2"}) == Ids{"a2", "b2"});
  CHECK(stamp_rows(g, {"a1", "b1"}, {"heads"}) == Ids{"a2", "b2"});
  CHECK(stamp_rows(g, {"a2", "b2"}, {"a1", "b1"}) == Ids{"a1", "b1"});
  CHECK(stamp_rows(g, {"a2", "b2"}, {"a1"}) == Ids{"a1", "b2"});
  CHECK(stamp_rows(g, {"a2"}, {"a2", "a2"}) == Ids{"a2"});
  auto steps = g.stamp_steps({"a1", "b1"}, {"heads"});
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].from == Ids{"a1"});
  CHECK(steps[0].to == Ids{"a2"});
}

}  // namespace migrate::test

namespace migrate::test {

TEST_CASE("graph: 10000 revisions with a dependency on every tenth", "[graph][scale]") {
  // An application chain of 9000 where every tenth revision depends on the current tip
  // of a library chain of 1000 (the library is written in step with the application).
  std::vector<Revision> revs;
  for (int i = 0; i < 1000; ++i)
    revs.push_back(R("lib" + std::to_string(i), i ? Ids{"lib" + std::to_string(i - 1)} : Ids{}));
  for (int i = 0; i < 9000; ++i) {
    Ids down = i ? Ids{"app" + std::to_string(i - 1)} : Ids{};
    Ids deps = i % 10 == 0 ? Ids{"lib" + std::to_string(i / 9)} : Ids{};
    revs.push_back(R("app" + std::to_string(i), down, deps));
  }
  RevisionGraph g(revs);
  CHECK(g.real_heads() == Ids{"lib999", "app8999"});
  CHECK(g.normalized_down_revisions("app10") == Ids{"app9", "lib1"});
  auto up = g.upgrade_steps({}, "heads");
  CHECK(up.size() == revs.size());
  Ids rows = apply_all(g, {}, up);
  CHECK(rows == Ids{"app8999", "lib999"});
  CHECK(apply_all(g, rows, g.downgrade_steps(rows, "base")).empty());
  CHECK(upgrade_rows(g, {}, "app20") == Ids{"app20"});
  CHECK(g.current_heads({"app20"}) == Ids{"lib2", "app20"});
}

}  // namespace migrate::test

#include <regex>

#include "script/revision_graph_impl.hpp"

namespace migrate::test {

TEST_CASE("graph: relative targets parse as Alembic's pattern matched in full", "[graph][resolve]") {
  // The reference is Alembic's regular expression, anchored at both ends.
  const std::regex alembic(R"((?:(.+?)@)?(\w+)?((?:\+|-)\d+))");
  const std::vector<std::string> inputs = {
      "+1", "-1", "+10", "-0", "+0", "c3+1", "c3-2", "head-1", "base+2", "alpha@+1", "alpha@-2",
      "alpha@head-1", "alpha@c3+1", "a@b@head-1", "@-1", "@c+1", "c3", "head", "alpha@head", "c3+",
      "c3+1x", "x-y-1", "x.y-1", "1-1", "abc_def+3", "-", "+", "", "a@", "a@b@c", "a@@-1", "é-1"};
  for (const auto& s : inputs) {
    INFO("'" << s << "'");
    std::smatch m;
    const bool expected = std::regex_match(s, m, alembic);
    std::optional<graph::Relative> got = graph::parse_relative(s);
    REQUIRE(got.has_value() == expected);
    if (!expected) continue;
    CHECK(got->label.value_or("<none>") == (m[1].matched ? m[1].str() : "<none>"));
    CHECK(got->symbol.value_or("<none>") == (m[2].matched ? m[2].str() : "<none>"));
    CHECK(got->relative_text == m[3].str());
  }
}

}  // namespace migrate::test
