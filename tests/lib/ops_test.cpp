// Ops: names, destructive flags, inversion, and applying ops to an in-memory schema.
#include <catch2/catch.hpp>

#include <migrate/error.hpp>
#include <migrate/io/models_file.hpp>
#include <migrate/ops/operation.hpp>

using namespace std::string_literals;

namespace {

migrate::MetaData schema() {
  return migrate::parse_models_toml(R"M([tables.t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "a", type = "text", default = "'x'" } ]
indexes = [ { name = "ix_a", columns = ["a"] } ]
unique = [ { name = "uq_a", columns = ["a"] } ])M",
                                    "t.toml");
}

}  // namespace

TEST_CASE("every op inverts to an op that undoes it on a schema", "[ops]") {
  migrate::Column b;
  b.name = "b";
  b.type = "integer";
  migrate::AlterColumn alter;
  alter.table = "t";
  alter.column = "a";
  alter.new_type = "varchar(5)";
  alter.new_nullable = false;
  alter.new_default = std::optional<std::string>{};
  alter.existing_type = "text";
  alter.existing_nullable = true;
  alter.existing_default = std::optional<std::string>{"'x'"};
  migrate::AlterColumn rename;
  rename.table = "t";
  rename.column = "a";
  rename.new_name = "a2";
  std::vector<migrate::Operation> ops = {
      migrate::AddColumn{"", "t", b},
      alter,
      rename,
      migrate::CreateIndex{"", "t", {"ix_id", {"id"}, true, {}, "", {}}},
      migrate::DropIndex{"", "t", "ix_a", migrate::Index{"ix_a", {"a"}, false, {}, "", {}}},
      migrate::CreateCheckConstraint{"", "t", {"ck", "id > 0", {}}},
      migrate::DropConstraint{"", "t", "uq_a", migrate::ConstraintKind::unique, migrate::UniqueConstraint{"uq_a", {"a"}, {}}},
      migrate::RenameTable{"", "t", "t2"},
  };
  for (const auto& op : ops) {
    INFO(migrate::describe(op));
    migrate::MetaData md = schema();
    const migrate::MetaData before = md;
    migrate::apply_op(md, op);
    CHECK_FALSE(md == before);
    auto inverse = migrate::reverse(op);
    REQUIRE(inverse);
    migrate::apply_op(md, *inverse);
    // Index and constraint order may change; compare as sets through a second round trip.
    auto t = md.find_table("t");
    REQUIRE(t);
    CHECK(t->columns == before.find_table("t")->columns);
    CHECK(t->indexes.size() == before.find_table("t")->indexes.size());
    CHECK(t->uniques.size() == before.find_table("t")->uniques.size());
  }
}

TEST_CASE("ops without the previous state cannot be inverted", "[ops]") {
  CHECK_FALSE(migrate::reverse(migrate::DropTable{"", "t", std::nullopt}));
  CHECK_FALSE(migrate::reverse(migrate::ExecuteSql{"DELETE FROM t", {}, true}));
  std::vector<migrate::Operation> ops = {migrate::ExecuteSql{"DELETE FROM t", {}, true}};
  CHECK_THROWS_AS(migrate::reverse_all(ops), migrate::InputError);
}

TEST_CASE("op names and destructive flags", "[ops]") {
  CHECK(migrate::op_name(migrate::DropColumn{"", "t", "a", {}}) == "drop_column");
  CHECK(migrate::is_destructive(migrate::DropColumn{"", "t", "a", {}}));
  CHECK(migrate::is_destructive(migrate::DropTable{"", "t", {}}));
  CHECK_FALSE(migrate::is_destructive(migrate::AddColumn{"", "t", {}}));
}

TEST_CASE("apply_op reports what is missing", "[ops]") {
  migrate::MetaData md = schema();
  CHECK_THROWS_AS(migrate::apply_op(md, migrate::DropColumn{"", "t", "nope", {}}), migrate::InputError);
  CHECK_THROWS_AS(migrate::apply_op(md, migrate::DropTable{"", "nope", {}}), migrate::InputError);
  CHECK_THROWS_AS(migrate::apply_op(md, migrate::AddColumn{"", "t", migrate::Column{"a", "text"}}), migrate::InputError);
}

TEST_CASE("a MetaData made from a vector of tables keeps their order and finds them", "[model]") {
  migrate::Table b;
  b.name = "b";
  migrate::Table a;
  a.name = "a";
  a.schema = "s";
  migrate::MetaData md(std::vector<migrate::Table>{b, a});
  REQUIRE(md.tables().size() == 2);
  CHECK(md.tables()[0].name == "b");
  CHECK(md.find_table("s.a") == &md.tables()[1]);
  CHECK_FALSE(md.find_table("a"));
  CHECK_THROWS_AS(migrate::MetaData(std::vector<migrate::Table>{b, b}), migrate::InputError);
}
