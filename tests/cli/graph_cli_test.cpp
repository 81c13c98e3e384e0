// The revision graph through the binary (issue 4): branches, merges, labels, dependencies,
// target forms, stamp, offline ranges, and the error messages, on every dialect.
#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>

#include "cli/project.hpp"

using migrate::test::Project;
using migrate::test::RunResult;

namespace {



using Strings = std::vector<std::string>;

/// A revision whose upgrade logs its id into table `log` and whose downgrade removes it.
void rev(const Project& p, const std::string& id, const Strings& down, const std::string& extra = "") {
  std::string downs;
  if (down.size() == 1) downs = "down_revision = \"" + down[0] + "\"\n";
  if (down.size() > 1) {
    downs = "down_revision = [";
    for (size_t i = 0; i < down.size(); ++i) downs += (i ? ", \"" : "\"") + down[i] + "\"";
    downs += "]\n";
  }
  std::string body = id == "a1" ? "CREATE TABLE log (v varchar(20))" : "INSERT INTO log (v) VALUES ('" + id + "')";
  std::string undo = id == "a1" ? "DROP TABLE log" : "DELETE FROM log WHERE v = '" + id + "'";
  p.write("versions/" + id + "_r.toml", "revision = \"" + id + "\"\n" + downs + extra + "message = \"rev " + id +
                                            "\"\n[[upgrade]]\nop = \"sql\"\nsql = \"" + body +
                                            "\"\n[[downgrade]]\nop = \"sql\"\nsql = \"" + undo + "\"\n");
}

Strings sorted(Strings v) {
  std::sort(v.begin(), v.end());
  return v;
}

//      a1 - a2 - b1 (feature) - b2
//             \- c1 - c2
void branches_and_merges(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models("");
  rev(p, "a1", {});
  rev(p, "a2", {"a1"});
  rev(p, "b1", {"a2"}, "branch_labels = [\"feature\"]\n");
  rev(p, "b2", {"b1"});
  rev(p, "c1", {"a2"});
  rev(p, "c2", {"c1"});

  RunResult heads = p.run({"heads"});
  REQUIRE_RC(heads, 0);
  CHECK(heads.out == "b2 (feature) (head)\nc2 (head)\n");
  RunResult branches = p.run({"branches"});
  REQUIRE_RC(branches, 0);
  CHECK(branches.out.find("a2 (branchpoint)") == 0);

  RunResult head = p.run({"upgrade", "head"});
  REQUIRE_RC(head, 2);
  CHECK(head.err.find("Multiple head revisions are present for given argument 'head'") != std::string::npos);
  CHECK(p.tables().empty());  // nothing ran

  REQUIRE_RC(p.run({"upgrade", "feature@head"}), 0);
  CHECK(p.versions() == Strings{"b2"});
  REQUIRE_RC(p.run({"upgrade", "c1"}), 0);  // another branch: a second row
  CHECK(p.versions() == Strings{"b2", "c1"});
  RunResult plus = p.run({"upgrade", "+1"});
  REQUIRE_RC(plus, 2);
  CHECK(plus.err.find("Ambiguous upgrade from multiple current revisions") != std::string::npos);
  REQUIRE_RC(p.run({"upgrade", "heads"}), 0);
  CHECK(p.versions() == Strings{"b2", "c2"});
  RunResult minus = p.run({"downgrade", "-1"});
  REQUIRE_RC(minus, 2);  // Alembic picks a row at random here; we refuse and name them
  CHECK(minus.err.find("b2") != std::string::npos);
  CHECK(minus.err.find("c2") != std::string::npos);
  REQUIRE_RC(p.run({"downgrade", "feature@-1"}), 0);
  CHECK(p.versions() == Strings{"b1", "c2"});
  REQUIRE_RC(p.run({"upgrade", "heads"}), 0);

  // merge heads, then the merge runs as one step: both parent rows become one.
  RunResult merge = p.run({"merge", "heads", "-m", "join", "--rev-id", "m1"});
  REQUIRE_RC(merge, 0);
  RunResult one = p.run({"heads"});
  CHECK(one.out == "m1 (feature) (head)\n");
  RunResult sql = p.run({"upgrade", "b2:m1", "--sql"});
  REQUIRE_RC(sql, 0);
  CHECK(sql.out.find("-- Running upgrade b2, c2 -> m1") != std::string::npos);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.versions() == Strings{"m1"});
  RunResult walk = p.run({"downgrade", "-1"});
  REQUIRE_RC(walk, 2);
  CHECK(walk.err.find("Ambiguous walk") != std::string::npos);
  // Downgrading to one parent of a merge leaves both parents applied.
  REQUIRE_RC(p.run({"downgrade", "c2"}), 0);
  CHECK(p.versions() == Strings{"b2", "c2"});
  CHECK(sorted(Strings{p.query("SELECT v FROM log ORDER BY v")}) == Strings{"a2\nb1\nb2\nc1\nc2\n"});

  // history: newest first, with markers; -i marks the current rows.
  RunResult hist = p.run({"history", "-i"});
  REQUIRE_RC(hist, 0);
  CHECK(hist.out.find("b2, c2 -> m1 (feature) (head) (mergepoint), join") == 0);
  CHECK(hist.out.find("b1 -> b2 (feature) (current), rev b2") != std::string::npos);
  CHECK(hist.out.find("a1 -> a2 (branchpoint), rev a2") != std::string::npos);
  RunResult range = p.run({"history", "-r", "c1:c2"});
  REQUIRE_RC(range, 0);
  CHECK(range.out == "c1 -> c2, rev c2\na2 -> c1, rev c1\n");

  // stamp: several revisions, base, --purge; the migrations do not run.
  REQUIRE_RC(p.run({"stamp", "base"}), 0);
  CHECK(p.versions().empty());
  REQUIRE_RC(p.run({"stamp", "b1", "c1"}), 0);
  CHECK(p.versions() == Strings{"b1", "c1"});
  REQUIRE_RC(p.run({"stamp", "--purge", "a2"}), 0);
  CHECK(p.versions() == Strings{"a2"});
  RunResult stamp_sql = p.run({"stamp", "a2:heads", "--sql"});
  REQUIRE_RC(stamp_sql, 0);
  CHECK(stamp_sql.out.find("-- Running stamp_revision a2 -> m1") != std::string::npos);
  CHECK(p.versions() == Strings{"a2"});
  RunResult purge_sql = p.run({"stamp", "heads", "--sql", "--purge"});
  REQUIRE_RC(purge_sql, 2);
  CHECK(purge_sql.err.find("Can't use --purge with --sql mode") != std::string::npos);
}

ON_EVERY_DIALECT("branches, merges, labels: every target form and the version rows", branches_and_merges)

//   x1 (lib) - x2          p1 - p2 (depends_on x2)
void dependencies(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models("");
  rev(p, "a1", {});
  rev(p, "x1", {"a1"}, "branch_labels = [\"lib\"]\n");
  rev(p, "x2", {"x1"});
  rev(p, "p1", {"a1"});
  rev(p, "p2", {"p1"}, "depends_on = [\"x2\"]\n");
  REQUIRE_RC(p.run({"upgrade", "p2"}), 0);
  // The dependency's chain ran first, and its row collapsed into p2's.
  CHECK(p.versions() == Strings{"p2"});
  CHECK(p.query("SELECT COUNT(*) FROM log") == "4\n");
  RunResult cur = p.run({"current"});
  REQUIRE_RC(cur, 0);
  CHECK(cur.out.find("p2") != std::string::npos);
  CHECK(cur.out.find("x2") != std::string::npos);
  RunResult deps = p.run({"heads", "--resolve-dependencies"});
  REQUIRE_RC(deps, 0);
  CHECK(deps.out == "p2 (head)\n");
  REQUIRE_RC(p.run({"downgrade", "p1"}), 0);
  CHECK(p.versions() == Strings{"p1", "x2"});
}

ON_EVERY_DIALECT("depends_on applies the dependency first and collapses rows", dependencies)

//   r1 - r2 - r3 - r4 (chain, label "main" on r1)
void relative_targets(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models("");
  rev(p, "a1", {}, "branch_labels = [\"main\"]\n");
  rev(p, "r2", {"a1"});
  rev(p, "r3", {"r2"});
  rev(p, "r4", {"r3"});
  REQUIRE_RC(p.run({"upgrade", "+2"}), 0);
  CHECK(p.versions() == Strings{"r2"});
  REQUIRE_RC(p.run({"upgrade", "r2+1"}), 0);
  CHECK(p.versions() == Strings{"r3"});
  REQUIRE_RC(p.run({"upgrade", "main@+1"}), 0);
  CHECK(p.versions() == Strings{"r4"});
  RunResult over = p.run({"upgrade", "+1"});
  REQUIRE_RC(over, 2);
  CHECK(over.err.find("Relative revision +1 didn't produce 1 migrations") != std::string::npos);
  REQUIRE_RC(p.run({"downgrade", "r4-2"}), 0);
  CHECK(p.versions() == Strings{"r2"});
  REQUIRE_RC(p.run({"upgrade", "a1@head"}), 0);  // a revision id stands in for a label
  CHECK(p.versions() == Strings{"r4"});
  REQUIRE_RC(p.run({"downgrade", "main@-1"}), 0);
  CHECK(p.versions() == Strings{"r3"});
  REQUIRE_RC(p.run({"downgrade", "main@r2"}), 0);
  CHECK(p.versions() == Strings{"r2"});
  REQUIRE_RC(p.run({"upgrade", "r3"}), 0);
  REQUIRE_RC(p.run({"upgrade", "r2"}), 0);  // an ancestor: nothing to do, exit 0
  CHECK(p.versions() == Strings{"r3"});
  RunResult dest = p.run({"downgrade", "r4"});
  REQUIRE_RC(dest, 2);
  CHECK(dest.err.find("not a valid downgrade target") != std::string::npos);
  REQUIRE_RC(p.run({"downgrade", "base+1"}), 0);
  CHECK(p.versions() == Strings{"a1"});
  REQUIRE_RC(p.run({"downgrade", "main@base"}), 0);
  CHECK(p.versions().empty());
  RunResult sql = p.run({"upgrade", "r2:+2", "--sql"});
  REQUIRE_RC(sql, 0);
  CHECK(sql.out.find("-- Running upgrade r2 -> r3") != std::string::npos);
  CHECK(sql.out.find("-- Running upgrade r3 -> r4") != std::string::npos);
  CHECK(sql.out.find("CREATE TABLE \"migrate_version\"") == std::string::npos);  // FROM given: table exists
  RunResult down_sql = p.run({"downgrade", "r4:r2", "--sql"});
  REQUIRE_RC(down_sql, 0);
  CHECK(down_sql.out.find("-- Running downgrade r4 -> r3") != std::string::npos);
  RunResult need_range = p.run({"downgrade", "base", "--sql"});
  REQUIRE_RC(need_range, 2);
  CHECK(need_range.err.find("downgrade with --sql requires <fromrev>:<torev>") != std::string::npos);
  RunResult range_online = p.run({"upgrade", "a1:r2"});
  REQUIRE_RC(range_online, 2);
}

ON_EVERY_DIALECT("relative and branch-qualified targets, online and offline", relative_targets)

void revision_command_graph(const std::string& backend) {
  Project p(backend);
  p.write_config("version_locations = [\"more\"]\n");
  std::filesystem::create_directories(p.dir() + "/more");
  p.write_models("");
  REQUIRE_RC(p.run({"revision", "-m", "first", "--rev-id", "abc1"}), 0);
  REQUIRE_RC(p.run({"revision", "-m", "second", "--rev-id", "abc2"}), 0);
  RunResult amb = p.run({"upgrade", "abc"});
  REQUIRE_RC(amb, 2);
  CHECK(amb.err.find("Multiple revisions start with 'abc'") != std::string::npos);
  CHECK(amb.err.find("abc1") != std::string::npos);
  RunResult unknown = p.run({"show", "zzz"});
  REQUIRE_RC(unknown, 2);
  CHECK(unknown.err.find("No such revision or branch 'zzz'") != std::string::npos);
  RunResult not_head = p.run({"revision", "-m", "x", "--head", "abc1"});
  REQUIRE_RC(not_head, 2);
  CHECK(not_head.err.find("--splice") != std::string::npos);
  REQUIRE_RC(p.run({"revision", "-m", "side", "--head", "abc1", "--splice", "--rev-id", "sid3", "--branch-label", "side"}), 0);
  REQUIRE_RC(p.run({"revision", "-m", "root", "--head", "base", "--rev-id", "roo4"}), 0);
  RunResult heads = p.run({"heads"});
  CHECK(heads.out == "abc2 (head)\nroo4 (head)\nsid3 (side) (head)\n");
  REQUIRE_RC(p.run({"revision", "-m", "on side", "--head", "side@head", "--rev-id", "sid5", "--depends-on", "abc"
                                                                                                            "2"}),
             0);
  // --version-path writes into another version location; the graph reads them all.
  REQUIRE_RC(p.run({"revision", "-m", "elsewhere", "--rev-id", "far6", "--head", "roo4", "--version-path", "more"}), 0);
  CHECK(std::filesystem::exists(p.dir() + "/more/far6_elsewhere.toml"));
  RunResult far = p.run({"heads"});
  CHECK(far.out.find("far6 (head)") != std::string::npos);
  RunResult not_location = p.run({"revision", "-m", "x", "--head", "far6", "--version-path", "/tmp"});
  REQUIRE_RC(not_location, 2);
  CHECK(not_location.err.find("is not one of the version locations") != std::string::npos);
  size_t files = p.version_files().size();
  RunResult bad = p.run({"revision", "-m", "bad", "--rev-id", "a@b"});
  REQUIRE_RC(bad, 2);
  CHECK(bad.err.find("Character(s) '@' not allowed in revision identifier 'a@b'") != std::string::npos);
  RunResult loop = p.run({"revision", "-m", "loop", "--rev-id", "abc2"});
  REQUIRE_RC(loop, 2);
  CHECK(p.version_files().size() == files);  // never a broken file left behind
  // A broken graph stops every command with the file named.
  p.write("versions/zz_orphan.toml", "revision = \"zz9\"\ndown_revision = \"nope\"\nmessage = \"orphan\"\n");
  RunResult broken = p.run({"heads"});
  REQUIRE_RC(broken, 2);
  CHECK(broken.err.find("zz_orphan.toml") != std::string::npos);
  CHECK(broken.err.find("nope") != std::string::npos);
}

ON_EVERY_DIALECT("revision --head/--splice/--branch-label/--depends-on and graph errors", revision_command_graph)

}  // namespace
