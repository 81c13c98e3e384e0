// Reflection: sqlite_schema plus one query per pragma over all tables at once, so the
// number of queries does not grow with the number of tables. What the pragmas do not
// report (constraint names, CHECK, COLLATE, generated expressions, DEFERRABLE, index
// expressions) comes from the CREATE texts through sqlite_sql_parser.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <migrate/error.hpp>

#include "dialect/sqlite/sqlite_connection.hpp"
#include "dialect/sqlite/sqlite_dialect.hpp"
#include "dialect/sqlite/sqlite_sql_parser.hpp"
#include "util/strings.hpp"

namespace migrate::sqlite {

namespace {

// ?1 is NULL for every table, or the one table's name.
constexpr const char* kObjectsQuery =
    "SELECT type, name, tbl_name, sql FROM sqlite_schema "
    "WHERE ?1 IS NULL OR lower(tbl_name) = lower(?1) OR type = 'view' ORDER BY rowid";
constexpr const char* kTableListQuery =
    "SELECT name, wr, strict, type FROM pragma_table_list "
    "WHERE schema = 'main' AND type IN ('table', 'shadow') AND (?1 IS NULL OR lower(name) = lower(?1))";
constexpr const char* kTableFilter =
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND m.sql NOT LIKE 'CREATE VIRTUAL%' AND (?1 IS NULL OR lower(m.name) = lower(?1))";
constexpr const char* kColumnsQuery =
    "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
    "FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE {} ORDER BY m.rowid, p.cid";
constexpr const char* kIndexesQuery =
    "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, ii.cid, ii.name "
    "FROM sqlite_schema m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ii "
    "WHERE {} AND ii.key = 1 ORDER BY m.rowid, il.name, ii.seqno";
constexpr const char* kForeignKeysQuery =
    "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete "
    "FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE {} "
    "ORDER BY m.rowid, f.id, f.seq";
constexpr const char* kPrimaryKeyQuery =
    "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk";

std::string with_filter(const char* query) {
  std::string q = query;
  q.replace(q.find("{}"), 2, kTableFilter);
  return q;
}

const std::string& text(const Row& r, size_t i) {
  static const std::string empty;
  return r[i] ? *r[i] : empty;
}

std::string key(std::string_view name) { return util::to_lower(name); }

bool same_names(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!util::iequals(a[i], b[i])) return false;
  return true;
}

// Empties `c` and gives its memory back (clear() would keep it).
template <class Container>
void release(Container& c) {
  Container().swap(c);
}

std::string fk_action(const std::string& a) {
  std::string u = util::to_upper(a);
  return u == "NO ACTION" ? "" : u;
}

// A table while reflection reads it: the model so far, and what its CREATE text says
// that the pragmas do not. The text is parsed when the table's column rows begin, and
// the parsed columns are dropped once they end: one table's at a time.
struct TableInProgress {
  Table table;
  std::string create_sql;  // until parsed
  ParsedTable parsed;
  std::vector<std::pair<int, std::string>> key_columns;  // (position in the key, column)

  void parse() {
    if (create_sql.empty()) return;
    parsed = parse_create_table(create_sql);
    release(create_sql);
  }
};

// SQLite itself writes a virtual table's text in sqlite_schema as "CREATE VIRTUAL TABLE
// ...": the test kTableFilter makes, without parsing the text.
bool is_virtual_table_sql(std::string_view sql) {
  constexpr std::string_view prefix = "CREATE VIRTUAL";
  return sql.size() >= prefix.size() && util::iequals(sql.substr(0, prefix.size()), prefix);
}

// What pragma_table_list says of a table.
struct ListedTable {
  bool shadow = false;  // a virtual table's shadow table
  bool without_rowid = false;
  bool strict = false;
};

// An index as sqlite_schema lists it.
struct CatalogIndex {
  size_t order = 0;  // position in sqlite_schema
  std::string sql;   // CREATE INDEX; empty for the automatic ones
};

struct RawIndex {
  std::string table;
  std::string name;
  size_t order = 0;  // CatalogIndex::order; 0 when sqlite_schema does not list it
  bool unique = false;
  std::string origin;
  bool partial = false;
  std::vector<int> cids;
  std::vector<std::string> names;
};

struct RawForeignKey {
  std::string ref_table;
  std::vector<std::string> columns;
  std::vector<std::optional<std::string>> ref_columns;
  std::string on_update;
  std::string on_delete;
};

}  // namespace

MetaData SqliteConnection::reflect(const ReflectOptions& options) {
  return reflect_impl(options, nullptr);
}

std::optional<Table> SqliteConnection::reflect_table(const std::string& /*schema*/,
                                                     const std::string& table) {
  ReflectOptions options;
  options.version_table.clear();
  MetaData md = reflect_impl(options, &table);
  for (const auto& t : md.tables())
    if (util::iequals(t.name, table)) return t;
  return std::nullopt;
}

// Every query's rows are used as they are stepped and none is collected: with 10 000
// tables the results would be a large part of `check`'s peak memory.
MetaData SqliteConnection::reflect_impl(const ReflectOptions& options, const std::string* only) {
  std::optional<std::string> filter;
  if (only) filter = *only;

  const std::string version_key = options.version_table.empty() ? "" : key(options.version_table);
  const std::string files_key =
      options.version_table.empty() ? "" : key(version_files_table_name(options.version_table));
  auto wanted = [&](const std::string& name) {
    std::string k = key(name);
    if (util::starts_with(k, "sqlite_")) return false;
    if (!version_key.empty() && (k == version_key || k == files_key)) return false;
    if (!options.include_tables.empty() && !util::matches_any(options.include_tables, name))
      return false;
    return !util::matches_any(options.exclude_tables, name);
  };

  std::vector<View> views;
  std::vector<UnsupportedObject> unsupported;
  // Tables in sqlite_schema order, with what their CREATE text says.
  std::vector<TableInProgress> tables;
  std::map<std::string, size_t> table_pos;  // lower-case name -> index in `tables`
  std::map<std::string, CatalogIndex> catalog_indexes;  // lower-case index name ->
  {
    // The shadow tables of virtual tables (fts5's docs_data, ...) belong to their virtual
    // table, which is reported as unsupported; they are not tables of the schema.
    std::map<std::string, ListedTable> listed;  // lower-case name ->
    for_each_row(make_statement(kTableListQuery, {filter}), [&](Row& r) {
      listed[key(text(r, 0))] = ListedTable{text(r, 3) == "shadow", text(r, 1) == "1", text(r, 2) == "1"};
    });
    for_each_row(make_statement(kObjectsQuery, {filter}), [&](Row& r) {
      const std::string& type = text(r, 0);
      const std::string& name = text(r, 1);
      const std::string& sql = text(r, 3);
      if (type == "table") {
        if (!r[3] || util::starts_with(key(name), "sqlite_")) return;
        auto l = listed.find(key(name));
        if (l != listed.end() && l->second.shadow) return;
        if (is_virtual_table_sql(sql)) {
          if (wanted(name)) unsupported.push_back({"virtual table", name, name});
          return;
        }
        TableInProgress t;
        t.table.name = name;
        if (l != listed.end()) {
          t.table.without_rowid = l->second.without_rowid;
          t.table.strict = l->second.strict;
        }
        t.create_sql = sql;
        table_pos[key(name)] = tables.size();
        tables.push_back(std::move(t));
      } else if (type == "index") {
        size_t order = catalog_indexes.size();
        catalog_indexes[key(name)] = CatalogIndex{order, sql};
      } else if (type == "view") {
        if (only) return;
        views.push_back(View{"", name, parse_create_object(sql).select_sql});
      } else if (type == "trigger") {
        if (wanted(text(r, 2)) || only) unsupported.push_back({"trigger", name, text(r, 2)});
      }
    });
  }
  auto find = [&](const std::string& name) -> TableInProgress* {
    auto it = table_pos.find(key(name));
    return it == table_pos.end() ? nullptr : &tables[it->second];
  };

  // Columns and primary keys (every table's, so FK targets that are filtered out still
  // give their primary key). A table's rows come together: once the next table's begin,
  // its parsed columns are not needed any more.
  TableInProgress* previous = nullptr;
  for_each_row(make_statement(with_filter(kColumnsQuery), {filter}), [&](Row& r) {
    TableInProgress* t = find(text(r, 0));
    if (t != previous) {
      if (previous) release(previous->parsed.columns);
      if (t) t->parse();
      previous = t;
    }
    if (!t) return;
    int hidden = std::stoi(text(r, 6));
    if (hidden == 1) return;  // a virtual table's hidden column
    // The CREATE text lists every column: the vector gets its final size at once.
    if (t->table.columns.empty()) t->table.columns.reserve(t->parsed.columns.size());
    Column c;
    c.name = text(r, 1);
    c.type = text(r, 2);
    c.nullable = text(r, 3) != "1";
    c.default_ = r[4];
    if (const ParsedColumn* pc = t->parsed.find_column(c.name)) {
      c.collation = pc->collation;
      if (hidden == 2 || hidden == 3) {
        c.generated = pc->generated;
        c.generated_stored = hidden == 3;
      }
      c.autoincrement = pc->autoincrement;
    }
    int pk = std::stoi(text(r, 5));
    if (pk > 0) t->key_columns.emplace_back(pk, c.name);
    t->table.columns.push_back(std::move(c));
  });
  for (auto& tp : tables) {
    tp.parse();  // a table without column rows
    Table& t = tp.table;
    ParsedTable& pt = tp.parsed;
    auto& pks = tp.key_columns;
    std::sort(pks.begin(), pks.end());
    for (const auto& p : pks) t.primary_key.columns.push_back(p.second);
    if (!t.primary_key.empty()) t.primary_key.name = pt.primary_key_name;
    if (pt.primary_key_autoincrement && t.primary_key.columns.size() == 1)
      if (Column* c = t.find_column(t.primary_key.columns[0])) c->autoincrement = true;
    // An INTEGER PRIMARY KEY is the rowid: it can never hold NULL, whatever the pragma
    // says, so `id integer PRIMARY KEY` compares equal to a NOT NULL key column.
    if (t.primary_key.columns.size() == 1 && !t.without_rowid)
      if (Column* c = t.find_column(t.primary_key.columns[0]))
        if (util::iequals(util::trim(c->type), "integer")) c->nullable = false;
    for (const auto& ck : pt.checks) t.checks.push_back({ck.name, ck.sql, std::nullopt});
    release(pt.columns);
    release(pks);
  }

  // Indexes: origin 'u' are UNIQUE constraints, 'c' CREATE INDEX, 'pk' the primary key.
  std::vector<RawIndex> raw_indexes;
  for_each_row(make_statement(with_filter(kIndexesQuery), {filter}), [&](Row& r) {
    if (raw_indexes.empty() || raw_indexes.back().name != text(r, 1) ||
        raw_indexes.back().table != text(r, 0)) {
      RawIndex ri;
      ri.table = text(r, 0);
      ri.name = text(r, 1);
      auto ci = catalog_indexes.find(key(ri.name));
      if (ci != catalog_indexes.end()) ri.order = ci->second.order;
      ri.unique = text(r, 2) == "1";
      ri.origin = text(r, 3);
      ri.partial = text(r, 4) == "1";
      raw_indexes.push_back(std::move(ri));
    }
    raw_indexes.back().cids.push_back(std::stoi(text(r, 5)));
    raw_indexes.back().names.push_back(text(r, 6));
  });
  std::stable_sort(raw_indexes.begin(), raw_indexes.end(),
                   [](const RawIndex& a, const RawIndex& b) { return a.order < b.order; });
  std::map<std::string, std::vector<std::pair<size_t, UniqueConstraint>>> uniques;
  for (const auto& ri : raw_indexes) {
    TableInProgress* t = find(ri.table);
    if (!t) continue;
    if (ri.origin == "u") {
      const ParsedTable& pt = t->parsed;
      size_t pos = pt.uniques.size();
      std::string name;
      for (size_t i = 0; i < pt.uniques.size(); ++i) {
        if (same_names(pt.uniques[i].columns, ri.names)) {
          pos = i;
          name = pt.uniques[i].name;
          break;
        }
      }
      uniques[key(t->table.name)].push_back({pos, UniqueConstraint{name, ri.names, std::nullopt}});
    } else if (ri.origin == "c") {
      Index ix;
      ix.name = ri.name;
      ix.unique = ri.unique;
      auto ci = catalog_indexes.find(key(ri.name));
      ParsedIndex pi = parse_create_index(ci == catalog_indexes.end() ? "" : ci->second.sql);
      bool use_text = pi.elements.size() == ri.cids.size();
      for (size_t i = 0; i < ri.cids.size(); ++i) {
        std::string element = ri.cids[i] >= 0 ? ri.names[i] : "?";
        if (use_text) {
          auto toks = tokenize(pi.elements[i]);
          bool plain = toks.size() == 1 && ri.cids[i] >= 0 &&
                       (toks[0].kind == TokenKind::word || toks[0].kind == TokenKind::quoted_ident);
          if (!plain) element = pi.elements[i];
        }
        ix.columns.push_back(element);
      }
      if (ri.partial) ix.where = pi.where;
      t->table.indexes.push_back(std::move(ix));
    }
  }
  release(raw_indexes);
  release(catalog_indexes);
  for (auto& [tkey, list] : uniques) {
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& u : list) tables[table_pos[tkey]].table.uniques.push_back(std::move(u.second));
  }

  // Foreign keys, grouped by (table, id); ordered as written in the CREATE text.
  std::map<std::string, std::map<int, RawForeignKey>> raw_fks;
  for_each_row(make_statement(with_filter(kForeignKeysQuery), {filter}), [&](Row& r) {
    if (!find(text(r, 0))) return;
    RawForeignKey& f = raw_fks[key(text(r, 0))][std::stoi(text(r, 1))];
    f.ref_table = text(r, 2);
    f.columns.push_back(text(r, 3));
    f.ref_columns.push_back(r[4]);
    f.on_update = fk_action(text(r, 5));
    f.on_delete = fk_action(text(r, 6));
  });
  for (auto& [tkey, by_id] : raw_fks) {
    TableInProgress& t = tables[table_pos[tkey]];
    const ParsedTable& pt = t.parsed;
    std::vector<bool> used(pt.foreign_keys.size(), false);
    std::vector<std::pair<size_t, ForeignKey>> list;
    // pragma ids run in reverse order of declaration.
    for (auto it = by_id.rbegin(); it != by_id.rend(); ++it) {
      RawForeignKey& f = it->second;
      ForeignKey fk;
      fk.columns = f.columns;
      fk.ref_table = f.ref_table;
      fk.on_delete = f.on_delete;
      fk.on_update = f.on_update;
      bool omitted = std::any_of(f.ref_columns.begin(), f.ref_columns.end(),
                                 [](const auto& c) { return !c; });
      if (omitted) {
        const TableInProgress* ref = find(f.ref_table);
        if (ref && !ref->table.primary_key.empty()) {
          fk.ref_columns = ref->table.primary_key.columns;
        } else {
          for (const auto& rr : query(make_statement(kPrimaryKeyQuery, {f.ref_table})))
            fk.ref_columns.push_back(text(rr, 0));
        }
      } else {
        for (const auto& c : f.ref_columns) fk.ref_columns.push_back(*c);
      }
      size_t pos = pt.foreign_keys.size();
      for (size_t i = 0; i < pt.foreign_keys.size(); ++i) {
        const ParsedForeignKey& p = pt.foreign_keys[i];
        if (!used[i] && same_names(p.columns, fk.columns) && util::iequals(p.ref_table, fk.ref_table)) {
          used[i] = true;
          pos = i;
          fk.name = p.name;
          fk.deferrable = p.deferrable;
          fk.initially_deferred = p.initially_deferred;
          break;
        }
      }
      list.emplace_back(pos, std::move(fk));
    }
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& f : list) t.table.foreign_keys.push_back(std::move(f.second));
  }

  // Name order everywhere: a rebuild moves a table to the end of sqlite_schema and a
  // re-created constraint to the end of its CREATE text, and neither may make an
  // unchanged schema compare different.
  auto by_name = [](const auto& x, const auto& y) { return key(x.name) < key(y.name); };
  for (auto& tp : tables) {
    Table& t = tp.table;
    std::stable_sort(t.indexes.begin(), t.indexes.end(), by_name);
    std::stable_sort(t.uniques.begin(), t.uniques.end(), [](const auto& x, const auto& y) {
      return std::make_pair(key(x.name), x.columns) < std::make_pair(key(y.name), y.columns);
    });
    std::stable_sort(t.checks.begin(), t.checks.end(), [](const auto& x, const auto& y) {
      return std::make_pair(key(x.name), x.sql) < std::make_pair(key(y.name), y.sql);
    });
    std::stable_sort(t.foreign_keys.begin(), t.foreign_keys.end(), [](const auto& x, const auto& y) {
      return std::make_tuple(key(x.name), x.columns, key(x.ref_table)) <
             std::make_tuple(key(y.name), y.columns, key(y.ref_table));
    });
  }
  // The wanted tables, moved out of the reading state, which is then freed; MetaData takes
  // the vector itself (this point was check's peak memory).
  std::vector<Table> result;
  result.reserve(tables.size());
  for (auto& t : tables)
    if (wanted(t.table.name) || only) result.push_back(std::move(t.table));
  release(tables);
  std::stable_sort(result.begin(), result.end(), by_name);
  std::stable_sort(views.begin(), views.end(), by_name);
  std::stable_sort(unsupported.begin(), unsupported.end(), by_name);
  MetaData md(std::move(result));
  md.views = std::move(views);
  md.unsupported = std::move(unsupported);
  return md;
}

std::vector<std::string> SqliteConnection::dependent_objects_sql(const std::string& /*schema*/,
                                                                 const std::string& table) {
  auto rows = query(make_statement(
      "SELECT type, name, tbl_name, sql FROM sqlite_schema "
      "WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
      {}));
  std::set<std::string> views;
  for (const auto& r : rows)
    if (text(r, 0) == "view") views.insert(key(text(r, 1)));
  std::vector<std::string> view_sql, trigger_sql;
  for (const auto& r : rows) {
    const std::string& sql = text(r, 3);
    if (text(r, 0) == "view") {
      view_sql.push_back(sql);
    } else if (util::iequals(text(r, 2), table) || views.count(key(text(r, 2))) ||
               mentions_identifier(sql, table)) {
      trigger_sql.push_back(sql);
    }
  }
  view_sql.insert(view_sql.end(), trigger_sql.begin(), trigger_sql.end());
  return view_sql;
}

}  // namespace migrate::sqlite
