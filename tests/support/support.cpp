#include "support/support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

namespace migrate::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "migrate-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  fs::path p = fs::path(path_) / name;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string pg_url() {
  const char* url = std::getenv("MIGRATE_TEST_PG_URL");
  if (url && *url) return url;
  const char* req = std::getenv("MIGRATE_REQUIRE_PG");
  if (req && std::string(req) == "1")
    FAIL("MIGRATE_REQUIRE_PG=1 but MIGRATE_TEST_PG_URL is not set: PostgreSQL tests must run");
  return {};
}

static std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string run_shell(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (rc) *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

static std::string shell_quote(const std::string& s) {
  std::string r = "'";
  for (char c : s) {
    if (c == '\'') r += "'\\''";
    else r += c;
  }
  return r + "'";
}

PgDatabase::PgDatabase() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = "mt_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
          std::to_string(rd() % 100000);
  std::string base = pg_url();
  int rc = 0;
  std::string out = run_shell("psql -X -q -v ON_ERROR_STOP=1 " + shell_quote(base) +
                                  " -c 'CREATE DATABASE \"" + name_ + "\"' 2>&1",
                              &rc);
  if (rc != 0) throw std::runtime_error("cannot create test database: " + out);
  // Replace the database part of the URL (after the last '/', before any '?').
  auto q = base.find('?');
  std::string params = q == std::string::npos ? "" : base.substr(q);
  std::string head = base.substr(0, q);
  auto slash = head.rfind('/');
  url_ = head.substr(0, slash + 1) + name_ + params;
}

PgDatabase::~PgDatabase() {
  run_shell("psql -X -q " + shell_quote(pg_url()) + " -c 'DROP DATABASE IF EXISTS \"" + name_ +
            "\" WITH (FORCE)' >/dev/null 2>&1");
}

RunResult run_migrate(const std::vector<std::string>& args, const std::string& cwd,
                      const std::vector<std::string>& env) {
  TempDir tmp;
  std::string out_path = tmp.file("out"), err_path = tmp.file("err");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    std::string bin = MIGRATE_BINARY;
    argv.push_back(bin.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

}  // namespace migrate::test
