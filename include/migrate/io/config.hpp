// migrate.toml (DESIGN.md §3).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migrate {

struct Config {
  std::string path;  // the config file ("" when none was read)
  std::string dir;   // its directory: base of every relative path below
  std::string url;   // after ${VAR} expansion, MIGRATE_DATABASE_URL and --url
  std::vector<std::string> model_sources;  // absolute paths; models.toml or *.sql
  std::string versions_dir = "versions";   // absolute after loading
  /// Further directories of migration files ([migrations] version_locations), read
  /// together with versions_dir as one graph; `revision --version-path` picks one.
  std::vector<std::string> version_locations;
  std::string version_table = "migrate_version";
  bool transaction_per_migration = true;
  std::vector<std::string> exclude_tables;
  std::vector<std::string> include_tables;
  std::vector<std::string> schemas;        // PostgreSQL: schemas to reflect
  bool compare_types = true;
  bool compare_server_defaults = true;
  std::map<std::string, std::string> naming_convention;  // "ix", "uq", "fk", "ck", "pk"
  std::string scratch_url;                 // PostgreSQL scratch database for schema.sql
};

/// Loads migrate.toml. ${VAR} in strings is replaced from the environment (an unset
/// variable is an InputError naming it); MIGRATE_DATABASE_URL overrides [database] url;
/// `url_override` (--url) overrides both. Throws InputError "path:line:column: ..." for
/// malformed TOML or unknown keys, and "path: cannot read file" when missing.
Config load_config(const std::string& path, const std::optional<std::string>& url_override);

}  // namespace migrate
