// Helpers for the PostgreSQL dialect tests: connection and model shortcuts.
#pragma once

#include <memory>
#include <string>

#include <migrate/dialect/registry.hpp>

#include "dialect/postgresql/pg_connection.hpp"
#include "dialect/postgresql/pg_dialect.hpp"
#include "dialect/postgresql/postgresql.hpp"

namespace migrate::test {

/// A connection to `url` (normally PgDatabase::url()).
std::unique_ptr<PgConnection> pg_connect(const std::string& url);

/// A column with a name, a type and nullability.
Column col(std::string name, std::string type, bool nullable = true);

inline const PgDialect& pg() { return static_cast<const PgDialect&>(postgresql_dialect()); }

}  // namespace migrate::test
