// Registry: from a database URL to its dialect and connection.
//
// URLs follow SQLAlchemy (DESIGN.md §4): sqlite:///rel.db, sqlite:////abs.db,
// sqlite:///:memory:, postgresql://user:pw@host:port/db?param=..., postgres://,
// postgresql+driver://. This is the only place that names the concrete dialects.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <migrate/dialect/connection.hpp>
#include <migrate/dialect/dialect.hpp>

namespace migrate {

struct DatabaseUrl {
  std::string scheme;    // "sqlite" or "postgresql" (driver suffix removed)
  std::string user;      // percent-decoded
  std::string password;  // percent-decoded
  std::string host;
  std::string port;
  std::string database;  // SQLite: the file path (relative paths as written), ":memory:"
  std::map<std::string, std::string> params;
  std::string original;
};

/// Parses a URL. Throws InputError naming the URL (password masked) when malformed or of
/// an unknown scheme.
DatabaseUrl parse_url(const std::string& url);
/// The URL with its password replaced by ***.
std::string mask_password(const std::string& url);

/// The dialect for a URL's scheme. Throws InputError for an unknown scheme.
const Dialect& dialect_for_url(const std::string& url);
/// The dialect by name ("sqlite", "postgresql"). Throws InputError when unknown.
const Dialect& dialect_by_name(const std::string& name);

/// Opens a connection. `base_dir` resolves relative SQLite paths (the config file's
/// directory). Throws DatabaseError when the connection fails (password masked).
std::unique_ptr<Connection> open_connection(const std::string& url,
                                            const std::string& base_dir = ".");

}  // namespace migrate
