// Helpers for the PostgreSQL dialect tests: a test-local URL parser (the registry's
// parse_url belongs to another area) and connection shortcuts.
#pragma once

#include <memory>
#include <string>

#include <migrate/dialect/registry.hpp>

#include "dialect/postgresql/pg_connection.hpp"
#include "dialect/postgresql/pg_dialect.hpp"
#include "dialect/postgresql/postgresql.hpp"

namespace migrate::test {

/// postgresql://[user[:password]@]host[:port]/db[?k=v&...], percent-decoding user,
/// password and values. Enough for the test server URLs.
DatabaseUrl parse_test_url(const std::string& url);

/// A connection to `url` (normally PgDatabase::url()).
std::unique_ptr<PgConnection> pg_connect(const std::string& url);

inline const PgDialect& pg() { return static_cast<const PgDialect&>(postgresql_dialect()); }

}  // namespace migrate::test
