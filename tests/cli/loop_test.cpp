// The whole loop through the real binary, on every dialect (issue 2 / issue 3 scenarios):
// models -> autogenerate -> upgrade -> check -> edit -> autogenerate -> upgrade ->
// downgrade -> offline SQL -> inspect round trip.
#include <algorithm>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/project.hpp"

using migrate::test::Project;
using migrate::test::RunResult;

namespace {



const char* kModelsV1 = R"M(
[tables.orgs]
columns = [
  { name = "id",       type = "integer",      primary_key = true },
  { name = "name",     type = "varchar(200)", nullable = false },
  { name = "owner_id", type = "integer" },
]
unique = [ { name = "uq_orgs_name", columns = ["name"] } ]

[tables.users]
columns = [
  { name = "id",     type = "integer",      primary_key = true },
  { name = "email",  type = "varchar(255)", nullable = false },
  { name = "status", type = "text",         nullable = false, default = "'active'" },
  { name = "age",    type = "integer" },
  { name = "legacy", type = "text" },
  { name = "org_id", type = "integer",      references = "orgs(id)", on_delete = "cascade" },
]
indexes = [ { name = "ix_users_email", columns = ["email"] } ]
checks  = [ { name = "ck_users_status", sql = "status <> ''" } ]
)M";

// Every kind of change issue 2 lists: add/drop column, type, NOT NULL, default,
// add/drop index, unique, foreign key (new one and changed action), new table.
const char* kModelsV2 = R"M(
[tables.orgs]
columns = [
  { name = "id",       type = "integer",      primary_key = true },
  { name = "name",     type = "varchar(200)", nullable = false },
  { name = "owner_id", type = "integer" },
]
unique = [ { name = "uq_orgs_name", columns = ["name"] } ]
foreign_keys = [ { name = "fk_orgs_owner", columns = ["owner_id"], references = "users(id)", on_delete = "set null" } ]

[tables.users]
columns = [
  { name = "id",           type = "integer",      primary_key = true },
  { name = "email",        type = "varchar(255)", nullable = false },
  { name = "status",       type = "varchar(20)",  nullable = false, default = "'new'" },
  { name = "age",          type = "integer",      nullable = false, default = "0" },
  { name = "display_name", type = "varchar(100)" },
  { name = "org_id",       type = "integer",      references = "orgs(id)", on_delete = "restrict" },
]
indexes = [ { name = "ix_users_status", columns = ["status", "age"] } ]
unique  = [ { name = "uq_users_email", columns = ["email"] } ]
checks  = [ { name = "ck_users_status", sql = "status <> ''" } ]

[tables.posts]
columns = [
  { name = "id",      type = "integer", primary_key = true },
  { name = "user_id", type = "integer", nullable = false, references = "users(id)", on_delete = "cascade" },
  { name = "body",    type = "text",    nullable = false, default = "''" },
]
indexes = [ { name = "ix_posts_user", columns = ["user_id"] } ]
)M";

std::string rev_of(const std::string& file) { return file.substr(0, file.find('_')); }

nlohmann::json inspect_json(const Project& p) {
  RunResult r = p.run({"inspect", "--format", "json"});
  REQUIRE_RC(r, 0);
  auto j = nlohmann::json::parse(r.out);
  // Column order is not part of the comparison: a column dropped and restored by a
  // downgrade comes back at the end of its table (as with Alembic).
  for (auto& t : j["tables"])
    std::sort(t["columns"].begin(), t["columns"].end(),
              [](const nlohmann::json& a, const nlohmann::json& b) { return a["name"] < b["name"]; });
  return j;
}

void whole_loop(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models(kModelsV1);

  // 1. initial autogenerate: one file, create_table ops with orgs before users.
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "initial"}), 0);
  auto files = p.version_files();
  REQUIRE(files.size() == 1);
  const std::string rev1 = rev_of(files[0]);
  CHECK(rev1.size() == 12);
  std::string text = migrate::test::run_shell("cat '" + p.dir() + "/versions/" + files[0] + "'");
  CHECK(text.find("op = \"create_table\"") != std::string::npos);
  CHECK(text.find("table = \"orgs\"") < text.find("table = \"users\""));

  // 2. upgrade head creates the tables and the version table; check passes; nothing new.
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.tables() == std::vector<std::string>{"orgs", "users"});
  CHECK(p.versions() == std::vector<std::string>{rev1});
  REQUIRE_RC(p.run({"check"}), 0);
  RunResult again = p.run({"revision", "--autogenerate", "-m", "nothing"});
  REQUIRE_RC(again, 0);
  CHECK(p.version_files().size() == 1);
  nlohmann::json schema_v1 = inspect_json(p);

  p.query("INSERT INTO orgs (id, name) VALUES (1, 'acme')");
  p.query("INSERT INTO users (id, email, status, age, legacy, org_id) VALUES (1, 'ann@example.com', 'active', 30, "
          "'x', 1), (2, 'bob@example.com', 'active', 41, 'y', 1)");

  // 3. the models change: check lists the differences (text and JSON), exit 1.
  p.write_models(kModelsV2);
  RunResult check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.find("add column users.display_name") != std::string::npos);
  CHECK(check.out.find("drop column users.legacy") != std::string::npos);
  CHECK(check.out.find("create table posts") != std::string::npos);
  RunResult json = p.run({"--format", "json", "check"});
  REQUIRE_RC(json, 1);
  auto report = nlohmann::json::parse(json.out);
  CHECK(report["ok"] == false);
  std::vector<std::string> ops;
  for (const auto& d : report["differences"]) ops.push_back(d["op"]);
  auto has = [&](const char* op) { return std::find(ops.begin(), ops.end(), op) != ops.end(); };
  CHECK(has("create_table"));
  CHECK(has("add_column"));
  CHECK(has("drop_column"));
  CHECK(has("alter_column"));
  CHECK(has("create_index"));
  CHECK(has("drop_index"));
  CHECK(has("create_unique_constraint"));
  CHECK(has("create_foreign_key"));
  CHECK(has("drop_constraint"));

  // 4. one revision does exactly those changes; upgrade keeps every row.
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "second"}), 0);
  files = p.version_files();
  REQUIRE(files.size() == 2);
  std::string rev2 = rev_of(files[0]) == rev1 ? rev_of(files[1]) : rev_of(files[0]);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.versions() == std::vector<std::string>{rev2});
  REQUIRE_RC(p.run({"check"}), 0);
  CHECK(p.query("SELECT id, email, status, age FROM users ORDER BY id") ==
        "1|ann@example.com|active|30\n2|bob@example.com|active|41\n");
  CHECK(p.tables() == std::vector<std::string>{"orgs", "posts", "users"});
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "nothing"}), 0);
  CHECK(p.version_files().size() == 2);

  // 5. downgrade -1 returns the schema exactly to revision 1, rows kept.
  REQUIRE_RC(p.run({"downgrade", "-1"}), 0);
  CHECK(p.versions() == std::vector<std::string>{rev1});
  CHECK(inspect_json(p) == schema_v1);
  CHECK(p.query("SELECT id, email, age FROM users ORDER BY id") == "1|ann@example.com|30\n2|bob@example.com|41\n");

  // 6. downgrade base removes everything; +1 and partial ids walk the chain.
  REQUIRE_RC(p.run({"downgrade", "base"}), 0);
  CHECK(p.tables().empty());
  CHECK(p.versions().empty());
  REQUIRE_RC(p.run({"upgrade", "+1"}), 0);
  CHECK(p.versions() == std::vector<std::string>{rev1});
  REQUIRE_RC(p.run({"upgrade", rev2.substr(0, 6)}), 0);
  CHECK(p.versions() == std::vector<std::string>{rev2});

  // 7. current, heads, history (newest first), show.
  RunResult cur = p.run({"current"});
  REQUIRE_RC(cur, 0);
  CHECK(cur.out == rev2 + " (head)\n");
  RunResult heads = p.run({"heads"});
  REQUIRE_RC(heads, 0);
  CHECK(heads.out == rev2 + " (head)\n");
  RunResult hist = p.run({"history"});
  REQUIRE_RC(hist, 0);
  CHECK(hist.out == rev1 + " -> " + rev2 + " (head), second\n<base> -> " + rev1 + ", initial\n");
  RunResult show = p.run({"show", rev1.substr(0, 5)});
  REQUIRE_RC(show, 0);
  CHECK(show.out.find("Rev: " + rev1) == 0);
  CHECK(show.out.find("create table orgs") != std::string::npos);

  // 8. offline SQL of the whole chain, without touching the database.
  RunResult sql = p.run({"upgrade", "base:head", "--sql"});
  REQUIRE_RC(sql, 0);
  CHECK(sql.out.find("-- Running upgrade  -> " + rev1) != std::string::npos);
  CHECK(sql.out.find("-- Running upgrade " + rev1 + " -> " + rev2) != std::string::npos);
  CHECK(sql.out.find("INSERT INTO \"migrate_version\" (version_num) VALUES ('" + rev1 + "')") != std::string::npos);
  CHECK(sql.out.find("UPDATE \"migrate_version\" SET version_num='" + rev2 + "'") != std::string::npos);
  CHECK(p.versions() == std::vector<std::string>{rev2});
  RunResult down_sql = p.run({"downgrade", rev2 + ":base", "--sql"});
  REQUIRE_RC(down_sql, 0);
  CHECK(down_sql.out.find("-- Running downgrade " + rev2 + " -> " + rev1) != std::string::npos);
  CHECK(p.versions() == std::vector<std::string>{rev2});

  // 9. inspect prints a models.toml that loads back to the same schema.
  RunResult inspected = p.run({"inspect"});
  REQUIRE_RC(inspected, 0);
  p.write_models(inspected.out);
  REQUIRE_RC(p.run({"check"}), 0);
}

ON_EVERY_DIALECT("the whole loop: autogenerate, upgrade, check, downgrade, offline, inspect", whole_loop)

void concurrent_upgrades(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models("");
  const int n = 12;
  p.write("versions/r00_log.toml",
          "revision = \"r00\"\nmessage = \"log\"\n[[upgrade]]\nop = \"sql\"\nsql = \"CREATE TABLE log (n INTEGER)\"\n"
          "[[downgrade]]\nop = \"sql\"\nsql = \"DROP TABLE log\"\n");
  for (int i = 1; i <= n; ++i) {
    char id[8], prev[8];
    std::snprintf(id, sizeof id, "r%02d", i);
    std::snprintf(prev, sizeof prev, "r%02d", i - 1);
    p.write(std::string("versions/") + id + "_step.toml",
            std::string("revision = \"") + id + "\"\ndown_revision = \"" + prev +
                "\"\nmessage = \"step\"\n[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO log (n) VALUES (" +
                std::to_string(i) + ")\"\n");
  }
  RunResult a, b;
  std::thread ta([&] { a = p.run({"upgrade", "head"}); });
  std::thread tb([&] { b = p.run({"upgrade", "head"}); });
  ta.join();
  tb.join();
  REQUIRE_RC(a, 0);
  REQUIRE_RC(b, 0);
  // Every migration ran exactly once, whichever process ran it.
  CHECK(p.query("SELECT COUNT(*), COUNT(DISTINCT n) FROM log") == std::to_string(n) + "|" + std::to_string(n) + "\n");
  CHECK(p.versions() == std::vector<std::string>{"r12"});
}

ON_EVERY_DIALECT("two concurrent upgrade head apply every migration exactly once", concurrent_upgrades)

}  // namespace
