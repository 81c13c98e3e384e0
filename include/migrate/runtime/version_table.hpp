// The version table: one row per current head (DESIGN.md §7), as Alembic's alembic_version,
// and beside it the files table of the applied files' hashes (version_files_table.hpp).
#pragma once

#include <string>
#include <vector>

#include <migrate/dialect/connection.hpp>
#include <migrate/runtime/version_files_table.hpp>
#include <migrate/script/revision_graph.hpp>

namespace migrate {

class VersionTable {
 public:
  VersionTable(const Dialect& dialect, std::string name)
      : dialect_(dialect), name_(std::move(name)), files_(dialect, name_) {}

  const std::string& name() const { return name_; }
  /// Its files table ("<name>_files").
  const VersionFilesTable& files() const { return files_; }
  /// CREATE TABLE statement (IF NOT EXISTS online; plain offline, as Alembic prints it).
  Statement create_statement(bool if_not_exists) const;
  /// The rows, or empty when the table is absent. Never creates it.
  std::vector<std::string> read(Connection& conn) const;
  /// The rows of a table known to exist (one query; the runner's re-check in each step).
  std::vector<std::string> read_existing(Connection& conn) const;
  /// Creates the table, and its files table, when absent.
  void ensure(Connection& conn) const;
  /// Applies changes online: every UPDATE and DELETE must hit exactly one row, else
  /// DatabaseError ("expected to match one row when updating 'a' to 'b' in ...; 0 found").
  void apply(Connection& conn, const std::vector<VersionChange>& changes) const;
  /// The statements apply() runs, with bound values and that row-count check
  /// (Statement::expected_rows), for the runner to send with a step's own statements.
  std::vector<Statement> statements(const std::vector<VersionChange>& changes) const;
  /// Empty the table and its files table (stamp --purge).
  std::vector<Statement> purge_statements() const;
  /// The statements for changes with literal values (offline --sql).
  std::vector<std::string> offline_sql(const std::vector<VersionChange>& changes) const;

 private:
  const Dialect& dialect_;
  std::string name_;
  VersionFilesTable files_;
};

}  // namespace migrate
