#include <migrate/runtime/version_table.hpp>

#include <fmt/format.h>

#include <migrate/error.hpp>

namespace migrate {

Statement VersionTable::create_statement(bool if_not_exists) const {
  std::string q = dialect_.quote_identifier(name_);
  std::string pk = dialect_.quote_identifier(name_ + "_pkc");
  return Statement{fmt::format("CREATE TABLE {}{} (\n    version_num VARCHAR(32) NOT NULL,\n    "
                               "CONSTRAINT {} PRIMARY KEY (version_num)\n)",
                               if_not_exists ? "IF NOT EXISTS " : "", q, pk)};
}

std::vector<std::string> VersionTable::read(Connection& conn) const {
  if (!conn.table_exists("", name_)) return {};
  return read_existing(conn);
}

std::vector<std::string> VersionTable::read_existing(Connection& conn) const {
  std::vector<std::string> rows;
  for (const auto& r : conn.query(Statement{"SELECT version_num FROM " + dialect_.quote_identifier(name_)}))
    if (!r.empty() && r[0]) rows.push_back(*r[0]);
  return rows;
}

void VersionTable::ensure(Connection& conn) const {
  if (!conn.table_exists("", name_)) conn.execute(create_statement(true));
  files_.ensure(conn);
}

void VersionTable::apply(Connection& conn, const std::vector<VersionChange>& changes) const {
  for (const auto& s : statements(changes)) conn.execute(s);
}

std::vector<Statement> VersionTable::statements(const std::vector<VersionChange>& changes) const {
  std::string q = dialect_.quote_identifier(name_);
  std::vector<Statement> out;
  for (const auto& c : changes) {
    Statement s;
    switch (c.kind) {
      case VersionChange::Kind::insert:
        s.sql = fmt::format("INSERT INTO {} (version_num) VALUES ({})", q, dialect_.placeholder(1));
        s.params = {c.to};
        break;
      case VersionChange::Kind::update:
        s.sql = fmt::format("UPDATE {} SET version_num = {} WHERE version_num = {}", q, dialect_.placeholder(1),
                            dialect_.placeholder(2));
        s.params = {c.to, c.from};
        s.expected_rows = 1;
        s.check_message = fmt::format("online migration expected to match one row when updating '{}' to '{}' in '{}'",
                                      c.from, c.to, name_);
        break;
      case VersionChange::Kind::remove:
        s.sql = fmt::format("DELETE FROM {} WHERE version_num = {}", q, dialect_.placeholder(1));
        s.params = {c.from};
        s.expected_rows = 1;
        s.check_message =
            fmt::format("online migration expected to match one row when deleting '{}' in '{}'", c.from, name_);
        break;
    }
    s.prepare = true;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Statement> VersionTable::purge_statements() const {
  return {Statement{"DELETE FROM " + dialect_.quote_identifier(name_)}, files_.purge_statement()};
}

std::vector<std::string> VersionTable::offline_sql(const std::vector<VersionChange>& changes) const {
  std::string q = dialect_.quote_identifier(name_);
  std::vector<std::string> out;
  for (const auto& c : changes) {
    switch (c.kind) {
      case VersionChange::Kind::insert:
        out.push_back(fmt::format("INSERT INTO {} (version_num) VALUES ({})", q, dialect_.quote_literal(c.to)));
        break;
      case VersionChange::Kind::update:
        out.push_back(fmt::format("UPDATE {} SET version_num={} WHERE {}.version_num = {}", q,
                                  dialect_.quote_literal(c.to), q, dialect_.quote_literal(c.from)));
        break;
      case VersionChange::Kind::remove:
        out.push_back(fmt::format("DELETE FROM {} WHERE {}.version_num = {}", q, q, dialect_.quote_literal(c.from)));
        break;
    }
  }
  return out;
}

}  // namespace migrate
