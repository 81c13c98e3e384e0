// Random schemas for round-trip property tests: every MetaData built here is one the
// models.toml loader can produce (primary-key columns NOT NULL, normalised FK actions,
// unique names), with awkward names and texts to exercise quoting and escaping.
#pragma once

#include <random>
#include <set>
#include <string>
#include <vector>

#include <migrate/model/metadata.hpp>

namespace migrate::test {

class SchemaGen {
 public:
  explicit SchemaGen(unsigned seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }
  template <typename T>
  const T& one_of(const std::vector<T>& v) { return v[static_cast<size_t>(pick(static_cast<int>(v.size())))]; }

  std::string name() {
    static const std::vector<std::string> pool = {
        "id", "email", "org_id", "created_at", "status", "name", "x", "Mixed", "select",
        "my col", "a.b", "q\"uote", "paren(s)", "\xc3\xbcn\xc3\xaf" "code", "dash-ed", "t_1", " pad "};
    return one_of(pool);
  }
  std::string text() {
    static const std::vector<std::string> pool = {
        "", "plain", "it's", "say \"hi\"", "back\\slash", "line1\nline2", "tab\there",
        "ctl\x01\x7f", "'''triple'''", "\xe2\x9c\x93 ok", "trailing quote'", "  spaced  "};
    return one_of(pool);
  }
  std::optional<std::string> maybe_text(int percent = 30) {
    if (!chance(percent)) return std::nullopt;
    return text();
  }
  std::string type() {
    static const std::vector<std::string> pool = {
        "integer", "bigint", "text", "varchar(255)", "numeric(10, 2)", "timestamp with time zone",
        "integer[]", "double precision", "\"my type\"", "boolean"};
    return one_of(pool);
  }
  std::string action() {
    static const std::vector<std::string> pool = {"", "", "CASCADE", "SET NULL", "SET DEFAULT",
                                                  "RESTRICT"};
    return one_of(pool);
  }

  Column column(const std::string& n) {
    Column c;
    c.name = n;
    c.type = type();
    c.nullable = chance(60);
    if (chance(40)) c.default_ = one_of(std::vector<std::string>{"'active'", "0", "CURRENT_TIMESTAMP", text()});
    c.autoincrement = chance(10);
    if (chance(10)) c.identity = chance(50) ? "always" : "by default";
    if (chance(10)) {
      c.generated = "a + 1";
      c.generated_stored = chance(50);
    }
    if (chance(10)) c.collation = chance(50) ? "C" : "und-x-icu";
    c.comment = maybe_text(20);
    c.renamed_from = chance(10) ? std::optional<std::string>(name() + "_old") : std::nullopt;
    return c;
  }

  // `n` distinct columns of t, in random order.
  std::vector<std::string> some_columns(const Table& t, size_t n) {
    std::vector<std::string> all;
    for (const auto& c : t.columns) all.push_back(c.name);
    std::shuffle(all.begin(), all.end(), rng_);
    all.resize(std::min(n, all.size()));
    return all;
  }

  Table table(const std::string& schema, const std::string& tname,
              const std::vector<std::string>& other_tables) {
    Table t;
    t.schema = schema;
    t.name = tname;
    t.comment = maybe_text(30);
    if (chance(10)) t.renamed_from = "old_" + tname;
    t.without_rowid = chance(10);
    t.strict = chance(10);
    std::set<std::string> used;
    int ncols = 1 + pick(6);
    for (int i = 0; i < ncols; ++i) {
      std::string n = name();
      if (!used.insert(n).second) n += "_" + std::to_string(i);
      used.insert(n);
      t.columns.push_back(column(n));
    }
    int counter = 0;
    auto cname = [&](const char* prefix) { return std::string(prefix) + "_" + tname + "_" + std::to_string(counter++); };
    if (chance(70)) {
      size_t n = 1 + static_cast<size_t>(pick(2));
      t.primary_key.columns = some_columns(t, n);
      if (chance(50)) {  // in column order, the shorthand form
        std::vector<std::string> ordered;
        for (const auto& c : t.columns)
          for (const auto& p : t.primary_key.columns)
            if (c.name == p) ordered.push_back(p);
        t.primary_key.columns = ordered;
      }
      if (chance(30)) t.primary_key.name = cname("pk");
      for (const auto& p : t.primary_key.columns) t.find_column(p)->nullable = false;
    }
    for (int i = pick(3); i > 0; --i) {
      UniqueConstraint u;
      u.columns = some_columns(t, 1 + static_cast<size_t>(pick(2)));
      if (chance(50)) u.name = cname("uq");
      if (chance(10)) u.renamed_from = "uq_old";
      t.uniques.push_back(u);
    }
    for (int i = pick(4); i > 0; --i) {
      Index ix;
      int kind = pick(3);
      if (kind == 0) {  // the shorthand form ix_<table>_<col>
        ix.columns = some_columns(t, 1);
        ix.name = "ix_" + tname + "_" + ix.columns[0];
      } else if (kind == 1) {
        ix.columns = some_columns(t, 1 + static_cast<size_t>(pick(3)));
        ix.name = cname("ix");
      } else {
        ix.columns = {"lower(email)", t.columns[0].name + " DESC"};
        ix.name = cname("ix");
      }
      bool dup = false;
      for (const auto& o : t.indexes) dup = dup || o.name == ix.name;
      if (dup) continue;
      ix.unique = chance(20);
      if (chance(20)) ix.where = "deleted_at IS NULL";
      if (chance(20)) ix.method = "gin";
      if (chance(10)) ix.renamed_from = "ix_old";
      t.indexes.push_back(ix);
    }
    for (int i = pick(3); i > 0; --i) {
      CheckConstraint ck;
      if (chance(60)) ck.name = cname("ck");
      ck.sql = chance(50) ? "status IN ('a', 'b')" : "x > 0 AND y <> \"z\"";
      t.checks.push_back(ck);
    }
    for (int i = pick(3); i > 0; --i) {
      ForeignKey fk;
      size_t n = 1 + static_cast<size_t>(pick(2));
      fk.columns = some_columns(t, n);
      fk.ref_table = other_tables.empty() ? "orgs" : one_of(other_tables);
      if (chance(20)) fk.ref_schema = "audit";
      for (size_t k = 0; k < fk.columns.size(); ++k) fk.ref_columns.push_back(name());
      fk.on_delete = action();
      fk.on_update = action();
      if (chance(30)) fk.name = cname("fk");
      fk.deferrable = chance(20);
      fk.initially_deferred = fk.deferrable && chance(50);
      if (chance(10)) fk.renamed_from = "fk_old";
      t.foreign_keys.push_back(fk);
    }
    return t;
  }

  MetaData metadata() {
    MetaData md;
    std::vector<std::string> names;
    int n = 1 + pick(4);
    for (int i = 0; i < n; ++i) {
      std::string schema = chance(25) ? "audit" : "";
      std::string tname = chance(15) && !names.empty() ? names.back() : name() + "_t" + std::to_string(i);
      Table t = table(schema, tname, names);
      if (md.find_table(t.qualified_name())) continue;
      names.push_back(tname);
      md.add_table(t);
    }
    if (chance(30)) md.views.push_back(View{chance(50) ? "audit" : "", "v_" + std::to_string(pick(3)),
                                            "SELECT id\nFROM users\nWHERE x = 'y'"});
    return md;
  }

 private:
  std::mt19937 rng_;
};

}  // namespace migrate::test
