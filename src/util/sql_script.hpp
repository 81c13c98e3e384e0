// Splitting a DDL script (schema.sql) into statements, and reading rename hints from its
// comments (internal).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <migrate/dialect/connection.hpp>

namespace migrate::util {

/// The statements of `sql` (without the trailing ';'), each with its first line. Knows
/// '...' strings, "..." identifiers, -- and /* */ comments, PostgreSQL $tag$ quoting, and
/// SQLite CREATE TRIGGER ... BEGIN ... END bodies. Blank statements are dropped.
std::vector<ScriptStatement> split_sql_script(const std::string& sql, const std::string& file);

struct RenameHints {
  std::map<std::string, std::string> tables;                          // new -> old
  std::map<std::pair<std::string, std::string>, std::string> columns;  // (table, new) -> old
};

/// Rename hints written in comments: `-- renamed_from: old` (or sqldef's
/// `/* @renamed from=old */`) on the line of a CREATE TABLE names the table's old name; on
/// the line of a column definition, the column's.
RenameHints read_rename_hints(const std::vector<ScriptStatement>& statements);

}  // namespace migrate::util
