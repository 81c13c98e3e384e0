#include "dialect/sqlite/sqlite_sql_parser.hpp"

#include <cctype>

#include <migrate/model/table.hpp>

#include "util/strings.hpp"

namespace migrate::sqlite {

namespace {

bool is_ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

// Reads a quoted run starting at s[i] (the opening quote) up to `close`; a doubled closing
// quote is an escaped one (except for [brackets]). Returns the index after the close.
size_t read_quoted(std::string_view s, size_t i, char close, bool doubling, std::string* value) {
  size_t j = i + 1;
  while (j < s.size()) {
    if (s[j] == close) {
      if (doubling && j + 1 < s.size() && s[j + 1] == close) {
        if (value) *value += close;
        j += 2;
        continue;
      }
      return j + 1;
    }
    if (value) *value += s[j];
    ++j;
  }
  return s.size();  // unterminated: take the rest
}

}  // namespace

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  out.reserve(s.size() / 4);  // CREATE texts have a token every 5 to 6 characters
  size_t i = 0;
  bool space = false;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      space = true;
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
      space = true;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t e = s.find("*/", i + 2);
      i = e == std::string_view::npos ? s.size() : e + 2;
      space = true;
      continue;
    }
    Token t{TokenKind::op, "", "", i, i, space};
    space = false;
    size_t j = i + 1;
    if (c == '\'') {
      t.kind = TokenKind::string;
      j = read_quoted(s, i, '\'', true, nullptr);
    } else if (c == '"' || c == '`') {
      t.kind = TokenKind::quoted_ident;
      j = read_quoted(s, i, static_cast<char>(c), true, &t.value);
    } else if (c == '[') {
      t.kind = TokenKind::quoted_ident;
      j = read_quoted(s, i, ']', false, &t.value);
    } else if ((c == 'x' || c == 'X') && i + 1 < s.size() && s[i + 1] == '\'') {
      t.kind = TokenKind::blob;
      j = read_quoted(s, i + 1, '\'', false, nullptr);
    } else if (std::isdigit(c) ||
               (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      t.kind = TokenKind::number;
      if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        j = i + 2;
        while (j < s.size() && std::isxdigit(static_cast<unsigned char>(s[j]))) ++j;
      } else {
        j = i;
        while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
        if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
          size_t k = j + 1;
          if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
          if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
            j = k;
            while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
          }
        }
      }
    } else if (is_ident_start(c)) {
      t.kind = TokenKind::word;
      while (j < s.size() && is_ident_char(static_cast<unsigned char>(s[j]))) ++j;
    } else if (c == '(') {
      t.kind = TokenKind::lparen;
    } else if (c == ')') {
      t.kind = TokenKind::rparen;
    } else if (c == ',') {
      t.kind = TokenKind::comma;
    } else if (c == ';') {
      t.kind = TokenKind::semicolon;
    } else {
      static const char* two[] = {"||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "->"};
      for (const char* op : two)
        if (s.substr(i, 2) == op) j = i + 2;
      if (s.substr(i, 3) == "->>") j = i + 3;
    }
    t.end = j;
    t.text = std::string(s.substr(i, j - i));
    if (t.kind == TokenKind::word) t.value = t.text;
    if (t.kind != TokenKind::word && t.kind != TokenKind::quoted_ident) t.value = t.text;
    out.push_back(std::move(t));
    i = j;
  }
  return out;
}

bool is_keyword(const Token& t, std::string_view kw) {
  return t.kind == TokenKind::word && util::iequals(t.text, kw);
}

namespace {

using Tokens = std::vector<Token>;

// Index of the rparen matching the lparen at i, or toks.size() when unbalanced.
size_t match_paren(const Tokens& toks, size_t i) {
  int depth = 0;
  for (size_t j = i; j < toks.size(); ++j) {
    if (toks[j].kind == TokenKind::lparen) ++depth;
    if (toks[j].kind == TokenKind::rparen && --depth == 0) return j;
  }
  return toks.size();
}

// The source text between the tokens [a, b), trimmed.
std::string span(std::string_view sql, const Tokens& toks, size_t a, size_t b) {
  if (a >= b || a >= toks.size()) return "";
  size_t end = toks[std::min(b, toks.size()) - 1].end;
  return util::trim(sql.substr(toks[a].begin, end - toks[a].begin));
}

// Splits the tokens (a, b) (exclusive of both) at top-level commas into [begin, end) ranges.
std::vector<std::pair<size_t, size_t>> split_items(const Tokens& toks, size_t a, size_t b) {
  std::vector<std::pair<size_t, size_t>> items;
  int depth = 0;
  size_t start = a + 1;
  for (size_t j = a + 1; j < b; ++j) {
    if (toks[j].kind == TokenKind::lparen) ++depth;
    if (toks[j].kind == TokenKind::rparen) --depth;
    if (toks[j].kind == TokenKind::comma && depth == 0) {
      items.emplace_back(start, j);
      start = j + 1;
    }
  }
  if (start < b) items.emplace_back(start, b);
  return items;
}

// Column names of a parenthesised list starting at the lparen at i; *end gets the rparen.
std::vector<std::string> name_list(const Tokens& toks, size_t i, size_t* end, bool* autoinc = nullptr) {
  std::vector<std::string> names;
  size_t close = match_paren(toks, i);
  for (auto [a, b] : split_items(toks, i, close)) {
    if (a < b) names.push_back(toks[a].value);
    for (size_t k = a; k < b; ++k)
      if (autoinc && is_keyword(toks[k], "AUTOINCREMENT")) *autoinc = true;
  }
  *end = close;
  return names;
}

bool starts_column_constraint(const Token& t) {
  static const char* kws[] = {"CONSTRAINT", "PRIMARY", "NOT",  "NULL",       "UNIQUE",    "CHECK",
                              "DEFAULT",    "COLLATE", "REFERENCES", "GENERATED", "AS"};
  for (const char* k : kws)
    if (is_keyword(t, k)) return true;
  return false;
}

// Parses "REFERENCES tbl [(cols)] [ON ...] [MATCH x] [[NOT] DEFERRABLE [INITIALLY x]]"
// starting at the REFERENCES token; returns the index after the clause.
size_t parse_references(const Tokens& toks, size_t i, size_t end, ParsedForeignKey* fk) {
  ++i;  // REFERENCES
  if (i < end) fk->ref_table = toks[i++].value;
  if (i < end && toks[i].kind == TokenKind::lparen) {
    size_t close = 0;
    fk->ref_columns = name_list(toks, i, &close);
    i = close + 1;
  }
  while (i < end) {
    if (is_keyword(toks[i], "ON") && i + 2 < end) {
      i += 2;  // ON DELETE|UPDATE
      if (is_keyword(toks[i], "SET") || is_keyword(toks[i], "NO"))
        i += 2;
      else
        i += 1;
    } else if (is_keyword(toks[i], "MATCH")) {
      i += 2;
    } else if (is_keyword(toks[i], "NOT") && i + 1 < end && is_keyword(toks[i + 1], "DEFERRABLE")) {
      fk->deferrable = false;
      i += 2;
    } else if (is_keyword(toks[i], "DEFERRABLE")) {
      fk->deferrable = true;
      i += 1;
    } else if (is_keyword(toks[i], "INITIALLY") && i + 1 < end) {
      fk->initially_deferred = fk->deferrable && is_keyword(toks[i + 1], "DEFERRED");
      i += 2;
    } else {
      break;
    }
  }
  if (!fk->deferrable) fk->initially_deferred = false;
  return i;
}

void parse_column(std::string_view sql, const Tokens& toks, size_t a, size_t b, ParsedTable* out) {
  ParsedColumn col;
  col.name = toks[a].value;
  size_t i = a + 1;
  // The type: any tokens (with balanced parentheses) before the first constraint keyword.
  while (i < b && !starts_column_constraint(toks[i])) {
    if (toks[i].kind == TokenKind::lparen) i = match_paren(toks, i);
    ++i;
  }
  std::string pending_name;
  while (i < b) {
    const Token& t = toks[i];
    if (is_keyword(t, "CONSTRAINT") && i + 1 < b) {
      pending_name = toks[i + 1].value;
      i += 2;
      continue;
    }
    if (is_keyword(t, "PRIMARY")) {
      out->primary_key_name = pending_name;
      i += 2;  // PRIMARY KEY
      while (i < b && !starts_column_constraint(toks[i])) {
        if (is_keyword(toks[i], "AUTOINCREMENT")) col.autoincrement = true;
        ++i;
      }
    } else if (is_keyword(t, "UNIQUE")) {
      out->uniques.push_back({pending_name, {col.name}});
      ++i;
      while (i < b && !starts_column_constraint(toks[i])) ++i;
    } else if (is_keyword(t, "CHECK") && i + 1 < b && toks[i + 1].kind == TokenKind::lparen) {
      size_t close = match_paren(toks, i + 1);
      out->checks.push_back({pending_name, span(sql, toks, i + 2, close)});
      i = close + 1;
    } else if (is_keyword(t, "DEFAULT")) {
      ++i;
      if (i < b && toks[i].kind == TokenKind::lparen) {
        i = match_paren(toks, i) + 1;
      } else {
        if (i < b && toks[i].kind == TokenKind::op) ++i;  // sign
        ++i;
      }
    } else if (is_keyword(t, "COLLATE") && i + 1 < b) {
      col.collation = toks[i + 1].value;
      i += 2;
    } else if (is_keyword(t, "REFERENCES")) {
      ParsedForeignKey fk;
      fk.name = pending_name;
      fk.columns = {col.name};
      i = parse_references(toks, i, b, &fk);
      out->foreign_keys.push_back(std::move(fk));
    } else if (is_keyword(t, "NOT") && i + 1 < b && is_keyword(toks[i + 1], "NULL")) {
      i += 2;
    } else if (is_keyword(t, "NULL")) {
      ++i;
    } else if (is_keyword(t, "GENERATED")) {
      i += 2;  // GENERATED ALWAYS, then AS
    } else if (is_keyword(t, "AS") && i + 1 < b && toks[i + 1].kind == TokenKind::lparen) {
      size_t close = match_paren(toks, i + 1);
      col.generated = span(sql, toks, i + 2, close);
      i = close + 1;
      if (i < b && is_keyword(toks[i], "STORED")) {
        col.generated_stored = true;
        ++i;
      } else if (i < b && is_keyword(toks[i], "VIRTUAL")) {
        ++i;
      }
    } else {
      ++i;  // conflict clauses, anything unknown
      continue;
    }
    pending_name.clear();
  }
  out->columns.push_back(std::move(col));
}

void parse_table_constraint(std::string_view sql, const Tokens& toks, size_t a, size_t b,
                            ParsedTable* out) {
  size_t i = a;
  std::string name;
  if (is_keyword(toks[i], "CONSTRAINT") && i + 1 < b) {
    name = toks[i + 1].value;
    i += 2;
  }
  if (i >= b) return;
  size_t lp = i + 1;
  if (is_keyword(toks[i], "PRIMARY") || is_keyword(toks[i], "FOREIGN")) lp = i + 2;  // ... KEY (
  if (lp >= b || toks[lp].kind != TokenKind::lparen) return;
  size_t close = 0;
  if (is_keyword(toks[i], "PRIMARY")) {
    out->primary_key_name = name;
    name_list(toks, lp, &close, &out->primary_key_autoincrement);
  } else if (is_keyword(toks[i], "UNIQUE")) {
    out->uniques.push_back({name, name_list(toks, lp, &close)});
  } else if (is_keyword(toks[i], "CHECK")) {
    close = match_paren(toks, lp);
    out->checks.push_back({name, span(sql, toks, lp + 1, close)});
  } else if (is_keyword(toks[i], "FOREIGN")) {
    ParsedForeignKey fk;
    fk.name = name;
    fk.columns = name_list(toks, lp, &close);
    if (close + 1 < b && is_keyword(toks[close + 1], "REFERENCES"))
      parse_references(toks, close + 1, b, &fk);
    out->foreign_keys.push_back(std::move(fk));
  }
}

// Index of the first token after "CREATE ... <kind> [IF NOT EXISTS]" and the kind found.
size_t skip_create_header(const Tokens& toks, std::string* kind) {
  size_t i = 0;
  if (i < toks.size() && is_keyword(toks[i], "CREATE")) ++i;
  while (i < toks.size() && (is_keyword(toks[i], "TEMP") || is_keyword(toks[i], "TEMPORARY") ||
                             is_keyword(toks[i], "UNIQUE")))
    ++i;
  if (i < toks.size() && is_keyword(toks[i], "VIRTUAL")) {
    *kind = "virtual table";
    i += 2;
  } else if (i < toks.size()) {
    *kind = util::to_lower(toks[i].text);
    ++i;
  }
  if (i + 2 < toks.size() && is_keyword(toks[i], "IF") && is_keyword(toks[i + 1], "NOT") &&
      is_keyword(toks[i + 2], "EXISTS"))
    i += 3;
  return i;
}

// Reads "[schema.]name" at i; returns the index after it.
size_t read_object_name(const Tokens& toks, size_t i, std::string* name) {
  if (i < toks.size()) *name = toks[i].value;
  ++i;
  if (i + 1 < toks.size() && toks[i].kind == TokenKind::op && toks[i].text == ".") {
    *name = toks[i + 1].value;
    i += 2;
  }
  return i;
}

}  // namespace

const ParsedColumn* ParsedTable::find_column(std::string_view name) const {
  for (const auto& c : columns)
    if (util::iequals(c.name, name)) return &c;
  return nullptr;
}

ParsedTable parse_create_table(std::string_view sql) {
  ParsedTable out;
  Tokens toks = tokenize(sql);
  std::string kind, name;
  size_t i = read_object_name(toks, skip_create_header(toks, &kind), &name);
  if (i >= toks.size() || toks[i].kind != TokenKind::lparen) return out;  // CREATE TABLE AS
  size_t close = match_paren(toks, i);
  for (auto [a, b] : split_items(toks, i, close)) {
    if (a >= b) continue;
    const Token& first = toks[a];
    bool constraint = is_keyword(first, "CONSTRAINT") || is_keyword(first, "PRIMARY") ||
                      is_keyword(first, "UNIQUE") || is_keyword(first, "CHECK") ||
                      is_keyword(first, "FOREIGN");
    if (constraint)
      parse_table_constraint(sql, toks, a, b, &out);
    else
      parse_column(sql, toks, a, b, &out);
  }
  for (size_t j = close + 1; j < toks.size(); ++j) {
    if (is_keyword(toks[j], "ROWID")) out.without_rowid = true;
    if (is_keyword(toks[j], "STRICT")) out.strict = true;
  }
  return out;
}

ParsedIndex parse_create_index(std::string_view sql) {
  ParsedIndex out;
  Tokens toks = tokenize(sql);
  size_t i = 0;
  while (i < toks.size() && !is_keyword(toks[i], "ON")) ++i;
  i += 2;  // ON table
  if (i >= toks.size() || toks[i].kind != TokenKind::lparen) return out;
  size_t close = match_paren(toks, i);
  for (auto [a, b] : split_items(toks, i, close))
    out.elements.push_back(util::collapse_spaces(span(sql, toks, a, b)));
  if (close + 1 < toks.size() && is_keyword(toks[close + 1], "WHERE")) {
    size_t end = toks.size();
    while (end > close + 2 && toks[end - 1].kind == TokenKind::semicolon) --end;
    out.where = span(sql, toks, close + 2, end);
  }
  return out;
}

ParsedObject parse_create_object(std::string_view sql) {
  ParsedObject out;
  Tokens toks = tokenize(sql);
  if (toks.empty() || !is_keyword(toks[0], "CREATE")) return out;
  size_t i = read_object_name(toks, skip_create_header(toks, &out.kind), &out.name);
  if (out.kind == "view") {
    if (i < toks.size() && toks[i].kind == TokenKind::lparen) i = match_paren(toks, i) + 1;
    if (i < toks.size() && is_keyword(toks[i], "AS")) ++i;
    size_t end = toks.size();
    while (end > i && toks[end - 1].kind == TokenKind::semicolon) --end;
    out.select_sql = span(sql, toks, i, end);
  }
  return out;
}

namespace {

// Removes parentheses that change nothing around the operands of AND / OR / NOT:
// "((a > 0) AND (b <> 'z'))" and "a > 0 AND b <> 'z'" mean the same. A group may go when
// its neighbours bind less tightly than what it holds: a group holding a top-level OR
// only between OR (or the ends), one holding AND between AND/OR (not after NOT), one
// holding neither between any boolean connective. Function-call parentheses stay.
Tokens strip_redundant_parens(Tokens toks) {
  auto is_kw = [](const Token& t, const char* kw) { return t.kind == TokenKind::word && util::iequals(t.text, kw); };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t open = 0; open < toks.size(); ++open) {
      if (toks[open].kind != TokenKind::lparen) continue;
      if (open > 0 && (toks[open - 1].kind == TokenKind::word || toks[open - 1].kind == TokenKind::quoted_ident) &&
          !is_kw(toks[open - 1], "AND") && !is_kw(toks[open - 1], "OR") && !is_kw(toks[open - 1], "NOT"))
        continue;  // a function call (or IN (...), which has no boolean connective before it)
      int depth = 0;
      size_t close = toks.size();
      bool has_or = false, has_and = false, has_comma = false;
      for (size_t j = open; j < toks.size(); ++j) {
        if (toks[j].kind == TokenKind::lparen) ++depth;
        else if (toks[j].kind == TokenKind::rparen && --depth == 0) {
          close = j;
          break;
        } else if (depth == 1) {
          has_or = has_or || is_kw(toks[j], "OR");
          has_and = has_and || is_kw(toks[j], "AND") || is_kw(toks[j], "BETWEEN");
          has_comma = has_comma || toks[j].kind == TokenKind::comma;
        }
      }
      if (close == toks.size() || close == open + 1 || has_comma) continue;
      auto side_ok = [&](const Token* t, bool before) {
        if (!t) return true;
        if (t->kind == TokenKind::lparen && before) return true;
        if (t->kind == TokenKind::rparen && !before) return true;
        if (is_kw(*t, "OR")) return true;
        if (is_kw(*t, "AND")) return !has_or;
        if (is_kw(*t, "NOT") && before) return !has_or && !has_and;
        return false;
      };
      const Token* prev = open > 0 ? &toks[open - 1] : nullptr;
      const Token* next = close + 1 < toks.size() ? &toks[close + 1] : nullptr;
      // A parenthesised group inside another group is judged by the outer group's
      // neighbours only when it spans the whole of it; "( (x) )" collapses step by step.
      if (!side_ok(prev, true) || !side_ok(next, false)) continue;
      if (prev && prev->kind == TokenKind::lparen && !(next && next->kind == TokenKind::rparen) &&
          (has_or || has_and))
        continue;  // "(a OR b) AND c" inside a group: the neighbour is inside, not a connective
      toks.erase(toks.begin() + static_cast<long>(close));
      toks.erase(toks.begin() + static_cast<long>(open));
      changed = true;
      break;
    }
  }
  return toks;
}

}  // namespace

std::string canonical_sql(std::string_view expr) {
  Tokens toks = strip_redundant_parens(tokenize(expr));
  size_t a = 0, b = toks.size();
  while (b - a >= 2 && toks[a].kind == TokenKind::lparen) {
    // Only strip when the first "(" closes at the last token.
    int depth = 0;
    size_t close = b;
    for (size_t j = a; j < b; ++j) {
      if (toks[j].kind == TokenKind::lparen) ++depth;
      if (toks[j].kind == TokenKind::rparen && --depth == 0) {
        close = j;
        break;
      }
    }
    if (close != b - 1) break;
    ++a;
    --b;
  }
  std::string out;
  bool prev_wordlike = false;
  for (size_t j = a; j < b; ++j) {
    const Token& t = toks[j];
    std::string piece;
    bool wordlike = true;
    switch (t.kind) {
      case TokenKind::word:
        piece = util::to_upper(t.text);
        break;
      case TokenKind::quoted_ident:
        if (is_plain_identifier(t.value)) {
          piece = util::to_upper(t.value);
        } else {
          piece = "\"";
          for (char c : t.value) {
            if (c == '"') piece += '"';
            piece += c;
          }
          piece += '"';
        }
        break;
      case TokenKind::blob:
        piece = util::to_upper(t.text);
        break;
      case TokenKind::string:
      case TokenKind::number:
        piece = t.text;
        break;
      default:
        piece = t.text;
        wordlike = false;
    }
    if (wordlike && prev_wordlike) out += ' ';
    out += piece;
    prev_wordlike = wordlike;
  }
  return out;
}

bool mentions_identifier(std::string_view sql, std::string_view name) {
  for (const auto& t : tokenize(sql))
    if ((t.kind == TokenKind::word || t.kind == TokenKind::quoted_ident) && util::iequals(t.value, name))
      return true;
  return false;
}

std::string replace_identifier(std::string_view sql, std::string_view from,
                               std::string_view to_quoted) {
  std::string out;
  size_t pos = 0;
  for (const auto& t : tokenize(sql)) {
    if ((t.kind == TokenKind::word || t.kind == TokenKind::quoted_ident) && util::iequals(t.value, from)) {
      out.append(sql.substr(pos, t.begin - pos));
      out.append(to_quoted);
      pos = t.end;
    }
  }
  out.append(sql.substr(pos));
  return out;
}

}  // namespace migrate::sqlite
