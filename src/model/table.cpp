#include <migrate/model/table.hpp>

#include <cctype>

namespace migrate {

bool Column::operator==(const Column& o) const {
  return name == o.name && type == o.type && nullable == o.nullable && default_ == o.default_ &&
         autoincrement == o.autoincrement && identity == o.identity && generated == o.generated &&
         generated_stored == o.generated_stored && collation == o.collation && comment == o.comment;
}

bool ForeignKey::operator==(const ForeignKey& o) const {
  return name == o.name && columns == o.columns && ref_schema == o.ref_schema &&
         ref_table == o.ref_table && ref_columns == o.ref_columns && on_delete == o.on_delete &&
         on_update == o.on_update && deferrable == o.deferrable &&
         initially_deferred == o.initially_deferred;
}

bool Index::operator==(const Index& o) const {
  return name == o.name && columns == o.columns && unique == o.unique && where == o.where &&
         method == o.method;
}

const Column* Table::find_column(const std::string& column) const {
  for (const auto& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

Column* Table::find_column(const std::string& column) {
  for (auto& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

const Index* Table::find_index(const std::string& index) const {
  for (const auto& i : indexes)
    if (i.name == index) return &i;
  return nullptr;
}

std::string Table::qualified_name() const { return schema.empty() ? name : schema + "." + name; }

bool Table::operator==(const Table& o) const {
  return schema == o.schema && name == o.name && columns == o.columns &&
         primary_key == o.primary_key && uniques == o.uniques && checks == o.checks &&
         foreign_keys == o.foreign_keys && indexes == o.indexes && comment == o.comment &&
         without_rowid == o.without_rowid && strict == o.strict;
}

bool is_plain_identifier(const std::string& s) {
  if (s.empty()) return false;
  auto first = static_cast<unsigned char>(s[0]);
  if (!(std::isalpha(first) || s[0] == '_' || first >= 0x80)) return false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || ch == '_' || ch == '$' || c >= 0x80)) return false;
  }
  return true;
}

}  // namespace migrate
