// Compare: live schema x declared schema -> the ops that turn one into the other.
//
// Pure: no database access. Spelling differences are resolved through the dialect's
// canonical forms; callers that can ask a server for its own spelling
// (Connection::server_normalize) re-run compare on the normalised declared tables.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <migrate/dialect/dialect.hpp>
#include <migrate/model/metadata.hpp>
#include <migrate/ops/operation.hpp>

namespace migrate {

struct CompareOptions {
  bool compare_types = true;
  bool compare_server_defaults = true;
};

struct Diff {
  /// Upgrade ops in dependency order: new tables (FK order), changes per table, dropped
  /// tables (reverse FK order). Every op carries what its inverse needs.
  std::vector<Operation> upgrade;
  /// One note per upgrade op ("" for none): rename hints for drop+add pairs.
  std::vector<std::string> notes;
  /// Qualified names of tables whose ops involve expressions (defaults, CHECKs, index
  /// expressions/predicates): candidates for server normalisation.
  std::vector<std::string> expression_tables;

  bool empty() const { return upgrade.empty(); }
};

/// The ops that turn `live` into `declared`. Rename hints (renamed_from) on declared
/// tables, columns and indexes become rename ops instead of drop + add.
Diff compare(const MetaData& live, const MetaData& declared, const Dialect& dialect,
             const CompareOptions& options);

/// Names unnamed constraints and indexes of `md` from a naming convention (keys "ix",
/// "uq", "ck", "fk", "pk"; tokens %(table_name)s, %(column_0_name)s,
/// %(column_0_N_name)s, %(referred_table_name)s, %(constraint_name)s), as SQLAlchemy does.
void apply_naming_convention(MetaData& md, const std::map<std::string, std::string>& convention);

}  // namespace migrate
