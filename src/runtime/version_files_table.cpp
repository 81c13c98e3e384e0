#include <migrate/runtime/version_files_table.hpp>

#include <fmt/format.h>

#include <migrate/script/script_directory.hpp>

#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

/// The statement a step records, with `revision` and `sha256` as placeholders or literals.
std::string step_sql(const std::string& table, Direction direction, const std::string& revision,
                     const std::string& sha256) {
  if (direction == Direction::down) return fmt::format("DELETE FROM {} WHERE revision = {}", table, revision);
  // ON CONFLICT ... DO UPDATE: SQLite 3.24 and later, and PostgreSQL.
  return fmt::format("INSERT INTO {} (revision, sha256) VALUES ({}, {}) "
                     "ON CONFLICT (revision) DO UPDATE SET sha256 = excluded.sha256",
                     table, revision, sha256);
}

}  // namespace

Statement VersionFilesTable::create_statement(bool if_not_exists) const {
  return Statement{fmt::format("CREATE TABLE {}{} (\n    revision VARCHAR(32) NOT NULL,\n    sha256 VARCHAR(64) "
                               "NOT NULL,\n    CONSTRAINT {} PRIMARY KEY (revision)\n)",
                               if_not_exists ? "IF NOT EXISTS " : "", dialect_.quote_identifier(name_),
                               dialect_.quote_identifier(name_ + "_pkc"))};
}

void VersionFilesTable::ensure(Connection& conn) const {
  if (!conn.table_exists("", name_)) conn.execute(create_statement(true));
}

std::map<std::string, std::string> VersionFilesTable::read(Connection& conn) const {
  std::map<std::string, std::string> rows;
  if (!conn.table_exists("", name_)) return rows;
  for (const auto& r : conn.query(Statement{"SELECT revision, sha256 FROM " + dialect_.quote_identifier(name_)}))
    if (r.size() == 2 && r[0] && r[1]) rows.emplace(*r[0], *r[1]);
  return rows;
}

Statement VersionFilesTable::step_statement(const Step& step, const MigrationFile& file) const {
  Statement s;
  s.sql = step_sql(dialect_.quote_identifier(name_), step.direction, dialect_.placeholder(1), dialect_.placeholder(2));
  s.params = {step.revision};
  if (step.direction == Direction::up) s.params.push_back(file.sha256);
  s.prepare = true;
  return s;
}

std::string VersionFilesTable::offline_step_sql(const Step& step, const MigrationFile& file) const {
  return step_sql(dialect_.quote_identifier(name_), step.direction, dialect_.quote_literal(step.revision),
                  dialect_.quote_literal(file.sha256));
}

Statement VersionFilesTable::purge_statement() const {
  return Statement{"DELETE FROM " + dialect_.quote_identifier(name_)};
}

std::vector<EditedFile> VersionFilesTable::edited_files(Connection& conn, const ScriptDirectory& scripts,
                                                        const std::vector<std::string>& version_rows) const {
  std::map<std::string, std::string> recorded = read(conn);
  std::vector<EditedFile> edited;
  if (recorded.empty()) return edited;
  const RevisionGraph& graph = scripts.graph();
  for (const Revision& r : graph.revisions()) {
    auto it = recorded.find(r.id);
    if (it == recorded.end() || !graph.is_applied(r.id, version_rows)) continue;
    // The bytes only: parsing every applied file would make `check` grow with the
    // history, and an edit that broke the file is still an edit.
    std::string current = util::sha256_hex(util::read_file(r.path));
    if (current != it->second) edited.push_back({r.id, r.path, it->second, std::move(current)});
  }
  return edited;
}

}  // namespace migrate
