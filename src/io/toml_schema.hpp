// Shared TOML <-> schema-model code for models.toml and migration files (private to io/).
//
// Both file kinds spell columns, indexes and constraints with the same keys (DESIGN.md
// §5, §6), so the readers and writers live here once. Readers throw InputError whose
// message starts with "path:line:column: " taken from the offending node; writers return
// TOML text that the readers read back to equal values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include <migrate/model/metadata.hpp>

namespace migrate::io {

/// "path:line:column" of a node's start.
std::string position(const std::string& path, const toml::source_region& where);

/// Throws InputError "path:line:column: message".
[[noreturn]] void fail_at(const std::string& path, const toml::source_region& where,
                          const std::string& message);

/// Parses a whole TOML document; malformed TOML becomes InputError
/// "path:line:column: invalid TOML: <description>".
toml::table parse_toml(std::string_view text, const std::string& path);

/// "string", "integer", "boolean", "array", "table", ... for messages.
std::string type_name(const toml::node& node);
/// The same with its article: "a string", "an array".
std::string a_type(const toml::node& node);

/// Reads the keys of one TOML table for one object ("table 'users', column 'email'").
///
/// Every accessor marks its key as allowed; finish() then reports the first key that no
/// accessor asked for, listing the allowed ones. Accessors return nullopt/nullptr when the
/// key is absent and throw InputError when it holds the wrong type.
class Fields {
 public:
  Fields(const toml::table& table, const std::string& path, std::string context);

  const toml::node* get(std::string_view key);
  std::optional<std::string> str(std::string_view key);
  /// Throws "missing key 'key'" when absent.
  std::string required_str(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  /// An array of strings; with `allow_single`, a lone string counts as a one-element list.
  std::optional<std::vector<std::string>> str_list(std::string_view key, bool allow_single = false);
  const toml::table* table(std::string_view key);
  const toml::array* array(std::string_view key);
  /// Marks a key as allowed without reading it.
  void allow(std::string_view key);

  /// Throws for the first key no accessor asked for.
  void finish() const;

  /// Throws "path:line:column: context: message" at `at` (the table itself when null).
  [[noreturn]] void fail(const toml::node* at, const std::string& message) const;
  /// The same, at the key `key` when present, else at the table.
  [[noreturn]] void fail_key(std::string_view key, const std::string& message) const;

  const toml::table& raw() const { return table_; }
  const std::string& path() const { return path_; }
  const std::string& context() const { return context_; }
  void set_context(std::string context) { context_ = std::move(context); }

 private:
  [[noreturn]] void wrong_type(std::string_view key, const toml::node& node,
                               const char* expected) const;
  const toml::table& table_;
  const std::string& path_;
  std::string context_;
  std::vector<std::string> allowed_;
};

// ---- readers -------------------------------------------------------------------------

/// Column-level shorthands that belong to the table, not the Column (models.toml and
/// create_table only).
struct ColumnSugar {
  bool primary_key = false;
  bool unique = false;
  bool index = false;
  std::optional<ForeignKey> foreign_key;  // from `references`
  const toml::node* node = nullptr;       // the column, for messages
};

/// Reads one column (an inline table or [[...columns]] table). Messages say
/// "<parent>, column 'name'" (before the name is known: "<parent>, column <number>", or
/// "<parent>, column" when number is 0). With `sugar` null the table-level shorthands
/// (primary_key, unique, index, references, on_delete, on_update) are unknown keys.
Column read_column(const toml::node& node, const std::string& path, const std::string& parent,
                   size_t number, ColumnSugar* sugar);

/// Reads the body of a table definition (columns, primary_key, indexes, unique, checks,
/// foreign_keys, comment, renamed_from, sqlite_without_rowid, sqlite_strict) into `t`.
/// `t.name` must be set (it names shorthand indexes ix_<table>_<column>). Checks that
/// every constraint and index names columns of the table. Does not call f.finish().
void read_table_body(Fields& f, Table& t);

/// The definition keys of each kind, as in models.toml arrays and create_* ops.
Index read_index(Fields& f);
UniqueConstraint read_unique(Fields& f);
CheckConstraint read_check(Fields& f);
ForeignKey read_foreign_key(Fields& f);
/// `name` (optional) and `columns` (required).
PrimaryKey read_primary_key(Fields& f);
/// The option keys of a sequence (type, start, increment, min_value, max_value, cache,
/// cycle) into `s`; name and schema are the caller's.
void read_sequence_options(Fields& f, Sequence& s);
/// An optional integer key; throws for another type.
std::optional<long long> integer(Fields& f, std::string_view key);

/// Parses "table(col, ...)" or "schema.table(col, ...)" (identifiers may be
/// double-quoted). Returns false when malformed.
bool parse_references(std::string_view text, ForeignKey& fk);
/// Normalises an FK action: "cascade" -> "CASCADE", "set  null" -> "SET NULL",
/// "no action" -> "". Returns nullopt for anything else.
std::optional<std::string> normalise_fk_action(std::string_view action);

// ---- writers -------------------------------------------------------------------------

/// A TOML basic string with every character that needs it escaped.
std::string quote(std::string_view s);
/// A TOML key: bare when possible, else quoted.
std::string key_text(std::string_view key);
/// A string for a long SQL text: a multi-line literal string when that is exact and
/// readable, else quote().
std::string quote_sql(std::string_view s);
std::string string_array(const std::vector<std::string>& items);

using KeyValues = std::vector<std::pair<std::string, std::string>>;  // key, TOML value text

/// "{ k = v, k = v }".
std::string inline_table(const KeyValues& kv);

KeyValues column_kv(const Column& c, const ColumnSugar* sugar);
KeyValues index_kv(const Index& ix);
KeyValues unique_kv(const UniqueConstraint& uq);
KeyValues check_kv(const CheckConstraint& ck);
KeyValues foreign_key_kv(const ForeignKey& fk);
KeyValues primary_key_kv(const PrimaryKey& pk);
/// The option keys read_sequence_options reads back (unset options left out).
KeyValues sequence_kv(const Sequence& s);
/// "schema.table(a, b)", the text parse_references reads back.
std::string references_text(const ForeignKey& fk);

/// Writes the body of a table definition as "key = value" lines (columns one per line),
/// the text read_table_body reads back to an equal Table.
void write_table_body(std::string& out, const Table& t);

}  // namespace migrate::io
