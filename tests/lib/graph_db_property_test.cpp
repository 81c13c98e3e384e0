// Property (issue 4): for random revision DAGs (branches, merges, several bases,
// depends_on), `upgrade heads` applies every revision once in an order that respects the
// graph, the version table then holds the real heads, and `downgrade base` leaves an empty
// version table and the schema as it was. Each revision creates a table in its upgrade and
// drops it in its downgrade, and records itself in a log. Seeded, on SQLite and PostgreSQL.
#include <algorithm>
#include <filesystem>
#include <random>
#include <set>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <migrate/command.hpp>
#include <migrate/dialect/registry.hpp>
#include <migrate/script/script_directory.hpp>

#include "support/support.hpp"

namespace {

struct Node {
  std::string id;
  std::vector<std::string> down;
  std::vector<std::string> deps;
};

std::vector<Node> random_dag(std::mt19937& rng, int n) {
  auto pick = [&](int k) { return std::uniform_int_distribution<int>(0, k - 1)(rng); };
  std::vector<Node> nodes;
  for (int i = 0; i < n; ++i) {
    Node node;
    node.id = fmt::format("r{:02d}", i);
    int roll = pick(10);
    if (i == 0 || roll == 0) {
      // a base
    } else if (roll <= 2 && i >= 2) {  // a merge of two earlier revisions
      int a = pick(i), b = pick(i);
      node.down.push_back(nodes[static_cast<size_t>(a)].id);
      if (b != a) node.down.push_back(nodes[static_cast<size_t>(b)].id);
    } else {
      node.down.push_back(nodes[static_cast<size_t>(std::max(0, i - 1 - pick(3)))].id);
    }
    if (i >= 3 && pick(8) == 0) node.deps.push_back(nodes[static_cast<size_t>(pick(i))].id);
    nodes.push_back(node);
  }
  return nodes;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
  return s + "]";
}

void run(const std::function<std::string()>& make_url, int seeds) {
  for (int seed = 1; seed <= seeds; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(static_cast<unsigned>(seed));
    auto nodes = random_dag(rng, 6 + static_cast<int>(rng() % 10));
    migrate::test::TempDir dir;
    std::string url = make_url();
    dir.write("migrate.toml", "[database]\nurl = \"" + url + "\"\n[models]\nsource = \"models.toml\"\n");
    dir.write("models.toml", "");
    std::filesystem::create_directories(dir.file("versions"));
    {
      auto conn = migrate::open_connection(url, dir.path());
      conn->execute({"CREATE TABLE applied_log (rev varchar(10))"});
    }
    for (const auto& n : nodes) {
      std::string text = "revision = \"" + n.id + "\"\n";
      if (!n.down.empty()) text += "down_revision = " + quoted_list(n.down) + "\n";
      if (!n.deps.empty()) text += "depends_on = " + quoted_list(n.deps) + "\n";
      text += "message = \"" + n.id + "\"\n";
      text += "[[upgrade]]\nop = \"create_table\"\ntable = \"t_" + n.id +
              "\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n";
      text += "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO applied_log (rev) VALUES ('" + n.id + "')\"\n";
      text += "[[downgrade]]\nop = \"drop_table\"\ntable = \"t_" + n.id + "\"\n";
      dir.write("versions/" + n.id + ".toml", text);
    }
    migrate::GlobalOptions g;
    g.config_path = dir.file("migrate.toml");
    migrate::Output quiet{[](const std::string&) {}, [](const std::string&) {}};
    // Odd seeds run in one transaction, which writes the version rows once at the end.
    bool single = seed % 2 == 1;
    migrate::ApplyOptions up;
    up.target = "heads";
    up.single_transaction = single;
    migrate::cmd_upgrade(g, up, quiet);

    auto conn = migrate::open_connection(url, dir.path());
    // Every revision ran once, each after its parents and dependencies.
    std::vector<std::string> order;
    for (const auto& r : conn->query({"SELECT rev FROM applied_log"})) order.push_back(*r[0]);
    REQUIRE(order.size() == nodes.size());
    for (const auto& n : nodes) {
      auto at = std::find(order.begin(), order.end(), n.id) - order.begin();
      for (const auto& before : n.down) CHECK(std::find(order.begin(), order.end(), before) - order.begin() < at);
      for (const auto& before : n.deps) CHECK(std::find(order.begin(), order.end(), before) - order.begin() < at);
    }
    migrate::ScriptDirectory scripts(dir.file("versions"));
    std::vector<std::string> rows;
    for (const auto& r : conn->query({"SELECT version_num FROM migrate_version"})) rows.push_back(*r[0]);
    for (const auto& h : scripts.graph().real_heads()) CHECK(scripts.graph().is_applied(h, rows));
    // The rows are those of the steps applied one by one in memory.
    std::vector<std::string> expected;
    for (const auto& st : scripts.graph().upgrade_steps({}, "heads"))
      expected = migrate::RevisionGraph::apply_changes(expected, scripts.graph().version_changes(expected, st));
    std::sort(rows.begin(), rows.end());
    std::sort(expected.begin(), expected.end());
    CHECK(rows == expected);
    CHECK(rows.size() <= scripts.graph().real_heads().size());
    migrate::ReflectOptions o;
    CHECK(conn->reflect(o).tables().size() == nodes.size() + 1);

    migrate::ApplyOptions down;
    down.target = "base";
    down.single_transaction = single;
    migrate::cmd_downgrade(g, down, quiet);
    CHECK(conn->query({"SELECT version_num FROM migrate_version"}).empty());
    auto left = conn->reflect(o);
    REQUIRE(left.tables().size() == 1);  // only applied_log is left
    CHECK(left.tables()[0].name == "applied_log");
  }
}

}  // namespace

TEST_CASE("sqlite: random revision graphs upgrade to heads and downgrade to base cleanly", "[property][sqlite]") {
  migrate::test::TempDir dbs;
  int n = 0;
  run([&] { return fmt::format("sqlite:///{}/g{}.sqlite", dbs.path(), n++); }, 40);
}

TEST_CASE("postgresql: random revision graphs upgrade to heads and downgrade to base cleanly", "[property][pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  std::vector<std::unique_ptr<migrate::test::PgDatabase>> dbs;
  run(
      [&] {
        dbs.push_back(std::make_unique<migrate::test::PgDatabase>());
        return dbs.back()->url();
      },
      12);
}
