// Runner: applies a plan of steps to a database, or prints it as SQL (offline).
//
// Online, each migration runs in its own transaction together with its version-table
// update and its files-table row (or all in one with single_transaction). Inside each
// step's transaction the version rows are read again, so a step another process applied
// meanwhile is skipped: two concurrent upgrades apply every migration exactly once. A
// failure rolls back the failing migration and leaves the database at the last
// completed revision.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <migrate/dialect/connection.hpp>
#include <migrate/runtime/version_table.hpp>
#include <migrate/script/script_directory.hpp>

namespace migrate {

struct RunOptions {
  bool single_transaction = false;
  /// Offline only: BEGIN/COMMIT around each step (true) or around the whole script.
  bool transaction_per_migration = true;
  /// One line per step ("Running upgrade a -> b, msg ... 12 ms").
  std::function<void(const std::string&)> progress;
};

/// Runs `steps` online. The version table and its files table must exist (ensure()). An
/// upgrade step records its file's SHA-256 in the files table, a downgrade step removes
/// it. Throws DatabaseError naming the migration file, the op and the SQL when a
/// statement fails (that migration is rolled back, earlier ones are kept), InputError
/// when a file of the plan is invalid (checked for every file before the first step runs).
void run_steps(Connection& conn, const ScriptDirectory& scripts, const VersionTable& table,
               const std::vector<Step>& steps, const RunOptions& options);

/// Applies stamp steps online in one transaction.
void run_stamp(Connection& conn, const VersionTable& table, const std::vector<StampStep>& steps);

/// The offline SQL script for `steps`, starting from version rows `start_rows` (empty:
/// from base, which also creates the version table). The script creates the files table
/// (IF NOT EXISTS when not from base) and writes its rows. Never connects to a database.
std::string offline_script(const Dialect& dialect, const ScriptDirectory& scripts,
                           const VersionTable& table, const std::vector<std::string>& start_rows,
                           const std::vector<Step>& steps, const RunOptions& options);

/// The offline SQL for stamp steps.
std::string offline_stamp_script(const Dialect& dialect, const VersionTable& table,
                                 bool start_from_base, const std::vector<StampStep>& steps,
                                 const RunOptions& options);

/// The schema after applying, in memory, the upgrade ops of every revision that `rows`
/// mark as applied (used offline, where the database cannot be read).
MetaData replay_schema(const ScriptDirectory& scripts, const std::vector<std::string>& rows);

}  // namespace migrate
