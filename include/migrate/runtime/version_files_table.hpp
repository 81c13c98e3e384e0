// The files table beside the version table: the SHA-256 of each applied migration file,
// so that `migrate check` can tell a file edited after it was applied (DESIGN.md §8).
//
// "<version table>_files" (version_files_table_name), one row per revision whose upgrade
// migrate ran: written in the same transaction as the step's version-table update,
// removed by its downgrade. Stamping records nothing (those files were not applied).
// The version table itself stays as Alembic has it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <migrate/dialect/connection.hpp>
#include <migrate/io/migration_file.hpp>
#include <migrate/script/revision_graph.hpp>

namespace migrate {

class ScriptDirectory;

/// An applied migration file whose bytes are not the ones migrate applied.
struct EditedFile {
  std::string revision;
  std::string path;
  std::string recorded;  // SHA-256 in the files table
  std::string current;   // SHA-256 of the file now
};

class VersionFilesTable {
 public:
  VersionFilesTable(const Dialect& dialect, const std::string& version_table)
      : dialect_(dialect), name_(version_files_table_name(version_table)) {}

  const std::string& name() const { return name_; }
  /// CREATE TABLE statement (with IF NOT EXISTS or without).
  Statement create_statement(bool if_not_exists) const;
  /// Creates the table when absent.
  void ensure(Connection& conn) const;
  /// revision -> recorded SHA-256, or empty when the table is absent. Never creates it.
  std::map<std::string, std::string> read(Connection& conn) const;
  /// What a step records, with bound values: an upgrade upserts the revision's row with
  /// the file's hash, a downgrade deletes it (no row-count check: a revision applied
  /// before migrate recorded hashes has none).
  Statement step_statement(const Step& step, const MigrationFile& file) const;
  /// The same with literal values (offline --sql).
  std::string offline_step_sql(const Step& step, const MigrationFile& file) const;
  /// Deletes every row (stamp --purge).
  Statement purge_statement() const;
  /// The revisions applied in a database with these version rows (RevisionGraph::
  /// is_applied) whose file's hash differs from the recorded one, in load order. Rows of
  /// revisions that are not applied, and applied revisions without a row (applied before
  /// migrate recorded hashes, or stamped), are not compared; nor is anything when the
  /// table is absent. Reads and hashes each compared file, without parsing it.
  std::vector<EditedFile> edited_files(Connection& conn, const ScriptDirectory& scripts,
                                       const std::vector<std::string>& version_rows) const;

 private:
  const Dialect& dialect_;
  std::string name_;
};

}  // namespace migrate
