// compare(): table-driven cases of live schema x declared schema -> expected ops.
#include <catch2/catch.hpp>

#include <migrate/diff/compare.hpp>
#include <migrate/io/models_file.hpp>

#include "dialect/sqlite/sqlite.hpp"

namespace {

using migrate::compare;
using migrate::CompareOptions;
using migrate::describe;
using migrate::MetaData;

MetaData models(const std::string& toml) { return migrate::parse_models_toml(toml, "case.toml"); }

std::vector<std::string> described(const migrate::Diff& d) {
  std::vector<std::string> out;
  for (const auto& op : d.upgrade) out.push_back(describe(op));
  return out;
}

struct Case {
  const char* name;
  const char* live;
  const char* declared;
  std::vector<std::string> expected;
};

const char* kBase = R"M(
[tables.p]
columns = [ { name = "id", type = "integer", primary_key = true } ]
[tables.c]
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "p_id", type = "integer", references = "p(id)" },
  { name = "name", type = "text", nullable = false, default = "'x'" },
]
indexes = [ { name = "ix_c_name", columns = ["name"] } ]
)M";

}  // namespace

TEST_CASE("compare finds each kind of difference, in Alembic's order", "[compare]") {
  const std::vector<Case> cases = {
      {"identical", kBase, kBase, {}},
      {"new tables in foreign-key order", "",
       R"M([tables.child]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "parent_id", type = "integer", references = "parent(id)" } ]
[tables.parent]
columns = [ { name = "id", type = "integer", primary_key = true } ])M",
       {"create table parent", "create table child"}},
      {"dropped tables, dependents first", kBase, "", {"drop table c", "drop table p"}},
      {"add and drop columns: adds first, drops last", R"M([tables.t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "old", type = "text" } ])M",
       R"M([tables.t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "new", type = "integer" } ])M",
       {"add column t.new integer", "drop column t.old"}},
      {"type, nullability and default", R"M([tables.t]
columns = [ { name = "a", type = "varchar(10)" }, { name = "b", type = "text" }, { name = "c", type = "text", default = "'x'" } ])M",
       R"M([tables.t]
columns = [ { name = "a", type = "varchar(20)" }, { name = "b", type = "text", nullable = false }, { name = "c", type = "text", default = "'y'" } ])M",
       {"alter column t.a: type varchar(10) -> varchar(20)", "alter column t.b: not null",
        "alter column t.c: default 'x' -> 'y'"}},
      {"spelling differences are not differences", R"M([tables.t]
columns = [ { name = "a", type = "VARCHAR(10)", default = "('x')" }, { name = "b", type = "integer", default = "0" } ])M",
       R"M([tables.t]
columns = [ { name = "a", type = "varchar( 10 )", default = "'x'" }, { name = "b", type = "INTEGER", default = "(0)" } ])M",
       {}},
      {"index changes: drop then create", kBase, R"M(
[tables.p]
columns = [ { name = "id", type = "integer", primary_key = true } ]
[tables.c]
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "p_id", type = "integer", references = "p(id)" },
  { name = "name", type = "text", nullable = false, default = "'x'" },
]
indexes = [ { name = "ix_c_name", columns = ["name", "p_id"] }, { name = "ix_c_p", columns = ["p_id"], where = "p_id > 0" } ]
)M",
       {"drop index ix_c_name on c", "create index ix_c_name on c (name, p_id)", "create index ix_c_p on c (p_id)"}},
      {"unique constraints by name and by columns", R"M([tables.t]
columns = [ { name = "a", type = "text" }, { name = "b", type = "text" } ]
unique = [ { columns = ["a"] } ])M",
       R"M([tables.t]
columns = [ { name = "a", type = "text" }, { name = "b", type = "text" } ]
unique = [ { columns = ["a"] }, { name = "uq_b", columns = ["b"] } ])M",
       {"create unique constraint uq_b on t (b)"}},
      {"foreign key action change is drop + create", kBase, R"M(
[tables.p]
columns = [ { name = "id", type = "integer", primary_key = true } ]
[tables.c]
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "p_id", type = "integer", references = "p(id)", on_delete = "cascade" },
  { name = "name", type = "text", nullable = false, default = "'x'" },
]
indexes = [ { name = "ix_c_name", columns = ["name"] } ]
)M",
       {"drop foreign_key constraint (p_id) -> p on c", "create foreign key on c (p_id) -> p(id)"}},
      {"check constraints by expression", R"M([tables.t]
columns = [ { name = "a", type = "integer" } ]
checks = [ { name = "ck_a", sql = "a > 0" } ])M",
       R"M([tables.t]
columns = [ { name = "a", type = "integer" } ]
checks = [ { name = "ck_a", sql = "a > 1" } ])M",
       {"drop check constraint ck_a on t", "create check constraint ck_a on t: a > 1"}},
      {"primary key change", R"M([tables.t]
columns = [ { name = "a", type = "integer", primary_key = true }, { name = "b", type = "integer", nullable = false } ])M",
       R"M([tables.t]
columns = [ { name = "a", type = "integer", primary_key = true }, { name = "b", type = "integer", primary_key = true } ])M",
       {"drop primary constraint (a) on t", "create primary key on t (a, b)"}},
      {"rename hints give renames, not drop + add", R"M([tables.old_t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "nm", type = "text" } ]
indexes = [ { name = "ix_old", columns = ["nm"] } ])M",
       R"M([tables.t]
renamed_from = "old_t"
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "name", type = "text", renamed_from = "nm" } ]
indexes = [ { name = "ix_new", columns = ["name"], renamed_from = "ix_old" } ])M",
       {"rename table old_t to t", "alter column t.nm: rename to name", "rename index ix_old to ix_new on t"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto d = compare(models(c.live), models(c.declared), migrate::sqlite_dialect(), CompareOptions{});
    CHECK(described(d) == c.expected);
    REQUIRE(d.notes.size() == d.upgrade.size());
    // Every generated op can be inverted: the downgrade is always derivable.
    CHECK_NOTHROW(migrate::reverse_all(d.upgrade));
  }
}

TEST_CASE("compare flags a same-typed drop + add in one table as a possible rename", "[compare]") {
  auto d = compare(models("[tables.t]\ncolumns = [ { name = \"a\", type = \"text\" } ]"),
                   models("[tables.t]\ncolumns = [ { name = \"b\", type = \"text\" } ]"), migrate::sqlite_dialect(), {});
  REQUIRE(d.upgrade.size() == 2);
  CHECK(d.notes[0].find("possible rename of column t.a to b") != std::string::npos);
  CHECK(d.notes[1] == d.notes[0]);
}

TEST_CASE("compare options turn off type and default comparison", "[compare]") {
  auto live = models("[tables.t]\ncolumns = [ { name = \"a\", type = \"text\", default = \"'x'\" } ]");
  auto decl = models("[tables.t]\ncolumns = [ { name = \"a\", type = \"integer\", default = \"'y'\" } ]");
  CompareOptions off;
  off.compare_types = false;
  off.compare_server_defaults = false;
  CHECK(compare(live, decl, migrate::sqlite_dialect(), off).empty());
  CHECK(compare(live, decl, migrate::sqlite_dialect(), {}).upgrade.size() == 1);
}

TEST_CASE("applying the diff to the live schema yields the declared one", "[compare]") {
  MetaData live = models(kBase);
  MetaData decl = models(R"M(
[tables.p]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "title", type = "text" } ]
[tables.q]
columns = [ { name = "id", type = "integer", primary_key = true } ]
)M");
  auto d = compare(live, decl, migrate::sqlite_dialect(), {});
  MetaData after = live;
  for (const auto& op : d.upgrade) migrate::apply_op(after, op);
  CHECK(compare(after, decl, migrate::sqlite_dialect(), {}).empty());
  MetaData back = after;
  for (const auto& op : migrate::reverse_all(d.upgrade)) migrate::apply_op(back, op);
  CHECK(compare(back, live, migrate::sqlite_dialect(), {}).empty());
}

TEST_CASE("naming conventions name unnamed constraints and indexes", "[compare]") {
  MetaData md = models(R"M([tables.users]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "org_id", type = "integer", references = "orgs(id)" }, { name = "email", type = "text", unique = true } ]
indexes = [ { columns = ["email", "org_id"] } ]
checks = [ { sql = "id > 0" } ])M");
  migrate::apply_naming_convention(md, {{"pk", "pk_%(table_name)s"},
                                        {"uq", "uq_%(table_name)s_%(column_0_name)s"},
                                        {"fk", "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"},
                                        {"ix", "ix_%(column_0_N_name)s"},
                                        {"ck", "ck_%(table_name)s_%(constraint_name)s"}});
  const auto& t = md.tables()[0];
  CHECK(t.primary_key.name == "pk_users");
  CHECK(t.uniques[0].name == "uq_users_email");
  CHECK(t.foreign_keys[0].name == "fk_users_org_id_orgs");
  CHECK(t.indexes[0].name == "ix_email_org_id");
  CHECK(t.checks[0].name == "ck_users_1");
}

TEST_CASE("a hinted constraint rename is a rename op that inverts", "[compare]") {
  auto live = migrate::parse_models_toml(R"M([tables.t]
columns = [ { name = "a", type = "integer" } ]
unique = [ { name = "uq_old", columns = ["a"] } ]
checks = [ { name = "ck_old", sql = "a > 0" } ])M", "live.toml");
  auto decl = migrate::parse_models_toml(R"M([tables.t]
columns = [ { name = "a", type = "integer" } ]
unique = [ { name = "uq_new", columns = ["a"], renamed_from = "uq_old" } ]
checks = [ { name = "ck_new", sql = "a > 0", renamed_from = "ck_old" } ])M", "decl.toml");
  auto d = compare(live, decl, migrate::sqlite_dialect(), {});
  CHECK(described(d) == std::vector<std::string>{"rename unique constraint uq_old to uq_new on t",
                                                  "rename check constraint ck_old to ck_new on t"});
  MetaData after = live;
  for (const auto& op : d.upgrade) migrate::apply_op(after, op);
  CHECK(after.find_table("t")->uniques[0].name == "uq_new");
  for (const auto& op : migrate::reverse_all(d.upgrade)) migrate::apply_op(after, op);
  CHECK(after.find_table("t")->uniques[0].name == "uq_old");
  CHECK(after.find_table("t")->checks[0].name == "ck_old");
}
