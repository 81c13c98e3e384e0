// A small tokenizer and parser for the SQL text SQLite keeps in sqlite_schema.
//
// SQLite's pragmas do not report everything the model needs (constraint names, CHECK
// expressions, COLLATE, generated-column expressions, DEFERRABLE, index expressions), so
// reflection reads those from the CREATE TABLE / CREATE INDEX text. The parser is
// tolerant: the text was accepted by SQLite, so it only has to find the pieces, and on
// anything it does not understand it skips ahead rather than throwing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::sqlite {

enum class TokenKind { word, quoted_ident, string, number, blob, lparen, rparen, comma, semicolon, op };

struct Token {
  TokenKind kind;
  std::string text;   // the token as written
  std::string value;  // identifiers unquoted (word or quoted_ident); else == text
  size_t begin = 0;   // offsets into the source
  size_t end = 0;
  bool space_before = false;
};

/// Splits SQL into tokens; whitespace and comments are dropped (space_before records them).
std::vector<Token> tokenize(std::string_view sql);

/// True when the token is the bare keyword `kw` (case-insensitive). Quoted words never match.
bool is_keyword(const Token& t, std::string_view kw);

struct ParsedForeignKey {
  std::string name;
  std::vector<std::string> columns;  // child columns (for an inline REFERENCES: the column)
  std::string ref_table;
  std::vector<std::string> ref_columns;
  bool deferrable = false;
  bool initially_deferred = false;
};

struct ParsedCheck {
  std::string name;
  std::string sql;  // the text inside CHECK ( ), trimmed
};

struct ParsedUnique {
  std::string name;
  std::vector<std::string> columns;
};

struct ParsedColumn {
  std::string name;
  std::optional<std::string> collation;
  std::optional<std::string> generated;  // expression inside AS ( )
  bool generated_stored = false;
  bool autoincrement = false;
};

/// What the CREATE TABLE text says beyond the pragmas. Lists keep the order of the text;
/// column-level constraints are listed with the table-level ones at the point they occur.
struct ParsedTable {
  std::vector<ParsedColumn> columns;
  std::string primary_key_name;
  bool primary_key_autoincrement = false;  // PRIMARY KEY (id AUTOINCREMENT)
  std::vector<ParsedUnique> uniques;
  std::vector<ParsedCheck> checks;
  std::vector<ParsedForeignKey> foreign_keys;
  bool without_rowid = false;
  bool strict = false;
  const ParsedColumn* find_column(std::string_view name) const;  // case-insensitive
};

ParsedTable parse_create_table(std::string_view sql);

struct ParsedIndex {
  std::vector<std::string> elements;  // each element's text, whitespace collapsed
  std::optional<std::string> where;
};

ParsedIndex parse_create_index(std::string_view sql);

/// The kind ("table", "index", "view", "trigger", "virtual table"), the name and, for a
/// view, the SELECT text of a CREATE statement. kind is "" when the text is not one.
struct ParsedObject {
  std::string kind;
  std::string name;
  std::string select_sql;  // views only
};
ParsedObject parse_create_object(std::string_view sql);

/// A canonical spelling for comparing expressions: tokens re-joined with no whitespace
/// except one space between two word-like tokens, bare words upper-cased (SQLite keywords
/// and identifiers are case-insensitive), identifier quotes removed from plain names,
/// string literals kept verbatim, one pair of outer parentheses removed repeatedly.
std::string canonical_sql(std::string_view expr);

/// True when `sql` contains an identifier token equal (case-insensitive) to `name`.
/// Conservative: a string literal never matches, any other mention does.
bool mentions_identifier(std::string_view sql, std::string_view name);

/// `sql` with every identifier token equal (case-insensitive) to `from` replaced by
/// `to_quoted` (already quoted). Used to carry a column rename into saved SQL texts.
std::string replace_identifier(std::string_view sql, std::string_view from,
                               std::string_view to_quoted);

}  // namespace migrate::sqlite
