// Entry points of the SQLite dialect (private to the library; the registry calls them).
#pragma once

#include <memory>
#include <string>

#include <migrate/dialect/connection.hpp>
#include <migrate/dialect/dialect.hpp>

namespace migrate {

/// The SQLite dialect (one stateless instance for the whole program).
const Dialect& sqlite_dialect();

/// Opens (creating the file when absent) an SQLite database. `path` is a file path or
/// ":memory:"; `display_url` is what errors show. Sets a 30 s busy timeout so that a
/// concurrent process waits for the write lock instead of failing at once. Throws
/// DatabaseError when the database cannot be opened.
std::unique_ptr<Connection> open_sqlite(const std::string& path, const std::string& display_url);

}  // namespace migrate
