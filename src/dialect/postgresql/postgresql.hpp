// PostgreSQL dialect: private entry points (the registry is their only caller outside
// this folder and its tests).
#pragma once

#include <memory>
#include <string>

#include <migrate/dialect/connection.hpp>
#include <migrate/dialect/dialect.hpp>
#include <migrate/dialect/registry.hpp>

namespace migrate {

/// The PostgreSQL dialect (stateless; one instance for the whole program).
const Dialect& postgresql_dialect();

/// Opens a connection from a parsed URL: user/password/host/port/database and every
/// entry of url.params go to libpq as keywords (PQconnectdbParams, never a conninfo
/// string built by concatenation). `display_url` is the password-masked URL used in
/// messages. Throws DatabaseError "cannot connect to <display_url>: <libpq message>";
/// the password never appears in any message.
std::unique_ptr<Connection> open_postgresql(const DatabaseUrl& url, const std::string& display_url);

}  // namespace migrate
