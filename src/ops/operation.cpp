#include <migrate/ops/operation.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <migrate/error.hpp>

#include "util/strings.hpp"

namespace migrate {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string qualify(const std::string& schema, const std::string& table) {
  return schema.empty() ? table : schema + "." + table;
}

std::string opt_text(const std::optional<std::string>& v) { return v ? *v : "none"; }

Table& require_table(MetaData& md, const std::string& schema, const std::string& table,
                     const char* op) {
  Table* t = md.find_table(qualify(schema, table));
  if (!t) throw InputError(fmt::format("{}: no table '{}'", op, qualify(schema, table)));
  return *t;
}

template <class T, class Pred>
bool erase_first(std::vector<T>& v, Pred pred) {
  auto it = std::find_if(v.begin(), v.end(), pred);
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

template <class T>
T* find_named(std::vector<T>& v, const std::string& schema, const std::string& name) {
  for (auto& x : v)
    if (x.schema == schema && x.name == name) return &x;
  return nullptr;
}

template <class T>
bool erase_named(std::vector<T>& v, const std::string& schema, const std::string& name) {
  return erase_first(v, [&](const T& x) { return x.schema == schema && x.name == name; });
}

void rename_in(std::vector<std::string>& cols, const std::string& from, const std::string& to) {
  for (auto& c : cols)
    if (c == from) c = to;
}

}  // namespace

std::string constraint_kind_name(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::primary_key: return "primary";
    case ConstraintKind::unique: return "unique";
    case ConstraintKind::foreign_key: return "foreign_key";
    case ConstraintKind::check: return "check";
  }
  return "unique";
}

std::string op_name(const Operation& op) {
  return std::visit(
      Overloaded{
          [](const CreateTable&) { return std::string("create_table"); },
          [](const DropTable&) { return std::string("drop_table"); },
          [](const RenameTable&) { return std::string("rename_table"); },
          [](const AddColumn&) { return std::string("add_column"); },
          [](const DropColumn&) { return std::string("drop_column"); },
          [](const AlterColumn&) { return std::string("alter_column"); },
          [](const CreateIndex&) { return std::string("create_index"); },
          [](const DropIndex&) { return std::string("drop_index"); },
          [](const RenameIndex&) { return std::string("rename_index"); },
          [](const RenameConstraint&) { return std::string("rename_constraint"); },
          [](const CreatePrimaryKey&) { return std::string("create_primary_key"); },
          [](const CreateUniqueConstraint&) { return std::string("create_unique_constraint"); },
          [](const CreateForeignKey&) { return std::string("create_foreign_key"); },
          [](const CreateCheckConstraint&) { return std::string("create_check_constraint"); },
          [](const DropConstraint&) { return std::string("drop_constraint"); },
          [](const AlterTableComment&) { return std::string("alter_table_comment"); },
          [](const ExecuteSql&) { return std::string("sql"); },
          [](const CreateView&) { return std::string("create_view"); },
          [](const DropView&) { return std::string("drop_view"); },
          [](const CreateEnum&) { return std::string("create_enum"); },
          [](const DropEnum&) { return std::string("drop_enum"); },
          [](const AlterEnum&) { return std::string("alter_enum"); },
          [](const CreateSequence&) { return std::string("create_sequence"); },
          [](const DropSequence&) { return std::string("drop_sequence"); },
          [](const AlterSequence&) { return std::string("alter_sequence"); },
      },
      op);
}

bool AlterEnum::needs_rebuild() const {
  std::vector<std::string> old = existing_values;
  for (const auto& [from, to] : renames)
    for (auto& v : old)
      if (v == from) v = to;
  // Additions only: the old values appear in `values` in the same order.
  size_t i = 0;
  for (const auto& v : values)
    if (i < old.size() && v == old[i]) ++i;
  return i != old.size();
}

std::string describe(const Operation& op) {
  return std::visit(
      Overloaded{
          [](const CreateTable& o) {
            return fmt::format("create table {}", o.table.qualified_name());
          },
          [](const DropTable& o) { return fmt::format("drop table {}", qualify(o.schema, o.table)); },
          [](const RenameTable& o) {
            return fmt::format("rename table {} to {}", qualify(o.schema, o.table), o.new_name);
          },
          [](const AddColumn& o) {
            return fmt::format("add column {}.{} {}", qualify(o.schema, o.table), o.column.name,
                               o.column.type);
          },
          [](const DropColumn& o) {
            return fmt::format("drop column {}.{}", qualify(o.schema, o.table), o.column);
          },
          [](const AlterColumn& o) {
            std::vector<std::string> what;
            if (o.new_type)
              what.push_back(fmt::format("type {} -> {}", o.existing_type.value_or("?"), *o.new_type));
            if (o.new_nullable)
              what.push_back(*o.new_nullable ? "nullable" : "not null");
            if (o.new_default)
              what.push_back(fmt::format("default {} -> {}",
                                         o.existing_default ? opt_text(*o.existing_default) : "?",
                                         opt_text(*o.new_default)));
            if (o.new_comment) what.push_back("comment");
            if (o.new_collation) what.push_back("collation " + opt_text(*o.new_collation));
            if (o.new_identity) what.push_back(*o.new_identity ? "identity " + **o.new_identity : std::string("no identity"));
            if (o.new_autoincrement) what.push_back(*o.new_autoincrement ? "autoincrement" : "no autoincrement");
            if (o.new_name) what.push_back("rename to " + *o.new_name);
            return fmt::format("alter column {}.{}: {}", qualify(o.schema, o.table), o.column,
                               util::join(what, ", "));
          },
          [](const CreateIndex& o) {
            return fmt::format("create {}index {} on {} ({})", o.index.unique ? "unique " : "",
                               o.index.name, qualify(o.schema, o.table),
                               util::join(o.index.columns, ", "));
          },
          [](const DropIndex& o) {
            return fmt::format("drop index {} on {}", o.name, qualify(o.schema, o.table));
          },
          [](const RenameIndex& o) {
            return fmt::format("rename index {} to {} on {}", o.name, o.new_name,
                               qualify(o.schema, o.table));
          },
          [](const RenameConstraint& o) {
            return fmt::format("rename {} constraint {} to {} on {}", constraint_kind_name(o.kind), o.name,
                               o.new_name, qualify(o.schema, o.table));
          },
          [](const CreatePrimaryKey& o) {
            return fmt::format("create primary key on {} ({})", qualify(o.schema, o.table),
                               util::join(o.primary_key.columns, ", "));
          },
          [](const CreateUniqueConstraint& o) {
            return fmt::format("create unique constraint {}on {} ({})",
                               o.constraint.name.empty() ? "" : o.constraint.name + " ",
                               qualify(o.schema, o.table), util::join(o.constraint.columns, ", "));
          },
          [](const CreateForeignKey& o) {
            return fmt::format("create foreign key {}on {} ({}) -> {}({})",
                               o.constraint.name.empty() ? "" : o.constraint.name + " ",
                               qualify(o.schema, o.table), util::join(o.constraint.columns, ", "),
                               qualify(o.constraint.ref_schema, o.constraint.ref_table),
                               util::join(o.constraint.ref_columns, ", "));
          },
          [](const CreateCheckConstraint& o) {
            return fmt::format("create check constraint {}on {}: {}",
                               o.constraint.name.empty() ? "" : o.constraint.name + " ",
                               qualify(o.schema, o.table), o.constraint.sql);
          },
          [](const DropConstraint& o) {
            std::string what = o.name;
            if (what.empty()) {
              if (auto* u = std::get_if<UniqueConstraint>(&o.existing))
                what = "(" + util::join(u->columns, ", ") + ")";
              else if (auto* f = std::get_if<ForeignKey>(&o.existing))
                what = "(" + util::join(f->columns, ", ") + ") -> " + f->ref_table;
              else if (auto* c = std::get_if<CheckConstraint>(&o.existing))
                what = c->sql;
              else if (auto* p = std::get_if<PrimaryKey>(&o.existing))
                what = "(" + util::join(p->columns, ", ") + ")";
            }
            return fmt::format("drop {} constraint {} on {}", constraint_kind_name(o.kind), what,
                               qualify(o.schema, o.table));
          },
          [](const AlterTableComment& o) {
            return fmt::format("{} comment on table {}", o.comment ? "set" : "drop",
                               qualify(o.schema, o.table));
          },
          [](const ExecuteSql& o) {
            std::string text = util::collapse_spaces(o.sql.empty() && !o.per_dialect.empty()
                                                         ? o.per_dialect.begin()->second
                                                         : o.sql);
            if (text.size() > 60) text = text.substr(0, 57) + "...";
            return "execute sql: " + text;
          },
          [](const CreateView& o) { return fmt::format("create view {}", o.view.qualified_name()); },
          [](const DropView& o) { return fmt::format("drop view {}", qualify(o.schema, o.name)); },
          [](const CreateEnum& o) {
            return fmt::format("create enum {} ({})", o.type.qualified_name(), util::join(o.type.values, ", "));
          },
          [](const DropEnum& o) { return fmt::format("drop enum {}", qualify(o.schema, o.name)); },
          [](const AlterEnum& o) {
            std::vector<std::string> what;
            std::vector<std::string> old = o.existing_values;
            for (const auto& [from, to] : o.renames) {
              what.push_back("rename " + from + " to " + to);
              for (auto& v : old)
                if (v == from) v = to;
            }
            for (const auto& v : o.values)
              if (std::find(old.begin(), old.end(), v) == old.end()) what.push_back("add " + v);
            for (const auto& v : old)
              if (std::find(o.values.begin(), o.values.end(), v) == o.values.end()) what.push_back("remove " + v);
            if (o.needs_rebuild()) what.push_back("rebuild");
            return fmt::format("alter enum {}: {}", qualify(o.schema, o.name), util::join(what, ", "));
          },
          [](const CreateSequence& o) { return fmt::format("create sequence {}", o.sequence.qualified_name()); },
          [](const DropSequence& o) { return fmt::format("drop sequence {}", qualify(o.schema, o.name)); },
          [](const AlterSequence& o) { return fmt::format("alter sequence {}", o.sequence.qualified_name()); },
      },
      op);
}

bool is_destructive(const Operation& op) {
  return std::visit(
      Overloaded{
          [](const DropTable&) { return true; },
          [](const DropColumn&) { return true; },
          [](const AlterColumn& o) { return o.new_type.has_value(); },
          [](const DropEnum&) { return true; },
          [](const AlterEnum& o) { return o.needs_rebuild(); },
          [](const DropSequence&) { return true; },
          [](const auto&) { return false; },
      },
      op);
}

std::optional<Operation> reverse(const Operation& op) {
  return std::visit(
      Overloaded{
          [](const CreateTable& o) -> std::optional<Operation> {
            return DropTable{o.table.schema, o.table.name, o.table};
          },
          [](const DropTable& o) -> std::optional<Operation> {
            if (!o.existing) return std::nullopt;
            return CreateTable{*o.existing};
          },
          [](const RenameTable& o) -> std::optional<Operation> {
            return RenameTable{o.schema, o.new_name, o.table};
          },
          [](const AddColumn& o) -> std::optional<Operation> {
            return DropColumn{o.schema, o.table, o.column.name, o.column};
          },
          [](const DropColumn& o) -> std::optional<Operation> {
            if (!o.existing) return std::nullopt;
            return AddColumn{o.schema, o.table, *o.existing};
          },
          [](const AlterColumn& o) -> std::optional<Operation> {
            AlterColumn r;
            r.schema = o.schema;
            r.table = o.table;
            r.column = o.new_name ? *o.new_name : o.column;
            if (o.new_name) r.new_name = o.column;
            // A changed attribute goes back to its recorded old value; without one, the
            // op cannot be reversed.
            auto restore = [](const auto& changed, const auto& old, auto& out) {
              if (!changed) return true;
              out = old;
              return old.has_value();
            };
            if (!restore(o.new_type, o.existing_type, r.new_type) ||
                !restore(o.new_default, o.existing_default, r.new_default) ||
                !restore(o.new_comment, o.existing_comment, r.new_comment) ||
                !restore(o.new_collation, o.existing_collation, r.new_collation) ||
                !restore(o.new_identity, o.existing_identity, r.new_identity))
              return std::nullopt;
            if (o.new_nullable) {
              r.new_nullable = o.existing_nullable ? *o.existing_nullable : !*o.new_nullable;
            }
            if (o.new_autoincrement) r.new_autoincrement = o.existing_autoincrement.value_or(!*o.new_autoincrement);
            r.existing_collation = o.new_collation ? o.new_collation : o.existing_collation;
            r.existing_identity = o.new_identity ? o.new_identity : o.existing_identity;
            r.existing_autoincrement = o.new_autoincrement ? o.new_autoincrement : o.existing_autoincrement;
            r.existing_type = o.new_type ? o.new_type : o.existing_type;
            r.existing_nullable = o.new_nullable ? o.new_nullable : o.existing_nullable;
            r.existing_default = o.new_default ? o.new_default : o.existing_default;
            r.existing_comment = o.new_comment ? o.new_comment : o.existing_comment;
            return r;
          },
          [](const CreateIndex& o) -> std::optional<Operation> {
            return DropIndex{o.schema, o.table, o.index.name, o.index};
          },
          [](const DropIndex& o) -> std::optional<Operation> {
            if (!o.existing) return std::nullopt;
            return CreateIndex{o.schema, o.table, *o.existing};
          },
          [](const RenameIndex& o) -> std::optional<Operation> {
            return RenameIndex{o.schema, o.table, o.new_name, o.name};
          },
          [](const RenameConstraint& o) -> std::optional<Operation> {
            return RenameConstraint{o.schema, o.table, o.new_name, o.name, o.kind};
          },
          [](const CreatePrimaryKey& o) -> std::optional<Operation> {
            return DropConstraint{o.schema, o.table, o.primary_key.name,
                                  ConstraintKind::primary_key, o.primary_key};
          },
          [](const CreateUniqueConstraint& o) -> std::optional<Operation> {
            return DropConstraint{o.schema, o.table, o.constraint.name, ConstraintKind::unique,
                                  o.constraint};
          },
          [](const CreateForeignKey& o) -> std::optional<Operation> {
            return DropConstraint{o.schema, o.table, o.constraint.name,
                                  ConstraintKind::foreign_key, o.constraint};
          },
          [](const CreateCheckConstraint& o) -> std::optional<Operation> {
            return DropConstraint{o.schema, o.table, o.constraint.name, ConstraintKind::check,
                                  o.constraint};
          },
          [](const DropConstraint& o) -> std::optional<Operation> {
            if (auto* p = std::get_if<PrimaryKey>(&o.existing))
              return CreatePrimaryKey{o.schema, o.table, *p};
            if (auto* u = std::get_if<UniqueConstraint>(&o.existing))
              return CreateUniqueConstraint{o.schema, o.table, *u};
            if (auto* f = std::get_if<ForeignKey>(&o.existing))
              return CreateForeignKey{o.schema, o.table, *f};
            if (auto* c = std::get_if<CheckConstraint>(&o.existing))
              return CreateCheckConstraint{o.schema, o.table, *c};
            return std::nullopt;
          },
          [](const AlterTableComment& o) -> std::optional<Operation> {
            if (!o.existing_comment) return std::nullopt;
            return AlterTableComment{o.schema, o.table, *o.existing_comment, o.comment};
          },
          [](const ExecuteSql&) -> std::optional<Operation> { return std::nullopt; },
          [](const CreateView& o) -> std::optional<Operation> {
            return DropView{o.view.schema, o.view.name, o.view};
          },
          [](const DropView& o) -> std::optional<Operation> {
            if (!o.existing) return std::nullopt;
            return CreateView{*o.existing};
          },
          [](const CreateEnum& o) -> std::optional<Operation> {
            return DropEnum{o.type.schema, o.type.name, o.type};
          },
          [](const DropEnum& o) -> std::optional<Operation> {
            if (!o.existing) return std::nullopt;
            return CreateEnum{*o.existing};
          },
          [](const AlterEnum& o) -> std::optional<Operation> {
            AlterEnum r{o.schema, o.name, o.existing_values, o.values, {}};
            for (auto it = o.renames.rbegin(); it != o.renames.rend(); ++it) r.renames.emplace_back(it->second, it->first);
            return r;
          },
          [](const CreateSequence& o) -> std::optional<Operation> {
            return DropSequence{o.sequence.schema, o.sequence.name, o.sequence};
          },
          [](const DropSequence& o) -> std::optional<Operation> {
            if (!o.existing) return std::nullopt;
            return CreateSequence{*o.existing};
          },
          [](const AlterSequence& o) -> std::optional<Operation> {
            if (!o.existing) return std::nullopt;
            return AlterSequence{*o.existing, o.sequence};
          },
      },
      op);
}

std::vector<Operation> reverse_all(const std::vector<Operation>& ops) {
  std::vector<Operation> out;
  out.reserve(ops.size());
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    auto r = reverse(*it);
    if (!r)
      throw InputError(fmt::format("cannot invert op {} ({}): it lacks the previous definition",
                                   op_name(*it), describe(*it)));
    out.push_back(std::move(*r));
  }
  return out;
}

namespace {

/// Finds the constraint a DropConstraint means: by name, else by its definition (an
/// unnamed constraint, or one the database named while the schema here has no name).
template <class T, class Same>
bool find_constraint(const std::vector<T>& list, const DropConstraint& o, Same same, size_t* index) {
  if (!o.name.empty())
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i].name == o.name) {
        *index = i;
        return true;
      }
  if (const T* e = std::get_if<T>(&o.existing))
    for (size_t i = 0; i < list.size(); ++i)
      if ((o.name.empty() || list[i].name.empty()) && same(list[i], *e)) {
        *index = i;
        return true;
      }
  return false;
}

bool same_columns_kind(const DropConstraint& o, const Table& t, size_t* index) {
  switch (o.kind) {
    case ConstraintKind::unique:
      return find_constraint(t.uniques, o, [](const UniqueConstraint& a, const UniqueConstraint& b) {
        return a.columns == b.columns;
      }, index);
    case ConstraintKind::foreign_key:
      return find_constraint(t.foreign_keys, o, [](const ForeignKey& a, const ForeignKey& b) {
        return a.columns == b.columns && a.ref_table == b.ref_table;
      }, index);
    case ConstraintKind::check:
      return find_constraint(t.checks, o, [](const CheckConstraint& a, const CheckConstraint& b) {
        return util::collapse_spaces(a.sql) == util::collapse_spaces(b.sql);
      }, index);
    case ConstraintKind::primary_key:
      *index = 0;
      return !t.primary_key.empty();
  }
  return false;
}

}  // namespace

bool rename_constraint_in(Table& t, const RenameConstraint& o) {
  auto rename = [&](auto& list) {
    for (auto& c : list)
      if (c.name == o.name) {
        c.name = o.new_name;
        return true;
      }
    return false;
  };
  switch (o.kind) {
    case ConstraintKind::primary_key:
      if (t.primary_key.empty() || t.primary_key.name != o.name) return false;
      t.primary_key.name = o.new_name;
      return true;
    case ConstraintKind::unique: return rename(t.uniques);
    case ConstraintKind::foreign_key: return rename(t.foreign_keys);
    case ConstraintKind::check: return rename(t.checks);
  }
  return false;
}

void apply_op(MetaData& md, const Operation& op) {
  std::visit(
      Overloaded{
          [&](const CreateTable& o) { md.add_table(o.table); },
          [&](const DropTable& o) {
            if (!md.remove_table(qualify(o.schema, o.table)))
              throw InputError("drop_table: no table '" + qualify(o.schema, o.table) + "'");
          },
          [&](const RenameTable& o) { md.rename_table(qualify(o.schema, o.table), o.new_name); },
          [&](const AddColumn& o) {
            Table& t = require_table(md, o.schema, o.table, "add_column");
            if (t.find_column(o.column.name))
              throw InputError(fmt::format("add_column: column '{}.{}' exists", o.table, o.column.name));
            t.columns.push_back(o.column);
          },
          [&](const DropColumn& o) {
            Table& t = require_table(md, o.schema, o.table, "drop_column");
            if (!erase_first(t.columns, [&](const Column& c) { return c.name == o.column; }))
              throw InputError(fmt::format("drop_column: no column '{}.{}'", o.table, o.column));
            // Constraints and indexes on the dropped column go with it.
            auto uses = [&](const std::vector<std::string>& cols) {
              return std::find(cols.begin(), cols.end(), o.column) != cols.end();
            };
            t.indexes.erase(std::remove_if(t.indexes.begin(), t.indexes.end(),
                                           [&](const Index& i) { return uses(i.columns); }),
                            t.indexes.end());
            t.uniques.erase(std::remove_if(t.uniques.begin(), t.uniques.end(),
                                           [&](const UniqueConstraint& u) { return uses(u.columns); }),
                            t.uniques.end());
            t.foreign_keys.erase(std::remove_if(t.foreign_keys.begin(), t.foreign_keys.end(),
                                                [&](const ForeignKey& f) { return uses(f.columns); }),
                                 t.foreign_keys.end());
            if (uses(t.primary_key.columns)) t.primary_key = {};
          },
          [&](const AlterColumn& o) {
            Table& t = require_table(md, o.schema, o.table, "alter_column");
            Column* c = t.find_column(o.column);
            if (!c) throw InputError(fmt::format("alter_column: no column '{}.{}'", o.table, o.column));
            if (o.new_type) c->type = *o.new_type;
            if (o.new_nullable) c->nullable = *o.new_nullable;
            if (o.new_default) c->default_ = *o.new_default;
            if (o.new_comment) c->comment = *o.new_comment;
            if (o.new_collation) c->collation = *o.new_collation;
            if (o.new_identity) {
              c->identity = *o.new_identity;
              c->autoincrement = c->identity.has_value();
            }
            if (o.new_autoincrement) c->autoincrement = *o.new_autoincrement;
            if (o.new_name) {
              if (t.find_column(*o.new_name))
                throw InputError(fmt::format("alter_column: column '{}.{}' exists", o.table, *o.new_name));
              c->name = *o.new_name;
              rename_in(t.primary_key.columns, o.column, *o.new_name);
              for (auto& u : t.uniques) rename_in(u.columns, o.column, *o.new_name);
              for (auto& i : t.indexes) rename_in(i.columns, o.column, *o.new_name);
              for (auto& f : t.foreign_keys) rename_in(f.columns, o.column, *o.new_name);
              // Foreign keys elsewhere that point at this column follow the rename.
              for (auto& other : md.mutable_tables())
                for (auto& f : other.foreign_keys)
                  if (f.ref_table == t.name && f.ref_schema == t.schema)
                    rename_in(f.ref_columns, o.column, *o.new_name);
            }
          },
          [&](const CreateIndex& o) {
            Table& t = require_table(md, o.schema, o.table, "create_index");
            t.indexes.push_back(o.index);
          },
          [&](const DropIndex& o) {
            Table& t = require_table(md, o.schema, o.table, "drop_index");
            if (!erase_first(t.indexes, [&](const Index& i) { return i.name == o.name; }))
              throw InputError(fmt::format("drop_index: no index '{}' on '{}'", o.name, o.table));
          },
          [&](const RenameIndex& o) {
            Table& t = require_table(md, o.schema, o.table, "rename_index");
            for (auto& i : t.indexes)
              if (i.name == o.name) {
                i.name = o.new_name;
                return;
              }
            throw InputError(fmt::format("rename_index: no index '{}' on '{}'", o.name, o.table));
          },
          [&](const RenameConstraint& o) {
            Table& t = require_table(md, o.schema, o.table, "rename_constraint");
            if (!rename_constraint_in(t, o))
              throw InputError(fmt::format("rename_constraint: no {} constraint '{}' on '{}'",
                                           constraint_kind_name(o.kind), o.name, o.table));
          },
          [&](const CreatePrimaryKey& o) {
            Table& t = require_table(md, o.schema, o.table, "create_primary_key");
            t.primary_key = o.primary_key;
            for (const auto& name : o.primary_key.columns)
              if (Column* c = t.find_column(name)) c->nullable = false;
          },
          [&](const CreateUniqueConstraint& o) {
            require_table(md, o.schema, o.table, "create_unique_constraint").uniques.push_back(o.constraint);
          },
          [&](const CreateForeignKey& o) {
            require_table(md, o.schema, o.table, "create_foreign_key").foreign_keys.push_back(o.constraint);
          },
          [&](const CreateCheckConstraint& o) {
            require_table(md, o.schema, o.table, "create_check_constraint").checks.push_back(o.constraint);
          },
          [&](const DropConstraint& o) {
            Table& t = require_table(md, o.schema, o.table, "drop_constraint");
            size_t i = 0;
            if (!same_columns_kind(o, t, &i))
              throw InputError(fmt::format("drop_constraint: no {} constraint {}on '{}'",
                                           constraint_kind_name(o.kind),
                                           o.name.empty() ? "" : "'" + o.name + "' ", o.table));
            switch (o.kind) {
              case ConstraintKind::unique: t.uniques.erase(t.uniques.begin() + static_cast<std::ptrdiff_t>(i)); break;
              case ConstraintKind::foreign_key: t.foreign_keys.erase(t.foreign_keys.begin() + static_cast<std::ptrdiff_t>(i)); break;
              case ConstraintKind::check: t.checks.erase(t.checks.begin() + static_cast<std::ptrdiff_t>(i)); break;
              case ConstraintKind::primary_key: t.primary_key = {}; break;
            }
          },
          [&](const AlterTableComment& o) {
            require_table(md, o.schema, o.table, "alter_table_comment").comment = o.comment;
          },
          [&](const ExecuteSql&) {},
          [&](const CreateView& o) {
            if (find_named(md.views, o.view.schema, o.view.name))
              throw InputError("create_view: view '" + o.view.qualified_name() + "' exists");
            md.views.push_back(o.view);
          },
          [&](const DropView& o) {
            if (!erase_named(md.views, o.schema, o.name))
              throw InputError("drop_view: no view '" + qualify(o.schema, o.name) + "'");
          },
          [&](const CreateEnum& o) {
            if (find_named(md.enums, o.type.schema, o.type.name))
              throw InputError("create_enum: type '" + o.type.qualified_name() + "' exists");
            md.enums.push_back(o.type);
            md.enums.back().renamed_values.clear();
          },
          [&](const DropEnum& o) {
            if (!erase_named(md.enums, o.schema, o.name))
              throw InputError("drop_enum: no enum type '" + qualify(o.schema, o.name) + "'");
          },
          [&](const AlterEnum& o) {
            EnumType* e = find_named(md.enums, o.schema, o.name);
            if (!e) throw InputError("alter_enum: no enum type '" + qualify(o.schema, o.name) + "'");
            e->values = o.values;
          },
          [&](const CreateSequence& o) {
            if (find_named(md.sequences, o.sequence.schema, o.sequence.name))
              throw InputError("create_sequence: sequence '" + o.sequence.qualified_name() + "' exists");
            md.sequences.push_back(o.sequence);
          },
          [&](const DropSequence& o) {
            if (!erase_named(md.sequences, o.schema, o.name))
              throw InputError("drop_sequence: no sequence '" + qualify(o.schema, o.name) + "'");
          },
          [&](const AlterSequence& o) {
            Sequence* q = find_named(md.sequences, o.sequence.schema, o.sequence.name);
            if (!q) throw InputError("alter_sequence: no sequence '" + o.sequence.qualified_name() + "'");
            *q = o.sequence;
          },
      },
      op);
}

}  // namespace migrate
