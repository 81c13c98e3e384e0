// A migrate project in a temp directory, on one of the dialects, driven through the
// real binary. One source of scenarios runs on every backend.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/support.hpp"

namespace migrate::test {

class Project {
 public:
  /// backend: "sqlite" or "postgresql" (needs pg_url()).
  explicit Project(const std::string& backend);
  ~Project();

  const std::string& backend() const { return backend_; }
  const std::string& dir() const { return tmp_.path(); }
  const std::string& url() const { return url_; }
  /// Writes migrate.toml (models.toml as source, versions/) and creates versions/.
  void write_config(const std::string& extra = "");
  void write_models(const std::string& toml) const { tmp_.write("models.toml", toml); }
  void write(const std::string& name, const std::string& content) const { tmp_.write(name, content); }
  RunResult run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) const;
  /// Runs SQL with the backend's own client; returns rows as "a|b" lines.
  std::string query(const std::string& sql) const;
  /// Table names in the database (sorted), without the version table and its files table.
  std::vector<std::string> tables() const;
  /// The version rows (sorted).
  std::vector<std::string> versions() const;
  /// The files table's rows, "revision|sha256" (sorted).
  std::vector<std::string> file_rows() const;
  /// Files in versions/ (sorted names).
  std::vector<std::string> version_files() const;

 private:
  std::string backend_;
  TempDir tmp_;
  std::unique_ptr<PgDatabase> pg_;
  std::string url_;
};

/// The backends to run a scenario on: sqlite always, postgresql when a server is set.
std::vector<std::string> backends();

}  // namespace migrate::test

// Requires a run's exit code, printing its output when it differs.
#define REQUIRE_RC(result, code)                                            \
  do {                                                                      \
    const ::migrate::test::RunResult& r_ = (result);                        \
    INFO("stdout:\n" << r_.out << "\nstderr:\n" << r_.err);                 \
    REQUIRE(r_.exit_code == (code));                                        \
  } while (0)

// One source of scenarios for every dialect: a TEST_CASE on SQLite, and one on
// PostgreSQL that needs the test server (MIGRATE_REQUIRE_PG_OR_RETURN).
#define ON_EVERY_DIALECT(title, fn)                                         \
  TEST_CASE("sqlite: " title, "[cli][sqlite]") { fn("sqlite"); }            \
  TEST_CASE("postgresql: " title, "[cli][pg]") {                            \
    MIGRATE_REQUIRE_PG_OR_RETURN();                                         \
    fn("postgresql");                                                       \
  }
