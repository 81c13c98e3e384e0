#include <catch2/catch.hpp>

#include <migrate/error.hpp>
#include <migrate/io/migration_file.hpp>

#include "io/equal.hpp"
#include "io/gen.hpp"
#include "support/support.hpp"
#include "util/sha256.hpp"

namespace migrate {
namespace {

const char* const kDesignExample = R"TOML(revision = "1975ea83b712"
down_revision = "ae1027a6acf0"     # omitted for a base; an array for a merge
branch_labels = []                 # optional
depends_on = []                    # optional
message = "add email to users"
create_date = 2026-11-22T09:30:00Z

[[upgrade]]
op = "add_column"
table = "users"
column = { name = "email", type = "varchar(255)", nullable = true }

[[upgrade]]
op = "sql"                          # data migration; per dialect: sqlite = "...", postgresql = "..."
sql = "UPDATE users SET email = name || '@example.com'"

[[downgrade]]
op = "drop_column"
table = "users"
column = "email"
)TOML";

std::string parse_error(const std::string& text) {
  try {
    parse_migration_file(text, "v.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const std::string kHeader = "revision = \"abc\"\n";  // one line

Column col(const std::string& name, const std::string& type, bool nullable = true) {
  Column c;
  c.name = name;
  c.type = type;
  c.nullable = nullable;
  return c;
}

Table users_table() {
  Table t;
  t.name = "users";
  t.columns = {col("id", "integer", false), col("email", "varchar(255)"), col("org_id", "integer")};
  t.columns[1].default_ = "''";
  t.primary_key.columns = {"id"};
  t.uniques.push_back(UniqueConstraint{"uq_users_email", {"email"}, std::nullopt});
  ForeignKey fk;
  fk.columns = {"org_id"};
  fk.ref_table = "orgs";
  fk.ref_columns = {"id"};
  fk.on_delete = "CASCADE";
  t.foreign_keys.push_back(fk);
  t.comment = "people";
  return t;
}

// One op of every kind, with every optional field set somewhere.
std::vector<Operation> every_op() {
  std::vector<Operation> ops;
  ops.push_back(CreateTable{users_table()});
  Table audit = users_table();
  audit.schema = "audit";
  audit.name = "log";
  audit.without_rowid = true;
  audit.strict = true;
  ops.push_back(CreateTable{audit});
  ops.push_back(DropTable{"", "users", users_table()});
  ops.push_back(DropTable{"audit", "log", std::nullopt});
  ops.push_back(RenameTable{"app", "users", "accounts"});
  Column c = col("email", "varchar(255)", false);
  c.default_ = "'x@y'";
  c.comment = "mail";
  c.collation = "C";
  ops.push_back(AddColumn{"", "users", c});
  ops.push_back(DropColumn{"", "users", "email", c});
  ops.push_back(DropColumn{"s", "users", "email", std::nullopt});
  AlterColumn all;
  all.schema = "s";
  all.table = "users";
  all.column = "email";
  all.new_type = "text";
  all.new_nullable = false;
  all.new_default = std::optional<std::string>("'n/a'");
  all.new_name = "mail";
  all.new_comment = std::optional<std::string>("the mail");
  all.existing_type = "varchar(255)";
  all.existing_nullable = true;
  all.existing_default = std::optional<std::string>("''");
  all.existing_comment = std::optional<std::string>("old");
  ops.push_back(all);
  AlterColumn drops;
  drops.table = "users";
  drops.column = "email";
  drops.new_default = std::optional<std::string>();
  drops.new_comment = std::optional<std::string>();
  drops.existing_default = std::optional<std::string>();
  drops.existing_comment = std::optional<std::string>();
  ops.push_back(drops);
  AlterColumn nullable_only;
  nullable_only.table = "users";
  nullable_only.column = "email";
  nullable_only.new_nullable = true;
  ops.push_back(nullable_only);
  Index ix;
  ix.name = "ix_users_email";
  ix.columns = {"lower(email)", "id"};
  ix.unique = true;
  ix.where = "email IS NOT NULL";
  ix.method = "btree";
  ops.push_back(CreateIndex{"s", "users", ix});
  ops.push_back(DropIndex{"s", "users", "ix_users_email", ix});
  ops.push_back(DropIndex{"", "users", "ix_other", std::nullopt});
  ops.push_back(RenameIndex{"", "users", "ix_a", "ix_b"});
  ops.push_back(CreatePrimaryKey{"", "users", PrimaryKey{"pk_users", {"id", "org_id"}}});
  ops.push_back(CreateUniqueConstraint{"", "users", UniqueConstraint{"uq_x", {"email", "id"}, std::nullopt}});
  ForeignKey fk;
  fk.name = "fk_users_org";
  fk.columns = {"org_id"};
  fk.ref_schema = "core";
  fk.ref_table = "orgs";
  fk.ref_columns = {"id"};
  fk.on_delete = "SET NULL";
  fk.on_update = "CASCADE";
  fk.deferrable = true;
  fk.initially_deferred = true;
  ops.push_back(CreateForeignKey{"", "users", fk});
  ops.push_back(CreateCheckConstraint{"", "users", CheckConstraint{"ck_x", "id > 0", std::nullopt}});
  DropConstraint d1;
  d1.table = "users";
  d1.name = "fk_users_org";
  d1.kind = ConstraintKind::foreign_key;
  d1.existing = fk;
  ops.push_back(d1);
  DropConstraint d2;  // unnamed: found by its definition
  d2.table = "users";
  d2.kind = ConstraintKind::foreign_key;
  ForeignKey unnamed = fk;
  unnamed.name.clear();
  d2.existing = unnamed;
  ops.push_back(d2);
  DropConstraint d3;
  d3.schema = "s";
  d3.table = "users";
  d3.name = "uq_x";
  d3.kind = ConstraintKind::unique;
  ops.push_back(d3);
  DropConstraint d4;
  d4.table = "users";
  d4.name = "pk_users";
  d4.kind = ConstraintKind::primary_key;
  d4.existing = PrimaryKey{"pk_users", {"id"}};
  ops.push_back(d4);
  DropConstraint d5;
  d5.table = "users";
  d5.name = "ck_x";
  d5.kind = ConstraintKind::check;
  d5.existing = CheckConstraint{"ck_x", "id > 0", std::nullopt};
  ops.push_back(d5);
  ops.push_back(AlterTableComment{"", "users", std::string("new"), std::optional<std::string>("old")});
  ops.push_back(AlterTableComment{"s", "users", std::nullopt, std::optional<std::string>()});
  ops.push_back(AlterTableComment{"", "users", std::string("x"), std::nullopt});
  ops.push_back(ExecuteSql{"UPDATE users SET email = name || '@example.com'", {}, true});
  ops.push_back(ExecuteSql{"", {{"sqlite", "VACUUM"}, {"postgresql", "CREATE INDEX CONCURRENTLY ix ON t (a)"}}, false});
  ops.push_back(ExecuteSql{"UPDATE t\nSET a = 'it''s'\nWHERE b = \"c\" \\ d;\n", {{"postgresql", "SELECT 1"}}, true});
  return ops;
}

MigrationFile file_with(std::vector<Operation> up, std::vector<Operation> down = {}) {
  MigrationFile f;
  f.revision.id = "1975ea83b712";
  f.revision.down_revisions = {"ae1027a6acf0"};
  f.revision.message = "add email";
  f.create_date = "2026-11-22T09:30:00Z";
  f.upgrade = std::move(up);
  f.downgrade = std::move(down);
  return f;
}

}  // namespace

TEST_CASE("migration file: the DESIGN example parses") {
  MigrationFile f = parse_migration_file(kDesignExample, "v/1975_add.toml");
  CHECK(f.revision.id == "1975ea83b712");
  CHECK(f.revision.down_revisions == std::vector<std::string>{"ae1027a6acf0"});
  CHECK(f.revision.branch_labels.empty());
  CHECK(f.revision.depends_on.empty());
  CHECK(f.revision.message == "add email to users");
  CHECK(f.revision.path == "v/1975_add.toml");
  CHECK(f.create_date == "2026-11-22T09:30:00Z");
  REQUIRE(f.upgrade.size() == 2);
  auto& add = std::get<AddColumn>(f.upgrade[0]);
  CHECK(add.table == "users");
  CHECK(add.column.name == "email");
  CHECK(add.column.type == "varchar(255)");
  CHECK(add.column.nullable);
  auto& sql = std::get<ExecuteSql>(f.upgrade[1]);
  CHECK(sql.sql == "UPDATE users SET email = name || '@example.com'");
  CHECK(sql.transaction);
  REQUIRE(f.downgrade.size() == 1);
  auto& drop = std::get<DropColumn>(f.downgrade[0]);
  CHECK(drop.column == "email");
  CHECK_FALSE(drop.existing);
}

TEST_CASE("migration file: header forms") {
  SECTION("base revision, strings for lists, string create_date") {
    MigrationFile f = parse_migration_file(
        "revision = \"a1\"\nbranch_labels = \"feature\"\ndepends_on = \"b2\"\ncreate_date = \"yesterday\"\n",
        "v.toml");
    CHECK(f.revision.down_revisions.empty());
    CHECK(f.revision.branch_labels == std::vector<std::string>{"feature"});
    CHECK(f.revision.depends_on == std::vector<std::string>{"b2"});
    CHECK(f.create_date == "yesterday");
    CHECK(f.revision.message.empty());
    CHECK(f.upgrade.empty());
    CHECK(f.downgrade.empty());
  }
  SECTION("merge revision") {
    MigrationFile f = parse_migration_file(
        "revision = \"m\"\ndown_revision = [\"a\", \"b\"]\ndepends_on = [\"x\", \"y@head\"]\n"
        "create_date = 2026-01-02T03:04:05.250+01:00\nupgrade = []\ndowngrade = []\n",
        "v.toml");
    CHECK(f.revision.down_revisions == std::vector<std::string>{"a", "b"});
    CHECK(f.revision.depends_on == std::vector<std::string>{"x", "y@head"});
    CHECK(f.create_date == "2026-01-02T03:04:05.250+01:00");
  }
}

TEST_CASE("migration file: every op kind round-trips through write and parse") {
  std::vector<Operation> ops = every_op();
  MigrationFile f = file_with(ops, reverse_all({ops[0], ops[5]}));
  f.revision.branch_labels = {"core"};
  f.revision.depends_on = {"x1", "x2"};
  std::string text = write_migration_file(f);
  INFO(text);
  MigrationFile back = parse_migration_file(text, "w.toml");
  CHECK(back.revision.id == f.revision.id);
  CHECK(back.revision.down_revisions == f.revision.down_revisions);
  CHECK(back.revision.branch_labels == f.revision.branch_labels);
  CHECK(back.revision.depends_on == f.revision.depends_on);
  CHECK(back.revision.message == f.revision.message);
  CHECK(back.create_date == f.create_date);
  REQUIRE(back.upgrade.size() == ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    INFO("op " << i + 1 << " " << op_name(ops[i]));
    CHECK(test::same(back.upgrade[i], ops[i]));
  }
  CHECK(test::same(back.downgrade, f.downgrade));
  CHECK(write_migration_file(back) == text);
}

TEST_CASE("migration file: property - generated create_table and drop_table ops round-trip") {
  for (unsigned seed = 1; seed <= 150; ++seed) {
    test::SchemaGen gen(seed);
    MetaData md = gen.metadata();
    std::vector<Operation> up;
    std::vector<Operation> down;
    for (const Table& t : md.tables()) {
      up.push_back(CreateTable{t});
      down.push_back(DropTable{t.schema, t.name, t});
    }
    MigrationFile f = file_with(up, down);
    f.revision.message = gen.text();
    std::string text = write_migration_file(f);
    INFO("seed " << seed << "\n" << text);
    MigrationFile back;
    REQUIRE_NOTHROW(back = parse_migration_file(text, "gen.toml"));
    REQUIRE(test::same(back.upgrade, up));
    REQUIRE(test::same(back.downgrade, down));
    REQUIRE(back.revision.message == f.revision.message);
  }
}

TEST_CASE("migration file: the written text is laid out for people") {
  MigrationFile f = file_with({AddColumn{"", "users", col("email", "text")},
                               DropColumn{"", "users", "name", col("name", "text")}},
                              {});
  std::vector<std::string> notes = {"possible rename of users.name to users.email", ""};
  std::string text = write_migration_file(f, &notes);
  CHECK(text ==
        "# add email\n"
        "revision = \"1975ea83b712\"\n"
        "down_revision = \"ae1027a6acf0\"\n"
        "message = \"add email\"\n"
        "create_date = 2026-11-22T09:30:00Z\n"
        "downgrade = []\n"
        "\n"
        "# NOTE: possible rename of users.name to users.email\n"
        "[[upgrade]]\n"
        "op = \"add_column\"\n"
        "table = \"users\"\n"
        "column = { name = \"email\", type = \"text\" }\n"
        "\n"
        "# DESTRUCTIVE: drops column users.name and its data\n"
        "[[upgrade]]\n"
        "op = \"drop_column\"\n"
        "table = \"users\"\n"
        "column = \"name\"\n"
        "existing = { name = \"name\", type = \"text\" }\n");
  MigrationFile back = parse_migration_file(text, "w.toml");
  CHECK(test::same(back.upgrade, f.upgrade));
}

TEST_CASE("migration file: create_table columns one per line, dropped table definition as a sub-table") {
  MigrationFile f = file_with({CreateTable{users_table()}}, {DropTable{"", "users", users_table()}});
  std::string text = write_migration_file(f);
  CHECK(text.find("[[upgrade]]\n"
                  "op = \"create_table\"\n"
                  "table = \"users\"\n"
                  "comment = \"people\"\n"
                  "columns = [\n"
                  "  { name = \"id\", type = \"integer\", primary_key = true },\n"
                  "  { name = \"email\", type = \"varchar(255)\", default = \"''\" },\n"
                  "  { name = \"org_id\", type = \"integer\", references = \"orgs(id)\", on_delete = \"cascade\" },\n"
                  "]\n"
                  "unique = [ { name = \"uq_users_email\", columns = [\"email\"] } ]\n") != std::string::npos);
  CHECK(text.find("# DESTRUCTIVE: drops table users and all its rows\n"
                  "[[downgrade]]\n"
                  "op = \"drop_table\"\n"
                  "table = \"users\"\n"
                  "\n"
                  "[downgrade.existing]\n"
                  "comment = \"people\"\n") != std::string::npos);
}

TEST_CASE("migration file: multi-line SQL is written as a literal block") {
  MigrationFile f = file_with({ExecuteSql{"UPDATE t\nSET a = 1;\n", {}, true}});
  std::string text = write_migration_file(f);
  CHECK(text.find("sql = '''\nUPDATE t\nSET a = 1;\n'''\n") != std::string::npos);
}

TEST_CASE("migration file: bad input names file, line, column and the op") {
  struct Case {
    const char* what;
    std::string text;
    std::string prefix;
    std::string message;
  };
  const std::string op1 = kHeader + "\n[[upgrade]]\n";  // op keys start on line 4
  const std::vector<Case> cases = {
      {"malformed TOML", "revision = \"a\"\nmessage = \"x\n", "v.toml:2:", "invalid TOML"},
      {"missing revision", "message = \"x\"\n", "v.toml:", "missing key 'revision'"},
      {"revision not a string", "revision = 12\n", "v.toml:1:12: ", "'revision' must be a string, not an integer"},
      {"invalid revision id", "revision = \"a-b\"\n", "v.toml:1:12: ", "invalid revision id 'a-b'"},
      {"down_revision wrong type", kHeader + "down_revision = 3\n", "v.toml:2:17: ",
       "'down_revision' must be a string or an array of strings, not an integer"},
      {"empty down_revision", kHeader + "down_revision = \"\"\n", "v.toml:2:17: ", "must not be empty"},
      {"empty branch label", kHeader + "branch_labels = [\"a\", \"\"]\n", "v.toml:2:17: ", "'branch_labels' must not hold an empty string"},
      {"create_date wrong type", kHeader + "create_date = 5\n", "v.toml:2:15: ", "'create_date' must be a date-time"},
      {"unknown header key", kHeader + "mesage = \"x\"\n", "v.toml:2:1: ",
       "unknown key 'mesage' (allowed: revision, down_revision, branch_labels, depends_on, message, create_date, upgrade, downgrade)"},
      {"upgrade not an array", kHeader + "upgrade = 1\n", "v.toml:2:11: ", "'upgrade' must be an array of op tables"},
      {"missing op", op1 + "table = \"t\"\n", "v.toml:3:", "upgrade op 1: missing key 'op'"},
      {"unknown op", op1 + "op = \"add_colum\"\n", "v.toml:4:6: ", "upgrade op 1: unknown op 'add_colum' (known: create_table,"},
      {"missing table", kHeader + "\n[[upgrade]]\nop = \"sql\"\nsql = \"x\"\n\n[[upgrade]]\nop = \"sql\"\nsql = \"y\"\n\n[[upgrade]]\nop = \"add_column\"\ncolumn = { name = \"a\", type = \"int\" }\n",
       "v.toml:11:", "upgrade op 3 (add_column): missing key 'table'"},
      {"unknown op key", op1 + "op = \"rename_table\"\ntable = \"a\"\nnew_name = \"b\"\nnewname = \"c\"\n", "v.toml:7:1: ",
       "upgrade op 1 (rename_table): unknown key 'newname' (allowed: op, schema, table, new_name)"},
      {"wrong type in op", op1 + "op = \"create_index\"\ntable = \"t\"\ncolumns = \"a\"\n", "v.toml:6:11: ",
       "upgrade op 1 (create_index): 'columns' must be an array of strings, not a string"},
      {"column without type", op1 + "op = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"a\" }\n", "v.toml:6:10: ",
       "upgrade op 1 (add_column), column 'a': missing key 'type'"},
      {"shorthand not allowed in add_column", op1 + "op = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"a\", type = \"int\", primary_key = true }\n",
       "v.toml:6:", "unknown key 'primary_key'"},
      {"bad constraint type", op1 + "op = \"drop_constraint\"\ntable = \"t\"\nname = \"c\"\ntype = \"fk\"\n", "v.toml:7:8: ",
       "'type' is 'fk'; expected \"primary\", \"unique\", \"foreign_key\" or \"check\""},
      {"unnamed drop_constraint without existing", op1 + "op = \"drop_constraint\"\ntable = \"t\"\ntype = \"unique\"\n", "v.toml:3:",
       "an unnamed constraint needs 'existing'"},
      {"sql without sql", op1 + "op = \"sql\"\ntransaction = false\n", "v.toml:3:", "missing key 'sql'"},
      {"sql with schema", op1 + "op = \"sql\"\nsql = \"x\"\nschema = \"s\"\n", "v.toml:6:1: ", "unknown key 'schema'"},
      {"alter_column with no change", op1 + "op = \"alter_column\"\ntable = \"t\"\ncolumn = \"c\"\nexisting_type = \"int\"\n", "v.toml:3:",
       "alter_column changes nothing"},
      {"default and drop_default", op1 + "op = \"alter_column\"\ntable = \"t\"\ncolumn = \"c\"\ndefault = \"1\"\ndrop_default = true\n", "v.toml:8:",
       "give either 'default' or 'drop_default', not both"},
      {"downgrade op numbering", kHeader + "\n[[downgrade]]\nop = \"drop_table\"\n", "v.toml:3:", "downgrade op 1 (drop_table): missing key 'table'"},
      {"bad references in create_foreign_key", op1 + "op = \"create_foreign_key\"\ntable = \"t\"\nname = \"fk\"\ncolumns = [\"a\"]\nreferences = \"u\"\n",
       "v.toml:8:14: ", "bad 'references' value 'u'"},
      {"existing column name mismatch", op1 + "op = \"drop_column\"\ntable = \"t\"\ncolumn = \"a\"\nexisting = { name = \"b\", type = \"int\" }\n",
       "v.toml:7:", "existing column is named 'b', not 'a'"},
      {"create_table column error", op1 + "op = \"create_table\"\ntable = \"t\"\ncolumns = [ { name = \"a\", type = \"int\" } ]\nindexes = [ { columns = [\"b\"] } ]\n",
       "v.toml:7:", "upgrade op 1 (create_table), index 1: unknown column 'b' of table 't'"},
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

TEST_CASE("migration file: read_migration_header reads only the header") {
  test::TempDir dir;
  SECTION("ops are not read") {
    dir.write("a.toml", "revision = \"a1\"\ndown_revision = [\"b\", \"c\"]\nbranch_labels = [\"x\"]\n"
                        "depends_on = \"d\"\nmessage = \"m\"\n\n[[upgrade]]\nop = \"no_such_op\"\n");
    Revision r = read_migration_header(dir.file("a.toml"));
    CHECK(r.id == "a1");
    CHECK(r.down_revisions == std::vector<std::string>{"b", "c"});
    CHECK(r.branch_labels == std::vector<std::string>{"x"});
    CHECK(r.depends_on == std::vector<std::string>{"d"});
    CHECK(r.message == "m");
    CHECK(r.path == dir.file("a.toml"));
    CHECK_THROWS_AS(read_migration_file(dir.file("a.toml")), InputError);
  }
  SECTION("a header line that looks like a table header inside a multi-line string") {
    dir.write("b.toml", "revision = \"b1\"\nmessage = \"\"\"\nfirst\n[[upgrade]] is not a table here\n\"\"\"\n\n[[upgrade]]\nop = \"sql\"\nsql = \"x\"\n");
    Revision r = read_migration_header(dir.file("b.toml"));
    CHECK(r.id == "b1");
    CHECK(r.message == "first\n[[upgrade]] is not a table here\n");
  }
  SECTION("errors in the header keep their line numbers") {
    dir.write("c.toml", "# comment\nrevision = \"c1\"\ndown_revision = 7\n\n[[upgrade]]\nop = \"sql\"\nsql = \"x\"\n");
    try {
      read_migration_header(dir.file("c.toml"));
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).rfind(dir.file("c.toml") + ":3:17: ", 0) == 0);
    }
  }
  SECTION("a file with no ops") {
    dir.write("d.toml", "revision = \"d1\"\n");
    CHECK(read_migration_header(dir.file("d.toml")).id == "d1");
  }
  SECTION("a missing file") {
    CHECK_THROWS_WITH(read_migration_header(dir.file("none.toml")),
                      Catch::Matchers::StartsWith(dir.file("none.toml") + ": cannot read file"));
  }
}

TEST_CASE("migration file: every combination of alter_column and alter_table_comment fields round-trips") {
  // Each change-or-drop field is absent, set, or dropped; each plain field absent or set.
  using Change = std::optional<std::optional<std::string>>;
  const std::vector<Change> changes = {std::nullopt, Change(std::optional<std::string>("'v'")),
                                       Change(std::optional<std::string>())};
  std::vector<Operation> ops;
  for (int mask = 0; mask < 16; ++mask)
    for (const auto& def : changes)
      for (const auto& comment : changes)
        for (const auto& ex_def : changes)
          for (const auto& ex_comment : changes) {
            AlterColumn a;
            a.table = "t";
            a.column = "c";
            if (mask & 1) a.new_type = "text";
            if (mask & 2) a.new_nullable = (mask & 4) != 0;
            if (mask & 8) a.new_name = "d";
            a.new_default = def;
            a.new_comment = comment;
            if (mask & 4) a.existing_type = "int";
            if (mask & 1) a.existing_nullable = (mask & 8) != 0;
            a.existing_default = ex_def;
            a.existing_comment = ex_comment;
            if (!a.new_type && !a.new_nullable && !a.new_name && !a.new_default && !a.new_comment)
              continue;  // changes nothing: rejected by the reader
            ops.push_back(a);
          }
  for (const auto& comment : {std::optional<std::string>("c"), std::optional<std::string>()})
    for (const auto& ex : changes) ops.push_back(AlterTableComment{"", "t", comment, ex});
  MigrationFile f = file_with(ops);
  std::string text = write_migration_file(f);
  MigrationFile back = parse_migration_file(text, "w.toml");
  REQUIRE(back.upgrade.size() == ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    INFO("op " << i + 1);
    REQUIRE(test::same(back.upgrade[i], ops[i]));
  }
}

TEST_CASE("migration file: headers of every shape round-trip") {
  MigrationFile f = file_with({});
  for (int shape = 0; shape < 4; ++shape) {
    f.revision.down_revisions = shape == 0 ? std::vector<std::string>{}
                                : shape == 1 ? std::vector<std::string>{"a"}
                                             : std::vector<std::string>{"a", "b", "c"};
    f.revision.branch_labels = shape == 3 ? std::vector<std::string>{"l1", "l2"} : std::vector<std::string>{};
    f.create_date = shape == 2 ? "not a date" : shape == 3 ? "" : "2026-11-22T09:30:00.123456Z";
    f.revision.message = shape == 3 ? "two\nlines \"quoted\"" : "m";
    std::string text = write_migration_file(f);
    INFO(text);
    MigrationFile back = parse_migration_file(text, "w.toml");
    CHECK(back.revision.down_revisions == f.revision.down_revisions);
    CHECK(back.revision.branch_labels == f.revision.branch_labels);
    CHECK(back.revision.message == f.revision.message);
    CHECK(back.create_date == f.create_date);
    CHECK(back.upgrade.empty());
    CHECK(back.downgrade.empty());
  }
}

TEST_CASE("sha256_hex gives the FIPS 180-2 digests") {
  CHECK(util::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(util::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(util::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("a migration file read from disk carries the SHA-256 of its bytes, one parsed from text none") {
  test::TempDir dir;
  std::string text = std::string(kDesignExample) + "# a trailing comment\r\n";
  dir.write("v.toml", text);
  MigrationFile f = read_migration_file(dir.file("v.toml"));
  // Independent of our code: coreutils' sha256sum of the same file.
  std::string expected = test::run_shell("sha256sum '" + dir.file("v.toml") + "'").substr(0, 64);
  CHECK(f.sha256 == expected);
  CHECK(f.sha256 == util::sha256_hex(text));
  // One byte more is another hash; parsing text alone records none.
  dir.write("v.toml", text + "\n");
  CHECK(read_migration_file(dir.file("v.toml")).sha256 != expected);
  CHECK(parse_migration_file(text, "v.toml").sha256.empty());
}

}  // namespace migrate
