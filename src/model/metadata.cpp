#include <migrate/model/metadata.hpp>

#include <unordered_set>

#include <migrate/error.hpp>

namespace migrate {

MetaData::MetaData(std::vector<Table> tables) : tables_(std::move(tables)) {
  by_name_.reserve(tables_.size());
  for (size_t i = 0; i < tables_.size(); ++i) index_name(tables_[i].qualified_name(), i);
}

void MetaData::index_name(std::string key, size_t i) {
  auto [it, fresh] = by_name_.emplace(std::move(key), i);
  if (!fresh) throw InputError("table '" + it->first + "' is declared twice");
}

Table& MetaData::add_table(Table table) {
  index_name(table.qualified_name(), tables_.size());
  tables_.push_back(std::move(table));
  return tables_.back();
}

const Table* MetaData::find_table(const std::string& qualified_name) const {
  auto it = by_name_.find(qualified_name);
  return it == by_name_.end() ? nullptr : &tables_[it->second];
}

Table* MetaData::find_table(const std::string& qualified_name) {
  auto it = by_name_.find(qualified_name);
  return it == by_name_.end() ? nullptr : &tables_[it->second];
}

bool MetaData::remove_table(const std::string& qualified_name) {
  auto it = by_name_.find(qualified_name);
  if (it == by_name_.end()) return false;
  tables_.erase(tables_.begin() + static_cast<std::ptrdiff_t>(it->second));
  reindex();
  return true;
}

void MetaData::rename_table(const std::string& qualified_name, const std::string& new_name) {
  Table* t = find_table(qualified_name);
  if (!t) throw InputError("no table '" + qualified_name + "' to rename");
  Table copy = *t;
  copy.name = new_name;
  if (find_table(copy.qualified_name()))
    throw InputError("cannot rename '" + qualified_name + "' to '" + new_name + "': table exists");
  *t = std::move(copy);
  reindex();
}

void MetaData::reindex() {
  by_name_.clear();
  for (size_t i = 0; i < tables_.size(); ++i) by_name_.emplace(tables_[i].qualified_name(), i);
}

bool MetaData::operator==(const MetaData& o) const {
  return tables_ == o.tables_ && views == o.views && enums == o.enums && sequences == o.sequences;
}

std::vector<size_t> dependency_order(const MetaData& md) {
  // Depth-first over FK targets; a table is emitted after the tables it references.
  const auto& tables = md.tables();
  std::vector<int> state(tables.size(), 0);  // 0 new, 1 visiting, 2 done
  std::vector<size_t> order;
  order.reserve(tables.size());
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < tables.size(); ++i) index.emplace(tables[i].qualified_name(), i);
  // Explicit stack to survive deep FK chains.
  for (size_t start = 0; start < tables.size(); ++start) {
    if (state[start]) continue;
    std::vector<std::pair<size_t, size_t>> stack{{start, 0}};
    state[start] = 1;
    while (!stack.empty()) {
      auto& [t, next] = stack.back();
      const auto& fks = tables[t].foreign_keys;
      if (next < fks.size()) {
        const auto& fk = fks[next++];
        std::string ref = fk.ref_schema.empty() ? (tables[t].schema.empty() ? fk.ref_table : tables[t].schema + "." + fk.ref_table)
                                                : fk.ref_schema + "." + fk.ref_table;
        auto it = index.find(ref);
        if (it != index.end() && state[it->second] == 0) {
          state[it->second] = 1;
          stack.push_back({it->second, 0});
        }
        continue;
      }
      state[t] = 2;
      order.push_back(t);
      stack.pop_back();
    }
  }
  return order;
}

}  // namespace migrate
