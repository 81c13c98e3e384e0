// The autogenerate case collection: tests/cases/<topic>.toml, one TEST_CASE per topic and
// dialect. Every case runs five phases on a real database of the dialect:
//   1. apply the current schema (per-dialect SQL, or a models.toml snippet applied through
//      a migration); a current model must then compare clean;
//   2. the diff between the database and the desired model equals the expected ops;
//   3. those ops, written as a migration file and upgraded, leave an empty re-diff;
//   4. the downgrade restores the schema of phase 1 (compare() of the two is empty);
//   5. the current schema compares clean against the database again.
// Case keys are documented in tests/cases/README.md.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <cstdlib>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <migrate/command.hpp>
#include <migrate/dialect/registry.hpp>
#include <migrate/diff/compare.hpp>
#include <migrate/error.hpp>
#include <migrate/io/migration_file.hpp>
#include <migrate/io/models_file.hpp>

#include "command/environment.hpp"
#include "support/support.hpp"

namespace fs = std::filesystem;

namespace {

const char* const kDialects[] = {"sqlite", "postgresql"};

struct Case {
  std::string topic;
  std::string name;
  int line = 0;
  std::set<std::string> dialects;
  std::optional<std::string> current_model;          // models.toml text
  std::map<std::string, std::string> current_sql;    // dialect -> SQL ("" key: every dialect)
  std::map<std::string, std::string> seed_sql;       // run after phase 1
  std::string desired;                               // models.toml text
  std::map<std::string, std::vector<std::string>> expect;  // dialect ("" = every) -> entries
  std::map<std::string, std::vector<std::string>> unsupported;  // "kind name" entries
  std::string xfail;  // a known failure, with its reason: reported, and an error once it passes

  std::string label(const std::string& dialect) const {
    return fmt::format("{}.toml:{}: case '{}' on {}", topic, line, name, dialect);
  }
  template <class M>
  static const typename M::mapped_type* for_dialect(const M& m, const std::string& dialect) {
    auto it = m.find(dialect);
    if (it != m.end()) return &it->second;
    it = m.find("");
    return it == m.end() ? nullptr : &it->second;
  }
};

std::vector<std::string> str_array(const toml::node* n, const std::string& where) {
  std::vector<std::string> out;
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) throw std::runtime_error(where + ": expected an array of strings");
  for (const auto& e : *a) {
    auto s = e.value<std::string>();
    if (!s) throw std::runtime_error(where + ": expected an array of strings");
    out.push_back(*s);
  }
  return out;
}

std::vector<Case> load_topic(const std::string& topic) {
  std::string path = std::string(MIGRATE_SOURCE_DIR) + "/tests/cases/" + topic + ".toml";
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(fmt::format("{}:{}: {}", path, e.source().begin.line, e.description()));
  }
  std::vector<Case> cases;
  const toml::array* arr = root["case"].as_array();
  if (!arr) throw std::runtime_error(path + ": no [[case]] entries");
  static const std::set<std::string> known = {
      "name", "dialects", "current", "current_sql", "current_sqlite", "current_postgresql",
      "seed_sql", "seed_sqlite", "seed_postgresql", "desired", "expect", "expect_sqlite",
      "expect_postgresql", "unsupported", "unsupported_sqlite", "unsupported_postgresql", "xfail"};
  for (const auto& node : *arr) {
    const toml::table& t = *node.as_table();
    Case c;
    c.topic = topic;
    c.line = static_cast<int>(t.source().begin.line);
    std::string where = fmt::format("{}:{}", path, c.line);
    for (auto&& [k, v] : t) {
      (void)v;
      if (!known.count(std::string(k.str())))
        throw std::runtime_error(where + ": unknown case key '" + std::string(k.str()) + "'");
    }
    c.name = t["name"].value_or(std::string());
    if (c.name.empty()) throw std::runtime_error(where + ": case without a name");
    for (const auto& d : str_array(t.get("dialects"), where)) c.dialects.insert(d);
    if (c.dialects.empty()) c.dialects = {"sqlite", "postgresql"};
    if (auto m = t["current"].value<std::string>()) c.current_model = *m;
    if (auto s = t["current_sql"].value<std::string>()) c.current_sql[""] = *s;
    if (auto s = t["seed_sql"].value<std::string>()) c.seed_sql[""] = *s;
    if (t.contains("expect")) c.expect[""] = str_array(t.get("expect"), where);
    if (t.contains("unsupported")) c.unsupported[""] = str_array(t.get("unsupported"), where);
    for (const char* d : kDialects) {
      std::string ds(d);
      if (auto s = t["current_" + ds].value<std::string>()) c.current_sql[ds] = *s;
      if (auto s = t["seed_" + ds].value<std::string>()) c.seed_sql[ds] = *s;
      if (t.contains("expect_" + ds)) c.expect[ds] = str_array(t.get("expect_" + ds), where);
      if (t.contains("unsupported_" + ds)) c.unsupported[ds] = str_array(t.get("unsupported_" + ds), where);
    }
    c.desired = t["desired"].value_or(std::string());
    c.xfail = t["xfail"].value_or(std::string());
    if (c.current_model && !c.current_sql.empty())
      throw std::runtime_error(where + ": give 'current' or 'current_sql', not both");
    if (c.expect.empty()) throw std::runtime_error(where + ": case without 'expect'");
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<std::string> described(const migrate::Diff& d) {
  std::vector<std::string> out;
  for (const auto& op : d.upgrade) out.push_back(migrate::describe(op));
  return out;
}

std::string listing(const std::vector<std::string>& v) {
  if (v.empty()) return "(none)";
  std::string s;
  for (const auto& x : v) s += "\n    " + x;
  return s;
}

bool is_op_name(const std::string& s) {
  return !s.empty() && s.find(' ') == std::string::npos;
}

/// An expected entry matches an op by its name ("add_column") or its describe() line.
bool matches(const std::vector<std::string>& expected, const migrate::Diff& d) {
  if (expected.size() != d.upgrade.size()) return false;
  for (size_t i = 0; i < expected.size(); ++i) {
    const std::string& e = expected[i];
    const std::string actual = is_op_name(e) ? migrate::op_name(d.upgrade[i]) : migrate::describe(d.upgrade[i]);
    if (actual != e) return false;
  }
  return true;
}

/// One project directory for one case: migrate.toml pointing at `url`, versions/, the
/// models file the phases write.
struct Project {
  migrate::test::TempDir dir;
  migrate::GlobalOptions g;
  migrate::Output out{[](const std::string&) {}, [](const std::string&) {}};
  std::vector<std::string> revisions;

  explicit Project(const std::string& url) {
    dir.write("migrate.toml", "[database]\nurl = \"" + url + "\"\n[models]\nsource = \"models.toml\"\n");
    fs::create_directories(dir.file("versions"));
    dir.write("models.toml", "");
    g.config_path = dir.file("migrate.toml");
    g.quiet = true;
  }

  migrate::Diff diff(const std::string& models_text) {
    dir.write("models.toml", models_text);
    migrate::MetaData declared = migrate::parse_models_toml(models_text, dir.file("models.toml"));
    migrate::Environment env(g);
    auto conn = env.connect();
    return migrate::compare_with_database(env, *conn, declared);
  }

  /// Writes a migration of `ops` on top of the last one and upgrades to it.
  void upgrade(const migrate::Diff& d) {
    migrate::MigrationFile f;
    f.revision.id = "r" + std::to_string(revisions.size() + 1);
    if (!revisions.empty()) f.revision.down_revisions = {revisions.back()};
    f.revision.message = "case step";
    f.create_date = "2026-01-01T00:00:00Z";
    f.upgrade = d.upgrade;
    f.downgrade = migrate::reverse_all(d.upgrade);
    std::string text = migrate::write_migration_file(f, &d.notes);
    dir.write("versions/" + f.revision.id + "_case_step.toml", text);
    revisions.push_back(f.revision.id);
    migrate::ApplyOptions o;
    o.target = "head";
    migrate::cmd_upgrade(g, o, out);
  }

  void downgrade_one() {
    migrate::ApplyOptions o;
    o.target = revisions.size() > 1 ? revisions[revisions.size() - 2] : "base";
    migrate::cmd_downgrade(g, o, out);
  }

  migrate::MetaData live() {
    migrate::Environment env(g);
    auto conn = env.connect();
    return conn->reflect(env.reflect_options());
  }

  std::unique_ptr<migrate::Connection> connect() {
    migrate::Environment env(g);
    return env.connect();
  }
};

std::vector<std::string> unsupported_of(const migrate::MetaData& md) {
  std::vector<std::string> out;
  for (const auto& u : md.unsupported) out.push_back(u.kind + " " + u.name);
  return out;
}

struct CaseFailure {
  std::string message;
};

void expect(bool ok, const std::string& message) {
  if (!ok) throw CaseFailure{message};
}

void run_case(const Case& c, const std::string& dialect, const std::string& url) {
  Project p(url);
  // Phase 1: the current schema.
  if (c.current_model) {
    migrate::Diff create = p.diff(*c.current_model);
    p.upgrade(create);
    migrate::Diff again = p.diff(*c.current_model);
    expect(again.empty(), "phase 1: the current model, once applied, differs:" + listing(described(again)));
  } else if (const std::string* sql = Case::for_dialect(c.current_sql, dialect)) {
    p.connect()->execute_script(*sql);
  }
  if (const std::string* seed = Case::for_dialect(c.seed_sql, dialect)) p.connect()->execute_script(*seed);
  migrate::MetaData live1 = p.live();
  if (const auto* unsupported = Case::for_dialect(c.unsupported, dialect))
    expect(unsupported_of(live1) == *unsupported, "phase 1: unsupported objects: expected" +
                                                      listing(*unsupported) + "\n  got" +
                                                      listing(unsupported_of(live1)));

  // Phase 2: the diff.
  const auto* expected = Case::for_dialect(c.expect, dialect);
  expect(expected != nullptr, "no 'expect' for this dialect");
  migrate::Diff d = p.diff(c.desired);
  expect(matches(*expected, d), "phase 2: expected" + listing(*expected) + "\n  got" + listing(described(d)));
  auto inspected_compares_clean = [&] {
    // The schema of phase 1 as `migrate inspect --format toml` writes it is a model that
    // compares clean.
    std::string inspected = migrate::write_models_toml(live1);
    migrate::Diff again = p.diff(inspected);
    expect(again.empty(), "phase 5: the inspected schema of phase 1, used as the model, differs:" +
                              listing(described(again)) + "\n  model:\n" + inspected);
  };
  if (d.empty()) {  // nothing to apply: phases 3-4 have nothing to do
    if (!c.current_model) inspected_compares_clean();
    return;
  }

  // Phase 3: upgrade, then the desired model compares clean.
  p.upgrade(d);
  {
    migrate::Diff again = p.diff(c.desired);
    expect(again.empty(), "phase 3: after the upgrade the desired model still differs:" + listing(described(again)));
  }

  // Phase 4: downgrade restores the schema of phase 1.
  p.downgrade_one();
  migrate::MetaData back = p.live();
  {
    auto& dia = migrate::dialect_by_name(dialect);
    migrate::Diff restore = migrate::compare(back, live1, dia, {});
    expect(restore.empty(), "phase 4: after the downgrade the schema differs from phase 1:" + listing(described(restore)));
    migrate::Diff reverse = migrate::compare(live1, back, dia, {});
    expect(reverse.empty(), "phase 4 (reverse direction):" + listing(described(reverse)));
  }

  // Phase 5: the current schema compares clean again.
  if (c.current_model) {
    migrate::Diff again = p.diff(*c.current_model);
    expect(again.empty(), "phase 5: the current model differs after the round trip:" + listing(described(again)));
  } else {
    inspected_compares_clean();
  }
}

/// Runs one case and reports its failure (without stopping the other cases).
void run_reported(const Case& c, const std::string& dialect, const std::string& url) {
  std::string failure;
  try {
    run_case(c, dialect, url);
  } catch (const CaseFailure& f) {
    failure = f.message;
  } catch (const migrate::Error& e) {
    failure = std::string("error: ") + e.what();
  } catch (const std::exception& e) {
    failure = std::string("exception: ") + e.what();
  }
  if (!c.xfail.empty()) {
    if (failure.empty())
      FAIL_CHECK(c.label(dialect) << "\n  passes now: remove its xfail (" << c.xfail << ")");
    else
      WARN(c.label(dialect) << "\n  known failure (" << c.xfail << "):\n  " << failure);
    return;
  }
  if (!failure.empty()) FAIL_CHECK(c.label(dialect) << "\n  " << failure);
  else SUCCEED(c.label(dialect));
}

/// Drops everything a case can create in the test database (schemas, types, sequences,
/// views, functions) so the next case starts empty.
void reset_pg(const std::string& url) {
  auto conn = migrate::open_connection(url);
  conn->execute_script(
      "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; "
      "DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
      "AND nspname NOT IN ('public', 'information_schema') LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); "
      "END LOOP; END $$;");
}

void run_topic(const std::string& topic, const std::string& dialect) {
  std::vector<Case> cases;
  REQUIRE_NOTHROW(cases = load_topic(topic));
  int ran = 0;
  const char* only = std::getenv("MIGRATE_CASE");  // run just the case of this name
  if (dialect == "sqlite") {
    migrate::test::TempDir dbs;
    for (const auto& c : cases) {
      if (!c.dialects.count(dialect) || (only && c.name != only)) continue;
      ++ran;
      run_reported(c, dialect, fmt::format("sqlite:///{}/case{}.db", dbs.path(), ran));
    }
  } else {
    migrate::test::PgDatabase db;
    for (const auto& c : cases) {
      if (!c.dialects.count(dialect) || (only && c.name != only)) continue;
      ++ran;
      reset_pg(db.url());
      run_reported(c, dialect, db.url());
    }
  }
  if (ran == 0) WARN("no " << topic << " case runs on " << dialect);
}

const char* const kTopics[] = {"types", "defaults", "keys", "indexes", "foreign_keys", "checks", "comments",
                               "views", "enums", "sequences", "renames", "rebuilds", "unsupported"};

}  // namespace

#define MIGRATE_CASE_TOPIC(topic)                                                   \
  TEST_CASE("sqlite: " #topic " cases", "[cases][sqlite]") { run_topic(#topic, "sqlite"); } \
  TEST_CASE("postgresql: " #topic " cases", "[cases][pg]") {                        \
    MIGRATE_REQUIRE_PG_OR_RETURN();                                                 \
    run_topic(#topic, "postgresql");                                                \
  }

MIGRATE_CASE_TOPIC(types)
MIGRATE_CASE_TOPIC(defaults)
MIGRATE_CASE_TOPIC(keys)
MIGRATE_CASE_TOPIC(indexes)
MIGRATE_CASE_TOPIC(foreign_keys)
MIGRATE_CASE_TOPIC(checks)
MIGRATE_CASE_TOPIC(comments)
MIGRATE_CASE_TOPIC(views)
MIGRATE_CASE_TOPIC(enums)
MIGRATE_CASE_TOPIC(sequences)
MIGRATE_CASE_TOPIC(renames)
MIGRATE_CASE_TOPIC(rebuilds)
MIGRATE_CASE_TOPIC(unsupported)

TEST_CASE("every topic file has a test and every case file parses", "[cases]") {
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(std::string(MIGRATE_SOURCE_DIR) + "/tests/cases"))
    if (e.path().extension() == ".toml") files.insert(e.path().stem().string());
  std::set<std::string> topics(std::begin(kTopics), std::end(kTopics));
  CHECK(files == topics);
  for (const auto& t : topics) {
    INFO(t);
    std::vector<Case> cases;
    REQUIRE_NOTHROW(cases = load_topic(t));
    CHECK(!cases.empty());
    std::set<std::string> names;
    for (const auto& c : cases) {
      INFO(c.name);
      CHECK(names.insert(c.name).second);  // SECTION names must be unique
      for (const auto& d : c.dialects) CHECK((d == "sqlite" || d == "postgresql"));
    }
  }
}
