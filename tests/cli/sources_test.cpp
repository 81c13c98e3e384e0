// schema.sql as a models source, rename hints in its comments, and diff --from/--to.
#include <fstream>

#include <catch2/catch.hpp>

#include "cli/project.hpp"

using migrate::test::Project;
using migrate::test::RunResult;

namespace {



// Portable DDL, in an order that only works with retries (users before orgs).
const char* kSchema =
    "-- the schema of the app\n"
    "CREATE TABLE users (\n"
    "  id integer PRIMARY KEY,\n"
    "  email varchar(255) NOT NULL,\n"
    "  org_id integer REFERENCES orgs (id) ON DELETE CASCADE\n"
    ");\n"
    "CREATE INDEX ix_users_email ON users (email);\n"
    "CREATE TABLE orgs (\n"
    "  id integer PRIMARY KEY,\n"
    "  name text NOT NULL DEFAULT 'none' -- ; a semicolon in a comment\n"
    ");\n";

void schema_sql_models(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write("schema.sql", kSchema);
  p.write("migrate.toml", "[database]\nurl = \"" + p.url() + "\"\n[models]\nsource = \"schema.sql\"\n");
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "initial"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.tables() == std::vector<std::string>{"orgs", "users"});
  REQUIRE_RC(p.run({"check"}), 0);

  // Rename hints in comments, ours and sqldef's.
  std::string renamed = kSchema;
  renamed.replace(renamed.find("  email varchar(255) NOT NULL,"), 29, "  mail varchar(255) NOT NULL, -- renamed_from: email");
  renamed.replace(renamed.find("ON users (email)"), 16, "ON users (mail)");
  renamed.replace(renamed.find("CREATE TABLE orgs ("), 19, "CREATE TABLE teams ( /* @renamed from=orgs */");
  renamed.replace(renamed.find("REFERENCES orgs"), 15, "REFERENCES teams");
  p.write("schema.sql", renamed);
  RunResult check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.find("rename table orgs to teams") != std::string::npos);
  CHECK(check.out.find("alter column users.email: rename to mail") != std::string::npos);
  CHECK(check.out.find("drop column") == std::string::npos);
  p.query("INSERT INTO orgs (id, name) VALUES (1, 'acme')");
  p.query("INSERT INTO users (id, email, org_id) VALUES (1, 'a@b', 1)");
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "renames"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  REQUIRE_RC(p.run({"check"}), 0);
  CHECK(p.query("SELECT u.mail, t.name FROM users u JOIN teams t ON t.id = u.org_id") == "a@b|acme\n");

  // A statement that cannot run is reported with its file and line; nothing is written.
  p.write("schema.sql", renamed + "CREATE TABLE broken (id integer REFERENCES nowhere_at_all (id), x nosuchtype(;\n");
  RunResult bad = p.run({"revision", "--autogenerate", "-m", "bad"});
  REQUIRE_RC(bad, 2);
  CHECK(bad.err.find("schema.sql:12:") != std::string::npos);
  CHECK(p.version_files().size() == 2);
}

ON_EVERY_DIALECT("schema.sql models load in any order, carry rename hints, report bad statements", schema_sql_models)

}  // namespace

TEST_CASE("diff --from/--to compares two files without a database or config", "[cli][sqlite]") {
  migrate::test::TempDir dir;
  dir.write("a.sql", kSchema);
  dir.write("b.toml", R"M([tables.orgs]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "name", type = "text", nullable = false, default = "'none'" } ]
[tables.users]
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "email", type = "varchar(255)", nullable = false },
  { name = "org_id", type = "integer", references = "orgs(id)", on_delete = "cascade" },
  { name = "age", type = "integer" },
]
indexes = [ { name = "ix_users_email", columns = ["email"] } ]
)M");
  RunResult r = migrate::test::run_migrate({"diff", "--from", "a.sql", "--to", "b.toml"}, dir.path());
  REQUIRE_RC(r, 1);
  CHECK(r.out == "add column users.age integer\n");
  r = migrate::test::run_migrate({"diff", "--from", "a.sql", "--to", "a.sql"}, dir.path());
  REQUIRE_RC(r, 0);
  CHECK(r.out.empty());
  r = migrate::test::run_migrate({"diff", "--from", "b.toml", "--to", "a.sql", "--sql"}, dir.path());
  REQUIRE_RC(r, 1);
  CHECK(r.out.find("DROP COLUMN \"age\"") != std::string::npos);
  CHECK_FALSE(std::ifstream(dir.file("app.db")).good());
}

namespace {

void filters_and_naming(const std::string& backend) {
  Project p(backend);
  p.write_config(
      "[autogenerate]\nexclude_tables = [\"legacy_*\"]\n"
      "naming_convention = { uq = \"uq_%(table_name)s_%(column_0_name)s\", ix = \"ix_%(table_name)s_%(column_0_N_name)s\" }\n");
  // A table the models do not know, but the filter hides: never dropped, never reported.
  p.query("CREATE TABLE legacy_audit (id integer)");
  p.write_models(R"M([tables.users]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "email", type = "text", unique = true } ]
)M");
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "users"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  REQUIRE_RC(p.run({"check"}), 0);
  CHECK(p.tables() == std::vector<std::string>{"legacy_audit", "users"});
  // The unnamed unique constraint got the convention's name, so dropping it later works
  // by name on every dialect.
  RunResult inspected = p.run({"inspect", "--format", "json"});
  REQUIRE_RC(inspected, 0);
  CHECK(inspected.out.find("uq_users_email") != std::string::npos);
  p.write_models(R"M([tables.users]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "email", type = "text" } ]
)M");
  RunResult check = p.run({"check"});
  REQUIRE_RC(check, 1);
  CHECK(check.out.find("drop unique constraint uq_users_email on users") != std::string::npos);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "no unique"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  REQUIRE_RC(p.run({"check"}), 0);
  REQUIRE_RC(p.run({"downgrade", "-1"}), 0);
  RunResult back = p.run({"inspect", "--format", "json"});
  CHECK(back.out.find("uq_users_email") != std::string::npos);
  // include_tables narrows the compare to matching tables.
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  p.write_config("[autogenerate]\ninclude_tables = [\"nothing_*\"]\n");
  REQUIRE_RC(p.run({"check"}), 0);
}

}  // namespace

ON_EVERY_DIALECT("exclude/include filters and naming conventions", filters_and_naming)
