// models.toml: the declared schema (DESIGN.md §5), read into MetaData and written back.
#pragma once

#include <string>

#include <migrate/model/metadata.hpp>

namespace migrate {

/// Parses models.toml text. `path` is used in messages. Throws InputError whose message
/// starts with "path:line:column: " for malformed TOML and for wrong keys/values
/// (unknown key, a column without a type, a foreign key naming an unknown column...).
MetaData parse_models_toml(const std::string& text, const std::string& path);
/// Reads and parses a models.toml file.
MetaData load_models_toml(const std::string& path);
/// Writes a schema as models.toml text that parse_models_toml reads back to an equal
/// MetaData (used by `migrate inspect`).
std::string write_models_toml(const MetaData& md);

}  // namespace migrate
