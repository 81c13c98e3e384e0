// ScriptDirectory: the migration files of the versions directory, and the graph they form.
//
// Owns the file I/O; the graph itself is pure (revision_graph.hpp). Files are read in
// sorted filename order (Alembic's load order, which decides tie-breaks in ordering).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <migrate/io/migration_file.hpp>
#include <migrate/script/revision_graph.hpp>

namespace migrate {

class ScriptDirectory {
 public:
  /// Reads the headers of every *.toml file in `dir` (and in `more_dirs`; each directory
  /// in sorted filename order, directories in the order given) and builds the graph. Throws
  /// InputError when the directory is missing, a header is malformed, or the graph is
  /// invalid (duplicate ids, missing parents, cycles...).
  explicit ScriptDirectory(std::string dir, std::vector<std::string> more_dirs = {});

  /// The main directory (new revisions go here unless --version-path says otherwise).
  const std::string& dir() const { return dir_; }
  /// Every directory read: dir() first, then the further version locations.
  const std::vector<std::string>& dirs() const { return dirs_; }
  const RevisionGraph& graph() const { return *graph_; }
  /// The file of a revision (full id). Throws InputError when unknown.
  const std::string& path_of(const std::string& id) const;
  /// The whole migration file of a revision, parsed once and cached.
  const MigrationFile& load(const std::string& id) const;

  /// The file name for a new revision: "<id>_<slug>.toml", slug from the message
  /// (lower-case words joined by '_', cut to 40 characters at a word boundary).
  static std::string file_name(const std::string& id, const std::string& message);
  /// A new random 12-hex-digit revision id not used in this directory.
  std::string new_revision_id() const;

 private:
  std::string dir_;
  std::vector<std::string> dirs_;
  std::unique_ptr<RevisionGraph> graph_;
  mutable std::unordered_map<std::string, std::unique_ptr<MigrationFile>> cache_;
};

}  // namespace migrate
