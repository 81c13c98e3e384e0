#include <catch2/catch.hpp>

#include <migrate/dialect/registry.hpp>
#include <migrate/error.hpp>

TEST_CASE("parse_url reads SQLAlchemy-style URLs", "[registry]") {
  struct Case {
    const char* url;
    const char* scheme;
    const char* user;
    const char* password;
    const char* host;
    const char* port;
    const char* database;
  };
  const Case cases[] = {
      {"sqlite:///app.db", "sqlite", "", "", "", "", "app.db"},
      {"sqlite:////var/lib/app.db", "sqlite", "", "", "", "", "/var/lib/app.db"},
      {"sqlite:///:memory:", "sqlite", "", "", "", "", ":memory:"},
      {"sqlite://", "sqlite", "", "", "", "", ":memory:"},
      {"postgresql://u:p@localhost:5432/app", "postgresql", "u", "p", "localhost", "5432", "app"},
      {"postgres://u@h/db", "postgresql", "u", "", "h", "", "db"},
      {"postgresql+psycopg2://u:p@h/db", "postgresql", "u", "p", "h", "", "db"},
      {"postgresql://us%40er:p%3Aw%2Fd@h:1/d%20b", "postgresql", "us@er", "p:w/d", "h", "1", "d b"},
      {"postgresql://u:p@[::1]:5433/db", "postgresql", "u", "p", "::1", "5433", "db"},
  };
  for (const auto& c : cases) {
    INFO(c.url);
    auto u = migrate::parse_url(c.url);
    CHECK(u.scheme == c.scheme);
    CHECK(u.user == c.user);
    CHECK(u.password == c.password);
    CHECK(u.host == c.host);
    CHECK(u.port == c.port);
    CHECK(u.database == c.database);
  }
  auto q = migrate::parse_url("postgresql://h/db?sslmode=require&application_name=m%20x");
  CHECK(q.params.at("sslmode") == "require");
  CHECK(q.params.at("application_name") == "m x");
}

TEST_CASE("bad URLs are input errors that never show the password", "[registry]") {
  for (const char* url : {"mysql://u:secret@h/db", "nonsense", "postgresql://u:secret@h:port/db",
                          "postgresql://u:sec%ZZret@h/db"}) {
    INFO(url);
    try {
      migrate::parse_url(url);
      FAIL("accepted");
    } catch (const migrate::InputError& e) {
      CHECK(std::string(e.what()).find("secret") == std::string::npos);
    }
  }
}

TEST_CASE("mask_password hides only the password", "[registry]") {
  CHECK(migrate::mask_password("postgresql://user:pw@host/db") == "postgresql://user:***@host/db");
  CHECK(migrate::mask_password("postgresql://user@host/db") == "postgresql://user@host/db");
  CHECK(migrate::mask_password("sqlite:///a.db") == "sqlite:///a.db");
  CHECK(migrate::mask_password("postgresql://u:p@ss@h/db") == "postgresql://u:***@h/db");
}

TEST_CASE("dialects are found by URL scheme", "[registry]") {
  CHECK(migrate::dialect_for_url("sqlite:///x.db").name() == "sqlite");
  CHECK(migrate::dialect_for_url("postgres://h/db").name() == "postgresql");
  CHECK_THROWS_AS(migrate::dialect_by_name("oracle"), migrate::InputError);
}

TEST_CASE("a connection failure masks the password", "[registry]") {
  try {
    migrate::open_connection("postgresql://alice:topsecret@127.0.0.1:1/db");
    FAIL("connected");
  } catch (const migrate::DatabaseError& e) {
    std::string msg = std::string(e.what()) + e.detail();
    CHECK(msg.find("topsecret") == std::string::npos);
    CHECK(msg.find("alice:***@127.0.0.1") != std::string::npos);
  }
}
