// PostgreSQL-only behaviour through the binary: URL forms and environment overrides,
// statements that must run outside a transaction.
#include <filesystem>

#include <catch2/catch.hpp>

#include "cli/project.hpp"

using migrate::test::Project;
using migrate::test::RunResult;

namespace {


/// The same database under another spelling of its URL: postgres:// scheme, a driver
/// suffix, the user percent-encoded, a libpq parameter passed through.
std::string respell(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);  // postgres@127.0.0.1:port/db
  std::string user = rest.substr(0, rest.find('@'));
  std::string encoded;
  for (char c : user) encoded += c == 'o' ? std::string("%6F") : std::string(1, c);
  return "postgres+psycopg2://" + encoded + rest.substr(rest.find('@')) + "?application_name=migrate%20test";
}

}  // namespace

TEST_CASE("postgresql: URL spellings, ${VAR} and MIGRATE_DATABASE_URL reach the same database", "[cli][pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  Project p("postgresql");
  p.write_models("[tables.t]\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
  p.write("migrate.toml", "[database]\nurl = \"${APP_DB}\"\n[models]\nsource = \"models.toml\"\n");
  std::filesystem::create_directories(p.dir() + "/versions");
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "one"}, {"APP_DB=" + respell(p.url())}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}, {"APP_DB=sqlite:///not-used.db", "MIGRATE_DATABASE_URL=" + respell(p.url())}), 0);
  CHECK(p.tables() == std::vector<std::string>{"t"});
  RunResult cur = p.run({"current", "-v"}, {"APP_DB=" + p.url()});
  REQUIRE_RC(cur, 0);
  // An unset variable is an input error naming it.
  RunResult unset = p.run({"current"});
  REQUIRE_RC(unset, 2);
  CHECK(unset.err.find("APP_DB") != std::string::npos);
}

TEST_CASE("postgresql: an sql op with transaction = false runs outside the transaction", "[cli][pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  Project p("postgresql");
  p.write_config();
  p.write_models("");
  p.write("versions/a1_t.toml",
          "revision = \"a1\"\nmessage = \"t\"\n[[upgrade]]\nop = \"sql\"\nsql = \"CREATE TABLE t (id integer, v text)\"\n"
          "[[downgrade]]\nop = \"sql\"\nsql = \"DROP TABLE t\"\n");
  p.write("versions/b2_ix.toml",
          "revision = \"b2\"\ndown_revision = \"a1\"\nmessage = \"ix\"\n[[upgrade]]\nop = \"sql\"\n"
          "sql = \"CREATE INDEX CONCURRENTLY ix_t_v ON t (v)\"\ntransaction = false\n"
          "[[downgrade]]\nop = \"sql\"\nsql = \"DROP INDEX CONCURRENTLY ix_t_v\"\ntransaction = false\n");
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.query("SELECT indexname FROM pg_indexes WHERE tablename = 't'") == "ix_t_v\n");
  CHECK(p.versions() == std::vector<std::string>{"b2"});
  REQUIRE_RC(p.run({"downgrade", "a1"}), 0);
  CHECK(p.query("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 't'") == "0\n");
  // Offline, the statement stands outside BEGIN/COMMIT.
  RunResult sql = p.run({"upgrade", "a1:b2", "--sql"});
  REQUIRE_RC(sql, 0);
  CHECK(sql.out.find("COMMIT;\n\nCREATE INDEX CONCURRENTLY ix_t_v ON t (v);\n\nBEGIN;") != std::string::npos);
}

TEST_CASE("postgresql: removing an enum value converts array columns and keeps their rows", "[cli][pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  Project p("postgresql");
  p.write_config();
  p.write_models("");
  p.query("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  p.query("CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'sad', ms mood[] DEFAULT '{happy}')");
  p.query("INSERT INTO t VALUES (1, 'happy', '{sad,happy}'), (2, 'sad', NULL)");
  p.write("versions/a1_drop_ok.toml",
          "revision = \"a1\"\nmessage = \"drop ok\"\n[[upgrade]]\nop = \"alter_enum\"\nname = \"mood\"\n"
          "values = [\"sad\", \"happy\"]\nexisting_values = [\"sad\", \"ok\", \"happy\"]\n");
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.query("SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e "
                "JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood'") == "sad,happy\n");
  CHECK(p.query("SELECT id, m, ms FROM t ORDER BY id") == "1|happy|{sad,happy}\n2|sad|\n");
  CHECK(p.query("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 't'::regclass AND attname = 'ms'") == "mood[]\n");
  CHECK(p.query("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attrelid = 't'::regclass "
                "AND a.attname = 'ms'") == "'{happy}'::mood[]\n");
  // A row holding the removed value in an array fails the migration, which is rolled back.
  p.query("ALTER TYPE mood ADD VALUE 'ok'");
  p.query("INSERT INTO t VALUES (3, 'sad', '{ok}')");
  p.write("versions/b2_drop_ok_again.toml",
          "revision = \"b2\"\ndown_revision = \"a1\"\nmessage = \"again\"\n[[upgrade]]\nop = \"alter_enum\"\n"
          "name = \"mood\"\nvalues = [\"sad\", \"happy\"]\nexisting_values = [\"sad\", \"happy\", \"ok\"]\n");
  RunResult failed = p.run({"upgrade", "head"});
  REQUIRE_RC(failed, 3);
  CHECK(failed.err.find("b2_drop_ok_again.toml") != std::string::npos);
  CHECK(p.versions() == std::vector<std::string>{"a1"});
  CHECK(p.query("SELECT ms FROM t WHERE id = 3") == "{ok}\n");
}

TEST_CASE("postgresql: tables in a second schema are reflected, created and compared", "[cli][pg]") {
  MIGRATE_REQUIRE_PG_OR_RETURN();
  Project p("postgresql");
  p.write_config("[autogenerate]\nschemas = [\"public\", \"audit\"]\n");
  p.query("CREATE SCHEMA audit");
  p.write_models(R"M([tables.users]
columns = [ { name = "id", type = "integer", primary_key = true } ]
[tables."audit.events"]
schema = "audit"
name = "events"
columns = [ { name = "id", type = "bigint", primary_key = true }, { name = "user_id", type = "integer", references = "public.users(id)" } ]
indexes = [ { name = "ix_events_user", columns = ["user_id"] } ]
)M");
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "init"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  CHECK(p.query("SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('public', 'audit') AND "
                "tablename NOT IN ('migrate_version', 'migrate_version_files') ORDER BY 1") == "audit.events\npublic.users\n");
  REQUIRE_RC(p.run({"check"}), 0);
  REQUIRE_RC(p.run({"downgrade", "base"}), 0);
  CHECK(p.query("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'audit'") == "0\n");
}
