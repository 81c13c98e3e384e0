// Errors thrown by the migrate library.
//
// Every failure that reaches a caller is a subclass of migrate::Error. The kind of the
// error (not its message) decides the exit code of the command line tool; the mapping
// lives only in src/cli/exit_codes.hpp. Expected outcomes ("no differences", "table
// absent") are return values, never exceptions.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace migrate {

/// Base of every error the library throws. what() is one line naming what went wrong
/// and where; detail() may hold further lines (the SQL, the candidates, ...).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string detail = {})
      : std::runtime_error(message), detail_(std::move(detail)) {}
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string detail_;
};

/// The user's input is wrong: a malformed file (models.toml, migrate.toml, a migration
/// file), a bad argument, an invalid revision graph. The message names file:line:column
/// where one is known.
class InputError : public Error {
 public:
  using Error::Error;
};

/// A revision argument could not be resolved (unknown, ambiguous, several heads where
/// one is needed, a walk that went too far). Also user input.
class RevisionError : public InputError {
 public:
  using InputError::InputError;
};

/// The database failed: cannot connect, a statement failed, a lock could not be had.
/// sql() holds the statement when there is one; sqlstate() the PostgreSQL SQLSTATE or
/// the SQLite result code as text.
class DatabaseError : public Error {
 public:
  DatabaseError(const std::string& message, std::string sql = {}, std::string sqlstate = {})
      : Error(message, sql.empty() ? std::string() : "SQL: " + sql),
        sql_(std::move(sql)),
        sqlstate_(std::move(sqlstate)) {}
  const std::string& sql() const noexcept { return sql_; }
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sql_;
  std::string sqlstate_;
};

/// An operation the dialect cannot perform (for example altering a column in a way the
/// database has no way to express). User-facing: the migration asks for something
/// impossible.
class UnsupportedError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace migrate
