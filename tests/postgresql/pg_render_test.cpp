// Offline: the SQL each op renders to, the type mapping and the canonical forms.
#include <catch2/catch.hpp>

#include <migrate/error.hpp>

#include "postgresql/pg_test_util.hpp"

namespace migrate {
namespace {

using test::col;
using test::pg;

std::vector<std::string> sqls(const Operation& op) {
  std::vector<std::string> r;
  for (const auto& s : pg().render(op, {})) r.push_back(s.sql);
  return r;
}

TEST_CASE("pg dialect basics: name, capabilities, quoting, placeholders") {
  const Dialect& d = postgresql_dialect();
  CHECK(d.name() == "postgresql");
  auto caps = d.capabilities();
  CHECK(caps.transactional_ddl);
  CHECK(caps.alter_column_type);
  CHECK(caps.schemas);
  CHECK(caps.comments);
  CHECK(caps.concurrent_index);
  CHECK(d.quote_identifier("users") == "\"users\"");
  CHECK(d.quote_identifier("we\"ird") == "\"we\"\"ird\"");
  CHECK(d.quote_qualified("app", "t") == "\"app\".\"t\"");
  CHECK(d.quote_qualified("", "t") == "\"t\"");
  CHECK(d.placeholder(1) == "$1");
  CHECK(d.placeholder(12) == "$12");
}

TEST_CASE("pg render_type maps the models.toml types") {
  struct Case {
    const char* model;
    const char* ddl;
  } cases[] = {
      {"integer", "INTEGER"},          {"bigint", "BIGINT"},
      {"smallint", "SMALLINT"},        {"boolean", "BOOLEAN"},
      {"text", "TEXT"},                {"varchar(255)", "VARCHAR(255)"},
      {"char(3)", "CHAR(3)"},          {"numeric(10, 2)", "NUMERIC(10,2)"},
      {"real", "REAL"},                {"double", "DOUBLE PRECISION"},
      {"date", "DATE"},                {"time", "TIME"},
      {"timestamp", "TIMESTAMP"},      {"timestamptz", "TIMESTAMPTZ"},
      {"blob", "BYTEA"},               {"json", "JSON"},
      {"jsonb", "JSONB"},              {"uuid", "UUID"},
      {"bytea", "BYTEA"},              {"integer[]", "INTEGER[]"},
      {"inet", "inet"},                {"citext", "citext"},
      {"serial", "SERIAL"},            {"\"Mood\"", "\"Mood\""},
  };
  for (const auto& c : cases) {
    INFO(c.model);
    CHECK(pg().render_type(c.model) == c.ddl);
  }
}

TEST_CASE("pg canonical_type makes synonyms equal") {
  struct Case {
    const char* a;
    const char* b;
  } same[] = {
      {"character varying(5)", "varchar(5)"},
      {"VARCHAR( 5 )", "varchar(5)"},
      {"int4", "integer"},
      {"int", "integer"},
      {"serial", "integer"},
      {"int8", "bigint"},
      {"bigserial", "bigint"},
      {"int2", "smallint"},
      {"timestamp without time zone", "timestamp"},
      {"timestamp with time zone", "timestamptz"},
      {"timestamp(3) with time zone", "timestamptz(3)"},
      {"double precision", "double"},
      {"float8", "double"},
      {"float", "double"},
      {"float4", "real"},
      {"bool", "boolean"},
      {"character(3)", "char(3)"},
      {"character", "char(1)"},
      {"numeric(10,2)", "numeric(10, 2)"},
      {"decimal(10,2)", "numeric(10,2)"},
      {"numeric(7)", "numeric(7,0)"},
      {"bytea", "blob"},
      {"integer[]", "int4[]"},
      {"text[][]", "text [ ] [ ]"},
      {"time without time zone", "time"},
  };
  for (const auto& c : same) {
    INFO(c.a << " vs " << c.b);
    CHECK(pg().canonical_type(c.a) == pg().canonical_type(c.b));
  }
  struct Diff {
    const char* a;
    const char* b;
  } differ[] = {
      {"varchar(5)", "varchar(6)"}, {"integer", "bigint"},      {"text", "varchar"},
      {"timestamp", "timestamptz"}, {"numeric(10,2)", "numeric(10,3)"}, {"integer[]", "integer"},
      {"real", "double"},
  };
  for (const auto& c : differ) {
    INFO(c.a << " vs " << c.b);
    CHECK(pg().canonical_type(c.a) != pg().canonical_type(c.b));
  }
  CHECK(pg().canonical_type("character varying(255)") == "varchar(255)");
  CHECK(pg().canonical_type("double precision") == "double");
}

TEST_CASE("pg canonical_default strips own-type casts and spellings") {
  struct Case {
    const char* a;
    const char* b;
    const char* type;
  } same[] = {
      {"'x'::character varying", "'x'", "varchar(20)"},
      {"'x'::text", "'x'", "text"},
      {"'x'::text", "'x'", "varchar(20)"},
      {"now()", "CURRENT_TIMESTAMP", "timestamp"},
      {"CURRENT_TIMESTAMP", "current_timestamp", "timestamptz"},
      {"TRUE", "true", "boolean"},
      {"'t'::boolean", "true", "boolean"},
      {"false", "FALSE", "boolean"},
      {"('active')", "'active'", "text"},
      {"'0'::integer", "0", "integer"},
      {"'-1'::integer", "-1", "integer"},
      {"(0)::numeric", "0", "numeric(10,2)"},
      {"'1.5'::numeric", "1.5", "numeric"},
      {"nextval('t_id_seq'::regclass)", "nextval('t_id_seq')", "integer"},
      {"'2020-01-01'::date", "'2020-01-01'", "date"},
      {"'{}'::jsonb", "'{}'", "jsonb"},
      {"NULL::character varying", "NULL", "varchar(3)"},
      {"lower( 'A' )", "LOWER('A')", "text"},
  };
  for (const auto& c : same) {
    INFO(c.a << " vs " << c.b << " as " << c.type);
    CHECK(pg().canonical_default(c.a, c.type) == pg().canonical_default(c.b, c.type));
  }
  struct Diff {
    const char* a;
    const char* b;
    const char* type;
  } differ[] = {
      {"'x'", "'X'", "text"},
      {"'{}'::jsonb", "'{}'", "json"},
      {"0", "1", "integer"},
      {"'a'::text || 'b'", "'ab'", "text"},
  };
  for (const auto& c : differ) {
    INFO(c.a << " vs " << c.b << " as " << c.type);
    CHECK(pg().canonical_default(c.a, c.type) != pg().canonical_default(c.b, c.type));
  }
}

TEST_CASE("pg canonical_expression normalises spacing, case and outer parentheses") {
  CHECK(pg().canonical_expression("(price  >  0)") == pg().canonical_expression("PRICE > 0"));
  CHECK(pg().canonical_expression("status IN ('a','b')") ==
        pg().canonical_expression("status in ( 'a' , 'b' )"));
  CHECK(pg().canonical_expression("name = 'A'") != pg().canonical_expression("name = 'a'"));
  CHECK(pg().canonical_expression("\"Col\" > 1") != pg().canonical_expression("\"col\" > 1"));
}

TEST_CASE("pg is_generated_name recognises the server's default names") {
  Table t;
  t.name = "orders";
  for (const char* n : {"orders_pkey", "orders_user_id_fkey", "orders_code_key", "orders_code_key1",
                        "orders_qty_check", "orders_check", "orders_created_at_idx",
                        "orders_lower_idx"})
    CHECK(pg().is_generated_name(t, n));
  for (const char* n : {"uq_orders_code", "fk_orders_user", "ix_orders_created", "users_pkey",
                        "orders"})
    CHECK_FALSE(pg().is_generated_name(t, n));
}

TEST_CASE("pg render_create_table writes columns, constraints, indexes, comments") {
  Table t;
  t.schema = "app";
  t.name = "orders";
  t.comment = "All orders";
  Column id = col("id", "integer", false);
  id.autoincrement = true;
  Column code = col("code", "varchar(20)", false);
  code.default_ = "'new'";
  code.collation = "C";
  code.comment = "it's the code";
  Column total = col("total", "numeric(10,2)");
  total.generated = "qty * 2";
  Column qty = col("qty", "integer");
  Column seq = col("n", "bigint", false);
  seq.identity = "always";
  t.columns = {id, code, qty, total, seq, col("user_id", "integer")};
  t.primary_key = {"orders_pk", {"id"}};
  t.uniques = {{"", {"code"}, std::nullopt}};
  t.checks = {{"ck_qty", "qty > 0", std::nullopt}};
  ForeignKey fk;
  fk.name = "fk_user";
  fk.columns = {"user_id"};
  fk.ref_table = "users";
  fk.ref_columns = {"id"};
  fk.on_delete = "CASCADE";
  fk.on_update = "SET NULL";
  fk.deferrable = true;
  fk.initially_deferred = true;
  t.foreign_keys = {fk};
  Index ix;
  ix.name = "ix_code";
  ix.columns = {"lower(code)", "qty"};
  ix.where = "qty > 1";
  ix.method = "btree";
  Index gin;
  gin.columns = {"code"};
  gin.method = "hash";
  t.indexes = {ix, gin};
  auto out = pg().render_create_table(t);
  REQUIRE(out.size() == 5);
  CHECK(out[0].sql ==
        "CREATE TABLE \"app\".\"orders\" (\n"
        "  \"id\" INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
        "  \"code\" VARCHAR(20) COLLATE \"C\" DEFAULT 'new' NOT NULL,\n"
        "  \"qty\" INTEGER,\n"
        "  \"total\" NUMERIC(10,2) GENERATED ALWAYS AS (qty * 2) STORED,\n"
        "  \"n\" BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
        "  \"user_id\" INTEGER,\n"
        "  CONSTRAINT \"orders_pk\" PRIMARY KEY (\"id\"),\n"
        "  UNIQUE (\"code\"),\n"
        "  CONSTRAINT \"ck_qty\" CHECK (qty > 0),\n"
        "  CONSTRAINT \"fk_user\" FOREIGN KEY (\"user_id\") REFERENCES \"app\".\"users\" (\"id\") "
        "ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED\n"
        ")");
  CHECK(out[1].sql ==
        "CREATE INDEX \"ix_code\" ON \"app\".\"orders\" (lower(code), \"qty\") WHERE qty > 1");
  CHECK(out[2].sql == "CREATE INDEX ON \"app\".\"orders\" USING hash (\"code\")");
  CHECK(out[3].sql == "COMMENT ON TABLE \"app\".\"orders\" IS 'All orders'");
  CHECK(out[4].sql == "COMMENT ON COLUMN \"app\".\"orders\".\"code\" IS 'it''s the code'");
}

TEST_CASE("pg render of each op is native ALTER") {
  struct Case {
    const char* what;
    Operation op;
    std::vector<std::string> sql;
  };
  ForeignKey fk;
  fk.name = "fk_a_b";
  fk.columns = {"b_id"};
  fk.ref_schema = "other";
  fk.ref_table = "b";
  fk.ref_columns = {"id"};
  fk.on_delete = "RESTRICT";
  Column added = col("email", "varchar(255)", false);
  added.default_ = "''";
  added.comment = "mail";
  AlterColumn alter_all;
  alter_all.table = "users";
  alter_all.column = "age";
  alter_all.new_type = "bigint";
  alter_all.new_nullable = false;
  alter_all.new_default = std::optional<std::string>("0");
  alter_all.new_comment = std::optional<std::string>();
  alter_all.new_name = "years";
  AlterColumn drop_default;
  drop_default.schema = "app";
  drop_default.table = "users";
  drop_default.column = "age";
  drop_default.new_default = std::optional<std::string>();
  drop_default.new_nullable = true;
  Index ix;
  ix.name = "ix_users_email";
  ix.columns = {"email"};
  ix.unique = true;
  ExecuteSql data;
  data.sql = "UPDATE t SET a = 1";
  data.per_dialect["postgresql"] = "UPDATE t SET a = 2";
  data.per_dialect["sqlite"] = "UPDATE t SET a = 3";
  std::vector<Case> cases = {
      {"drop table", DropTable{"", "users", std::nullopt}, {"DROP TABLE \"users\""}},
      {"rename table", RenameTable{"app", "a", "b"}, {"ALTER TABLE \"app\".\"a\" RENAME TO \"b\""}},
      {"add column",
       AddColumn{"", "users", added},
       {"ALTER TABLE \"users\" ADD COLUMN \"email\" VARCHAR(255) DEFAULT '' NOT NULL",
        "COMMENT ON COLUMN \"users\".\"email\" IS 'mail'"}},
      {"drop column", DropColumn{"", "users", "email", std::nullopt},
       {"ALTER TABLE \"users\" DROP COLUMN \"email\""}},
      {"alter column all",
       alter_all,
       {"ALTER TABLE \"users\" ALTER COLUMN \"age\" TYPE BIGINT USING \"age\"::BIGINT, ALTER "
        "COLUMN \"age\" SET NOT NULL, ALTER COLUMN \"age\" SET DEFAULT 0",
        "COMMENT ON COLUMN \"users\".\"age\" IS NULL",
        "ALTER TABLE \"users\" RENAME COLUMN \"age\" TO \"years\""}},
      {"alter column drop default",
       drop_default,
       {"ALTER TABLE \"app\".\"users\" ALTER COLUMN \"age\" DROP NOT NULL, ALTER COLUMN \"age\" "
        "DROP DEFAULT"}},
      {"create index", CreateIndex{"", "users", ix},
       {"CREATE UNIQUE INDEX \"ix_users_email\" ON \"users\" (\"email\")"}},
      {"drop index", DropIndex{"app", "users", "ix_users_email", std::nullopt},
       {"DROP INDEX \"app\".\"ix_users_email\""}},
      {"rename index", RenameIndex{"", "users", "ix_a", "ix_b"},
       {"ALTER INDEX \"ix_a\" RENAME TO \"ix_b\""}},
      {"create primary key", CreatePrimaryKey{"", "t", PrimaryKey{"t_pk", {"a", "b"}}},
       {"ALTER TABLE \"t\" ADD CONSTRAINT \"t_pk\" PRIMARY KEY (\"a\", \"b\")"}},
      {"create unique", CreateUniqueConstraint{"", "t", UniqueConstraint{"", {"a"}, std::nullopt}},
       {"ALTER TABLE \"t\" ADD UNIQUE (\"a\")"}},
      {"create foreign key", CreateForeignKey{"", "a", fk},
       {"ALTER TABLE \"a\" ADD CONSTRAINT \"fk_a_b\" FOREIGN KEY (\"b_id\") REFERENCES "
        "\"other\".\"b\" (\"id\") ON DELETE RESTRICT"}},
      {"create check",
       CreateCheckConstraint{"", "t", CheckConstraint{"ck_t_a", "a > 0", std::nullopt}},
       {"ALTER TABLE \"t\" ADD CONSTRAINT \"ck_t_a\" CHECK (a > 0)"}},
      {"drop constraint", DropConstraint{"s", "t", "ck_t_a", ConstraintKind::check, {}},
       {"ALTER TABLE \"s\".\"t\" DROP CONSTRAINT \"ck_t_a\""}},
      {"table comment", AlterTableComment{"", "t", std::string("it's"), std::nullopt},
       {"COMMENT ON TABLE \"t\" IS 'it''s'"}},
      {"drop table comment", AlterTableComment{"", "t", std::nullopt, std::nullopt},
       {"COMMENT ON TABLE \"t\" IS NULL"}},
      {"sql per dialect", data, {"UPDATE t SET a = 2"}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(sqls(c.op) == c.sql);
  }
}

TEST_CASE("pg render sql op outside a transaction and unnamed drop_constraint") {
  ExecuteSql concurrently;
  concurrently.sql = "CREATE INDEX CONCURRENTLY ix ON t (a)";
  concurrently.transaction = false;
  auto out = pg().render(concurrently, {});
  REQUIRE(out.size() == 1);
  CHECK(out[0].no_transaction);
  ExecuteSql plain;
  plain.sql = "SELECT 1";
  CHECK_FALSE(pg().render(plain, {}).at(0).no_transaction);

  DropConstraint unnamed{"", "t", "", ConstraintKind::foreign_key, {}};
  CHECK_THROWS_AS(pg().render(unnamed, {}), UnsupportedError);
  try {
    pg().render(unnamed, {});
  } catch (const UnsupportedError& e) {
    CHECK(std::string(e.what()).find("name") != std::string::npos);
  }
}

TEST_CASE("pg reflected serial column renders back as SERIAL") {
  Column c = col("id", "integer", false);
  c.autoincrement = true;
  c.default_ = "nextval('t_id_seq'::regclass)";
  CHECK(pg().column_definition(c) == "\"id\" SERIAL NOT NULL");
  c.type = "bigint";
  CHECK(pg().column_definition(c) == "\"id\" BIGSERIAL NOT NULL");
}

TEST_CASE("pg array literal helpers round-trip") {
  std::vector<std::string> items = {"a", "b c", "d\"e", "f\\g", ""};
  CHECK(parse_pg_array(format_pg_array(items)) == items);
  CHECK(parse_pg_array("{}").empty());
  CHECK(parse_pg_array("{x,y}") == std::vector<std::string>{"x", "y"});
  CHECK(parse_pg_array("{\"a,b\",NULL}") == std::vector<std::string>{"a,b", ""});
  CHECK_THROWS_AS(parse_pg_array("x"), DatabaseError);
}

}  // namespace
}  // namespace migrate

namespace migrate {
namespace {

TEST_CASE("pg implicit_constraint_name follows the server's naming") {
  Table t;
  t.name = "orders";
  for (const char* c : {"id", "user_id", "Code", "qty"}) {
    Column col;
    col.name = c;
    col.type = "integer";
    t.columns.push_back(col);
  }
  const auto& d = postgresql_dialect();
  CHECK(d.implicit_constraint_name(t, ConstraintKind::primary_key, {"id"}, "") == "orders_pkey");
  CHECK(d.implicit_constraint_name(t, ConstraintKind::unique, {"user_id", "qty"}, "") ==
        "orders_user_id_qty_key");
  CHECK(d.implicit_constraint_name(t, ConstraintKind::foreign_key, {"user_id"}, "") ==
        "orders_user_id_fkey");
  CHECK(d.implicit_constraint_name(t, ConstraintKind::check, {}, "qty > 0 AND qty < 10") ==
        "orders_qty_check");
  CHECK(d.implicit_constraint_name(t, ConstraintKind::check, {}, "\"Code\" <> 'qty'::text") ==
        "orders_Code_check");
  CHECK(d.implicit_constraint_name(t, ConstraintKind::check, {}, "qty > id") == "orders_check");
  Table long_table;
  long_table.name = std::string(70, 't');
  std::string name = d.implicit_constraint_name(long_table, ConstraintKind::unique,
                                                {std::string(40, 'c')}, "");
  CHECK(name.size() == 63);
  CHECK(name == std::string(29, 't') + "_" + std::string(29, 'c') + "_key");
}

}  // namespace
}  // namespace migrate
