#include "postgresql/pg_test_util.hpp"

#include <cstdlib>
#include <stdexcept>

namespace migrate::test {

std::unique_ptr<PgConnection> pg_connect(const std::string& url) {
  return std::make_unique<PgConnection>(parse_url(url), url);
}

Column col(std::string name, std::string type, bool nullable) {
  Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.nullable = nullable;
  return c;
}

}  // namespace migrate::test
