// The pieces every command needs, composed from migrate.toml (internal).
#pragma once

#include <memory>
#include <string>

#include <migrate/command.hpp>
#include <migrate/dialect/connection.hpp>
#include <migrate/diff/compare.hpp>
#include <migrate/io/config.hpp>
#include <migrate/runtime/version_table.hpp>
#include <migrate/script/script_directory.hpp>

namespace migrate {

class Environment {
 public:
  explicit Environment(const GlobalOptions& g);

  const Config& config() const { return config_; }
  const Dialect& dialect() const;
  /// The versions directory (loaded once, on first use).
  const ScriptDirectory& scripts() const;
  /// A new connection to the configured database.
  std::unique_ptr<Connection> connect() const;
  VersionTable version_table() const { return VersionTable(dialect(), config_.version_table); }
  ReflectOptions reflect_options() const;
  /// The declared schema from [models] source, naming convention applied, filters applied.
  MetaData load_models() const;
  CompareOptions compare_options() const;
  /// The masked URL for messages.
  std::string display_url() const;

 private:
  Config config_;
  mutable std::unique_ptr<ScriptDirectory> scripts_;
};

/// Compares the models with the live schema of `conn`, asking the server for its own
/// spelling of expressions where their text differs.
Diff compare_with_database(const Environment& env, Connection& conn, const MetaData& declared,
                           MetaData* live_out = nullptr);

/// The schema declared by schema.sql files, loaded into a scratch database of `dialect`
/// (SQLite: in memory; PostgreSQL: a rolled-back scratch schema of config.scratch_url, or
/// else of `url`) and reflected. Rename hints in comments become renamed_from. Throws
/// InputError "file:line: ..." naming every statement that could not run.
MetaData load_sql_models(const std::vector<std::string>& files, const Dialect& dialect, const Config& config,
                         const std::string& url);

/// "rev (label) (head)"-style one-line label of a revision, as Alembic prints it.
std::string revision_label(const RevisionGraph& graph, const Revision& r, const std::vector<std::string>& current);

}  // namespace migrate
