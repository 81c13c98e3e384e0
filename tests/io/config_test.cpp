#include <catch2/catch.hpp>

#include <cstdlib>

#include <unistd.h>

#include <migrate/error.hpp>
#include <migrate/io/config.hpp>

#include "support/support.hpp"

namespace migrate {
namespace {

std::string load_error(const std::string& path, const std::optional<std::string>& url = std::nullopt) {
  try {
    load_config(path, url);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("config: every key is read, relative paths resolve against the file") {
  ::unsetenv("MIGRATE_DATABASE_URL");
  test::TempDir dir;
  dir.write("proj/migrate.toml", R"TOML(
[database]
url = "sqlite:///app.db"

[models]
source = ["models.toml", "sql/../schema.sql", "/abs/extra.sql"]
scratch_url = "postgresql://localhost/scratch"

[migrations]
directory = "db/./versions"
version_table = "alembic_version"
transaction_per_migration = false

[autogenerate]
exclude_tables = ["tmp_*", "spatial_ref_sys"]
include_tables = ["*"]
schemas = ["public", "audit"]
compare_types = false
compare_server_defaults = false
naming_convention = { ix = "ix_%(table)s_%(columns)s", uq = "uq_%(table)s", fk = "fk_x", ck = "ck_x", pk = "pk_%(table)s" }
)TOML");
  Config c = load_config(dir.file("proj/migrate.toml"), std::nullopt);
  std::string base = dir.path() + "/proj";
  CHECK(c.path == dir.file("proj/migrate.toml"));
  CHECK(c.dir == base);
  CHECK(c.url == "sqlite:///app.db");
  CHECK(c.model_sources ==
        std::vector<std::string>{base + "/models.toml", base + "/schema.sql", "/abs/extra.sql"});
  CHECK(c.scratch_url == "postgresql://localhost/scratch");
  CHECK(c.versions_dir == base + "/db/versions");
  CHECK(c.version_table == "alembic_version");
  CHECK_FALSE(c.transaction_per_migration);
  CHECK(c.exclude_tables == std::vector<std::string>{"tmp_*", "spatial_ref_sys"});
  CHECK(c.include_tables == std::vector<std::string>{"*"});
  CHECK(c.schemas == std::vector<std::string>{"public", "audit"});
  CHECK_FALSE(c.compare_types);
  CHECK_FALSE(c.compare_server_defaults);
  CHECK(c.naming_convention.size() == 5);
  CHECK(c.naming_convention.at("ix") == "ix_%(table)s_%(columns)s");
  CHECK(c.naming_convention.at("pk") == "pk_%(table)s");
}

TEST_CASE("config: defaults when sections are absent, a single source string") {
  ::unsetenv("MIGRATE_DATABASE_URL");
  test::TempDir dir;
  dir.write("migrate.toml", "[models]\nsource = \"models.toml\"\n");
  Config c = load_config(dir.file("migrate.toml"), std::nullopt);
  CHECK(c.url.empty());
  CHECK(c.model_sources == std::vector<std::string>{dir.path() + "/models.toml"});
  CHECK(c.versions_dir == dir.path() + "/versions");
  CHECK(c.version_table == "migrate_version");
  CHECK(c.transaction_per_migration);
  CHECK(c.compare_types);
  CHECK(c.compare_server_defaults);
  CHECK(c.exclude_tables.empty());
  CHECK(c.naming_convention.empty());
}

TEST_CASE("config: a relative config path gives absolute directories") {
  ::unsetenv("MIGRATE_DATABASE_URL");
  test::TempDir dir;
  dir.write("migrate.toml", "[migrations]\ndirectory = \"versions\"\n");
  std::string old = std::getenv("PWD") ? std::getenv("PWD") : "";
  REQUIRE(::chdir(dir.path().c_str()) == 0);
  Config c = load_config("migrate.toml", std::nullopt);
  CHECK(c.path == "migrate.toml");
  CHECK(c.dir.front() == '/');
  CHECK(c.versions_dir == c.dir + "/versions");
  if (!old.empty()) REQUIRE(::chdir(old.c_str()) == 0);
}

TEST_CASE("config: ${VAR} expansion in every string") {
  ::unsetenv("MIGRATE_DATABASE_URL");
  ::setenv("MIGRATE_T_HOST", "db.example", 1);
  ::setenv("MIGRATE_T_DIR", "vers", 1);
  ::setenv("MIGRATE_T_EMPTY", "", 1);
  ::unsetenv("MIGRATE_T_UNSET");
  test::TempDir dir;
  dir.write("migrate.toml", R"TOML([database]
url = "postgresql://u:p@${MIGRATE_T_HOST}:5432/app"
[migrations]
directory = "${MIGRATE_T_DIR}"
version_table = "${MIGRATE_T_UNSET:-fallback}_v${MIGRATE_T_EMPTY}"
[autogenerate]
exclude_tables = ["${MIGRATE_T_DIR}_*", "$${literal}", "cost$5"]
)TOML");
  Config c = load_config(dir.file("migrate.toml"), std::nullopt);
  CHECK(c.url == "postgresql://u:p@db.example:5432/app");
  CHECK(c.versions_dir == dir.path() + "/vers");
  CHECK(c.version_table == "fallback_v");
  CHECK(c.exclude_tables == std::vector<std::string>{"vers_*", "${literal}", "cost$5"});
}

TEST_CASE("config: an unset variable names itself and file:line:column") {
  ::unsetenv("MIGRATE_T_UNSET");
  test::TempDir dir;
  dir.write("migrate.toml", "[database]\n\nurl = \"sqlite:///${MIGRATE_T_UNSET}.db\"\n");
  std::string msg = load_error(dir.file("migrate.toml"));
  INFO(msg);
  CHECK(msg.rfind(dir.file("migrate.toml") + ":3:7: ", 0) == 0);
  CHECK(msg.find("environment variable MIGRATE_T_UNSET is not set") != std::string::npos);
  dir.write("bad.toml", "[database]\nurl = \"${oops\"\n");
  CHECK(load_error(dir.file("bad.toml")).find("unterminated '${'") != std::string::npos);
}

TEST_CASE("config: MIGRATE_DATABASE_URL overrides the file, --url overrides both") {
  test::TempDir dir;
  dir.write("migrate.toml", "[database]\nurl = \"sqlite:///file.db\"\n");
  ::unsetenv("MIGRATE_DATABASE_URL");
  CHECK(load_config(dir.file("migrate.toml"), std::nullopt).url == "sqlite:///file.db");
  ::setenv("MIGRATE_DATABASE_URL", "sqlite:///env.db", 1);
  CHECK(load_config(dir.file("migrate.toml"), std::nullopt).url == "sqlite:///env.db");
  CHECK(load_config(dir.file("migrate.toml"), std::string("sqlite:///flag.db")).url == "sqlite:///flag.db");
  ::unsetenv("MIGRATE_DATABASE_URL");
}

TEST_CASE("config: unknown sections and keys, wrong types, missing and malformed files") {
  ::unsetenv("MIGRATE_DATABASE_URL");
  test::TempDir dir;
  struct Case {
    const char* what;
    std::string text;
    std::string where;  // ":line:column: " after the path
    std::string message;
  };
  const std::vector<Case> cases = {
      {"unknown section", "[database]\nurl = \"x\"\n[migration]\ndirectory = \"v\"\n", ":3:2: ",
       "unknown key 'migration' (allowed: database, models, migrations, autogenerate)"},
      {"unknown key", "[migrations]\ndirectory = \"v\"\nversion_tabel = \"x\"\n", ":3:1: ",
       "[migrations]: unknown key 'version_tabel' (allowed: directory, version_locations, version_table, transaction_per_migration)"},
      {"wrong type", "[migrations]\ntransaction_per_migration = \"yes\"\n", ":2:29: ",
       "'transaction_per_migration' must be a boolean"},
      {"section not a table", "database = \"sqlite://\"\n", ":1:12: ", "'database' must be a table"},
      {"unknown naming convention key", "[autogenerate]\nnaming_convention = { ix = \"a\", idx = \"b\" }\n", ":2:33: ",
       "[autogenerate] naming_convention: unknown key 'idx' (allowed: ix, uq, fk, ck, pk)"},
      {"exclude_tables not a list", "[autogenerate]\nexclude_tables = \"tmp_*\"\n", ":2:18: ",
       "'exclude_tables' must be an array of strings"},
      {"malformed TOML", "[database\n", ":1:", "invalid TOML"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    dir.write("migrate.toml", c.text);
    std::string msg = load_error(dir.file("migrate.toml"));
    INFO(msg);
    CHECK(msg.rfind(dir.file("migrate.toml") + c.where, 0) == 0);
    CHECK(msg.find(c.message) != std::string::npos);
  }
  std::string missing = load_error(dir.file("nope.toml"));
  CHECK(missing.rfind(dir.file("nope.toml") + ": cannot read file", 0) == 0);
}

}  // namespace migrate
