// MetaData: a whole schema, the unit that is declared, reflected and compared.
//
// Tables keep the order in which they were added (declaration order for models,
// catalog order for reflection); lookups by name are hash-based.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <migrate/model/table.hpp>

namespace migrate {

struct View {
  std::string schema;
  std::string name;
  std::string sql;  // the SELECT, as written or as the database normalised it
  bool operator==(const View& o) const {
    return schema == o.schema && name == o.name && sql == o.sql;
  }
};

/// Objects reflection met but does not model (triggers, functions, ...). They are never
/// dropped or created by autogenerate; `check` reports them.
struct UnsupportedObject {
  std::string kind;  // "trigger", "function", ...
  std::string name;
  std::string table;  // owning table, if any
};

class MetaData {
 public:
  /// Adds a table. Throws InputError when a table of that qualified name exists.
  Table& add_table(Table table);
  /// The table with this qualified name ("name" or "schema.name"), or nullptr.
  const Table* find_table(const std::string& qualified_name) const;
  Table* find_table(const std::string& qualified_name);
  /// Removes the table; returns false when it was absent.
  bool remove_table(const std::string& qualified_name);
  /// Renames a table in place (keeps its position). Throws InputError if absent.
  void rename_table(const std::string& qualified_name, const std::string& new_name);

  const std::vector<Table>& tables() const { return tables_; }
  std::vector<Table>& mutable_tables() { return tables_; }

  std::vector<View> views;
  std::vector<UnsupportedObject> unsupported;

  bool operator==(const MetaData& o) const;

 private:
  void reindex();
  std::vector<Table> tables_;
  std::unordered_map<std::string, size_t> by_name_;
};

/// Tables of `md` ordered so that every table comes after the tables its foreign keys
/// reference (self references and cycles are tolerated: remaining tables keep their
/// original order). Returns indexes into md.tables().
std::vector<size_t> dependency_order(const MetaData& md);

}  // namespace migrate
