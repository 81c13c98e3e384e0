#include <catch2/catch.hpp>

#include <migrate/error.hpp>
#include <migrate/io/models_file.hpp>

#include "io/equal.hpp"
#include "io/gen.hpp"
#include "support/support.hpp"

using namespace std::string_literals;

namespace migrate {
namespace {

const char* const kDesignExample = R"TOML(
[tables.users]
comment = "Registered users"
columns = [
  { name = "id",         type = "integer",      primary_key = true },
  { name = "email",      type = "varchar(255)", nullable = false },
  { name = "status",     type = "text",         nullable = false, default = "'active'" },
  { name = "created_at", type = "timestamp",    nullable = false, default = "CURRENT_TIMESTAMP" },
  { name = "org_id",     type = "integer" },
]
indexes = [ { name = "ix_users_created", columns = ["created_at"] } ]
unique  = [ { name = "uq_users_email", columns = ["email"] } ]
checks  = [ { name = "ck_users_status", sql = "status IN ('active', 'disabled')" } ]
foreign_keys = [ { columns = ["org_id"], references = "orgs(id)", on_delete = "cascade" } ]
)TOML";

// The message of the InputError that parsing `text` throws ("" when none is thrown).
std::string parse_error(const std::string& text) {
  try {
    parse_models_toml(text, "m.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("models.toml: the DESIGN example parses into every field") {
  MetaData md = parse_models_toml(kDesignExample, "m.toml");
  REQUIRE(md.tables().size() == 1);
  const Table& t = md.tables()[0];
  CHECK(t.name == "users");
  CHECK(t.schema.empty());
  CHECK(t.comment == "Registered users");
  REQUIRE(t.columns.size() == 5);
  CHECK(t.columns[0].name == "id");
  CHECK(t.columns[0].type == "integer");
  CHECK_FALSE(t.columns[0].nullable);  // primary-key columns are NOT NULL
  CHECK(t.columns[1].type == "varchar(255)");
  CHECK_FALSE(t.columns[1].nullable);
  CHECK(t.columns[2].default_ == "'active'");
  CHECK(t.columns[3].default_ == "CURRENT_TIMESTAMP");
  CHECK(t.columns[4].nullable);
  CHECK_FALSE(t.columns[4].default_);
  CHECK(t.primary_key.name.empty());
  CHECK(t.primary_key.columns == std::vector<std::string>{"id"});
  REQUIRE(t.indexes.size() == 1);
  CHECK(t.indexes[0].name == "ix_users_created");
  CHECK(t.indexes[0].columns == std::vector<std::string>{"created_at"});
  CHECK_FALSE(t.indexes[0].unique);
  REQUIRE(t.uniques.size() == 1);
  CHECK(t.uniques[0].name == "uq_users_email");
  REQUIRE(t.checks.size() == 1);
  CHECK(t.checks[0].sql == "status IN ('active', 'disabled')");
  REQUIRE(t.foreign_keys.size() == 1);
  const ForeignKey& fk = t.foreign_keys[0];
  CHECK(fk.name.empty());
  CHECK(fk.columns == std::vector<std::string>{"org_id"});
  CHECK(fk.ref_table == "orgs");
  CHECK(fk.ref_schema.empty());
  CHECK(fk.ref_columns == std::vector<std::string>{"id"});
  CHECK(fk.on_delete == "CASCADE");
  CHECK(fk.on_update.empty());
}

TEST_CASE("models.toml: column keys and shorthands") {
  MetaData md = parse_models_toml(R"TOML(
[tables.posts]
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true, identity = "BY  default" },
  { name = "slug", type = "text", unique = true, index = true, collation = "C", comment = "url part" },
  { name = "author_id", type = "bigint", references = "auth.users(id)", on_delete = "set  null", on_update = "CASCADE" },
  { name = "total", type = "numeric(10,2)", generated = "price * qty", stored = true, renamed_from = "sum" },
]
)TOML", "m.toml");
  const Table& t = md.tables()[0];
  const Column& id = t.columns[0];
  CHECK(id.autoincrement);
  CHECK(id.identity == "by default");
  CHECK_FALSE(id.nullable);
  const Column& slug = t.columns[1];
  CHECK(slug.collation == "C");
  CHECK(slug.comment == "url part");
  REQUIRE(t.uniques.size() == 1);
  CHECK(t.uniques[0].name.empty());
  CHECK(t.uniques[0].columns == std::vector<std::string>{"slug"});
  REQUIRE(t.indexes.size() == 1);
  CHECK(t.indexes[0].name == "ix_posts_slug");
  CHECK(t.indexes[0].columns == std::vector<std::string>{"slug"});
  REQUIRE(t.foreign_keys.size() == 1);
  CHECK(t.foreign_keys[0].ref_schema == "auth");
  CHECK(t.foreign_keys[0].ref_table == "users");
  CHECK(t.foreign_keys[0].columns == std::vector<std::string>{"author_id"});
  CHECK(t.foreign_keys[0].on_delete == "SET NULL");
  CHECK(t.foreign_keys[0].on_update == "CASCADE");
  const Column& total = t.columns[3];
  CHECK(total.generated == "price * qty");
  CHECK(total.generated_stored);
  CHECK(total.renamed_from == "sum");
}

TEST_CASE("models.toml: table keys, array-of-tables columns and table-level constraints") {
  MetaData md = parse_models_toml(R"TOML(
[tables.memberships]
schema = "app"
renamed_from = "members"
sqlite_without_rowid = true
sqlite_strict = true
primary_key = { name = "pk_memberships", columns = ["org_id", "user_id"] }
indexes = [
  { name = "ix_m_lower", columns = ["lower(role)", "user_id DESC"], unique = true, where = "role IS NOT NULL", method = "btree", renamed_from = "ix_old" },
]
unique = [ { columns = ["role", "user_id"], renamed_from = "uq_old" } ]
checks = [ { sql = "role <> ''" } ]
foreign_keys = [
  { name = "fk_m_org", columns = ["org_id"], references = "orgs(id)", deferrable = true, initially = "deferred", on_delete = "restrict" },
  { columns = ["org_id", "user_id"], references = "\"Org Users\"(org_id, \"user id\")", on_update = "no action", initially = "immediate" },
]

[[tables.memberships.columns]]
name = "org_id"
type = "integer"

[[tables.memberships.columns]]
name = "user_id"
type = "integer"

[[tables.memberships.columns]]
name = "role"
type = "text"
)TOML", "m.toml");
  const Table& t = md.tables()[0];
  CHECK(t.schema == "app");
  CHECK(t.qualified_name() == "app.memberships");
  CHECK(t.renamed_from == "members");
  CHECK(t.without_rowid);
  CHECK(t.strict);
  REQUIRE(t.columns.size() == 3);
  CHECK(t.columns[2].name == "role");
  CHECK(t.primary_key.name == "pk_memberships");
  CHECK(t.primary_key.columns == std::vector<std::string>{"org_id", "user_id"});
  CHECK_FALSE(t.columns[0].nullable);
  CHECK_FALSE(t.columns[1].nullable);
  CHECK(t.columns[2].nullable);
  const Index& ix = t.indexes.at(0);
  CHECK(ix.columns == std::vector<std::string>{"lower(role)", "user_id DESC"});
  CHECK(ix.unique);
  CHECK(ix.where == "role IS NOT NULL");
  CHECK(ix.method == "btree");
  CHECK(ix.renamed_from == "ix_old");
  CHECK(t.uniques.at(0).renamed_from == "uq_old");
  CHECK(t.checks.at(0).name.empty());
  const ForeignKey& a = t.foreign_keys.at(0);
  CHECK(a.deferrable);
  CHECK(a.initially_deferred);
  CHECK(a.on_delete == "RESTRICT");
  const ForeignKey& b = t.foreign_keys.at(1);
  CHECK(b.ref_table == "Org Users");
  CHECK(b.ref_columns == std::vector<std::string>{"org_id", "user id"});
  CHECK(b.on_update.empty());
  CHECK_FALSE(b.deferrable);
  CHECK_FALSE(b.initially_deferred);
}

TEST_CASE("models.toml: primary_key as an array, and initially deferred implies deferrable") {
  MetaData md = parse_models_toml(R"TOML(
[tables.t]
columns = [ { name = "a", type = "int" }, { name = "b", type = "int", nullable = false } ]
primary_key = ["b", "a"]
foreign_keys = [ { columns = ["a"], references = "u(x)", initially = "DEFERRED" } ]
)TOML", "m.toml");
  const Table& t = md.tables()[0];
  CHECK(t.primary_key.columns == std::vector<std::string>{"b", "a"});
  CHECK_FALSE(t.columns[0].nullable);
  CHECK(t.foreign_keys[0].deferrable);
  CHECK(t.foreign_keys[0].initially_deferred);
}

TEST_CASE("models.toml: tables keep their declaration order, not key order") {
  MetaData md = parse_models_toml(R"TOML(
[tables.zebra]
columns = [ { name = "id", type = "integer" } ]
[tables.apple]
columns = [ { name = "id", type = "integer" } ]
[tables.mango]
columns = [ { name = "id", type = "integer" } ]
)TOML", "m.toml");
  REQUIRE(md.tables().size() == 3);
  CHECK(md.tables()[0].name == "zebra");
  CHECK(md.tables()[1].name == "apple");
  CHECK(md.tables()[2].name == "mango");
}

TEST_CASE("models.toml: an FK to a table not in the models is allowed") {
  MetaData md = parse_models_toml(R"TOML(
[tables.t]
columns = [ { name = "a", type = "int", references = "elsewhere(id)" } ]
)TOML", "m.toml");
  CHECK(md.tables()[0].foreign_keys.at(0).ref_table == "elsewhere");
}

TEST_CASE("models.toml: views") {
  MetaData md = parse_models_toml(R"TOML(
[views.active_users]
schema = "app"
sql = "SELECT * FROM users WHERE status = 'active'"
)TOML", "m.toml");
  REQUIRE(md.views.size() == 1);
  CHECK(md.views[0].name == "active_users");
  CHECK(md.views[0].schema == "app");
  CHECK(md.views[0].sql == "SELECT * FROM users WHERE status = 'active'");
}

TEST_CASE("models.toml: every kind of bad input names file, line and column") {
  struct Case {
    const char* what;
    std::string text;
    std::string prefix;   // "m.toml:LINE:COLUMN: "
    std::string message;  // a part of the message
  };
  const std::vector<Case> cases = {
      {"malformed TOML", "[tables.t]\ncolumns = [ { name = \"a\" \n", "m.toml:2:", "invalid TOML"},
      {"unknown top-level key", "tabels = 1\n", "m.toml:1:1: ", "unknown key 'tabels' (allowed: tables, views, enums, sequences)"},
      {"unknown table key", "[tables.t]\ncolumns = []\ncomment = \"x\"\ncolums = 3\n", "m.toml:4:1: ",
       "table 't': unknown key 'colums' (allowed: name, schema, comment, renamed_from"},
      {"unknown column key", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", nulable = true } ]\n",
       "m.toml:2:41: ", "table 't', column 'a': unknown key 'nulable' (allowed: name, type, primary_key, nullable"},
      {"column without a type", "[tables.t]\ncolumns = [\n  { name = \"a\" },\n]\n", "m.toml:3:3: ",
       "table 't', column 'a': missing key 'type'"},
      {"column without a name", "[tables.t]\ncolumns = [ { type = \"int\" } ]\n", "m.toml:2:13: ",
       "table 't', column 1: missing key 'name'"},
      {"wrong type for nullable", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", nullable = \"no\" } ]\n",
       "m.toml:2:52: ", "'nullable' must be a boolean (true or false), not a string"},
      {"wrong type for type", "[tables.t]\ncolumns = [ { name = \"a\", type = 5 } ]\n", "m.toml:2:34: ",
       "'type' must be a string, not an integer"},
      {"columns not an array", "[tables.t]\ncolumns = \"a\"\n", "m.toml:2:11: ", "'columns' must be an array, not a string"},
      {"missing columns", "[tables.t]\ncomment = \"x\"\n", "m.toml:1:1: ", "table 't': missing key 'columns'"},
      {"a column that is not a table", "[tables.t]\ncolumns = [ \"a\" ]\n", "m.toml:2:13: ",
       "table 't', column 1: a column must be a table, not a string"},
      {"duplicate column", "[tables.t]\ncolumns = [\n { name = \"a\", type = \"int\" },\n { name = \"a\", type = \"int\" },\n]\n",
       "m.toml:4:2: ", "table 't': column 'a' is declared twice"},
      {"duplicate table (same qualified name)",
       "[tables.t]\ncolumns = []\n[tables.u]\nname = \"t\"\ncolumns = []\n", "m.toml:3:1: ",
       "table 'u': table 't' is declared twice"},
      {"duplicate table key (TOML)", "[tables.t]\ncolumns = []\n[tables.t]\ncolumns = []\n", "m.toml:3:",
       "invalid TOML"},
      {"index on an unknown column",
       "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\" } ]\nindexes = [ { name = \"ix\", columns = [\"b\"] } ]\n",
       "m.toml:3:38: ", "table 't', index 'ix': unknown column 'b' of table 't'"},
      {"unique on an unknown column",
       "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\" } ]\nunique = [ { columns = [\"a\", \"zz\"] } ]\n",
       "m.toml:3:24: ", "table 't', unique constraint 1: unknown column 'zz' of table 't'"},
      {"FK on an unknown column",
       "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\" } ]\nforeign_keys = [ { name = \"fk\", columns = [\"b\"], references = \"u(id)\" } ]\n",
       "m.toml:3:", "table 't', foreign key 'fk': unknown column 'b' of table 't'"},
      {"primary key on an unknown column",
       "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\" } ]\nprimary_key = [\"b\"]\n", "m.toml:3:15: ",
       "primary_key: unknown column 'b' of table 't'"},
      {"bad references spelling", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", references = \"orgs.id\" } ]\n",
       "m.toml:2:54: ", "bad 'references' value 'orgs.id': expected \"table(column, ...)\""},
      {"references column count", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\" } ]\nforeign_keys = [ { columns = [\"a\"], references = \"u(x, y)\" } ]\n",
       "m.toml:3:", "foreign key has 1 column(s) but references 2"},
      {"unknown FK action", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", references = \"u(x)\", on_delete = \"explode\" } ]\n",
       "m.toml:2:", "'on_delete' is 'explode'; expected one of cascade, set null, set default, restrict, no action"},
      {"on_delete without references", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", on_delete = \"cascade\" } ]\n",
       "m.toml:2:", "'on_delete'/'on_update' need 'references'"},
      {"bad identity", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", identity = \"sometimes\" } ]\n",
       "m.toml:2:", "expected \"always\" or \"by default\""},
      {"bad initially", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\" } ]\nforeign_keys = [ { columns = [\"a\"], references = \"u(x)\", initially = \"later\" } ]\n",
       "m.toml:3:", "'initially' is 'later'"},
      {"stored without generated", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", stored = true } ]\n",
       "m.toml:2:", "'stored' needs 'generated'"},
      {"nullable primary-key column", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", primary_key = true, nullable = true } ]\n",
       "m.toml:2:", "a primary-key column cannot be nullable = true"},
      {"primary key declared twice", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", primary_key = true } ]\nprimary_key = [\"a\"]\n",
       "m.toml:3:15: ", "declared both on columns"},
      {"duplicate index name", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\", index = true } ]\nindexes = [ { name = \"ix_t_a\", columns = [\"a\"] } ]\n",
       "m.toml:3:", "index 'ix_t_a' is declared twice"},
      {"check without sql", "[tables.t]\ncolumns = []\nchecks = [ { name = \"ck\" } ]\n", "m.toml:3:",
       "table 't', check 1: missing key 'sql'"},
      {"table that is not a table", "tables = { t = 1 }\n", "m.toml:1:", "table 't': must be a table"},
      {"columns with a non-string", "[tables.t]\ncolumns = [ { name = \"a\", type = \"int\" } ]\nunique = [ { columns = [1] } ]\n",
       "m.toml:3:", "'columns' must contain only strings"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    std::string msg = parse_error(c.text);
    INFO(msg);
    REQUIRE_FALSE(msg.empty());
    CHECK(msg.rfind(c.prefix, 0) == 0);
    CHECK(msg.find(c.message) != std::string::npos);
  }
}

TEST_CASE("models.toml: load_models_toml names an unreadable file") {
  try {
    load_models_toml("/nonexistent/models.toml");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).rfind("/nonexistent/models.toml: cannot read file", 0) == 0);
  }
}

TEST_CASE("models.toml: write is neat and reads back") {
  MetaData md = parse_models_toml(kDesignExample, "m.toml");
  std::string text = write_models_toml(md);
  CHECK(text ==
        "[tables.users]\n"
        "comment = \"Registered users\"\n"
        "columns = [\n"
        "  { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"email\", type = \"varchar(255)\", nullable = false },\n"
        "  { name = \"status\", type = \"text\", nullable = false, default = \"'active'\" },\n"
        "  { name = \"created_at\", type = \"timestamp\", nullable = false, default = \"CURRENT_TIMESTAMP\" },\n"
        "  { name = \"org_id\", type = \"integer\", references = \"orgs(id)\", on_delete = \"cascade\" },\n"
        "]\n"
        "indexes = [ { name = \"ix_users_created\", columns = [\"created_at\"] } ]\n"
        "unique = [ { name = \"uq_users_email\", columns = [\"email\"] } ]\n"
        "checks = [ { name = \"ck_users_status\", sql = \"status IN ('active', 'disabled')\" } ]\n");
  CHECK(test::same(parse_models_toml(text, "w.toml"), md));
}

TEST_CASE("models.toml: escaping of awkward names and texts round-trips") {
  Table t;
  t.name = "we\"ird table";
  Column c;
  c.name = "col \\ \"x\"";
  c.type = "varchar(10)";
  c.default_ = "'a\tb\nc\x01'";
  c.comment = "\xe2\x9c\x93 unicode";
  t.columns.push_back(c);
  ForeignKey fk;
  fk.columns = {c.name};
  fk.ref_schema = "s.x";
  fk.ref_table = "t(1)";
  fk.ref_columns = {"a \"b\""};
  t.foreign_keys.push_back(fk);
  MetaData md;
  md.add_table(t);
  std::string text = write_models_toml(md);
  INFO(text);
  MetaData back = parse_models_toml(text, "w.toml");
  CHECK(test::same(back, md));
}

TEST_CASE("models.toml: property - parse(write(md)) == md for generated schemas") {
  for (unsigned seed = 1; seed <= 400; ++seed) {
    test::SchemaGen gen(seed);
    MetaData md = gen.metadata();
    std::string text = write_models_toml(md);
    INFO("seed " << seed << "\n" << text);
    MetaData back;
    REQUIRE_NOTHROW(back = parse_models_toml(text, "gen.toml"));
    REQUIRE(test::same(back, md));
    // Writing is deterministic: the text is a fixed point.
    REQUIRE(write_models_toml(back) == text);
  }
}

}  // namespace migrate

TEST_CASE("large models files read section by section give the same schema and the same errors",
          "[io][models]") {
  std::string text = "# many tables\n\n";
  for (int i = 0; i < 150; ++i) {
    std::string t = "t" + std::to_string(i);
    if (i % 10 == 0) {  // the array-of-tables spelling, which belongs to its section
      text += "[tables." + t + "]\ncomment = \"long form\"\n\n[[tables." + t +
              ".columns]]\nname = \"id\"\ntype = \"integer\"\nprimary_key = true\n\n[[tables." + t +
              ".columns]]\nname = \"extra\"\ntype = \"text\"\n\n";
      continue;
    }
    text += "[tables." + t + "]\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n";
    text += "  { name = \"p\", type = \"integer\", references = \"t" + std::to_string(i - 1) + "(id)\" },\n";
    text += "]\n\n";
  }
  migrate::MetaData md = migrate::parse_models_toml(text, "big.toml");
  REQUIRE(md.tables().size() == 150);
  CHECK(md.tables()[0].name == "t0");
  CHECK(md.tables()[149].name == "t149");
  CHECK(md.tables()[10].columns.size() == 2);
  CHECK(md.tables()[10].columns[1].name == "extra");
  CHECK(md.tables()[10].comment == std::optional<std::string>("long form"));
  CHECK(md.tables()[5].foreign_keys.size() == 1);
  // The same text read as one document gives an equal schema.
  CHECK(migrate::parse_models_toml(migrate::write_models_toml(md), "again.toml") == md);
  // An error deep in the file names its own line.
  std::string bad = text;
  size_t at = bad.find("[tables.t120]");
  bad.insert(at, "[tables.broken]\ncolumns = [ { name = \"x\" } ]\n\n");
  size_t line = static_cast<size_t>(std::count(bad.begin(), bad.begin() + static_cast<long>(at), '\n')) + 2;
  try {
    migrate::parse_models_toml(bad, "big.toml");
    FAIL("accepted a column without a type");
  } catch (const migrate::InputError& e) {
    CHECK(std::string(e.what()).rfind("big.toml:" + std::to_string(line) + ":", 0) == 0);
  }
}
