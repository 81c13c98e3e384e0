// Applied migration files edited after they were applied (DESIGN.md §8): the files table
// beside the version table records each applied file's SHA-256, and `migrate check`
// compares it with the file, on every dialect through the real binary.
#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/project.hpp"

using migrate::test::Project;
using migrate::test::RunResult;

namespace {

const char* kModelsV1 = R"M([tables.t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "v", type = "text" } ]
)M";

const char* kModelsV2 = R"M([tables.t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "v", type = "text" },
            { name = "w", type = "integer" } ]
)M";

/// Two revisions, a1 (versions/a1_t.toml) and b2 (versions/b2_x.toml), both applied.
void two_applied_revisions(Project& p) {
  p.write_config();
  p.write_models(kModelsV1);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "t", "--rev-id", "a1"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  p.write_models(kModelsV2);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "x", "--rev-id", "b2"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  REQUIRE(p.version_files() == std::vector<std::string>{"a1_t.toml", "b2_x.toml"});
}

/// The SHA-256 of versions/<file> as coreutils computes it (not our code).
std::string sha256sum(const Project& p, const std::string& file) {
  std::string out = migrate::test::run_shell("sha256sum '" + p.dir() + "/versions/" + file + "'");
  REQUIRE(out.size() > 64);
  return out.substr(0, 64);
}

void append(const Project& p, const std::string& file, const std::string& text) {
  std::ofstream f(p.dir() + "/versions/" + file, std::ios::app | std::ios::binary);
  f << text;
}

std::string edited_line(const std::string& file, const std::string& recorded, const std::string& now) {
  return "applied migration versions/" + file + " was edited after it was applied (sha256 recorded " +
         recorded.substr(0, 8) + "…, now " + now.substr(0, 8) + "…)";
}

void edited_files(const std::string& backend) {
  Project p(backend);
  two_applied_revisions(p);
  const std::string a1 = sha256sum(p, "a1_t.toml");
  const std::string b2 = sha256sum(p, "b2_x.toml");
  CHECK(p.file_rows() == std::vector<std::string>{"a1|" + a1, "b2|" + b2});

  // The files table is not part of the schema: check passes, autogenerate and diff find
  // nothing (no drop of it).
  REQUIRE_RC(p.run({"check"}), 0);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "nothing"}), 0);
  CHECK(p.version_files().size() == 2);
  REQUIRE_RC(p.run({"diff"}), 0);

  // Editing an applied file (a comment line) fails check, naming the file, though the
  // schema still matches.
  append(p, "b2_x.toml", "# edited later\n");
  const std::string b2_edited = sha256sum(p, "b2_x.toml");
  REQUIRE(b2_edited != b2);
  RunResult check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.rfind("The database matches the models, but applied migration files were edited:\n", 0) == 0);
  CHECK(check.out.find(edited_line("b2_x.toml", b2, b2_edited)) != std::string::npos);
  CHECK(check.out.find("a1_t.toml") == std::string::npos);

  RunResult json = p.run({"--format", "json", "check"});
  REQUIRE_RC(json, 1);
  auto report = nlohmann::json::parse(json.out);
  CHECK(report["ok"] == false);
  CHECK(report["up_to_date"] == true);
  CHECK(report["differences"].empty());
  REQUIRE(report["edited"].size() == 1);
  CHECK(report["edited"][0]["revision"] == "b2");
  CHECK(report["edited"][0]["path"] == "versions/b2_x.toml");
  CHECK(report["edited"][0]["recorded"] == b2);
  CHECK(report["edited"][0]["current"] == b2_edited);

  // Downgrading it removes its row: nothing is edited any more (the database is behind).
  REQUIRE_RC(p.run({"downgrade", "-1"}), 0);
  CHECK(p.file_rows() == std::vector<std::string>{"a1|" + a1});
  RunResult behind = p.run({"--format", "json", "check"});
  REQUIRE_RC(behind, 1);
  auto behind_report = nlohmann::json::parse(behind.out);
  CHECK(behind_report["up_to_date"] == false);
  CHECK(behind_report["edited"].empty());

  // Upgrading again records the new hash, and check passes.
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.file_rows() == std::vector<std::string>{"a1|" + a1, "b2|" + b2_edited});
  REQUIRE_RC(p.run({"check"}), 0);

  // An applied ancestor of the head counts too; while behind, the edit is still reported.
  append(p, "a1_t.toml", "\n");
  const std::string a1_edited = sha256sum(p, "a1_t.toml");
  check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.find(edited_line("a1_t.toml", a1, a1_edited)) != std::string::npos);
  CHECK(check.out.find("b2_x.toml") == std::string::npos);
  REQUIRE_RC(p.run({"downgrade", "-1"}), 0);
  check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.find("Target database is not up to date") != std::string::npos);
  CHECK(check.out.find(edited_line("a1_t.toml", a1, a1_edited)) != std::string::npos);
}

ON_EVERY_DIALECT("check reports an applied migration file edited after it was applied", edited_files)

void older_database(const std::string& backend) {
  // A database migrated before the files table existed: nothing to compare, and the next
  // upgrade creates the table.
  Project p(backend);
  two_applied_revisions(p);
  p.query("DROP TABLE migrate_version_files");
  append(p, "b2_x.toml", "# edited later\n");
  REQUIRE_RC(p.run({"check"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.file_rows().empty());
  REQUIRE_RC(p.run({"check"}), 0);
}

ON_EVERY_DIALECT("a database without the files table reports nothing and gets it on the next upgrade",
                 older_database)

void deleted_file(const std::string& backend) {
  // An applied revision whose file is gone: the version rows name no revision, which the
  // graph already refuses (exit 2) before any hash is compared.
  Project p(backend);
  two_applied_revisions(p);
  std::remove((p.dir() + "/versions/b2_x.toml").c_str());
  RunResult check = p.run({"check"});
  REQUIRE_RC(check, 2);
  CHECK(check.err.find("Version table holds revision 'b2', which no migration file defines") != std::string::npos);
}

ON_EVERY_DIALECT("check refuses an applied revision whose migration file is gone", deleted_file)

void broken_edit(const std::string& backend) {
  // An edit that breaks the file's ops is still an edit: check hashes the bytes without
  // parsing them, and says so.
  Project p(backend);
  two_applied_revisions(p);
  const std::string a1 = sha256sum(p, "a1_t.toml");
  append(p, "a1_t.toml", "[[upgrade]]\nop = \"no_such_op\"\n");
  RunResult check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.find(edited_line("a1_t.toml", a1, sha256sum(p, "a1_t.toml"))) != std::string::npos);
}

ON_EVERY_DIALECT("check reports an applied file whose edit broke it, without parsing it", broken_edit)

void offline_files_table(const std::string& backend) {
  Project p(backend);
  two_applied_revisions(p);
  const std::string a1 = sha256sum(p, "a1_t.toml");
  const std::string b2 = sha256sum(p, "b2_x.toml");
  auto insert = [](const std::string& rev, const std::string& hash) {
    return "INSERT INTO \"migrate_version_files\" (revision, sha256) VALUES ('" + rev + "', '" + hash +
           "') ON CONFLICT (revision) DO UPDATE SET sha256 = excluded.sha256;";
  };
  RunResult sql = p.run({"upgrade", "base:head", "--sql"});
  REQUIRE_RC(sql, 0);
  CHECK(sql.out.find("CREATE TABLE \"migrate_version_files\" (") != std::string::npos);
  CHECK(sql.out.find(insert("a1", a1)) != std::string::npos);
  CHECK(sql.out.find(insert("b2", b2)) != std::string::npos);
  // From a revision the table may be missing (a database older than it): IF NOT EXISTS.
  RunResult ranged = p.run({"upgrade", "a1:b2", "--sql"});
  REQUIRE_RC(ranged, 0);
  CHECK(ranged.out.find("CREATE TABLE IF NOT EXISTS \"migrate_version_files\" (") != std::string::npos);
  CHECK(ranged.out.find(insert("a1", a1)) == std::string::npos);
  CHECK(ranged.out.find(insert("b2", b2)) != std::string::npos);
  RunResult down = p.run({"downgrade", "b2:a1", "--sql"});
  REQUIRE_RC(down, 0);
  CHECK(down.out.find("DELETE FROM \"migrate_version_files\" WHERE revision = 'b2';") != std::string::npos);

  // The script run by the database's own client leaves what an online upgrade leaves.
  REQUIRE_RC(p.run({"downgrade", "base"}), 0);
  p.query("DROP TABLE migrate_version");
  p.query("DROP TABLE migrate_version_files");
  p.query(sql.out);
  CHECK(p.versions() == std::vector<std::string>{"b2"});
  CHECK(p.file_rows() == std::vector<std::string>{"a1|" + a1, "b2|" + b2});
  REQUIRE_RC(p.run({"check"}), 0);
  append(p, "a1_t.toml", "# edited later\n");
  RunResult check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.find(edited_line("a1_t.toml", a1, sha256sum(p, "a1_t.toml"))) != std::string::npos);
}

ON_EVERY_DIALECT("offline scripts create and write the files table with each file's hash", offline_files_table)

void stamp_files_table(const std::string& backend) {
  Project p(backend);
  two_applied_revisions(p);
  REQUIRE(p.file_rows().size() == 2);
  // A stamp records no hash (migrate did not apply those files); --purge empties both tables.
  REQUIRE_RC(p.run({"stamp", "--purge", "head"}), 0);
  CHECK(p.versions() == std::vector<std::string>{"b2"});
  CHECK(p.file_rows().empty());
  // So an edit of a stamped revision goes unnoticed.
  append(p, "a1_t.toml", "# edited later\n");
  REQUIRE_RC(p.run({"check"}), 0);
}

ON_EVERY_DIALECT("stamp records no hash and stamp --purge empties the files table", stamp_files_table)

void failing_migration(const std::string& backend) {
  Project p(backend);
  two_applied_revisions(p);
  const std::string a1 = sha256sum(p, "a1_t.toml");
  const std::string b2 = sha256sum(p, "b2_x.toml");
  p.write("versions/c3_fails.toml",
          "revision = \"c3\"\ndown_revision = \"b2\"\nmessage = \"fails\"\n[[upgrade]]\nop = \"sql\"\n"
          "sql = \"INSERT INTO nope VALUES (1)\"\n");
  // The failing step rolls back with its files-table row; earlier rows stay.
  REQUIRE_RC(p.run({"upgrade", "head"}), 3);
  CHECK(p.versions() == std::vector<std::string>{"b2"});
  CHECK(p.file_rows() == std::vector<std::string>{"a1|" + a1, "b2|" + b2});
  // In one transaction for the run, nothing of it stays.
  REQUIRE_RC(p.run({"downgrade", "base"}), 0);
  CHECK(p.file_rows().empty());
  REQUIRE_RC(p.run({"upgrade", "head", "--single-transaction"}), 3);
  CHECK(p.versions().empty());
  CHECK(p.file_rows().empty());
  // Without the failing file, one transaction for the run records every row.
  std::remove((p.dir() + "/versions/c3_fails.toml").c_str());
  REQUIRE_RC(p.run({"upgrade", "head", "--single-transaction"}), 0);
  CHECK(p.file_rows() == std::vector<std::string>{"a1|" + a1, "b2|" + b2});
}

ON_EVERY_DIALECT("a failing migration leaves no files-table row for it", failing_migration)

}  // namespace
