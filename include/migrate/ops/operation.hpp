// Operations: what a migration is made of.
//
// Plain data, one struct per op of DESIGN.md §6 (names follow Alembic's op.*). An op that
// carries the previous state (the existing_* fields, or the full definition of what it
// drops) can be inverted with reverse(); autogenerate always fills them, so the
// downgrade of a generated migration is the reversed upgrade.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <migrate/model/metadata.hpp>

namespace migrate {

struct CreateTable {
  Table table;
};
struct DropTable {
  std::string schema;
  std::string table;
  std::optional<Table> existing;  // needed to invert
};
struct RenameTable {
  std::string schema;
  std::string table;
  std::string new_name;
};
struct AddColumn {
  std::string schema;
  std::string table;
  Column column;
};
struct DropColumn {
  std::string schema;
  std::string table;
  std::string column;
  std::optional<Column> existing;  // needed to invert
};
/// Changes one column. Each optional "new_*" that is set is a change; the existing_*
/// fields describe the column before the change (needed to invert and for SQLite
/// rebuilds offline).
struct AlterColumn {
  std::string schema;
  std::string table;
  std::string column;
  std::optional<std::string> new_type;
  std::optional<bool> new_nullable;
  std::optional<std::optional<std::string>> new_default;  // set to nullopt = drop default
  std::optional<std::string> new_name;
  std::optional<std::optional<std::string>> new_comment;
  std::optional<std::string> existing_type;
  std::optional<bool> existing_nullable;
  std::optional<std::optional<std::string>> existing_default;
  std::optional<std::optional<std::string>> existing_comment;
  /// COLLATE of the column (nullopt inside = the type's default collation).
  std::optional<std::optional<std::string>> new_collation;
  /// PostgreSQL identity: "always" / "by default"; nullopt inside = not an identity column.
  std::optional<std::optional<std::string>> new_identity;
  /// SQLite AUTOINCREMENT on an INTEGER PRIMARY KEY column.
  std::optional<bool> new_autoincrement;
  std::optional<std::optional<std::string>> existing_collation;
  std::optional<std::optional<std::string>> existing_identity;
  std::optional<bool> existing_autoincrement;
};
struct CreateIndex {
  std::string schema;
  std::string table;
  Index index;
};
struct DropIndex {
  std::string schema;
  std::string table;
  std::string name;
  std::optional<Index> existing;
};
struct RenameIndex {  // PostgreSQL ALTER INDEX RENAME; SQLite drop + create
  std::string schema;
  std::string table;
  std::string name;
  std::string new_name;
};
struct CreatePrimaryKey {
  std::string schema;
  std::string table;
  PrimaryKey primary_key;
};
struct CreateUniqueConstraint {
  std::string schema;
  std::string table;
  UniqueConstraint constraint;
};
struct CreateForeignKey {
  std::string schema;
  std::string table;
  ForeignKey constraint;
};
struct CreateCheckConstraint {
  std::string schema;
  std::string table;
  CheckConstraint constraint;
};
enum class ConstraintKind { primary_key, unique, foreign_key, check };
/// Drops a constraint. `name` may be empty for unnamed constraints (SQLite keeps no FK
/// names): the dialect then finds it by the definition in `existing`.
struct DropConstraint {
  std::string schema;
  std::string table;
  std::string name;
  ConstraintKind kind = ConstraintKind::unique;
  std::variant<std::monostate, PrimaryKey, UniqueConstraint, ForeignKey, CheckConstraint>
      existing;
};
struct AlterTableComment {
  std::string schema;
  std::string table;
  std::optional<std::string> comment;
  std::optional<std::optional<std::string>> existing_comment;
};
/// Raw SQL (a data migration). `sql` runs on every dialect unless `per_dialect` has an
/// entry for the dialect's name. `transaction = false`: must run outside a transaction.
struct ExecuteSql {
  std::string sql;
  std::map<std::string, std::string> per_dialect;
  bool transaction = true;
};

/// Creates a view from its SELECT (`view.sql`).
struct CreateView {
  View view;
};
struct DropView {
  std::string schema;
  std::string name;
  std::optional<View> existing;  // needed to invert
};
/// PostgreSQL: CREATE TYPE ... AS ENUM.
struct CreateEnum {
  EnumType type;
};
struct DropEnum {
  std::string schema;
  std::string name;
  std::optional<EnumType> existing;  // needed to invert
};
/// PostgreSQL: changes an enum's values from `existing_values` to `values`. `renames`
/// (old, new) run first (ALTER TYPE RENAME VALUE); values then only added become
/// ALTER TYPE ADD VALUE (outside a transaction); any value removed or reordered needs the
/// type rebuilt (new type, every column converted through text, old type dropped), which
/// fails if a row holds a removed value, so such an op is destructive.
struct AlterEnum {
  std::string schema;
  std::string name;
  std::vector<std::string> values;
  std::vector<std::string> existing_values;
  std::vector<std::pair<std::string, std::string>> renames;
  /// True when the change cannot be done by renames and additions alone.
  bool needs_rebuild() const;
};
/// PostgreSQL sequences.
struct CreateSequence {
  Sequence sequence;
};
struct DropSequence {
  std::string schema;
  std::string name;
  std::optional<Sequence> existing;
};
/// Sets every option of `sequence` (ALTER SEQUENCE); `existing` is the sequence before.
struct AlterSequence {
  Sequence sequence;
  std::optional<Sequence> existing;
};

/// Renames a constraint (PostgreSQL RENAME CONSTRAINT; on SQLite, where the name lives
/// only in the table's SQL, a table rebuild).
struct RenameConstraint {
  std::string schema;
  std::string table;
  std::string name;
  std::string new_name;
  ConstraintKind kind = ConstraintKind::unique;
};

using Operation =
    std::variant<CreateTable, DropTable, RenameTable, AddColumn, DropColumn, AlterColumn,
                 CreateIndex, DropIndex, RenameIndex, CreatePrimaryKey, CreateUniqueConstraint,
                 CreateForeignKey, CreateCheckConstraint, DropConstraint, AlterTableComment,
                 ExecuteSql, CreateView, DropView, CreateEnum, DropEnum, AlterEnum, CreateSequence,
                 DropSequence, AlterSequence, RenameConstraint>;

/// The op's name as written in migration files ("create_table", "add_column", ...).
std::string op_name(const Operation& op);
/// The kind name as written in files ("primary", "unique", "foreignkey", "check").
std::string constraint_kind_name(ConstraintKind kind);
/// One line for people: "add column users.email varchar(255)".
std::string describe(const Operation& op);
/// True for ops that lose data when applied (drop table/column, type changes...).
bool is_destructive(const Operation& op);
/// The inverse op, or nullopt when the op lacks the information to invert it
/// (e.g. a drop_table without its definition, or raw SQL).
std::optional<Operation> reverse(const Operation& op);
/// The downgrade for a list of upgrade ops: reversed order, each op inverted. Throws
/// InputError naming the first op that cannot be inverted.
std::vector<Operation> reverse_all(const std::vector<Operation>& ops);

/// Applies an op to an in-memory schema (used to know the schema at any revision
/// offline, and for SQLite rebuilds). ExecuteSql is ignored. Throws InputError when the op
/// refers to something absent (a table, column, index...).
void apply_op(MetaData& md, const Operation& op);
/// Renames the constraint `o` names in `t`; false when there is none of that kind and name.
bool rename_constraint_in(Table& t, const RenameConstraint& o);

}  // namespace migrate
