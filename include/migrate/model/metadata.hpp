// MetaData: a whole schema, the unit that is declared, reflected and compared.
//
// Tables keep the order in which they were added (declaration order for models,
// catalog order for reflection); lookups by name are hash-based.
#pragma once

#include <map>
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
  std::string qualified_name() const { return schema.empty() ? name : schema + "." + name; }
  bool operator==(const View& o) const {
    return schema == o.schema && name == o.name && sql == o.sql;
  }
};

/// A PostgreSQL enum type (CREATE TYPE name AS ENUM (...)).
struct EnumType {
  std::string schema;
  std::string name;
  std::vector<std::string> values;  // in sort order
  /// models only: value rename hints, new value -> old value.
  std::map<std::string, std::string> renamed_values;
  std::string qualified_name() const { return schema.empty() ? name : schema + "." + name; }
  bool operator==(const EnumType& o) const {
    return schema == o.schema && name == o.name && values == o.values;
  }
};

/// A free-standing PostgreSQL sequence (not one owned by a serial or identity column).
/// An unset option means the server's default for it (start 1 or min_value, increment 1,
/// min 1, max of the type, cache 1); compare treats a default spelled out and an unset
/// one as equal.
struct Sequence {
  std::string schema;
  std::string name;
  std::string type;  // "" = bigint
  std::optional<long long> start;
  std::optional<long long> increment;
  std::optional<long long> min_value;
  std::optional<long long> max_value;
  std::optional<long long> cache;
  bool cycle = false;
  std::string qualified_name() const { return schema.empty() ? name : schema + "." + name; }
  bool operator==(const Sequence& o) const {
    return schema == o.schema && name == o.name && type == o.type && start == o.start &&
           increment == o.increment && min_value == o.min_value && max_value == o.max_value &&
           cache == o.cache && cycle == o.cycle;
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
  MetaData() = default;
  /// A schema of these tables, in this order (a reflection hands over the vector it
  /// built instead of moving each table again). Throws InputError on a repeated name.
  explicit MetaData(std::vector<Table> tables);

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

  std::vector<View> views;        // in dependency order when declared (a view after the views it reads)
  std::vector<EnumType> enums;    // PostgreSQL
  std::vector<Sequence> sequences;  // PostgreSQL
  std::vector<UnsupportedObject> unsupported;

  bool operator==(const MetaData& o) const;

 private:
  void reindex();
  /// Maps `key` to tables_[i]; throws InputError "table 'k' is declared twice" when taken.
  void index_name(std::string key, size_t i);
  std::vector<Table> tables_;
  std::unordered_map<std::string, size_t> by_name_;
};

/// Tables of `md` ordered so that every table comes after the tables its foreign keys
/// reference (self references and cycles are tolerated: remaining tables keep their
/// original order). Returns indexes into md.tables().
std::vector<size_t> dependency_order(const MetaData& md);

}  // namespace migrate
