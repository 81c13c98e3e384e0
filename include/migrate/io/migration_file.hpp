// Migration files (DESIGN.md §6): one TOML file per revision in the versions directory.
#pragma once

#include <string>
#include <vector>

#include <migrate/ops/operation.hpp>
#include <migrate/script/revision.hpp>

namespace migrate {

struct MigrationFile {
  Revision revision;        // id, down_revisions, depends_on, branch_labels, message, path
  std::string create_date;  // RFC 3339, as written
  std::vector<Operation> upgrade;
  std::vector<Operation> downgrade;
  /// SHA-256 of the file's bytes (64 lower-case hex digits), set by read_migration_file;
  /// empty for a file parsed from text. The files table records it when the file is
  /// applied; `migrate check` compares it.
  std::string sha256;
};

/// Parses a whole migration file. Throws InputError "path:line:column: ..." for malformed
/// TOML, a missing `revision`, an unknown op or key, a wrong value type.
MigrationFile parse_migration_file(const std::string& text, const std::string& path);
/// Reads and parses a whole migration file, and hashes its bytes (MigrationFile::sha256).
MigrationFile read_migration_file(const std::string& path);
/// Reads only the header (revision, down_revision, depends_on, branch_labels, message):
/// fast path for commands that need only the graph (heads, history). Same errors for
/// the header's keys; the op lists are not read.
Revision read_migration_header(const std::string& path);

/// The file's text: a comment line with the message, the header, then one [[upgrade]] /
/// [[downgrade]] block per op, neatly laid out, a "# DESTRUCTIVE: ..." comment above ops
/// that lose data. `upgrade_notes`, when given, holds one note per upgrade op ("" for
/// none), written as a "# NOTE: ..." comment above that op (autogenerate's rename hints).
/// parse_migration_file reads the text back to equal values (comments are not kept).
std::string write_migration_file(const MigrationFile& file,
                                 const std::vector<std::string>* upgrade_notes = nullptr);

/// True when `id` can be a revision id: non-empty, no whitespace, none of "@-+:".
bool is_valid_revision_id(const std::string& id);

}  // namespace migrate
