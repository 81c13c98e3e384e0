#include "postgresql/pg_test_util.hpp"

#include <cstdlib>
#include <stdexcept>

namespace migrate::test {

static std::string percent_decode(const std::string& s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      r += static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      r += s[i];
    }
  }
  return r;
}

DatabaseUrl parse_test_url(const std::string& url) {
  DatabaseUrl u;
  u.original = url;
  u.scheme = "postgresql";
  auto sep = url.find("://");
  if (sep == std::string::npos) throw std::runtime_error("bad test url " + url);
  std::string rest = url.substr(sep + 3);
  auto q = rest.find('?');
  if (q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    rest.erase(q);
    size_t pos = 0;
    while (pos <= query.size()) {
      auto amp = query.find('&', pos);
      std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      auto eq = kv.find('=');
      if (eq != std::string::npos) u.params[kv.substr(0, eq)] = percent_decode(kv.substr(eq + 1));
      if (amp == std::string::npos) break;
      pos = amp + 1;
    }
  }
  auto slash = rest.find('/');
  if (slash != std::string::npos) {
    u.database = percent_decode(rest.substr(slash + 1));
    rest.erase(slash);
  }
  auto at = rest.rfind('@');
  if (at != std::string::npos) {
    std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = cred.find(':');
    u.user = percent_decode(cred.substr(0, colon));
    if (colon != std::string::npos) u.password = percent_decode(cred.substr(colon + 1));
  }
  auto colon = rest.rfind(':');
  if (colon != std::string::npos) {
    u.port = rest.substr(colon + 1);
    rest.erase(colon);
  }
  u.host = rest;
  return u;
}

std::unique_ptr<PgConnection> pg_connect(const std::string& url) {
  return std::make_unique<PgConnection>(parse_test_url(url), url);
}

}  // namespace migrate::test
