#include "bare.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace migrate::bench {

namespace {

using Rows = std::vector<std::vector<std::string>>;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;

struct PgCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgCloser>;

struct PgResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultCloser>;

SqliteDb sqlite_open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) throw std::runtime_error(path + ": " + (raw ? sqlite3_errmsg(raw) : "cannot open"));
  return db;
}

void sqlite_exec(sqlite3* db, const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    throw std::runtime_error("SQLite: " + m + " in: " + sql.substr(0, 200));
  }
}

Rows sqlite_query(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + sql);
  Rows rows;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int n = sqlite3_column_count(st);
    std::vector<std::string> row;
    row.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      const unsigned char* t = sqlite3_column_text(st, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + sql);
  return rows;
}

PgConn pg_connect(const std::string& url) {
  PgConn c(PQconnectdb(url.c_str()));
  if (PQstatus(c.get()) != CONNECTION_OK)
    throw std::runtime_error("PostgreSQL: cannot connect: " + std::string(PQerrorMessage(c.get())));
  // NOTICEs ("database ... does not exist, skipping") are not errors: keep them off the report.
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

PgResult pg_exec(PGconn* c, const std::string& sql) {
  PgResult r(PQexec(c, sql.c_str()));
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error("PostgreSQL: " + std::string(PQresultErrorMessage(r.get())) +
                             " in: " + sql.substr(0, 200));
  return r;
}

Rows pg_query(PGconn* c, const char* sql) {
  PgResult r = pg_exec(c, sql);
  Rows rows;
  int nr = PQntuples(r.get());
  int nf = PQnfields(r.get());
  rows.reserve(static_cast<size_t>(nr));
  for (int i = 0; i < nr; ++i) {
    std::vector<std::string> row;
    row.reserve(static_cast<size_t>(nf));
    for (int j = 0; j < nf; ++j) row.emplace_back(PQgetvalue(r.get(), i, j));
    rows.push_back(std::move(row));
  }
  return rows;
}

// The statements of a script written by the generators: each ends with ';' at the end
// of a line.
std::vector<std::string> split_statements(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    cur += line;
    cur += '\n';
    if (!line.empty() && line.back() == ';') {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (cur.find_first_not_of(" \n\t") != std::string::npos) out.push_back(cur);
  return out;
}

constexpr const char* kSqliteReads[] = {
    "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid",
    "SELECT m.name, p.* FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table'",
    "SELECT m.name, il.*, ii.* FROM sqlite_schema m JOIN pragma_index_list(m.name) il "
    "JOIN pragma_index_xinfo(il.name) ii WHERE m.type = 'table' AND ii.key = 1",
    "SELECT m.name, f.* FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
};

constexpr const char* kPgReads[] = {
    R"SQL(SELECT c.oid, c.relname, pg_catalog.obj_description(c.oid, 'pg_class')
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname)SQL",
    R"SQL(SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
  pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
  pg_catalog.col_description(a.attrelid, a.attnum)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum)SQL",
    R"SQL(SELECT con.conrelid, con.conname, con.contype, con.conkey, con.confrelid, con.confkey,
  con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred,
  pg_catalog.pg_get_constraintdef(con.oid, true)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' ORDER BY con.conrelid, con.conname)SQL",
    R"SQL(SELECT i.indrelid, ic.relname, i.indisunique, i.indkey, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
  pg_catalog.pg_get_expr(i.indpred, i.indrelid, true)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' ORDER BY i.indrelid, ic.relname)SQL",
    R"SQL(SELECT c.relkind::text, c.relname, CASE WHEN c.relkind = 'v' THEN pg_catalog.pg_get_viewdef(c.oid, true) END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'S')
UNION ALL
SELECT 't', tg.tgname, NULL FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND NOT tg.tgisinternal)SQL",
};

size_t total_size(const Rows& rows) {
  size_t n = 0;
  for (const auto& r : rows)
    for (const auto& v : r) n += v.size();
  return n;
}

int bare_sqlite_read(const std::string& path) {
  SqliteDb db = sqlite_open(path);
  size_t bytes = 0;
  for (const char* q : kSqliteReads) bytes += total_size(sqlite_query(db.get(), q));
  std::printf("%zu\n", bytes);
  return 0;
}

int bare_pg_read(const std::string& url) {
  PgConn c = pg_connect(url);
  size_t bytes = 0;
  for (const char* q : kPgReads) bytes += total_size(pg_query(c.get(), q));
  std::printf("%zu\n", bytes);
  return 0;
}

int bare_sqlite_exec(const std::string& path, const std::string& file, bool one) {
  SqliteDb db = sqlite_open(path);
  auto stmts = split_statements(read_text_file(file));
  if (one) sqlite_exec(db.get(), "BEGIN");
  for (const auto& s : stmts) sqlite_exec(db.get(), s);
  if (one) sqlite_exec(db.get(), "COMMIT");
  return 0;
}

// What `migrate upgrade` does per migration, without migrate: one BEGIN IMMEDIATE ...
// COMMIT per statement (one statement is one revision of the chain) that also moves the
// version row, as a prepared UPDATE with bound values.
int bare_sqlite_migrations(const std::string& path, const std::string& file) {
  SqliteDb db = sqlite_open(path);
  auto stmts = split_statements(read_text_file(file));
  sqlite_exec(db.get(), "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
                        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
  sqlite_exec(db.get(), "INSERT INTO alembic_version VALUES ('0')");
  sqlite3_stmt* raw = nullptr;
  const char* update = "UPDATE alembic_version SET version_num = ?1 WHERE version_num = ?2";
  if (sqlite3_prepare_v2(db.get(), update, -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db.get()));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
  for (size_t i = 0; i < stmts.size(); ++i) {
    sqlite_exec(db.get(), "BEGIN IMMEDIATE");
    sqlite_exec(db.get(), stmts[i]);
    std::string to = std::to_string(i + 1);
    std::string from = std::to_string(i);
    sqlite3_bind_text(st.get(), 1, to.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.get(), 2, from.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.get()) != SQLITE_DONE || sqlite3_changes(db.get()) != 1)
      throw std::runtime_error(std::string("SQLite: version update: ") + sqlite3_errmsg(db.get()));
    sqlite3_reset(st.get());
    sqlite_exec(db.get(), "COMMIT");
  }
  return 0;
}

int bare_pg_exec(const std::string& url, const std::string& file, bool one) {
  PgConn c = pg_connect(url);
  auto stmts = split_statements(read_text_file(file));
  if (one) pg_exec(c.get(), "BEGIN");
  for (const auto& s : stmts) pg_exec(c.get(), s);
  if (one) pg_exec(c.get(), "COMMIT");
  return 0;
}

// What `migrate upgrade` does per migration on PostgreSQL, without migrate: per statement
// (one revision), one pipelined round trip holding BEGIN, the statement, the version
// row's UPDATE with its row count checked by the server (it fails when it moves no
// row), the files-table upsert (both prepared once, values bound) and COMMIT.
int bare_pg_migrations(const std::string& url, const std::string& file) {
  PgConn c = pg_connect(url);
  auto stmts = split_statements(read_text_file(file));
  pg_exec(c.get(), "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
                   "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
  pg_exec(c.get(), "CREATE TABLE IF NOT EXISTS migrate_version_files (revision VARCHAR(32) NOT NULL, "
                   "sha256 VARCHAR(64) NOT NULL, CONSTRAINT migrate_version_files_pkc PRIMARY KEY (revision))");
  pg_exec(c.get(), "INSERT INTO alembic_version VALUES ('0')");
  const char* update =
      "WITH changed AS (UPDATE alembic_version SET version_num = $1 WHERE version_num = $2 RETURNING 1) "
      "SELECT 1 / (count(*) = 1)::int FROM changed";
  const char* upsert = "INSERT INTO migrate_version_files (revision, sha256) VALUES ($1, $2) "
                       "ON CONFLICT (revision) DO UPDATE SET sha256 = excluded.sha256";
  const std::string hash(64, 'a');
  // Prepared once, as migrate does (Statement::prepare).
  for (auto [name, sql] : {std::pair{"update", update}, std::pair{"upsert", upsert}}) {
    PgResult r(PQprepare(c.get(), name, sql, 2, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
      throw std::runtime_error("PostgreSQL: " + std::string(PQresultErrorMessage(r.get())));
  }
  if (PQenterPipelineMode(c.get()) != 1) throw std::runtime_error("PostgreSQL: cannot enter pipeline mode");
  auto send = [&](const char* sql, int n, const char* const* values) {
    int ok = n == 0 ? PQsendQueryParams(c.get(), sql, 0, nullptr, nullptr, nullptr, nullptr, 0)
                    : PQsendQueryPrepared(c.get(), sql, n, values, nullptr, nullptr, 0);
    if (ok != 1) throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(c.get())));
  };
  for (size_t i = 0; i < stmts.size(); ++i) {
    std::string to = std::to_string(i + 1);
    std::string from = std::to_string(i);
    const char* moved[] = {to.c_str(), from.c_str()};
    const char* row[] = {to.c_str(), hash.c_str()};
    send("BEGIN", 0, nullptr);
    send(stmts[i].c_str(), 0, nullptr);
    send("update", 2, moved);
    send("upsert", 2, row);
    send("COMMIT", 0, nullptr);
    if (PQpipelineSync(c.get()) != 1) throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(c.get())));
    for (int q = 0; q < 5; ++q) {
      PgResult r(PQgetResult(c.get()));
      auto st = PQresultStatus(r.get());
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        throw std::runtime_error("PostgreSQL: " + std::string(PQresultErrorMessage(r.get())));
      while (PGresult* extra = PQgetResult(c.get())) PQclear(extra);  // the NULL after each query
    }
    PgResult sync(PQgetResult(c.get()));
    if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) throw std::runtime_error("PostgreSQL: pipeline out of step");
  }
  return 0;
}

// What any reader of a versions directory must do: list it, then open, read and close
// every file (with POSIX calls, no iostreams).
int bare_read_files(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) throw std::runtime_error(dir + ": cannot open directory");
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  size_t bytes = 0;
  char buf[16384];
  for (const auto& n : names) {
    int fd = open((dir + "/" + n).c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error(dir + "/" + n + ": cannot open");
    std::string text;
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(got));
    close(fd);
    bytes += text.size();
  }
  std::printf("%zu files, %zu bytes\n", names.size(), bytes);
  return 0;
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int bare_main(int argc, char** argv) {
  std::vector<std::string> a(argv, argv + argc);
  try {
    if (a.size() == 2 && a[0] == "sqlite-read") return bare_sqlite_read(a[1]);
    if (a.size() == 2 && a[0] == "pg-read") return bare_pg_read(a[1]);
    if (a.size() == 2 && a[0] == "read-files") return bare_read_files(a[1]);
    if (a.size() == 4 && (a[3] == "per" || a[3] == "one")) {
      if (a[0] == "sqlite-exec") return bare_sqlite_exec(a[1], a[2], a[3] == "one");
      if (a[0] == "pg-exec") return bare_pg_exec(a[1], a[2], a[3] == "one");
    }
    if (a.size() == 4 && a[3] == "migration") {
      if (a[0] == "sqlite-exec") return bare_sqlite_migrations(a[1], a[2]);
      if (a[0] == "pg-exec") return bare_pg_migrations(a[1], a[2]);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bare %s: %s\n", a.empty() ? "" : a[0].c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: migrate_bench --bare sqlite-read DB | pg-read URL | read-files DIR | "
                       "sqlite-exec DB FILE per|one|migration | pg-exec URL FILE per|one|migration\n");
  return 2;
}

void sqlite_run_script(const std::string& db_path, const std::string& sql) {
  SqliteDb db = sqlite_open(db_path);
  sqlite_exec(db.get(), "BEGIN");
  sqlite_exec(db.get(), sql);
  sqlite_exec(db.get(), "COMMIT");
}

void sqlite_run(const std::string& db_path, const std::string& sql) {
  SqliteDb db = sqlite_open(db_path);
  sqlite_exec(db.get(), sql);
}

void pg_run(const std::string& url, const std::string& sql) {
  PgConn c = pg_connect(url);
  pg_exec(c.get(), sql);
}

std::string pg_url_for(const std::string& url, const std::string& dbname) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) throw std::runtime_error("not a postgresql:// URL: " + url);
  auto slash = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string head = url.substr(0, std::min(slash, query));
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + dbname + tail;
}

void pg_recreate_database(const std::string& admin_url, const std::string& name) {
  PgConn c = pg_connect(admin_url);
  pg_exec(c.get(), "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  pg_exec(c.get(), "CREATE DATABASE \"" + name + "\"");
}

void pg_drop_database(const std::string& admin_url, const std::string& name) {
  PgConn c = pg_connect(admin_url);
  pg_exec(c.get(), "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
}

}  // namespace migrate::bench
