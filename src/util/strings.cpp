#include "util/strings.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <migrate/error.hpp>

namespace migrate::util {

std::string to_lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string to_upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string collapse_spaces(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !r.empty()) r += ' ';
    space = false;
    r += c;
  }
  return r;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string r;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) r += sep;
    r += parts[i];
  }
  return r;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> r;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      r.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return r;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool glob_match(std::string_view p, std::string_view t) {
  // Iterative matcher with backtracking to the last '*': linear in practice.
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool matches_any(const std::vector<std::string>& globs, std::string_view name) {
  for (const auto& g : globs)
    if (glob_match(g, name)) return true;
  return false;
}

std::string strip_outer_parens(std::string_view s) {
  std::string r = trim(s);
  while (r.size() >= 2 && r.front() == '(' && r.back() == ')') {
    // The first '(' must close at the very end, outside quotes.
    int depth = 0;
    bool quote = false;
    size_t close = std::string::npos;
    for (size_t i = 0; i < r.size(); ++i) {
      char c = r[i];
      if (c == '\'') quote = !quote;
      if (quote) continue;
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) {
        close = i;
        break;
      }
    }
    if (close != r.size() - 1) break;
    r = trim(std::string_view(r).substr(1, r.size() - 2));
  }
  return r;
}

namespace {

/// Reads `path` in chunks until `done(text)` says so or the file ends. With `reserve`,
/// asks fstat for the size first and reserves up to 64 KiB.
template <class Done>
std::string read_chunks(const std::string& path, bool reserve, Done done) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot read file: " + std::strerror(errno));
  std::string out;
  struct stat st {};
  if (reserve && ::fstat(fd, &st) == 0 && st.st_size > 0)
    out.reserve(static_cast<size_t>(std::min<off_t>(st.st_size, 1 << 16)));
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw InputError(path + ": cannot read file: " + std::strerror(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (done(out)) break;
  }
  ::close(fd);
  return out;
}

}  // namespace

std::string read_file(const std::string& path) {
  // POSIX calls: `heads` on 10 000 revision files spent most of its time setting up a
  // stream per file.
  return read_chunks(path, true, [](const std::string&) { return false; });
}

std::string read_file_until_line(const std::string& path, char stop) {
  // No fstat: the start of a file usually comes in one read, and the extra system call
  // cost more (~6 ms on 10 000 files) than growing the string and searching it.
  size_t scanned = 0;  // bytes already searched for "\n<stop>"
  return read_chunks(path, false, [&](const std::string& out) {
    // Done once a line starting with `stop` is complete in the buffer.
    bool found = out[0] == stop && out.find('\n') != std::string::npos;
    for (size_t i = out.find('\n', scanned == 0 ? 0 : scanned - 1); !found && i != std::string::npos;
         i = out.find('\n', i + 1))
      if (i + 1 < out.size() && out[i + 1] == stop && out.find('\n', i + 1) != std::string::npos) found = true;
    scanned = out.size();
    return found;
  });
}

std::vector<std::string> list_files(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw InputError(dir + ": cannot read directory: " + std::strerror(errno));
  std::vector<std::string> out;
  while (dirent* e = ::readdir(d)) {
    bool regular = e->d_type == DT_REG;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
      struct stat st {};
      regular = ::stat((dir + "/" + e->d_name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }
    if (regular) out.emplace_back(e->d_name);
  }
  ::closedir(d);
  return out;
}

void write_file_atomic(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot write file: " + std::strerror(errno));
    out << content;
    out.flush();
    if (!out) throw Error(path + ": cannot write file: " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot write file: " + std::strerror(errno));
  }
}

}  // namespace migrate::util
