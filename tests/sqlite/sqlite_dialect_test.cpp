// Dialect hooks: quoting, types, defaults, and the canonical invariants compare relies on.
#include <catch2/catch.hpp>

#include "sqlite_test_util.hpp"

namespace mt = migrate::test;
using migrate::sqlite_dialect;

namespace {

// Every type of DESIGN.md §5 that SQLite accepts, plus spelling variants.
const char* kDesignTypes[] = {"integer",     "bigint",     "smallint",  "boolean",       "text",
                              "varchar(255)", "char(10)",  "numeric(10,2)", "numeric(10, 2)", "real",
                              "double",      "date",       "time",      "timestamp",     "timestamptz",
                              "blob",        "json",       "uuid",      "VARCHAR (20)",  "double precision"};

}  // namespace

TEST_CASE("sqlite dialect basics", "[sqlite][dialect]") {
  const auto& d = sqlite_dialect();
  CHECK(d.name() == "sqlite");
  auto caps = d.capabilities();
  CHECK(caps.transactional_ddl);
  CHECK_FALSE(caps.alter_column_type);
  CHECK_FALSE(caps.schemas);
  CHECK_FALSE(caps.comments);
  CHECK(d.quote_identifier("users") == "\"users\"");
  CHECK(d.quote_identifier("a\"b") == "\"a\"\"b\"");
  CHECK(d.placeholder(1) == "?");
  CHECK(d.placeholder(3) == "?");
  CHECK(d.quote_literal("it's") == "'it''s'");
  migrate::Table t;
  CHECK(d.is_generated_name(t, "sqlite_autoindex_users_1"));
  CHECK_FALSE(d.is_generated_name(t, "uq_users_email"));
}

TEST_CASE("render_type keeps the model spelling and canonical_type normalises it", "[sqlite][dialect]") {
  const auto& d = sqlite_dialect();
  struct Case {
    const char* model;
    const char* rendered;
    const char* canonical;
  };
  const Case cases[] = {
      {"integer", "integer", "integer"},          {"varchar(255)", "varchar(255)", "varchar(255)"},
      {"numeric(10, 2)", "numeric(10, 2)", "numeric(10,2)"}, {"DOUBLE", "DOUBLE", "double"},
      {"timestamptz", "timestamptz", "timestamptz"}, {" VARCHAR ( 5 ) ", "VARCHAR ( 5 )", "varchar(5)"},
      {"double  precision", "double  precision", "double precision"}, {"", "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.model);
    CHECK(d.render_type(c.model) == c.rendered);
    CHECK(d.canonical_type(c.model) == c.canonical);
    CHECK(d.canonical_type(c.rendered) == c.canonical);
  }
  CHECK(d.canonical_type("numeric( 10 , 2 )") == d.canonical_type("NUMERIC(10,2)"));
  CHECK(d.canonical_type("int") != d.canonical_type("integer"));  // INT PRIMARY KEY is no rowid alias
}

TEST_CASE("every DESIGN type reflects back to the same canonical type", "[sqlite][dialect]") {
  const auto& d = sqlite_dialect();
  auto conn = mt::open_memory();
  migrate::Table t;
  t.name = "types";
  int i = 0;
  for (const char* type : kDesignTypes) {
    migrate::Column c;
    c.name = "c" + std::to_string(i++);
    c.type = type;
    t.columns.push_back(c);
  }
  for (const auto& s : d.render_create_table(t)) conn->execute(s);
  auto back = mt::reflect_one(*conn, "types");
  REQUIRE(back.columns.size() == t.columns.size());
  for (size_t k = 0; k < t.columns.size(); ++k) {
    INFO(t.columns[k].type << " reflected as " << back.columns[k].type);
    CHECK(d.canonical_type(back.columns[k].type) == d.canonical_type(t.columns[k].type));
    CHECK(d.canonical_type(back.columns[k].type) == d.canonical_type(d.render_type(t.columns[k].type)));
  }
}

TEST_CASE("canonical_default normalises spelling, not meaning", "[sqlite][dialect]") {
  const auto& d = sqlite_dialect();
  struct Case {
    const char* a;
    const char* b;
    bool equal;
  };
  const Case cases[] = {
      {"CURRENT_TIMESTAMP", "current_timestamp", true},
      {"(CURRENT_TIMESTAMP)", "CURRENT_TIMESTAMP", true},
      {"'active'", "('active')", true},
      {"'active'", "'Active'", false},
      {"NULL", "null", true},
      {"TRUE", "1", true},
      {"false", "0", true},
      {"1", "1.0", false},
      {"-1", "(-1)", true},
      {"+5", "5", true},
      {"lower('X')", "(lower( 'X' ))", true},
      {"1 + 2", "(1+2)", true},
      {"'a  b'", "'a b'", false},
      {"datetime('now')", "DATETIME('now')", true},
      {"0", "'0'", false},
  };
  for (const auto& c : cases) {
    INFO(c.a << " vs " << c.b);
    CHECK((d.canonical_default(c.a, "text") == d.canonical_default(c.b, "text")) == c.equal);
  }
}

TEST_CASE("common defaults reflect back to the same canonical default", "[sqlite][dialect]") {
  const auto& d = sqlite_dialect();
  const char* defaults[] = {"'active'",    "CURRENT_TIMESTAMP", "current_date", "0",   "-1",
                            "1.5",         "NULL",              "TRUE",         "false", "'it''s'",
                            "(1 + 2)",     "lower('ABC')",      "x'00ff'",      "datetime('now', 'localtime')",
                            "''",          "(('nested'))",      "1e3",          "CURRENT_TIME"};
  auto conn = mt::open_memory();
  migrate::Table t;
  t.name = "defaults";
  int i = 0;
  for (const char* def : defaults) {
    migrate::Column c;
    c.name = "c" + std::to_string(i++);
    c.type = "text";
    c.default_ = def;
    t.columns.push_back(c);
  }
  for (const auto& s : d.render_create_table(t)) conn->execute(s);
  auto back = mt::reflect_one(*conn, "defaults");
  REQUIRE(back.columns.size() == t.columns.size());
  for (size_t k = 0; k < t.columns.size(); ++k) {
    REQUIRE(back.columns[k].default_);
    INFO(*t.columns[k].default_ << " reflected as " << *back.columns[k].default_);
    CHECK(d.canonical_default(*back.columns[k].default_, "text") ==
          d.canonical_default(*t.columns[k].default_, "text"));
  }
}

TEST_CASE("canonical_expression matches CHECK and WHERE text as SQLite keeps it", "[sqlite][dialect]") {
  const auto& d = sqlite_dialect();
  CHECK(d.canonical_expression("status IN ('a', 'b')") == d.canonical_expression("(\"status\" IN ('a','b'))"));
  CHECK(d.canonical_expression("a > 0") != d.canonical_expression("a > 1"));
}

TEST_CASE("default literal classification", "[sqlite][dialect]") {
  using migrate::sqlite::is_constant_default;
  using migrate::sqlite::is_default_literal;
  CHECK(is_default_literal("1"));
  CHECK(is_default_literal("-1.5"));
  CHECK(is_default_literal("'x'"));
  CHECK(is_default_literal("X'00'"));
  CHECK(is_default_literal("NULL"));
  CHECK(is_default_literal("true"));
  CHECK(is_default_literal("CURRENT_TIMESTAMP"));
  CHECK_FALSE(is_default_literal("1 + 2"));
  CHECK_FALSE(is_default_literal("lower('x')"));
  CHECK_FALSE(is_default_literal("-'x'"));
  CHECK(is_constant_default("0"));
  CHECK_FALSE(is_constant_default("CURRENT_DATE"));
}
