// Ops -> SQLite statements. Native ALTER TABLE where SQLite has it; otherwise the table
// rebuild of https://www.sqlite.org/lang_altertable.html ("Making Other Kinds Of Table
// Schema Changes"): create the new table under a temporary name, copy the rows, drop the
// old table, rename the new one, recreate indexes, triggers and views, check foreign keys.
#include <algorithm>

#include <migrate/error.hpp>

#include "dialect/sqlite/sqlite_dialect.hpp"
#include "dialect/sqlite/sqlite_sql_parser.hpp"
#include "util/strings.hpp"

namespace migrate::sqlite {

namespace {

constexpr const char* kTmpPrefix = "_migrate_tmp_";

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

Statement stmt(std::string sql) { return make_statement(std::move(sql), {}); }

std::string quoted_list(const SqliteDialect& d, const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const auto& n : names) q.push_back(d.quote_identifier(n));
  return util::join(q, ", ");
}

std::string constraint_prefix(const SqliteDialect& d, const std::string& name) {
  return name.empty() ? "" : "CONSTRAINT " + d.quote_identifier(name) + " ";
}

// DEFAULT clause: a literal bare, any other expression in parentheses (SQLite requires
// them around expressions and reports the text inside them back as dflt_value).
std::string default_clause(const std::string& expr) {
  std::string e = util::strip_outer_parens(expr);
  return is_default_literal(e) ? "DEFAULT " + e : "DEFAULT (" + e + ")";
}

bool is_inline_autoincrement(const Table& t, const Column& c) {
  return c.autoincrement && t.primary_key.columns.size() == 1 && t.primary_key.columns[0] == c.name;
}

std::string column_def(const SqliteDialect& d, const Table& t, const Column& c) {
  std::string s = d.quote_identifier(c.name);
  std::string type = d.render_type(c.type);
  if (!type.empty()) s += " " + type;
  if (is_inline_autoincrement(t, c))
    s += " " + constraint_prefix(d, t.primary_key.name) + "PRIMARY KEY AUTOINCREMENT";
  if (!c.nullable) s += " NOT NULL";
  if (c.default_ && !c.generated) s += " " + default_clause(*c.default_);
  if (c.collation) s += " COLLATE " + d.quote_identifier(*c.collation);
  if (c.generated)
    s += " GENERATED ALWAYS AS (" + util::strip_outer_parens(*c.generated) + ")" +
         (c.generated_stored ? " STORED" : " VIRTUAL");
  return s;
}

std::string create_table_sql(const SqliteDialect& d, const Table& t, const std::string& name) {
  std::vector<std::string> items;
  bool inline_pk = false;
  for (const auto& c : t.columns) {
    items.push_back(column_def(d, t, c));
    inline_pk = inline_pk || is_inline_autoincrement(t, c);
  }
  if (!t.primary_key.empty() && !inline_pk)
    items.push_back(constraint_prefix(d, t.primary_key.name) + "PRIMARY KEY (" +
                    quoted_list(d, t.primary_key.columns) + ")");
  for (const auto& u : t.uniques)
    items.push_back(constraint_prefix(d, u.name) + "UNIQUE (" + quoted_list(d, u.columns) + ")");
  for (const auto& ck : t.checks)
    items.push_back(constraint_prefix(d, ck.name) + "CHECK (" + util::trim(ck.sql) + ")");
  for (const auto& fk : t.foreign_keys) {
    std::string s = constraint_prefix(d, fk.name) + "FOREIGN KEY (" + quoted_list(d, fk.columns) +
                    ") REFERENCES " + d.quote_identifier(fk.ref_table);
    if (!fk.ref_columns.empty()) s += " (" + quoted_list(d, fk.ref_columns) + ")";
    if (!fk.on_delete.empty()) s += " ON DELETE " + util::to_upper(fk.on_delete);
    if (!fk.on_update.empty()) s += " ON UPDATE " + util::to_upper(fk.on_update);
    if (fk.deferrable)
      s += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE INITIALLY IMMEDIATE";
    items.push_back(s);
  }
  std::string sql = "CREATE TABLE " + d.quote_identifier(name) + " (\n  " + util::join(items, ",\n  ") + "\n)";
  std::vector<std::string> options;
  if (t.without_rowid) options.push_back("WITHOUT ROWID");
  if (t.strict) options.push_back("STRICT");
  if (!options.empty()) sql += " " + util::join(options, ", ");
  return sql;
}

// An index element is a column (quoted) when it names one of the table's columns or is a
// plain identifier; anything else is an expression written verbatim.
std::string index_element(const SqliteDialect& d, const Table* t, const std::string& e) {
  if ((t && t->find_column(e)) || is_plain_identifier(e)) return d.quote_identifier(e);
  return e;
}

std::string index_name(const std::string& table, const Index& ix) {
  if (!ix.name.empty()) return ix.name;
  // SQLite needs a name: ix_<table>_<columns>, the usual convention.
  std::string n = "ix_" + table;
  for (const auto& c : ix.columns)
    if (is_plain_identifier(c)) n += "_" + c;
  return n;
}

Statement create_index_stmt(const SqliteDialect& d, const std::string& table, const Table* t,
                            const Index& ix) {
  std::vector<std::string> elems;
  for (const auto& e : ix.columns) elems.push_back(index_element(d, t, e));
  std::string sql = std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " +
                    d.quote_identifier(index_name(table, ix)) + " ON " + d.quote_identifier(table) +
                    " (" + util::join(elems, ", ") + ")";
  if (ix.where) sql += " WHERE " + util::strip_outer_parens(*ix.where);
  return stmt(sql);
}

std::optional<Table> current_table(const RenderContext& ctx, const std::string& schema,
                                   const std::string& table) {
  if (!ctx.current_table) return std::nullopt;
  return ctx.current_table(schema, table);
}

Table require_table(const RenderContext& ctx, const std::string& schema, const std::string& table) {
  auto t = current_table(ctx, schema, table);
  if (!t) throw UnsupportedError("cannot rebuild table '" + table + "': its current definition is unknown");
  return *t;
}

bool same_names(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!util::iequals(a[i], b[i])) return false;
  return true;
}

bool contains_name(const std::vector<std::string>& names, const std::string& n) {
  return std::any_of(names.begin(), names.end(), [&](const auto& x) { return util::iequals(x, n); });
}

bool index_uses(const Index& ix, const std::string& col) {
  for (const auto& e : ix.columns)
    if (util::iequals(e, col) || mentions_identifier(e, col)) return true;
  return ix.where && mentions_identifier(*ix.where, col);
}

Column& require_column(Table& t, const std::string& col) {
  for (auto& c : t.columns)
    if (util::iequals(c.name, col)) return c;
  throw InputError("table '" + t.name + "' has no column '" + col + "'");
}

// A column rename applied to a table definition (and to the expressions naming it).
void rename_column_in(const SqliteDialect& d, Table& t, const std::string& from, const std::string& to) {
  std::string q = d.quote_identifier(to);
  auto rn = [&](std::vector<std::string>& names) {
    for (auto& n : names)
      if (util::iequals(n, from)) n = to;
  };
  for (auto& c : t.columns) {
    if (util::iequals(c.name, from)) c.name = to;
    if (c.generated) c.generated = replace_identifier(*c.generated, from, q);
  }
  rn(t.primary_key.columns);
  for (auto& u : t.uniques) rn(u.columns);
  for (auto& fk : t.foreign_keys) rn(fk.columns);
  for (auto& ck : t.checks) ck.sql = replace_identifier(ck.sql, from, q);
  for (auto& ix : t.indexes) {
    for (auto& e : ix.columns)
      e = util::iequals(e, from) ? to : (is_plain_identifier(e) ? e : replace_identifier(e, from, q));
    if (ix.where) ix.where = replace_identifier(*ix.where, from, q);
  }
  // A self-referencing foreign key names the column on the other side too.
  for (auto& fk : t.foreign_keys)
    if (util::iequals(fk.ref_table, t.name)) rn(fk.ref_columns);
}

// Drops a column from a definition with everything that uses it, as PostgreSQL's DROP
// COLUMN drops the indexes and constraints involving it.
void drop_column_in(Table& t, const std::string& col) {
  require_column(t, col);
  t.columns.erase(std::remove_if(t.columns.begin(), t.columns.end(),
                                 [&](const Column& c) { return util::iequals(c.name, col); }),
                  t.columns.end());
  if (contains_name(t.primary_key.columns, col)) t.primary_key = PrimaryKey{};
  auto erase_if = [](auto& v, auto pred) { v.erase(std::remove_if(v.begin(), v.end(), pred), v.end()); };
  erase_if(t.uniques, [&](const UniqueConstraint& u) { return contains_name(u.columns, col); });
  erase_if(t.foreign_keys, [&](const ForeignKey& f) { return contains_name(f.columns, col); });
  erase_if(t.checks, [&](const CheckConstraint& c) { return mentions_identifier(c.sql, col); });
  erase_if(t.indexes, [&](const Index& ix) { return index_uses(ix, col); });
}

template <class T, class Pred>
bool erase_first(std::vector<T>& v, Pred pred) {
  auto it = std::find_if(v.begin(), v.end(), pred);
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

std::string kind_word(ConstraintKind k) {
  switch (k) {
    case ConstraintKind::primary_key: return "primary key";
    case ConstraintKind::unique: return "unique";
    case ConstraintKind::foreign_key: return "foreign key";
    case ConstraintKind::check: return "check";
  }
  return "";
}

void drop_constraint_in(Table& t, const DropConstraint& op) {
  auto by_name = [&](const auto& c) { return !op.name.empty() && c.name == op.name; };
  bool found = false;
  switch (op.kind) {
    case ConstraintKind::primary_key:
      found = !t.primary_key.empty();
      t.primary_key = PrimaryKey{};
      for (auto& c : t.columns) c.autoincrement = false;
      break;
    case ConstraintKind::unique: {
      found = erase_first(t.uniques, by_name);
      if (!found)
        if (auto* u = std::get_if<UniqueConstraint>(&op.existing))
          found = erase_first(t.uniques, [&](const UniqueConstraint& c) { return same_names(c.columns, u->columns); });
      break;
    }
    case ConstraintKind::foreign_key: {
      found = erase_first(t.foreign_keys, by_name);
      if (!found)
        if (auto* f = std::get_if<ForeignKey>(&op.existing))
          found = erase_first(t.foreign_keys, [&](const ForeignKey& c) {
            return same_names(c.columns, f->columns) && util::iequals(c.ref_table, f->ref_table);
          });
      break;
    }
    case ConstraintKind::check: {
      found = erase_first(t.checks, by_name);
      if (!found)
        if (auto* k = std::get_if<CheckConstraint>(&op.existing))
          found = erase_first(t.checks, [&](const CheckConstraint& c) {
            return canonical_sql(c.sql) == canonical_sql(k->sql);
          });
      break;
    }
  }
  if (!found)
    throw InputError("cannot drop constraint '" + op.name + "': table '" + t.name +
                     "' has no such " + kind_word(op.kind) + " constraint");
}

struct Dependent {
  std::string kind;  // "view" or "trigger"
  std::string name;
  std::string sql;
};

// The rebuild itself: `old_t` as it is, `new_t` as it must become (same column names for
// the columns that are kept).
// The table name appears as a value in the sqlite_sequence and foreign-key-check
// statements; it is written as a quoted literal rather than bound, so that offline SQL
// (--sql, which prints statements as they are) stays runnable.
std::vector<Statement> rebuild(const SqliteDialect& d, const Table& old_t, const Table& new_t,
                               const std::vector<std::string>& dependent_sql) {
  std::vector<Statement> out;
  const std::string& name = old_t.name;
  const std::string qname = d.quote_identifier(name);
  const std::string tmp = kTmpPrefix + name;
  std::vector<Dependent> deps;
  for (const auto& sql : dependent_sql) {
    ParsedObject obj = parse_create_object(sql);
    if (obj.kind == "view" || obj.kind == "trigger") deps.push_back({obj.kind, obj.name, sql});
  }
  // Views and triggers that name the table must go: renaming the new table into place
  // re-checks every view and trigger of the schema and fails on one naming a missing table.
  // With foreign keys enforced, DROP TABLE would delete the rows of the old table one by
  // one and fire ON DELETE actions in the children (CASCADE would empty them).
  Statement fk_guard = stmt("SELECT foreign_keys FROM pragma_foreign_keys WHERE foreign_keys <> 0");
  fk_guard.must_return_no_rows = true;
  fk_guard.check_message = "cannot rebuild table '" + name +
                           "' while PRAGMA foreign_keys is ON: run it with foreign keys off";
  out.push_back(fk_guard);
  for (const auto& dep : deps)
    if (dep.kind == "trigger") out.push_back(stmt("DROP TRIGGER IF EXISTS " + d.quote_identifier(dep.name)));
  for (const auto& dep : deps)
    if (dep.kind == "view") out.push_back(stmt("DROP VIEW IF EXISTS " + d.quote_identifier(dep.name)));

  out.push_back(stmt(create_table_sql(d, new_t, tmp)));

  std::vector<std::string> to_cols, from_cols;
  for (const auto& c : new_t.columns) {
    if (c.generated) continue;
    const std::string& src = c.name;  // a rename ran natively before the rebuild
    const Column* old_c = old_t.find_column(src);
    if (old_c && !old_c->generated) {
      to_cols.push_back(d.quote_identifier(c.name));
      from_cols.push_back(d.quote_identifier(src));
      if (!c.nullable && old_c->nullable) {
        Statement check = stmt("SELECT 1 FROM " + qname + " WHERE " + d.quote_identifier(src) +
                               " IS NULL LIMIT 1");
        check.must_return_no_rows = true;
        check.check_message = "cannot make column " + name + "." + c.name + " NOT NULL: it holds NULL values";
        out.push_back(check);
      }
    } else if (!c.nullable && !c.default_) {
      Statement check = stmt("SELECT 1 FROM " + qname + " LIMIT 1");
      check.must_return_no_rows = true;
      check.check_message = "cannot add NOT NULL column " + name + "." + c.name +
                            " without a default: the table has rows";
      out.push_back(check);
    }
  }
  if (!to_cols.empty())
    out.push_back(stmt("INSERT INTO " + d.quote_identifier(tmp) + " (" + util::join(to_cols, ", ") +
                       ") SELECT " + util::join(from_cols, ", ") + " FROM " + qname));

  auto has_autoinc = [](const Table& t) {
    return std::any_of(t.columns.begin(), t.columns.end(), [&](const Column& c) {
      return is_inline_autoincrement(t, c);
    });
  };
  if (has_autoinc(old_t) && has_autoinc(new_t)) {
    // Keep the AUTOINCREMENT high-water mark: ids of deleted rows are never reused.
    out.push_back(stmt("DELETE FROM sqlite_sequence WHERE name = " + d.quote_literal(tmp)));
    out.push_back(stmt("INSERT INTO sqlite_sequence (name, seq) SELECT " + d.quote_literal(tmp) +
                       ", seq FROM sqlite_sequence WHERE lower(name) = lower(" + d.quote_literal(name) + ")"));
  }
  out.push_back(stmt("DROP TABLE " + qname));
  out.push_back(stmt("ALTER TABLE " + d.quote_identifier(tmp) + " RENAME TO " + qname));
  for (const auto& ix : new_t.indexes) out.push_back(create_index_stmt(d, name, &new_t, ix));
  for (const auto& dep : deps)
    if (dep.kind == "view") out.push_back(stmt(dep.sql));
  // CREATE VIEW does not resolve names; compiling each view does, so a view left naming a
  // dropped column fails this migration instead of every later ALTER TABLE.
  for (const auto& dep : deps)
    if (dep.kind == "view") out.push_back(stmt("SELECT 1 FROM " + d.quote_identifier(dep.name) + " LIMIT 0"));
  for (const auto& dep : deps)
    if (dep.kind == "trigger") out.push_back(stmt(dep.sql));

  Statement fk_check = stmt(
      "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check() WHERE lower(\"table\") = lower(" +
      d.quote_literal(name) + ") OR lower(parent) = lower(" + d.quote_literal(name) + ")");
  fk_check.must_return_no_rows = true;
  fk_check.check_message = "foreign key check failed after rebuilding table '" + name + "'";
  out.push_back(fk_check);
  return out;
}

std::vector<std::string> dependents(const RenderContext& ctx, const std::string& schema,
                                    const std::string& table) {
  if (!ctx.dependent_objects_sql) return {};
  return ctx.dependent_objects_sql(schema, table);
}

// Rebuilds `table` after `change` is applied to a copy of its current definition.
template <class F>
std::vector<Statement> rebuild_with(const SqliteDialect& d, const RenderContext& ctx,
                                    const std::string& schema, const std::string& table, F change) {
  Table old_t = require_table(ctx, schema, table);
  Table new_t = old_t;
  change(new_t);
  return rebuild(d, old_t, new_t, dependents(ctx, schema, table));
}

bool add_column_is_native(const Column& c) {
  if (c.autoincrement) return false;
  if (c.generated) return !c.generated_stored && c.nullable;
  if (c.default_) {
    std::string e = util::strip_outer_parens(*c.default_);
    if (!is_constant_default(e)) return false;
    if (!c.nullable && util::iequals(e, "NULL")) return false;
  } else if (!c.nullable) {
    return false;
  }
  return true;
}

// Whether SQLite's DROP COLUMN can drop `col` from `t` safely: it refuses keys and
// indexed columns, and it does not look into trigger bodies (a dropped column used there
// breaks the next write), so anything naming the column takes the rebuild instead.
bool drop_column_is_native(const Table& t, const std::string& col,
                           const std::vector<std::string>& dependent_sql) {
  const Column* c = t.find_column(col);
  if (!c) return true;  // unknown here: let SQLite decide
  if (c->generated) return false;
  if (contains_name(t.primary_key.columns, col)) return false;
  for (const auto& u : t.uniques)
    if (contains_name(u.columns, col)) return false;
  for (const auto& f : t.foreign_keys)
    if (contains_name(f.columns, col)) return false;
  for (const auto& ck : t.checks)
    if (mentions_identifier(ck.sql, col)) return false;
  for (const auto& ix : t.indexes)
    if (index_uses(ix, col)) return false;
  for (const auto& other : t.columns)
    if (other.generated && mentions_identifier(*other.generated, col)) return false;
  for (const auto& sql : dependent_sql)
    if (mentions_identifier(sql, col)) return false;
  return true;
}

[[noreturn]] void unsupported_object(const char* kind, const std::string& name) {
  throw UnsupportedError(std::string("SQLite has no ") + kind + "s: cannot apply an op on " + kind + " '" + name +
                         "' (a PostgreSQL-only object)");
}

}  // namespace

std::vector<Statement> SqliteDialect::render_create_table(const Table& table) const {
  std::vector<Statement> out{stmt(create_table_sql(*this, table, table.name))};
  for (const auto& ix : table.indexes) out.push_back(create_index_stmt(*this, table.name, &table, ix));
  return out;
}

std::vector<Statement> SqliteDialect::render(const Operation& op, const RenderContext& ctx) const {
  const SqliteDialect& d = *this;
  auto alter = [&](const std::string& table) { return "ALTER TABLE " + d.quote_identifier(table) + " "; };
  return std::visit(
      Overloaded{
          [&](const CreateTable& o) { return render_create_table(o.table); },
          [&](const DropTable& o) {
            return std::vector<Statement>{stmt("DROP TABLE " + d.quote_identifier(o.table))};
          },
          [&](const RenameTable& o) {
            return std::vector<Statement>{stmt(alter(o.table) + "RENAME TO " + d.quote_identifier(o.new_name))};
          },
          [&](const AddColumn& o) {
            if (add_column_is_native(o.column)) {
              Table t;
              t.name = o.table;
              return std::vector<Statement>{stmt(alter(o.table) + "ADD COLUMN " + column_def(d, t, o.column))};
            }
            return rebuild_with(d, ctx, o.schema, o.table, [&](Table& t) {
              if (t.find_column(o.column.name))
                throw InputError("table '" + o.table + "' already has a column '" + o.column.name + "'");
              t.columns.push_back(o.column);
            });
          },
          [&](const DropColumn& o) {
            auto t = current_table(ctx, o.schema, o.table);
            auto deps = dependents(ctx, o.schema, o.table);
            if (!t || drop_column_is_native(*t, o.column, deps))
              return std::vector<Statement>{stmt(alter(o.table) + "DROP COLUMN " + d.quote_identifier(o.column))};
            Table new_t = *t;
            drop_column_in(new_t, o.column);
            return rebuild(d, *t, new_t, deps);
          },
          [&](const AlterColumn& o) {
            // Identity is PostgreSQL's; SQLite's counterpart is AUTOINCREMENT.
            bool other = o.new_type || o.new_nullable || o.new_default || o.new_collation || o.new_autoincrement;
            std::vector<Statement> out;
            std::string col = o.column;
            if (o.new_name) {
              out.push_back(stmt(alter(o.table) + "RENAME COLUMN " + d.quote_identifier(o.column) +
                                 " TO " + d.quote_identifier(*o.new_name)));
              col = *o.new_name;
            }
            if (!other) return out;
            // After a native rename the rebuild starts from the renamed table; the saved
            // view and trigger texts are renamed the same way SQLite renamed them.
            Table old_t = require_table(ctx, o.schema, o.table);
            auto deps = dependents(ctx, o.schema, o.table);
            if (o.new_name) {
              require_column(old_t, o.column);
              rename_column_in(d, old_t, o.column, *o.new_name);
              for (auto& sql : deps) sql = replace_identifier(sql, o.column, d.quote_identifier(*o.new_name));
            }
            Table new_t = old_t;
            Column& c = require_column(new_t, col);
            if (o.new_type) c.type = *o.new_type;
            if (o.new_nullable) c.nullable = *o.new_nullable;
            if (o.new_default) c.default_ = *o.new_default;
            if (o.new_collation) c.collation = *o.new_collation;
            if (o.new_autoincrement) c.autoincrement = *o.new_autoincrement;
            auto rb = rebuild(d, old_t, new_t, deps);
            out.insert(out.end(), rb.begin(), rb.end());
            return out;
          },
          [&](const CreateIndex& o) {
            // The table is needed only to tell a column with an unusual name from an
            // expression; reflecting it for every index made upgrades slow.
            bool plain = std::all_of(o.index.columns.begin(), o.index.columns.end(),
                                     [](const std::string& e) { return is_plain_identifier(e); });
            auto t = plain ? std::nullopt : current_table(ctx, o.schema, o.table);
            return std::vector<Statement>{create_index_stmt(d, o.table, t ? &*t : nullptr, o.index)};
          },
          [&](const DropIndex& o) {
            return std::vector<Statement>{stmt("DROP INDEX " + d.quote_identifier(o.name))};
          },
          [&](const RenameIndex& o) {
            auto t = current_table(ctx, o.schema, o.table);
            const Index* ix = t ? t->find_index(o.name) : nullptr;
            if (!ix)
              throw UnsupportedError("cannot rename index '" + o.name + "' on table '" + o.table +
                                     "': its definition is unknown");
            Index renamed = *ix;
            renamed.name = o.new_name;
            return std::vector<Statement>{stmt("DROP INDEX " + d.quote_identifier(o.name)),
                                          create_index_stmt(d, o.table, &*t, renamed)};
          },
          [&](const CreatePrimaryKey& o) {
            return rebuild_with(d, ctx, o.schema, o.table, [&](Table& t) { t.primary_key = o.primary_key; });
          },
          [&](const CreateUniqueConstraint& o) {
            return rebuild_with(d, ctx, o.schema, o.table, [&](Table& t) { t.uniques.push_back(o.constraint); });
          },
          [&](const CreateForeignKey& o) {
            return rebuild_with(d, ctx, o.schema, o.table,
                                [&](Table& t) { t.foreign_keys.push_back(o.constraint); });
          },
          [&](const CreateCheckConstraint& o) {
            return rebuild_with(d, ctx, o.schema, o.table, [&](Table& t) { t.checks.push_back(o.constraint); });
          },
          [&](const DropConstraint& o) {
            return rebuild_with(d, ctx, o.schema, o.table, [&](Table& t) { drop_constraint_in(t, o); });
          },
          [&](const RenameConstraint& o) {
            // The name lives only in the table's SQL: rebuild with the new one.
            return rebuild_with(d, ctx, o.schema, o.table, [&](Table& t) {
              if (!rename_constraint_in(t, o))
                throw InputError("cannot rename constraint '" + o.name + "': table '" + o.table +
                                 "' has no such " + constraint_kind_name(o.kind) + " constraint");
            });
          },
          [&](const AlterTableComment&) { return std::vector<Statement>{}; },  // SQLite has no comments
          [&](const CreateView& o) {
            return std::vector<Statement>{stmt("CREATE VIEW " + d.quote_identifier(o.view.name) + " AS " +
                                               util::trim(o.view.sql))};
          },
          [&](const DropView& o) {
            return std::vector<Statement>{stmt("DROP VIEW " + d.quote_identifier(o.name))};
          },
          [&](const CreateEnum& o) -> std::vector<Statement> { unsupported_object("enum type", o.type.name); },
          [&](const DropEnum& o) -> std::vector<Statement> { unsupported_object("enum type", o.name); },
          [&](const AlterEnum& o) -> std::vector<Statement> { unsupported_object("enum type", o.name); },
          [&](const CreateSequence& o) -> std::vector<Statement> { unsupported_object("sequence", o.sequence.name); },
          [&](const DropSequence& o) -> std::vector<Statement> { unsupported_object("sequence", o.name); },
          [&](const AlterSequence& o) -> std::vector<Statement> { unsupported_object("sequence", o.sequence.name); },
          [&](const ExecuteSql& o) {
            auto it = o.per_dialect.find("sqlite");
            Statement s = stmt(it != o.per_dialect.end() ? it->second : o.sql);
            if (util::trim(s.sql).empty()) return std::vector<Statement>{};
            s.no_transaction = !o.transaction;
            return std::vector<Statement>{s};
          },
      },
      op);
}

}  // namespace migrate::sqlite
