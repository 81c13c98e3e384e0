// Expressions are read in pg_get_expr's "pretty" form (as psql shows them).
//
// Reflection over pg_catalog with a FIXED number of queries, whatever the number of
// tables: each kind of object (tables, columns, constraints, indexes, other objects) is
// read for every table of the target schemas at once (`= ANY($1)` on the schema list)
// and distributed by table oid. The queries are the named constants at the end.
//
// server_normalize() runs the declared tables through the server (created in a scratch
// schema inside a transaction that is rolled back) and reflects them with this same code.
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <migrate/error.hpp>

#include "dialect/postgresql/pg_connection.hpp"
#include "dialect/postgresql/pg_dialect.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

extern const char* const kTablesQuery;
extern const char* const kColumnsQuery;
extern const char* const kConstraintsQuery;
extern const char* const kIndexesQuery;
extern const char* const kOthersQuery;

const std::string& text(const Row& row, size_t i) {
  static const std::string empty;
  return row.at(i) ? *row[i] : empty;
}

std::optional<std::string> opt(const Row& row, size_t i) { return row.at(i); }

bool flag(const Row& row, size_t i) { return text(row, i) == "t"; }

std::string fk_action(const std::string& code) {
  if (code == "r") return "RESTRICT";
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  return "";  // 'a' = NO ACTION
}

// A sequence from its catalog row {type,start,increment,min,max,cache,cycle}; options
// equal to the server's defaults are left unset, so `inspect` writes only what was chosen.
Sequence sequence_from_catalog(const Dialect& d, const std::string& schema, const std::string& name,
                               const std::string& array) {
  std::vector<std::string> f = parse_pg_array(array);
  Sequence s;
  s.schema = schema;
  s.name = name;
  if (f.size() < 7) return s;
  s.type = d.canonical_type(f[0]);
  long long start = std::stoll(f[1]), inc = std::stoll(f[2]), mn = std::stoll(f[3]), mx = std::stoll(f[4]),
            cache = std::stoll(f[5]);
  long long tmin = std::numeric_limits<long long>::min(), tmax = std::numeric_limits<long long>::max();
  if (s.type == "integer") tmin = -2147483648LL, tmax = 2147483647LL;
  if (s.type == "smallint") tmin = -32768, tmax = 32767;
  bool up = inc > 0;
  if (inc != 1) s.increment = inc;
  if (mn != (up ? 1 : tmin)) s.min_value = mn;
  if (mx != (up ? tmax : -1)) s.max_value = mx;
  if (start != (up ? mn : mx)) s.start = start;
  if (cache != 1) s.cache = cache;
  s.cycle = f[6] == "true" || f[6] == "t";
  if (s.type == "bigint") s.type.clear();
  return s;
}

}  // namespace

MetaData PgConnection::reflect_scope(const PgReflectScope& scope) {
  const std::vector<std::optional<std::string>> params = {
      format_pg_array(scope.schemas), scope.only_table};
  auto shown_schema = [&](const std::string& schema) {
    return schema == scope.default_schema ? std::string() : schema;
  };
  const std::string files_table =
      scope.version_table.empty() ? "" : version_files_table_name(scope.version_table);
  auto wanted = [&](const std::string& schema, const std::string& name) {
    for (const std::string* skipped : {&scope.version_table, &files_table})
      if (!skipped->empty() && (name == *skipped || schema + "." + name == *skipped)) return false;
    std::string qualified = shown_schema(schema).empty() ? name : schema + "." + name;
    if (!scope.include_tables.empty() && !util::matches_any(scope.include_tables, name) &&
        !util::matches_any(scope.include_tables, qualified))
      return false;
    if (util::matches_any(scope.exclude_tables, name) ||
        util::matches_any(scope.exclude_tables, qualified))
      return false;
    return true;
  };

  MetaData md;
  std::vector<Table> tables;
  std::unordered_map<std::string, size_t> by_oid;
  // Rows of the later queries find their table by oid; rows of filtered-out tables
  // find none and are skipped.
  for (const Row& row : query_sql(kTablesQuery, params)) {
    const std::string& schema = text(row, 1);
    const std::string& name = text(row, 2);
    if (!wanted(schema, name)) continue;
    Table t;
    t.schema = shown_schema(schema);
    t.name = name;
    t.comment = opt(row, 3);
    by_oid[text(row, 0)] = tables.size();
    tables.push_back(std::move(t));
  }
  auto table_of = [&](const Row& row) -> Table* {
    auto it = by_oid.find(text(row, 0));
    return it == by_oid.end() ? nullptr : &tables[it->second];
  };

  for (const Row& row : query_sql(kColumnsQuery, params)) {
    Table* t = table_of(row);
    if (!t) continue;
    Column c;
    c.name = text(row, 1);
    c.type = text(row, 2);
    c.nullable = !flag(row, 3);
    const std::string& identity = text(row, 5);
    const std::string& generated = text(row, 6);
    if (generated == "s") {
      if (row.at(4)) c.generated = util::strip_outer_parens(*row[4]);
      c.generated_stored = true;
    } else {
      c.default_ = opt(row, 4);
    }
    if (identity == "d" || identity == "a") {
      c.autoincrement = true;
      c.identity = identity == "a" ? "always" : "by default";
    }
    // serial: the default is nextval() of a sequence the column owns. Reported as the
    // serial type without a default, so a `serial` model compares clean and the column
    // renders back as it was created.
    if (flag(row, 9) && c.default_ &&
        util::starts_with(util::to_lower(*c.default_), "nextval(")) {
      const std::string base = dialect().canonical_type(c.type);
      if (base == "integer" || base == "bigint" || base == "smallint") {
        c.type = base == "integer" ? "serial" : base == "bigint" ? "bigserial" : "smallserial";
        c.default_.reset();
        c.autoincrement = true;
      }
    }
    c.collation = opt(row, 7);
    c.comment = opt(row, 8);
    t->columns.push_back(std::move(c));
  }

  for (const Row& row : query_sql(kConstraintsQuery, params)) {
    Table* t = table_of(row);
    if (!t) continue;
    const std::string& name = text(row, 1);
    const std::string& type = text(row, 2);
    std::vector<std::string> cols = parse_pg_array(text(row, 3));
    if (type == "p") {
      t->primary_key.name = name;
      t->primary_key.columns = cols;
    } else if (type == "u") {
      t->uniques.push_back({name, cols, std::nullopt});
    } else if (type == "c") {
      t->checks.push_back({name, util::strip_outer_parens(text(row, 11)), std::nullopt});
    } else if (type == "f") {
      ForeignKey fk;
      fk.name = name;
      fk.columns = cols;
      const std::string& ref_schema = text(row, 4);
      const std::string& own_schema = t->schema.empty() ? scope.default_schema : t->schema;
      fk.ref_schema = ref_schema == own_schema ? std::string() : ref_schema;
      fk.ref_table = text(row, 5);
      fk.ref_columns = parse_pg_array(text(row, 6));
      fk.on_delete = fk_action(text(row, 7));
      fk.on_update = fk_action(text(row, 8));
      fk.deferrable = flag(row, 9);
      fk.initially_deferred = flag(row, 10);
      t->foreign_keys.push_back(std::move(fk));
    } else {
      md.unsupported.push_back({"exclusion constraint", name, t->name});
    }
  }

  for (const Row& row : query_sql(kIndexesQuery, params)) {
    Table* t = table_of(row);
    if (!t) continue;
    Index ix;
    ix.name = text(row, 1);
    ix.unique = flag(row, 2);
    ix.method = text(row, 3) == "btree" ? std::string() : text(row, 3);
    if (row.at(4)) ix.where = util::strip_outer_parens(*row[4]);
    ix.columns = parse_pg_array(text(row, 5));
    t->indexes.push_back(std::move(ix));
  }

  if (scope.others) {
    std::set<std::string> kept;
    for (const auto& t : tables) kept.insert(t.qualified_name());
    for (const Row& row : query_sql(kOthersQuery, params)) {
      const std::string& kind = text(row, 0);
      std::string schema = shown_schema(text(row, 1));
      const std::string& name = text(row, 2);
      if (kind == "view") {
        md.views.push_back({schema, name, util::trim(text(row, 4))});
        continue;
      }
      if (kind == "enum") {
        md.enums.push_back(EnumType{schema, name, parse_pg_array(text(row, 4)), {}});
        continue;
      }
      if (kind == "sequence") {
        md.sequences.push_back(sequence_from_catalog(dialect(), schema, name, text(row, 4)));
        continue;
      }
      UnsupportedObject u;
      u.kind = kind;
      u.name = schema.empty() ? name : schema + "." + name;
      u.table = text(row, 3);
      if (!u.table.empty()) {
        std::string owner = schema.empty() ? u.table : schema + "." + u.table;
        if (!kept.count(owner)) continue;  // trigger of an excluded table
      }
      md.unsupported.push_back(std::move(u));
    }
  }
  for (auto& t : tables) md.add_table(std::move(t));
  return md;
}

std::vector<Table> PgConnection::server_normalize(const std::vector<Table>& declared) {
  if (declared.empty()) return declared;
  const PgDialect& d = static_cast<const PgDialect&>(dialect());
  auto effective = [](const std::string& schema) { return schema.empty() ? "public" : schema; };

  // One scratch schema per declared schema, so equal names in two schemas do not clash.
  // The backend pid makes the names unique among concurrent sessions.
  std::map<std::string, std::string> scratch_of;  // effective schema -> scratch schema
  std::map<std::string, std::string> original_of;  // scratch schema -> declared schema
  {
    auto rows = query_sql("SELECT pg_backend_pid()", {});
    std::string pid = rows.empty() || !rows[0][0] ? "0" : *rows[0][0];
    for (const auto& t : declared) {
      std::string eff = effective(t.schema);
      if (scratch_of.count(eff)) continue;
      std::string name = "migrate_scratch_" + pid + "_" + std::to_string(scratch_of.size());
      scratch_of[eff] = name;
      original_of[name] = t.schema;
    }
  }
  std::set<std::pair<std::string, std::string>> in_batch;
  for (const auto& t : declared) in_batch.insert({effective(t.schema), t.name});

  const bool outer = in_transaction();
  if (outer)
    exec_sql("SAVEPOINT migrate_scratch");
  else
    begin();
  std::vector<Table> result = declared;
  try {
    for (const auto& [eff, scratch] : scratch_of) {
      (void)eff;
      exec_sql("CREATE SCHEMA " + d.quote_identifier(scratch));
    }
    // Unqualified names in expressions (functions, types) resolve as they would live.
    exec_sql("SET LOCAL search_path TO public");

    std::vector<bool> created(declared.size(), false);
    std::vector<std::vector<ForeignKey>> keep_declared(declared.size());
    std::vector<std::vector<ForeignKey>> scratch_fks(declared.size());
    for (size_t i = 0; i < declared.size(); ++i) {
      Table copy = declared[i];
      const std::string eff = effective(copy.schema);
      copy.schema = scratch_of[eff];
      copy.foreign_keys.clear();
      for (const auto& fk : declared[i].foreign_keys) {
        std::string ref = fk.ref_schema.empty() ? eff : fk.ref_schema;
        if (in_batch.count({ref, fk.ref_table})) {
          ForeignKey f = fk;
          f.ref_schema = scratch_of[ref];
          scratch_fks[i].push_back(std::move(f));
        } else {
          keep_declared[i].push_back(fk);  // target not created here: restored as declared
        }
      }
      // A table the server refuses (a default naming a missing sequence, ...) is
      // returned as declared rather than failing the whole compare.
      exec_sql("SAVEPOINT migrate_scratch_table");
      try {
        for (const auto& s : d.render_create_table(copy)) execute(s);
        exec_sql("RELEASE SAVEPOINT migrate_scratch_table");
        created[i] = true;
      } catch (const DatabaseError&) {
        exec_sql("ROLLBACK TO SAVEPOINT migrate_scratch_table");
      }
    }
    // Foreign keys after every table exists (cycles and forward references work).
    for (size_t i = 0; i < declared.size(); ++i) {
      if (!created[i]) continue;
      for (const auto& fk : scratch_fks[i]) {
        CreateForeignKey op{scratch_of[effective(declared[i].schema)], declared[i].name, fk};
        exec_sql("SAVEPOINT migrate_scratch_fk");
        try {
          for (const auto& s : d.render(op, {})) execute(s);
          exec_sql("RELEASE SAVEPOINT migrate_scratch_fk");
        } catch (const DatabaseError&) {
          exec_sql("ROLLBACK TO SAVEPOINT migrate_scratch_fk");
          ForeignKey orig = fk;
          orig.ref_schema = original_of[fk.ref_schema];
          if (orig.ref_schema == declared[i].schema) orig.ref_schema.clear();
          keep_declared[i].push_back(orig);
        }
      }
    }

    PgReflectScope scope;
    for (const auto& [eff, scratch] : scratch_of) {
      (void)eff;
      scope.schemas.push_back(scratch);
    }
    scope.others = false;
    MetaData md = reflect_scope(scope);
    for (size_t i = 0; i < declared.size(); ++i) {
      if (!created[i]) continue;
      const Table* t = md.find_table(scratch_of[effective(declared[i].schema)] + "." +
                                     declared[i].name);
      if (!t) continue;
      Table n = *t;
      n.schema = declared[i].schema;
      for (auto& fk : n.foreign_keys) {
        if (fk.ref_schema.empty()) continue;
        auto it = original_of.find(fk.ref_schema);
        std::string orig = it == original_of.end() ? fk.ref_schema : it->second;
        fk.ref_schema = orig == declared[i].schema ? std::string() : effective(orig);
      }
      for (auto& fk : keep_declared[i]) n.foreign_keys.push_back(fk);
      // Hints and the declaration-only bits survive normalisation.
      n.renamed_from = declared[i].renamed_from;
      for (auto& c : n.columns)
        if (const Column* dc = declared[i].find_column(c.name)) c.renamed_from = dc->renamed_from;
      result[i] = std::move(n);
    }
  } catch (...) {
    try {
      if (outer) {
        exec_sql("ROLLBACK TO SAVEPOINT migrate_scratch");
        exec_sql("RELEASE SAVEPOINT migrate_scratch");
      } else {
        rollback();
      }
    } catch (...) {
    }
    throw;
  }
  if (outer) {
    exec_sql("ROLLBACK TO SAVEPOINT migrate_scratch");
    exec_sql("RELEASE SAVEPOINT migrate_scratch");
  } else {
    rollback();
  }
  return result;
}

std::vector<View> PgConnection::server_normalize_views(const std::vector<View>& declared) {
  if (declared.empty()) return declared;
  const PgDialect& d = static_cast<const PgDialect&>(dialect());
  auto rows = query_sql("SELECT pg_backend_pid()");
  const std::string scratch =
      "migrate_views_" + (rows.empty() || !rows[0][0] ? std::string("0") : *rows[0][0]);
  const bool outer = in_transaction();
  if (outer)
    exec_sql("SAVEPOINT migrate_views");
  else
    begin();
  std::vector<View> result = declared;
  try {
    exec_sql("CREATE SCHEMA " + d.quote_identifier(scratch));
    // Views are created first in the path, so a declared view reading another declared
    // view reads the declared one; tables resolve to the live schema.
    exec_sql("SET LOCAL search_path TO " + d.quote_identifier(scratch) + ", public");
    // Declaration order may name a view before the one it reads: retry until no progress.
    std::vector<bool> done(declared.size(), false);
    for (bool progress = true; progress;) {
      progress = false;
      for (size_t i = 0; i < declared.size(); ++i) {
        if (done[i] || !declared[i].schema.empty()) continue;  // other schemas: as declared
        exec_sql("SAVEPOINT migrate_view");
        try {
          exec_sql("CREATE VIEW " + d.quote_qualified(scratch, declared[i].name) + " AS " + declared[i].sql);
          auto def = query_sql("SELECT pg_catalog.pg_get_viewdef(c.oid, true) FROM pg_catalog.pg_class c "
                               "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = $1 AND c.relname = $2",
                               {scratch, declared[i].name});
          exec_sql("RELEASE SAVEPOINT migrate_view");
          if (!def.empty() && def[0][0]) result[i].sql = util::trim(*def[0][0]);
          done[i] = progress = true;
        } catch (const DatabaseError&) {
          exec_sql("ROLLBACK TO SAVEPOINT migrate_view");
        }
      }
    }
  } catch (...) {
    try {
      if (outer) {
        exec_sql("ROLLBACK TO SAVEPOINT migrate_views");
        exec_sql("RELEASE SAVEPOINT migrate_views");
      } else {
        rollback();
      }
    } catch (...) {
    }
    throw;
  }
  if (outer) {
    exec_sql("ROLLBACK TO SAVEPOINT migrate_views");
    exec_sql("RELEASE SAVEPOINT migrate_views");
  } else {
    rollback();
  }
  return result;
}

MetaData PgConnection::reflect_script(const std::string& sql, const ReflectOptions& options) {
  std::vector<ScriptFailure> failures;
  MetaData md = reflect_script(std::vector<ScriptStatement>{{sql, "", 0}}, options, &failures);
  if (!failures.empty())
    throw DatabaseError(failures.front().error, sql);
  return md;
}

MetaData PgConnection::reflect_script(const std::vector<ScriptStatement>& statements, const ReflectOptions& options,
                                      std::vector<ScriptFailure>* failures) {
  const PgDialect& d = static_cast<const PgDialect&>(dialect());
  auto rows = query_sql("SELECT pg_backend_pid()");
  const std::string scratch =
      "migrate_script_" + (rows.empty() || !rows[0][0] ? std::string("0") : *rows[0][0]);
  const bool outer = in_transaction();
  auto undo = [&] {
    if (outer) {
      exec_sql("ROLLBACK TO SAVEPOINT migrate_script");
      exec_sql("RELEASE SAVEPOINT migrate_script");
    } else {
      rollback();
    }
  };
  if (outer)
    exec_sql("SAVEPOINT migrate_script");
  else
    begin();
  MetaData md;
  try {
    exec_sql("CREATE SCHEMA " + d.quote_identifier(scratch));
    // Only the scratch schema: with public on the path, a REFERENCES to a table the
    // script creates later would bind to the live table of that name.
    exec_sql("SET LOCAL search_path TO " + d.quote_identifier(scratch));
    run_script_statements(statements, failures);
    PgReflectScope scope;
    scope.schemas = {scratch};
    scope.default_schema = scratch;
    scope.version_table = options.version_table;
    scope.include_tables = options.include_tables;
    scope.exclude_tables = options.exclude_tables;
    md = reflect_scope(scope);
  } catch (...) {
    try {
      undo();
    } catch (...) {
    }
    throw;
  }
  undo();
  return md;
}

namespace {

// $1: text[] of schema names; $2: one table name or NULL for all.
const char* const kTablesQuery = R"SQL(
SELECT c.oid::text, n.nspname, c.relname, pg_catalog.obj_description(c.oid, 'pg_class')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY($1::text[]) AND ($2::text IS NULL OR c.relname = $2::text)
ORDER BY array_position($1::text[], n.nspname::text), c.relname
)SQL";

const char* const kColumnsQuery = R"SQL(
SELECT a.attrelid::text, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
  a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid, true), a.attidentity, a.attgenerated,
  CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
  pg_catalog.col_description(a.attrelid, a.attnum),
  EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
          JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
          WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid
            AND dep.refobjsubid = a.attnum AND dep.deptype = 'a')
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY($1::text[]) AND ($2::text IS NULL OR c.relname = $2::text)
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
)SQL";

const char* const kConstraintsQuery = R"SQL(
SELECT con.conrelid::text, con.conname, con.contype,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        ORDER BY k.ord)::text,
  fn.nspname, fc.relname,
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
        ORDER BY k.ord)::text,
  con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred,
  CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid, true) END
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE c.relkind IN ('r', 'p') AND con.contype IN ('p', 'u', 'c', 'f', 'x')
  AND n.nspname = ANY($1::text[]) AND ($2::text IS NULL OR c.relname = $2::text)
ORDER BY con.conrelid, con.conname
)SQL";

// Indexes that back no constraint. Key elements: the column name, or the expression as
// pg_get_indexdef prints it, then a non-default operator class and the ordering.
const char* const kIndexesQuery = R"SQL(
SELECT i.indrelid::text, ic.relname, i.indisunique, am.amname,
  pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
  ARRAY(
    SELECT CASE WHEN i.indkey[k - 1] <> 0 AND i.indoption[k - 1] = 0 AND opc.opcdefault
                THEN a.attname::text
                ELSE pg_catalog.pg_get_indexdef(i.indexrelid, k::int, true) END
      || CASE WHEN opc.opcdefault THEN '' ELSE ' ' || opc.opcname::text END
      || CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
      || CASE WHEN i.indoption[k - 1] & 3 = 1 THEN ' NULLS LAST'
              WHEN i.indoption[k - 1] & 3 = 2 THEN ' NULLS FIRST' ELSE '' END
    FROM generate_series(1, i.indnkeyatts::int) AS k
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
    LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = i.indclass[k - 1]
    ORDER BY k)::text
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE c.relkind IN ('r', 'p')
  AND n.nspname = ANY($1::text[]) AND ($2::text IS NULL OR c.relname = $2::text)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
)SQL";

// Views (with their definition), enum types (their labels), free-standing sequences (their
// pg_sequence options) and the objects migrate does not model: materialized
// views, free-standing sequences (not owned by a column), enum types, triggers and
// functions (extension members excluded). Columns: kind, schema, name, table, sql.
const char* const kOthersQuery = R"SQL(
SELECT kind, nspname, name, tbl, def FROM (
  SELECT 'view' AS kind, n.nspname::text AS nspname, c.relname::text AS name,
         NULL::text AS tbl, pg_catalog.pg_get_viewdef(c.oid, true) AS def
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'v' AND n.nspname = ANY($1::text[]) AND $2::text IS NULL
  UNION ALL
  SELECT 'materialized view', n.nspname, c.relname, NULL, NULL
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'm' AND n.nspname = ANY($1::text[])
  UNION ALL
  SELECT 'sequence', n.nspname, c.relname, NULL,
         ARRAY[pg_catalog.format_type(s.seqtypid, NULL), s.seqstart::text, s.seqincrement::text,
               s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle::text]::text
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
  WHERE c.relkind = 'S' AND n.nspname = ANY($1::text[])
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                      AND d.deptype IN ('a', 'i', 'e'))
  UNION ALL
  SELECT 'enum', n.nspname, t.typname,  NULL,
         ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid
               ORDER BY e.enumsortorder)::text
  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  WHERE t.typtype = 'e' AND n.nspname = ANY($1::text[])
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid
                      AND d.deptype = 'e')
  UNION ALL
  SELECT 'trigger', n.nspname, tg.tgname, c.relname, NULL
  FROM pg_catalog.pg_trigger tg
  JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE NOT tg.tgisinternal AND n.nspname = ANY($1::text[])
  UNION ALL
  SELECT 'function', n.nspname, p.proname, NULL, NULL
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = ANY($1::text[])
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                      AND d.deptype = 'e')
) o
ORDER BY array_position($1::text[], nspname), kind, name
)SQL";

}  // namespace

}  // namespace migrate
