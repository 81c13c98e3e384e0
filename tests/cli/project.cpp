#include "cli/project.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <catch2/catch.hpp>

namespace migrate::test {

namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
  std::string r = "'";
  for (char c : s) {
    if (c == '\'') r += "'\\''";
    else r += c;
  }
  return r + "'";
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

Project::Project(const std::string& backend) : backend_(backend) {
  if (backend == "postgresql") {
    pg_ = std::make_unique<PgDatabase>();
    url_ = pg_->url();
  } else {
    url_ = "sqlite:///app.db";
  }
}

Project::~Project() = default;

void Project::write_config(const std::string& extra) {
  tmp_.write("migrate.toml", "[database]\nurl = \"" + url_ +
                                 "\"\n\n[models]\nsource = \"models.toml\"\n\n[migrations]\ndirectory = \"versions\"\n" +
                                 extra);
  fs::create_directories(fs::path(dir()) / "versions");
}

RunResult Project::run(const std::vector<std::string>& args, const std::vector<std::string>& env) const {
  return run_migrate(args, dir(), env);
}

std::string Project::query(const std::string& sql) const {
  int rc = 0;
  std::string out;
  if (backend_ == "postgresql")
    out = run_shell("psql -X -q -A -t -F'|' -v ON_ERROR_STOP=1 " + shell_quote(url_) + " -c " + shell_quote(sql) + " 2>&1", &rc);
  else
    out = run_shell("sqlite3 -bail " + shell_quote(dir() + "/app.db") + " " + shell_quote(sql) + " 2>&1", &rc);
  INFO("query: " << sql << "\n" << out);
  REQUIRE(rc == 0);
  return out;
}

std::vector<std::string> Project::tables() const {
  std::string sql = backend_ == "postgresql"
                        ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN "
                          "('migrate_version', 'migrate_version_files') ORDER BY 1"
                        : "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT "
                          "IN ('migrate_version', 'migrate_version_files') ORDER BY 1";
  return lines(query(sql));
}

std::vector<std::string> Project::versions() const {
  return lines(query("SELECT version_num FROM migrate_version ORDER BY 1"));
}

std::vector<std::string> Project::file_rows() const {
  return lines(query("SELECT revision, sha256 FROM migrate_version_files ORDER BY 1"));
}

std::vector<std::string> Project::version_files() const {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(dir()) / "versions"))
    if (e.path().extension() == ".toml") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> backends() {
  std::vector<std::string> b{"sqlite"};
  if (!pg_url().empty()) b.push_back("postgresql");
  return b;
}

}  // namespace migrate::test
