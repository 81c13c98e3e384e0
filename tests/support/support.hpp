// Test support: temporary directories, the PostgreSQL test server, running the binary.
#pragma once

#include <string>
#include <vector>

namespace migrate::test {

/// A fresh temporary directory, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  /// Writes `content` to path()/name (creating parent folders).
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

/// The PostgreSQL server URL for tests (MIGRATE_TEST_PG_URL, a postgresql:// URL of a
/// superuser on a throwaway server), or "" when none is set. When MIGRATE_REQUIRE_PG=1
/// and none is set, the calling test fails.
std::string pg_url();

/// Creates a new empty database on the test server and returns its URL; drops it when the
/// returned guard dies.
class PgDatabase {
 public:
  PgDatabase();  // requires pg_url() non-empty
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs the migrate binary with `args` in `cwd`, capturing stdout and stderr. No stdin.
RunResult run_migrate(const std::vector<std::string>& args, const std::string& cwd,
                      const std::vector<std::string>& env = {});

/// Runs a shell command (for psql / sqlite3 helpers). Returns stdout; exit code in *rc.
std::string run_shell(const std::string& cmd, int* rc = nullptr);

}  // namespace migrate::test

// Begin a [pg] test: returns from the test (with a WARN) when no server is configured,
// fails it when one is required.
#define MIGRATE_REQUIRE_PG_OR_RETURN()                                   \
  do {                                                                   \
    if (::migrate::test::pg_url().empty()) {                             \
      WARN("PostgreSQL tests skipped: MIGRATE_TEST_PG_URL is not set");  \
      return;                                                            \
    }                                                                    \
  } while (0)
