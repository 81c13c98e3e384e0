// The CREATE-text tokenizer and parser, and the canonical expression form.
#include <catch2/catch.hpp>

#include "dialect/sqlite/sqlite_sql_parser.hpp"

using namespace migrate::sqlite;
using namespace std::string_literals;

TEST_CASE("tokenize splits identifiers, strings, numbers and comments", "[sqlite][parser]") {
  auto toks = tokenize("SELECT \"a\"\"b\", [c d], `e`, 'it''s', 1.5e3, x'AB' -- c\n/* d */ >= ||;");
  std::vector<TokenKind> kinds;
  for (const auto& t : toks) kinds.push_back(t.kind);
  REQUIRE(toks.size() == 15);
  CHECK(toks[0].kind == TokenKind::word);
  CHECK(toks[1].kind == TokenKind::quoted_ident);
  CHECK(toks[1].value == "a\"b");
  CHECK(toks[3].value == "c d");
  CHECK(toks[5].value == "e");
  CHECK(toks[7].kind == TokenKind::string);
  CHECK(toks[7].text == "'it''s'");
  CHECK(toks[9].kind == TokenKind::number);
  CHECK(toks[9].text == "1.5e3");
  CHECK(toks[11].kind == TokenKind::blob);
  CHECK(toks[12].text == ">=");
  CHECK(toks[12].space_before);
  CHECK(toks[13].text == "||");
  CHECK(toks[14].kind == TokenKind::semicolon);
}

TEST_CASE("parse_create_table finds names, checks, collations and generated columns", "[sqlite][parser]") {
  auto p = parse_create_table(R"(CREATE TABLE IF NOT EXISTS "t" (
      id INTEGER CONSTRAINT pk_t PRIMARY KEY AUTOINCREMENT,
      "na""me" TEXT COLLATE "NOCASE" CONSTRAINT uq_name UNIQUE CHECK (length("na""me") > 0),
      g INT GENERATED ALWAYS AS (id * 2) STORED,
      h AS (id + 1),
      r INTEGER CONSTRAINT fk_r REFERENCES other (x) ON DELETE SET NULL NOT DEFERRABLE,
      d TEXT DEFAULT (lower('A')) NOT NULL,
      CONSTRAINT ck_two CHECK (id > (0)),
      UNIQUE (g, h),
      FOREIGN KEY (h) REFERENCES t DEFERRABLE INITIALLY DEFERRED
    ) WITHOUT ROWID, STRICT)");
  REQUIRE(p.columns.size() == 6);
  CHECK(p.columns[0].autoincrement);
  CHECK(p.primary_key_name == "pk_t");
  CHECK(p.columns[1].name == "na\"me");
  CHECK(p.columns[1].collation == "NOCASE"s);
  CHECK(p.columns[2].generated == "id * 2"s);
  CHECK(p.columns[2].generated_stored);
  CHECK(p.columns[3].generated == "id + 1"s);
  CHECK_FALSE(p.columns[3].generated_stored);
  CHECK_FALSE(p.columns[5].generated);
  REQUIRE(p.uniques.size() == 2);
  CHECK(p.uniques[0].name == "uq_name");
  CHECK(p.uniques[1].columns == std::vector<std::string>{"g", "h"});
  REQUIRE(p.checks.size() == 2);
  CHECK(p.checks[0].sql == "length(\"na\"\"me\") > 0");
  CHECK(p.checks[0].name.empty());
  CHECK(p.checks[1].name == "ck_two");
  CHECK(p.checks[1].sql == "id > (0)");
  REQUIRE(p.foreign_keys.size() == 2);
  CHECK(p.foreign_keys[0].name == "fk_r");
  CHECK(p.foreign_keys[0].ref_table == "other");
  CHECK(p.foreign_keys[0].ref_columns == std::vector<std::string>{"x"});
  CHECK_FALSE(p.foreign_keys[0].deferrable);
  CHECK(p.foreign_keys[1].columns == std::vector<std::string>{"h"});
  CHECK(p.foreign_keys[1].ref_columns.empty());
  CHECK(p.foreign_keys[1].deferrable);
  CHECK(p.foreign_keys[1].initially_deferred);
  CHECK(p.without_rowid);
  CHECK(p.strict);
}

TEST_CASE("a constraint name binds only to the constraint right after it", "[sqlite][parser]") {
  auto p = parse_create_table("CREATE TABLE t (a INT CONSTRAINT nn NOT NULL UNIQUE, b INT CONSTRAINT ck CHECK (b > 0) NULL)");
  REQUIRE(p.uniques.size() == 1);
  CHECK(p.uniques[0].name.empty());
  REQUIRE(p.checks.size() == 1);
  CHECK(p.checks[0].name == "ck");
}

TEST_CASE("parse_create_table reads a table-level AUTOINCREMENT primary key", "[sqlite][parser]") {
  auto p = parse_create_table("CREATE TABLE t (id INTEGER, CONSTRAINT pk PRIMARY KEY (id AUTOINCREMENT))");
  CHECK(p.primary_key_autoincrement);
  CHECK(p.primary_key_name == "pk");
  CHECK(parse_create_table("CREATE TABLE t AS SELECT 1").columns.empty());
}

TEST_CASE("parse_create_index returns elements and the WHERE text", "[sqlite][parser]") {
  auto p = parse_create_index(
      "CREATE UNIQUE INDEX IF NOT EXISTS ix ON t (lower(a),  b DESC, \"c\") WHERE a IS NOT NULL;");
  CHECK(p.elements == std::vector<std::string>{"lower(a)", "b DESC", "\"c\""});
  CHECK(p.where == "a IS NOT NULL"s);
  CHECK_FALSE(parse_create_index("CREATE INDEX ix ON t (a)").where);
}

TEST_CASE("parse_create_object names views and triggers", "[sqlite][parser]") {
  auto v = parse_create_object("CREATE VIEW IF NOT EXISTS \"v x\" (a, b) AS SELECT 1, 2;");
  CHECK(v.kind == "view");
  CHECK(v.name == "v x");
  CHECK(v.select_sql == "SELECT 1, 2");
  auto t = parse_create_object("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END");
  CHECK(t.kind == "trigger");
  CHECK(t.name == "tr");
  CHECK(parse_create_object("CREATE VIRTUAL TABLE f USING fts5(x)").kind == "virtual table");
  CHECK(parse_create_object("SELECT 1").kind.empty());
}

TEST_CASE("canonical_sql ignores spacing, case, outer parens and plain quotes", "[sqlite][parser]") {
  struct Case {
    const char* a;
    const char* b;
    bool equal;
  };
  const Case cases[] = {
      {"status IN ('a','b')", "(\"status\" in ( 'a', 'b' ))", true},
      {"a>0", "((a > 0))", true},
      {"lower(x)", "LOWER( X )", true},
      {"a IS NOT NULL", "a is not null", true},
      {"'Abc'", "'abc'", false},
      {"(a) + (b)", "a + b", false},
      {"\"my col\" > 1", "[my col]>1", true},
      {"a > 0", "a >= 0", false},
  };
  for (const auto& c : cases) {
    INFO(c.a << " vs " << c.b);
    CHECK((canonical_sql(c.a) == canonical_sql(c.b)) == c.equal);
  }
  CHECK(canonical_sql("a IS NOT NULL") == "A IS NOT NULL");
  CHECK(canonical_sql("x IN ('a', 'b')") == "X IN('a','b')");
}

TEST_CASE("mentions_identifier and replace_identifier work on tokens", "[sqlite][parser]") {
  CHECK(mentions_identifier("SELECT \"Email\" FROM t", "email"));
  CHECK_FALSE(mentions_identifier("SELECT 'email' FROM t", "email"));
  CHECK_FALSE(mentions_identifier("SELECT emails FROM t", "email"));
  CHECK(replace_identifier("new.a + a + 'a' + ab", "a", "\"b\"") == "new.\"b\" + \"b\" + 'a' + ab");
}
