// Bad input through the real binary: one clear first line naming what and where, the
// documented exit code, and no change to the database.
#include <catch2/catch.hpp>

#include "cli/project.hpp"

using migrate::test::Project;
using migrate::test::RunResult;

namespace {



// The error's own first line ("error: ..."); progress lines may come before it.
std::string first_line(const std::string& s) {
  size_t at = s.rfind("\nerror: ");
  at = s.compare(0, 7, "error: ") == 0 ? 0 : at;
  REQUIRE(at != std::string::npos);
  if (s[at] == '\n') ++at;
  return s.substr(at, s.find('\n', at) - at);
}

const char* kModels = R"M(
[tables.t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "v", type = "text" } ]
)M";

void malformed_models(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models("[tables.t]\ncolumns = [\n  { name = \"id\", type = \"integer\" },\n  { name = \"v\" type = \"text\" },\n]\n");
  RunResult r = p.run({"check"});
  REQUIRE_RC(r, 2);
  CHECK(first_line(r.err).find("models.toml:4:") != std::string::npos);
  // A model error found after parsing also names the place: a column without a type.
  p.write_models("[tables.t]\ncolumns = [\n  { name = \"id\", type = \"integer\" },\n  { name = \"v\" },\n]\n");
  r = p.run({"revision", "--autogenerate", "-m", "x"});
  REQUIRE_RC(r, 2);
  CHECK(first_line(r.err).find("models.toml:4:") != std::string::npos);
  CHECK(p.version_files().empty());
}

ON_EVERY_DIALECT("a malformed models.toml is exit 2 naming file and line", malformed_models)

TEST_CASE("sqlite: enums and sequences in the models are exit 2 before a migration is written", "[cli]") {
  Project p("sqlite");
  p.write_config();
  p.write_models(std::string("[enums.mood]\nvalues = [\"sad\", \"ok\"]\n") + kModels);
  RunResult r = p.run({"revision", "--autogenerate", "-m", "x"});
  REQUIRE_RC(r, 2);
  CHECK(first_line(r.err) ==
        "error: the models declare enum type 'mood', but SQLite has no enum types (enums and sequences are "
        "PostgreSQL only; use a CHECK constraint)");
  CHECK(p.version_files().empty());
  p.write_models(std::string("[sequences.ticket]\nstart = 10\n") + kModels);
  r = p.run({"check"});
  REQUIRE_RC(r, 2);
  CHECK(first_line(r.err).find("sequence 'ticket'") != std::string::npos);
  CHECK(p.tables().empty());
}

void unknown_revision(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models(kModels);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "one"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  auto before = p.versions();
  RunResult r = p.run({"upgrade", "nosuchrev"});
  REQUIRE_RC(r, 2);
  CHECK(first_line(r.err).find("nosuchrev") != std::string::npos);
  r = p.run({"downgrade", "zzz9"});
  REQUIRE_RC(r, 2);
  CHECK(p.versions() == before);
}

ON_EVERY_DIALECT("an unknown revision is exit 2 and changes nothing", unknown_revision)

void failing_statement(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models(kModels);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "one", "--rev-id", "aaa1"}), 0);
  p.write("versions/bbb2_bad.toml",
          "revision = \"bbb2\"\ndown_revision = \"aaa1\"\nmessage = \"bad\"\n"
          "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO t (id, v) VALUES (1, 'kept?')\"\n"
          "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO no_such_table VALUES (1)\"\n");
  RunResult r = p.run({"upgrade", "head"});
  REQUIRE_RC(r, 3);
  std::string first = first_line(r.err);
  CHECK(first.find("bbb2_bad.toml") != std::string::npos);
  CHECK(first.find("upgrade op 2") != std::string::npos);
  CHECK(r.err.find("INSERT INTO no_such_table") != std::string::npos);
  // The failing migration was rolled back whole; the one before it was kept.
  CHECK(p.versions() == std::vector<std::string>{"aaa1"});
  CHECK(p.query("SELECT COUNT(*) FROM t") == "0\n");
}

ON_EVERY_DIALECT("a failing statement is exit 3 naming file, op and SQL, rolled back whole", failing_statement)

// Something outside migrate (here a trigger) moves the version row while a step runs:
// the step's version update matches no row, and the step is rolled back with its
// COMMIT unsent (on PostgreSQL the server counts the rows, in the step's round trip).
void version_row_moved(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models(kModels);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "one", "--rev-id", "aaa1"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  if (backend == "sqlite") {
    p.query("CREATE TRIGGER moves AFTER INSERT ON t BEGIN UPDATE migrate_version SET version_num = 'elsewhere'; END");
  } else {
    p.query("CREATE FUNCTION moves() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN UPDATE migrate_version SET version_num = 'elsewhere'; RETURN NEW; END $$");
    p.query("CREATE TRIGGER moves AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION moves()");
  }
  p.write("versions/bbb2_row.toml",
          "revision = \"bbb2\"\ndown_revision = \"aaa1\"\nmessage = \"row\"\n"
          "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO t (id, v) VALUES (1, 'kept?')\"\n");
  RunResult r = p.run({"upgrade", "head"});
  REQUIRE_RC(r, 3);
  std::string first = first_line(r.err);
  CHECK(first.find("bbb2_row.toml failed in version table update") != std::string::npos);
  CHECK(first.find("expected to match one row when updating 'aaa1' to 'bbb2'") != std::string::npos);
  CHECK(p.versions() == std::vector<std::string>{"aaa1"});
  CHECK(p.query("SELECT COUNT(*) FROM t") == "0\n");
  CHECK(p.file_rows().size() == 1);
}

ON_EVERY_DIALECT("a version row moved during a step fails the step, rolled back whole", version_row_moved)

void malformed_migration_file(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models(kModels);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "one", "--rev-id", "aaa1"}), 0);
  p.write("versions/ccc3_broken.toml",
          "revision = \"ccc3\"\ndown_revision = \"aaa1\"\nmessage = \"broken\"\n[[upgrade]]\nop = \"add_column\"\n"
          "table = \"t\"\n");
  RunResult r = p.run({"upgrade", "head"});
  REQUIRE_RC(r, 2);
  CHECK(first_line(r.err).find("ccc3_broken.toml:") != std::string::npos);
  // Every file of the plan is validated before the first step runs.
  CHECK(p.tables().empty());
}

ON_EVERY_DIALECT("a malformed migration file is exit 2 naming file and line, nothing applied", malformed_migration_file)

TEST_CASE("a missing config file is exit 2 naming it", "[cli]") {
  Project p("sqlite");
  RunResult r = p.run({"heads"});
  REQUIRE_RC(r, 2);
  CHECK(first_line(r.err).find("migrate.toml") != std::string::npos);
}

TEST_CASE("a password in the URL is never printed", "[cli]") {
  Project p("sqlite");
  p.write_config();
  p.write_models(kModels);
  RunResult r = p.run({"--url", "postgresql://alice:s3cret@127.0.0.1:1/nodb", "current"});
  REQUIRE_RC(r, 3);
  CHECK(r.err.find("s3cret") == std::string::npos);
  CHECK(r.out.find("s3cret") == std::string::npos);
  CHECK(r.err.find("alice:***@") != std::string::npos);
}

TEST_CASE("init writes a working environment from the embedded template", "[cli]") {
  migrate::test::TempDir tmp;
  RunResult r = migrate::test::run_migrate({"init", "proj"}, tmp.path());
  REQUIRE_RC(r, 0);
  r = migrate::test::run_migrate({"revision", "--autogenerate", "-m", "initial"}, tmp.file("proj"));
  REQUIRE_RC(r, 0);
  r = migrate::test::run_migrate({"upgrade", "head"}, tmp.file("proj"));
  REQUIRE_RC(r, 0);
  r = migrate::test::run_migrate({"check"}, tmp.file("proj"));
  REQUIRE_RC(r, 0);
  r = migrate::test::run_migrate({"init", "proj"}, tmp.path());
  REQUIRE_RC(r, 2);
}

}  // namespace

TEST_CASE("usage errors are exit 2 with one error line", "[cli]") {
  migrate::test::TempDir tmp;
  RunResult r = migrate::test::run_migrate({"frobnicate"}, tmp.path());
  REQUIRE_RC(r, 2);
  CHECK(r.err.rfind("error: unknown command 'frobnicate'", 0) == 0);
  r = migrate::test::run_migrate({"upgrade"}, tmp.path());
  REQUIRE_RC(r, 2);
  CHECK(r.err.rfind("error: target is required", 0) == 0);
  r = migrate::test::run_migrate({"--help"}, tmp.path());
  REQUIRE_RC(r, 0);
  CHECK(r.out.find("upgrade") != std::string::npos);
}
