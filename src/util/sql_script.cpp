#include "util/sql_script.hpp"

#include <cctype>
#include <regex>

#include "util/strings.hpp"

namespace migrate::util {

namespace {

bool starts_trigger(const std::string& stmt) {
  static const std::regex re(R"(^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b)", std::regex::icase);
  return std::regex_search(stmt, re);
}

/// Case-insensitive whole-word match of `word` ending at position `end` (exclusive).
bool word_before(const std::string& s, size_t end, const char* word) {
  size_t n = std::char_traits<char>::length(word);
  if (end < n) return false;
  size_t start = end - n;
  if (!iequals(std::string_view(s).substr(start, n), word)) return false;
  auto boundary = [&](size_t i) { return !(std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_'); };
  return (start == 0 || boundary(start - 1));
}

}  // namespace

std::vector<ScriptStatement> split_sql_script(const std::string& sql, const std::string& file) {
  std::vector<ScriptStatement> out;
  std::string cur;
  int line = 1, start_line = 1;
  bool in_trigger = false;
  int trigger_depth = 0;
  auto flush = [&] {
    std::string t = trim(cur);
    // A statement made only of comments is dropped.
    std::string code;
    bool only_comments = true;
    for (const auto& l : split(t, '\n')) {
      std::string lt = trim(l);
      if (!lt.empty() && !starts_with(lt, "--")) only_comments = false;
    }
    (void)code;
    if (!t.empty() && !only_comments) out.push_back({t, file, start_line});
    cur.clear();
    in_trigger = false;
    trigger_depth = 0;
  };
  size_t i = 0;
  const size_t n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (trim(cur).empty() && !std::isspace(static_cast<unsigned char>(c))) start_line = line;
    if (c == '\n') ++line;
    if (c == '\'' || c == '"' || c == '`') {
      char q = c;
      cur += sql[i++];
      while (i < n) {
        if (sql[i] == '\n') ++line;
        cur += sql[i];
        if (sql[i] == q) {
          if (i + 1 < n && sql[i + 1] == q) {
            cur += sql[++i];
          } else {
            ++i;
            break;
          }
        }
        ++i;
      }
      continue;
    }
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') cur += sql[i++];
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string::npos ? n : end + 2;
      for (size_t k = i; k < end; ++k)
        if (sql[k] == '\n') ++line;
      cur.append(sql, i, end - i);
      i = end;
      continue;
    }
    if (c == '$') {  // PostgreSQL dollar quoting: $tag$ ... $tag$
      size_t j = i + 1;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      if (j < n && sql[j] == '$') {
        std::string tag = sql.substr(i, j - i + 1);
        size_t end = sql.find(tag, j + 1);
        end = end == std::string::npos ? n : end + tag.size();
        for (size_t k = i; k < end; ++k)
          if (sql[k] == '\n') ++line;
        cur.append(sql, i, end - i);
        i = end;
        continue;
      }
    }
    if (!in_trigger && std::isalpha(static_cast<unsigned char>(c)) && starts_trigger(cur + c)) in_trigger = true;
    cur += c;
    ++i;
    if (in_trigger && std::isalpha(static_cast<unsigned char>(c)) &&
        (i == n || !(std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_'))) {
      if (word_before(cur, cur.size(), "BEGIN") || word_before(cur, cur.size(), "CASE")) ++trigger_depth;
      if (word_before(cur, cur.size(), "END")) --trigger_depth;
    }
    if (c == ';' && (!in_trigger || trigger_depth <= 0)) {
      cur.pop_back();
      flush();
    }
  }
  flush();
  return out;
}

namespace {

/// The identifier at the start of `text` (quoted or bare), or "".
std::string leading_identifier(const std::string& text) {
  std::string t = trim(text);
  if (t.empty()) return {};
  if (t[0] == '"' || t[0] == '`' || t[0] == '[') {
    char close = t[0] == '[' ? ']' : t[0];
    size_t end = t.find(close, 1);
    return end == std::string::npos ? std::string() : t.substr(1, end - 1);
  }
  size_t k = 0;
  while (k < t.size() && (std::isalnum(static_cast<unsigned char>(t[k])) || t[k] == '_' || t[k] == '$')) ++k;
  return t.substr(0, k);
}

}  // namespace

RenameHints read_rename_hints(const std::vector<ScriptStatement>& statements) {
  static const std::regex hint_re(R"((?:--\s*renamed_from\s*:\s*("[^"]+"|[A-Za-z0-9_$]+))|(?:/\*\s*@renamed\s+from\s*=\s*("[^"]+"|[A-Za-z0-9_$]+)\s*\*/))",
                                  std::regex::icase);
  static const std::regex table_re(R"(CREATE\s+(?:TEMP\s+|TEMPORARY\s+|UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"[^"]+"|[A-Za-z0-9_$]+)(?:\.(?:"[^"]+"|[A-Za-z0-9_$]+))?))",
                                   std::regex::icase);
  RenameHints hints;
  for (const auto& st : statements) {
    std::smatch tm;
    if (!std::regex_search(st.sql, tm, table_re)) continue;
    std::string table = tm[1].str();
    if (auto dot = table.rfind('.'); dot != std::string::npos && table.find('"') == std::string::npos)
      table = table.substr(dot + 1);
    if (!table.empty() && table.front() == '"') table = table.substr(1, table.size() - 2);
    for (const auto& l : split(st.sql, '\n')) {
      std::smatch hm;
      if (!std::regex_search(l, hm, hint_re)) continue;
      std::string old = hm[1].matched ? hm[1].str() : hm[2].str();
      if (!old.empty() && old.front() == '"') old = old.substr(1, old.size() - 2);
      std::smatch on_table;
      if (std::regex_search(l, on_table, table_re)) {
        hints.tables[table] = old;
      } else {
        std::string col = leading_identifier(l);
        if (!col.empty()) hints.columns[{table, col}] = old;
      }
    }
  }
  return hints;
}

}  // namespace migrate::util
