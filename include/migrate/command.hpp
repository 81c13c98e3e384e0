// Library verbs: what the command line calls (one function per command, as Alembic's
// command.py). Each loads migrate.toml, does its work and reports through Output; errors
// are thrown as migrate::Error subclasses (the CLI maps them to exit codes).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace migrate {

struct Output {
  std::function<void(const std::string&)> out;   // results (stdout)
  std::function<void(const std::string&)> info;  // progress and notes (stderr)
};

struct GlobalOptions {
  std::string config_path = "migrate.toml";
  std::optional<std::string> url;  // --url
  std::string format = "text";     // text | json (where a command reports data)
  bool quiet = false;
  bool verbose = false;
};

/// Writes a new environment into `dir` (migrate.toml, models.toml, versions/).
/// Throws InputError when dir exists and is not empty.
void cmd_init(const std::string& dir, const Output& out);

struct RevisionOptions {
  std::string message;
  bool autogenerate = false;
  bool empty = false;  // write the file even when autogenerate finds no changes
  std::string head = "head";
  bool splice = false;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  std::string rev_id;
  std::string version_path;
};
/// Writes a new migration file; returns its path ("" when autogenerate found nothing
/// and `empty` is false).
std::string cmd_revision(const GlobalOptions& g, const RevisionOptions& o, const Output& out);

struct MergeOptions {
  std::vector<std::string> revisions;
  std::string message;
  std::vector<std::string> branch_labels;
  std::string rev_id;
};
std::string cmd_merge(const GlobalOptions& g, const MergeOptions& o, const Output& out);

struct ApplyOptions {
  std::string target;
  bool sql = false;
  bool single_transaction = false;
};
void cmd_upgrade(const GlobalOptions& g, const ApplyOptions& o, const Output& out);
void cmd_downgrade(const GlobalOptions& g, const ApplyOptions& o, const Output& out);

struct StampOptions {
  std::vector<std::string> targets;
  bool sql = false;
  bool purge = false;
};
void cmd_stamp(const GlobalOptions& g, const StampOptions& o, const Output& out);

void cmd_current(const GlobalOptions& g, bool verbose, const Output& out);
void cmd_heads(const GlobalOptions& g, bool verbose, bool resolve_dependencies, const Output& out);
void cmd_branches(const GlobalOptions& g, bool verbose, const Output& out);
void cmd_history(const GlobalOptions& g, const std::string& range, bool verbose, bool indicate_current,
                 const Output& out);
void cmd_show(const GlobalOptions& g, const std::string& rev, const Output& out);

/// Compares the models with the database (which must be at its heads). Returns true
/// when they match; prints the differences otherwise.
bool cmd_check(const GlobalOptions& g, const Output& out);
struct CiCheckOptions {
  std::vector<std::string> checks;  // heads, upgrade, models, roundtrip; empty = all
  std::string scratch_url;          // empty: [models] scratch_url, else a temporary SQLite file
};
/// The CI checks of DESIGN.md §8, in the manner of pytest-alembic, on an empty scratch
/// database: a single head; base -> heads upgrades one step at a time; the migrated schema
/// matches the models; every revision's downgrade leaves no trace and upgrading again
/// gives the same schema. The scratch database is downgraded to base afterwards. Returns
/// true when every selected check passes.
bool cmd_check_ci(const GlobalOptions& g, const CiCheckOptions& o, const Output& out);

/// Prints the ops between models and database without writing a file (--sql: their SQL).
/// Returns true when there are none.
bool cmd_diff(const GlobalOptions& g, bool sql, const Output& out);

struct DiffSourcesOptions {
  std::string from;     // a database URL, a models.toml, or a schema.sql (or a list: a,b)
  std::string to;
  std::string dialect;  // for file-to-file diffs: "sqlite" (default) or "postgresql"
  bool sql = false;
};
/// Prints the ops that turn `from` into `to`, any two of: database URL, models.toml,
/// schema.sql. File-to-file on SQLite needs no database; schema.sql on PostgreSQL needs
/// one to load into (the other side's URL, [models] scratch_url or --url). Returns true
/// when there are no differences. migrate.toml is optional here.
bool cmd_diff_sources(const GlobalOptions& g, const DiffSourcesOptions& o, const Output& out);
/// Prints the live schema as models.toml, SQL DDL, Mermaid or JSON.
void cmd_inspect(const GlobalOptions& g, const std::string& format, const Output& out);

}  // namespace migrate
