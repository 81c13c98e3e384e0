// Deep equality for the io tests: the model's operator== ignores rename hints and the
// op structs have none, but a round trip through a file must keep every field.
#pragma once

#include <migrate/model/metadata.hpp>
#include <migrate/ops/operation.hpp>

namespace migrate::test {

inline bool same(const Column& a, const Column& b) { return a == b && a.renamed_from == b.renamed_from; }

inline bool same(const Table& a, const Table& b) {
  if (!(a == b) || a.renamed_from != b.renamed_from) return false;
  for (size_t i = 0; i < a.columns.size(); ++i)
    if (a.columns[i].renamed_from != b.columns[i].renamed_from) return false;
  for (size_t i = 0; i < a.uniques.size(); ++i)
    if (a.uniques[i].renamed_from != b.uniques[i].renamed_from) return false;
  for (size_t i = 0; i < a.checks.size(); ++i)
    if (a.checks[i].renamed_from != b.checks[i].renamed_from) return false;
  for (size_t i = 0; i < a.foreign_keys.size(); ++i)
    if (a.foreign_keys[i].renamed_from != b.foreign_keys[i].renamed_from) return false;
  for (size_t i = 0; i < a.indexes.size(); ++i)
    if (a.indexes[i].renamed_from != b.indexes[i].renamed_from) return false;
  return true;
}

inline bool same(const MetaData& a, const MetaData& b) {
  if (!(a == b)) return false;
  for (size_t i = 0; i < a.tables().size(); ++i)
    if (!same(a.tables()[i], b.tables()[i])) return false;
  return true;
}

inline bool same(const Operation& x, const Operation& y) {
  if (x.index() != y.index()) return false;
  if (auto* a = std::get_if<CreateTable>(&x)) return same(a->table, std::get<CreateTable>(y).table);
  if (auto* a = std::get_if<DropTable>(&x)) {
    auto& b = std::get<DropTable>(y);
    if (a->schema != b.schema || a->table != b.table || a->existing.has_value() != b.existing.has_value())
      return false;
    return !a->existing || same(*a->existing, *b.existing);
  }
  if (auto* a = std::get_if<RenameTable>(&x)) {
    auto& b = std::get<RenameTable>(y);
    return a->schema == b.schema && a->table == b.table && a->new_name == b.new_name;
  }
  if (auto* a = std::get_if<AddColumn>(&x)) {
    auto& b = std::get<AddColumn>(y);
    return a->schema == b.schema && a->table == b.table && same(a->column, b.column);
  }
  if (auto* a = std::get_if<DropColumn>(&x)) {
    auto& b = std::get<DropColumn>(y);
    if (a->schema != b.schema || a->table != b.table || a->column != b.column ||
        a->existing.has_value() != b.existing.has_value())
      return false;
    return !a->existing || same(*a->existing, *b.existing);
  }
  if (auto* a = std::get_if<AlterColumn>(&x)) {
    auto& b = std::get<AlterColumn>(y);
    return a->schema == b.schema && a->table == b.table && a->column == b.column &&
           a->new_type == b.new_type && a->new_nullable == b.new_nullable &&
           a->new_default == b.new_default && a->new_name == b.new_name &&
           a->new_comment == b.new_comment && a->existing_type == b.existing_type &&
           a->existing_nullable == b.existing_nullable && a->existing_default == b.existing_default &&
           a->existing_comment == b.existing_comment;
  }
  if (auto* a = std::get_if<CreateIndex>(&x)) {
    auto& b = std::get<CreateIndex>(y);
    return a->schema == b.schema && a->table == b.table && a->index == b.index &&
           a->index.renamed_from == b.index.renamed_from;
  }
  if (auto* a = std::get_if<DropIndex>(&x)) {
    auto& b = std::get<DropIndex>(y);
    return a->schema == b.schema && a->table == b.table && a->name == b.name && a->existing == b.existing;
  }
  if (auto* a = std::get_if<RenameIndex>(&x)) {
    auto& b = std::get<RenameIndex>(y);
    return a->schema == b.schema && a->table == b.table && a->name == b.name && a->new_name == b.new_name;
  }
  if (auto* a = std::get_if<CreatePrimaryKey>(&x)) {
    auto& b = std::get<CreatePrimaryKey>(y);
    return a->schema == b.schema && a->table == b.table && a->primary_key == b.primary_key;
  }
  if (auto* a = std::get_if<CreateUniqueConstraint>(&x)) {
    auto& b = std::get<CreateUniqueConstraint>(y);
    return a->schema == b.schema && a->table == b.table && a->constraint == b.constraint;
  }
  if (auto* a = std::get_if<CreateForeignKey>(&x)) {
    auto& b = std::get<CreateForeignKey>(y);
    return a->schema == b.schema && a->table == b.table && a->constraint == b.constraint;
  }
  if (auto* a = std::get_if<CreateCheckConstraint>(&x)) {
    auto& b = std::get<CreateCheckConstraint>(y);
    return a->schema == b.schema && a->table == b.table && a->constraint == b.constraint;
  }
  if (auto* a = std::get_if<DropConstraint>(&x)) {
    auto& b = std::get<DropConstraint>(y);
    return a->schema == b.schema && a->table == b.table && a->name == b.name && a->kind == b.kind &&
           a->existing == b.existing;
  }
  if (auto* a = std::get_if<AlterTableComment>(&x)) {
    auto& b = std::get<AlterTableComment>(y);
    return a->schema == b.schema && a->table == b.table && a->comment == b.comment &&
           a->existing_comment == b.existing_comment;
  }
  auto& a = std::get<ExecuteSql>(x);
  auto& b = std::get<ExecuteSql>(y);
  return a.sql == b.sql && a.per_dialect == b.per_dialect && a.transaction == b.transaction;
}

inline bool same(const std::vector<Operation>& a, const std::vector<Operation>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

}  // namespace migrate::test
