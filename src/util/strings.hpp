// Small string helpers shared across the library (internal, not part of the public API).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace migrate::util {

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
std::string trim(std::string_view s);
/// Collapses runs of whitespace into one space and trims the ends.
std::string collapse_spaces(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::vector<std::string> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
bool iequals(std::string_view a, std::string_view b);
/// Shell-style glob: '*' any run, '?' one character, case-sensitive.
bool glob_match(std::string_view pattern, std::string_view text);
/// True when `name` matches one of the globs.
bool matches_any(const std::vector<std::string>& globs, std::string_view name);
/// Removes one pair of parentheses enclosing the whole text, repeatedly: "((a))" -> "a";
/// "(a) + (b)" is left alone.
std::string strip_outer_parens(std::string_view s);
/// Reads a whole file. Throws InputError naming the path when unreadable.
std::string read_file(const std::string& path);
/// The first bytes of a file, at least up to and including the first line that starts
/// with `stop` (or the whole file when there is none). Throws InputError like read_file.
std::string read_file_until_line(const std::string& path, char stop);
/// Names of the regular files in a directory (unsorted), via readdir. Throws InputError
/// naming the directory when it cannot be read.
std::vector<std::string> list_files(const std::string& dir);
/// Writes a file atomically (temp file + rename). Throws Error on failure.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace migrate::util
