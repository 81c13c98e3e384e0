#include <migrate/dialect/registry.hpp>

#include <cctype>
#include <filesystem>

#include <migrate/error.hpp>

#include "dialect/postgresql/postgresql.hpp"
#include "dialect/sqlite/sqlite.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, const std::string& masked_url) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      int hi = i + 2 < s.size() + 0 ? hex_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (i + 2 >= s.size() || hi < 0 || lo < 0)
        throw InputError("invalid percent-encoding in database URL " + masked_url);
      r += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      r += s[i];
    }
  }
  return r;
}

}  // namespace

std::string mask_password(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  size_t auth_start = scheme_end + 3;
  size_t auth_end = url.find_first_of("/?#", auth_start);
  std::string authority = url.substr(auth_start, auth_end == std::string::npos ? std::string::npos : auth_end - auth_start);
  auto at = authority.rfind('@');
  if (at == std::string::npos) return url;
  auto colon = authority.find(':');
  if (colon == std::string::npos || colon > at) return url;
  std::string masked = authority.substr(0, colon) + ":***" + authority.substr(at);
  return url.substr(0, auth_start) + masked + (auth_end == std::string::npos ? "" : url.substr(auth_end));
}

DatabaseUrl parse_url(const std::string& url) {
  DatabaseUrl u;
  u.original = url;
  const std::string shown = mask_password(url);
  auto sep = url.find("://");
  if (sep == std::string::npos)
    throw InputError("malformed database URL '" + shown +
                     "': expected sqlite:///path.db or postgresql://user:password@host/db");
  std::string scheme = util::to_lower(url.substr(0, sep));
  if (auto plus = scheme.find('+'); plus != std::string::npos) scheme = scheme.substr(0, plus);
  if (scheme == "postgres") scheme = "postgresql";
  if (scheme != "sqlite" && scheme != "postgresql")
    throw InputError("unknown database URL scheme '" + url.substr(0, sep) + "' in '" + shown +
                     "': use sqlite:// or postgresql://");
  u.scheme = scheme;
  std::string rest = url.substr(sep + 3);
  if (scheme == "sqlite") {
    // sqlite:///relative.db, sqlite:////absolute.db, sqlite:///:memory:, sqlite:// (memory)
    if (rest.empty()) {
      u.database = ":memory:";
      return u;
    }
    if (rest[0] != '/')
      throw InputError("malformed SQLite URL '" + shown + "': expected sqlite:///relative/path.db or sqlite:////absolute/path.db");
    std::string path = rest.substr(1);
    if (auto q = path.find('?'); q != std::string::npos) path = path.substr(0, q);
    u.database = path.empty() ? ":memory:" : percent_decode(path, shown);
    return u;
  }
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string authority = rest, path;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (auto at = authority.rfind('@'); at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    u.user = percent_decode(userinfo.substr(0, colon), shown);
    if (colon != std::string::npos) u.password = percent_decode(userinfo.substr(colon + 1), shown);
  }
  if (!authority.empty() && authority[0] == '[') {  // [ipv6]:port
    auto close = authority.find(']');
    if (close == std::string::npos) throw InputError("malformed host in database URL '" + shown + "'");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
  }
  for (char c : u.port)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      throw InputError("malformed port '" + u.port + "' in database URL '" + shown + "'");
  u.database = percent_decode(path, shown);
  if (!query.empty()) {
    for (const auto& kv : util::split(query, '&')) {
      if (kv.empty()) continue;
      auto eq = kv.find('=');
      std::string key = percent_decode(kv.substr(0, eq), shown);
      std::string value = eq == std::string::npos ? "" : percent_decode(kv.substr(eq + 1), shown);
      u.params[key] = value;
    }
  }
  return u;
}

const Dialect& dialect_by_name(const std::string& name) {
  if (name == "sqlite") return sqlite_dialect();
  if (name == "postgresql") return postgresql_dialect();
  throw InputError("unknown dialect '" + name + "': use sqlite or postgresql");
}

const Dialect& dialect_for_url(const std::string& url) { return dialect_by_name(parse_url(url).scheme); }

std::unique_ptr<Connection> open_connection(const std::string& url, const std::string& base_dir) {
  DatabaseUrl u = parse_url(url);
  std::string shown = mask_password(url);
  if (u.scheme == "sqlite") {
    std::string path = u.database;
    if (path != ":memory:" && !std::filesystem::path(path).is_absolute())
      path = (std::filesystem::path(base_dir) / path).lexically_normal().string();
    return open_sqlite(path, shown);
  }
  return open_postgresql(u, shown);
}

}  // namespace migrate
