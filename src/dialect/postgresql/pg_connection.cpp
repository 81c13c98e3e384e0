#include "dialect/postgresql/pg_connection.hpp"

#include <libpq-fe.h>

#include <string_view>
#include <thread>

#include <fmt/format.h>

#include <migrate/error.hpp>

#include "dialect/postgresql/postgresql.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

std::string first_line(const char* text) {
  std::string s = text ? text : "";
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.erase(nl);
  return util::trim(s);
}

// libpq prints notices to stderr by default; library code never prints.
void ignore_notice(void*, const char*) {}

// Bound parameters as libpq takes them: C strings, a null pointer for NULL.
std::vector<const char*> param_values(const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

// A command that succeeded (with or without rows, or an empty query string).
bool succeeded(const pg_result* result) {
  auto status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
}

}  // namespace

void PgConnection::ResultDeleter::operator()(pg_result* r) const { PQclear(r); }
void PgConnection::ConnDeleter::operator()(pg_conn* c) const { PQfinish(c); }

PgConnection::PgConnection(const DatabaseUrl& url, std::string display_url)
    : display_url_(std::move(display_url)) {
  std::vector<std::string> keys, values;
  auto add = [&](const std::string& k, const std::string& v) {
    if (v.empty()) return;
    keys.push_back(k);
    values.push_back(v);
  };
  add("host", url.host);
  add("port", url.port);
  add("user", url.user);
  add("password", url.password);
  add("dbname", url.database);
  bool has_timeout = false, has_app = false;
  for (const auto& [k, v] : url.params) {
    // The URL already gave these; a query parameter must not smuggle in a second
    // conninfo string through dbname expansion.
    if (k == "dbname" || k == "expand_dbname") continue;
    if (k == "connect_timeout") has_timeout = true;
    if (k == "application_name" || k == "fallback_application_name") has_app = true;
    keys.push_back(k);
    values.push_back(v);
  }
  if (!has_timeout) add("connect_timeout", "10");
  if (!has_app) add("fallback_application_name", "migrate");

  std::vector<const char*> kw, val;
  for (size_t i = 0; i < keys.size(); ++i) {
    kw.push_back(keys[i].c_str());
    val.push_back(values[i].c_str());
  }
  kw.push_back(nullptr);
  val.push_back(nullptr);
  conn_.reset(PQconnectdbParams(kw.data(), val.data(), 0));
  if (!conn_) throw DatabaseError("cannot connect to " + display_url_ + ": out of memory");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string msg = first_line(PQerrorMessage(conn_.get()));
    // libpq never echoes the password, but be certain: it must not reach any message.
    if (!url.password.empty()) {
      for (size_t p; (p = msg.find(url.password)) != std::string::npos;)
        msg.replace(p, url.password.size(), "***");
    }
    throw DatabaseError("cannot connect to " + display_url_ + ": " + msg);
  }
  PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
  run("SET client_min_messages = warning", {});
  // The bulk catalog queries look expensive to the planner and would be JIT-compiled,
  // which costs more than running them (half of `check` at 2000 tables, measured).
  run("SET jit = off", {});
}

PgConnection::~PgConnection() = default;

const Dialect& PgConnection::dialect() const { return postgresql_dialect(); }

void PgConnection::fail(pg_result* result, const std::string& sql) const {
  std::string primary, sqlstate, detail, hint;
  if (result) {
    primary = first_line(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
    if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = s;
    if (const char* d = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) detail = d;
    if (const char* h = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) hint = h;
  }
  if (primary.empty()) primary = first_line(PQerrorMessage(conn_.get()));
  if (primary.empty()) primary = "unknown error";
  std::string message = "PostgreSQL error: " + primary;
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  if (!detail.empty()) message += "\nDETAIL: " + detail;
  if (!hint.empty()) message += "\nHINT: " + hint;
  throw DatabaseError(message, sql, sqlstate);
}

PgConnection::Result PgConnection::run(const std::string& sql,
                                       const std::vector<std::optional<std::string>>& params) {
  send_pending_begin();
  ++query_count_;
  ++round_trips_;
  Result result;
  if (params.empty()) {
    result.reset(PQexec(conn_.get(), sql.c_str()));
  } else {
    std::vector<const char*> values = param_values(params);
    result.reset(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                              values.data(), nullptr, nullptr, 0));
  }
  if (!result) fail(nullptr, sql);
  if (!succeeded(result.get())) fail(result.get(), sql);
  return result;
}

std::vector<Row> PgConnection::rows_of(pg_result* result) {
  std::vector<Row> rows;
  int n = PQntuples(result), f = PQnfields(result);
  rows.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Row row;
    row.reserve(static_cast<size_t>(f));
    for (int j = 0; j < f; ++j) {
      if (PQgetisnull(result, i, j))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string(PQgetvalue(result, i, j),
                                     static_cast<size_t>(PQgetlength(result, i, j))));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void PgConnection::check_result(pg_result* result, const Statement& stmt) {
  if (stmt.must_return_no_rows && PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0)
    fail_no_rows_check(stmt, rows_of(result).front(), stmt.sql);
  if (stmt.expected_rows) {
    const char* n = PQcmdTuples(result);
    check_changed_rows(stmt, n && *n ? std::stoul(n) : 0, stmt.sql);
  }
}

void PgConnection::execute(const Statement& stmt) {
  Result r = run(stmt.sql, stmt.params);
  check_result(r.get(), stmt);
}

std::vector<Row> PgConnection::query(const Statement& stmt) {
  return query_sql(stmt.sql, stmt.params);
}

std::vector<Row> PgConnection::query_sql(const std::string& sql,
                                         const std::vector<std::optional<std::string>>& params) {
  send_pending_begin();
  ++query_count_;
  ++round_trips_;
  // Always the extended protocol: one statement, parameters bound.
  std::vector<const char*> values = param_values(params);
  Result r(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                        values.empty() ? nullptr : values.data(), nullptr, nullptr, 0));
  if (!r) fail(nullptr, sql);
  auto status = PQresultStatus(r.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(r.get(), sql);
  return rows_of(r.get());
}

void PgConnection::execute_script(const std::string& sql) { run(sql, {}); }

void PgConnection::begin() {
  // Inside a transaction the server answers BEGIN with a warning and carries on: sent
  // at once, as it always was, so that nothing changes for such a caller.
  if (in_transaction()) {
    run("BEGIN", {});
    return;
  }
  begin_pending_ = true;
}

void PgConnection::send_pending_begin() {
  if (!begin_pending_) return;
  begin_pending_ = false;
  run("BEGIN", {});
}

void PgConnection::commit() {
  if (begin_pending_) {
    begin_pending_ = false;  // nothing was sent, so there is nothing to commit
    return;
  }
  run("COMMIT", {});
}

void PgConnection::rollback() {
  if (begin_pending_) {
    begin_pending_ = false;
    return;
  }
  run("ROLLBACK", {});
}

bool PgConnection::in_transaction() const {
  if (begin_pending_) return true;
  auto s = PQtransactionStatus(conn_.get());
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool may_hold_several_commands(std::string_view sql) {
  bool after_semicolon = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) break;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      if (end == std::string_view::npos || sql.substr(i + 2, end - i - 2).find("/*") != std::string_view::npos)
        return true;
      i = end + 1;
      continue;
    }
    if (after_semicolon) return true;  // something other than blanks and comments follows
    if (c == ';') {
      after_semicolon = true;
    } else if (c == '\'' || c == '"') {
      size_t end = sql.find(c, i + 1);  // a doubled quote reads as two strings: same result
      if (end == std::string_view::npos) return true;
      if (c == '\'' && sql.substr(i + 1, end - i - 1).find('\\') != std::string_view::npos) return true;
      i = end;
    } else if (c == '$') {
      return true;
    }
  }
  return false;
}

namespace {

// An sql op may hold several commands. Only the simple query protocol (PQexec) runs
// those, and pipeline mode has only the extended one.
bool pipelinable(const Statement& s) { return !s.params.empty() || !may_hold_several_commands(s.sql); }

}  // namespace

void PgConnection::execute_batch(const std::vector<Statement>& stmts, const BatchFailure& failed) {
  run_batch(stmts, 0, stmts.size(), failed);
}

void PgConnection::execute_batch_and_commit(const std::vector<Statement>& stmts, const BatchFailure& failed) {
  // The COMMIT joins the batch's last pipeline: the statements after the last one that
  // must go alone, or whose rows the client must look at (must_return_no_rows).
  size_t tail = stmts.size();
  while (tail > 0 && pipelinable(stmts[tail - 1]) && !stmts[tail - 1].must_return_no_rows) --tail;
  if (tail == stmts.size() || !in_transaction()) {
    Connection::execute_batch_and_commit(stmts, failed);
    return;
  }
  run_batch(stmts, 0, tail, failed);
  run_pipeline(stmts, tail, stmts.size(), failed, true);
}

void PgConnection::run_batch(const std::vector<Statement>& stmts, size_t begin, size_t end,
                             const BatchFailure& failed) {
  for (size_t i = begin; i < end;) {
    size_t stop = i;
    while (stop < end && pipelinable(stmts[stop])) ++stop;
    if (stop == i) {  // one statement of several commands, on its own
      try {
        execute(stmts[i]);
      } catch (const DatabaseError& e) {
        failed(i, e);
        throw;
      }
      ++i;
    } else {
      run_pipeline(stmts, i, stop, failed);
      i = stop;
    }
  }
}

void PgConnection::run_pipeline(const std::vector<Statement>& stmts, size_t begin, size_t end,
                                const BatchFailure& failed, bool commit) {
  pg_conn* c = conn_.get();
  if (!PQenterPipelineMode(c)) fail(nullptr, stmts[begin].sql);
  ++round_trips_;
  // Everything is sent first, then the results are read in order. After a failure the
  // server skips the rest up to the sync (PGRES_PIPELINE_ABORTED), the COMMIT included;
  // every result must still be read before pipeline mode can end.
  struct Sent {
    const Statement* stmt;
    std::optional<size_t> index;  // in `stmts`; none for the deferred BEGIN and the COMMIT
    std::string checked_sql;      // expected_rows checked by the server (before a COMMIT)
    std::string name;             // of the prepared statement (Statement::prepare)
    bool prepares = false;        // this entry prepares `name`; the next one runs it
    const std::string& sql() const { return checked_sql.empty() ? stmt->sql : checked_sql; }
  };
  std::vector<Sent> sent;
  static const Statement kBegin{"BEGIN"};
  static const Statement kCommit{"COMMIT"};
  if (begin_pending_) sent.push_back({&kBegin, std::nullopt});
  begin_pending_ = false;
  std::unordered_map<std::string, std::string> preparing;  // prepared by this pipeline
  for (size_t i = begin; i < end; ++i) {
    const Statement& s = stmts[i];
    Sent entry{&s, i};
    // A COMMIT sent behind the statement cannot wait for the client to count its rows:
    // the server counts them, and a wrong count (division by zero) aborts the transaction.
    if (commit && s.expected_rows)
      entry.checked_sql = fmt::format("WITH changed AS ({} RETURNING 1) SELECT 1 / (count(*) = {})::int FROM changed",
                                      s.sql, *s.expected_rows);
    if (s.prepare) {
      auto known = prepared_.find(entry.sql());
      auto here = preparing.find(entry.sql());
      if (known != prepared_.end()) {
        entry.name = known->second;
      } else if (here != preparing.end()) {
        entry.name = here->second;
      } else {
        entry.name = "migrate_" + std::to_string(++prepared_names_);
        preparing.emplace(entry.sql(), entry.name);
        Sent prepare = entry;
        prepare.prepares = true;
        sent.push_back(std::move(prepare));
      }
    }
    sent.push_back(std::move(entry));
  }
  if (commit) sent.push_back({&kCommit, std::nullopt});
  bool send_failed = false;
  for (const Sent& s : sent) {
    std::vector<const char*> values = param_values(s.stmt->params);
    int n = static_cast<int>(values.size());
    const char* const* v = values.empty() ? nullptr : values.data();
    ++query_count_;
    int ok = s.prepares       ? PQsendPrepare(c, s.name.c_str(), s.sql().c_str(), n, nullptr)
             : s.name.empty() ? PQsendQueryParams(c, s.sql().c_str(), n, nullptr, v, nullptr, nullptr, 0)
                              : PQsendQueryPrepared(c, s.name.c_str(), n, v, nullptr, nullptr, 0);
    if (!ok) {
      send_failed = true;
      break;
    }
  }
  std::optional<DatabaseError> error;
  std::optional<size_t> error_index;  // none: the BEGIN, the COMMIT or the connection failed
  if (send_failed || !PQpipelineSync(c))
    error.emplace(DatabaseError("PostgreSQL error: " + first_line(PQerrorMessage(c))));
  // One result (then a null) per statement sent, then the sync's.
  for (size_t k = 0; !send_failed && k < sent.size(); ++k) {
    Result r(PQgetResult(c));
    while (pg_result* extra = PQgetResult(c)) PQclear(extra);
    if (error || (r && PQresultStatus(r.get()) == PGRES_PIPELINE_ABORTED)) continue;
    const Sent& s = sent[k];
    try {
      if (r && !succeeded(r.get()) && !s.checked_sql.empty() && !s.prepares) {
        const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
        if (state && std::string_view(state) == "22012")  // division_by_zero: the count differed
          fail_row_count(*s.stmt, "another number", s.stmt->sql);
      }
      if (!r || !succeeded(r.get())) fail(r.get(), s.stmt->sql);
      if (s.prepares) {
        prepared_.emplace(s.sql(), s.name);
        continue;
      }
      if (s.checked_sql.empty()) check_result(r.get(), *s.stmt);
      // A COMMIT in an aborted transaction succeeds as ROLLBACK; none can reach one here,
      // since a failure skips the COMMIT, but nothing would be committed then.
      if (s.stmt == &kCommit && std::string_view(PQcmdStatus(r.get())) != "COMMIT")
        throw DatabaseError("PostgreSQL error: the transaction was rolled back instead of committed", "COMMIT");
    } catch (const DatabaseError& e) {
      error.emplace(e);
      error_index = s.index;
    }
  }
  if (!send_failed) {
    for (pg_result* r; (r = PQgetResult(c)) != nullptr;) {
      bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
  }
  PQexitPipelineMode(c);
  if (error) {
    if (error_index) failed(*error_index, *error);
    throw *error;
  }
}

void PgConnection::lock_for_migration() {
  if (lock_depth_ > 0) {
    ++lock_depth_;
    return;
  }
  static const std::string sql = "SELECT pg_try_advisory_lock($1::bigint)";
  const std::string key = std::to_string(kMigrationLockKey);
  auto deadline = std::chrono::steady_clock::now() + lock_timeout_;
  for (;;) {
    auto rows = query_sql(sql, {key});
    if (!rows.empty() && rows[0][0] && *rows[0][0] == "t") break;
    if (std::chrono::steady_clock::now() >= deadline)
      throw DatabaseError("cannot take the migration lock on " + display_url_ +
                              ": another migrate process has held it for " +
                              std::to_string(lock_timeout_.count() / 1000) + " s",
                          sql);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  lock_depth_ = 1;
}

void PgConnection::unlock_for_migration() {
  if (lock_depth_ == 0) return;
  if (--lock_depth_ > 0) return;
  query_sql("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(kMigrationLockKey)});
}

MetaData PgConnection::reflect(const ReflectOptions& options) {
  PgReflectScope scope;
  scope.schemas = options.schemas.empty() ? std::vector<std::string>{"public"} : options.schemas;
  scope.default_schema = scope.schemas.front();
  scope.version_table = options.version_table;
  scope.include_tables = options.include_tables;
  scope.exclude_tables = options.exclude_tables;
  return reflect_scope(scope);
}

std::optional<Table> PgConnection::reflect_table(const std::string& schema,
                                                 const std::string& table) {
  PgReflectScope scope;
  scope.schemas = {schema.empty() ? std::string("public") : schema};
  scope.default_schema = schema.empty() ? "public" : "";
  scope.only_table = table;
  scope.others = false;
  MetaData md = reflect_scope(scope);
  if (md.tables().empty()) return std::nullopt;
  return md.tables().front();
}

bool PgConnection::table_exists(const std::string& schema, const std::string& table) {
  // "" is where an unqualified CREATE TABLE goes: the first schema of the search_path.
  auto rows = query_sql("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN "
                     "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
                     "('r', 'p') AND c.relname = $2 AND n.nspname = "
                     "COALESCE(NULLIF($1, ''), current_schema()))",
                     {schema, table});
  return !rows.empty() && rows[0][0] && *rows[0][0] == "t";
}

std::unique_ptr<Connection> open_postgresql(const DatabaseUrl& url,
                                            const std::string& display_url) {
  return std::make_unique<PgConnection>(url, display_url);
}

std::vector<std::string> parse_pg_array(const std::string& text) {
  std::vector<std::string> items;
  if (text.size() < 2 || text.front() != '{' || text.back() != '}')
    throw DatabaseError("malformed array from the catalog: " + text);
  size_t i = 1, end = text.size() - 1;
  if (i == end) return items;
  while (i <= end) {
    std::string item;
    if (text[i] == '"') {
      ++i;
      while (i < end && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < end) ++i;
        item += text[i++];
      }
      ++i;  // closing quote
    } else {
      size_t start = i;
      while (i < end && text[i] != ',') ++i;
      item = text.substr(start, i - start);
      if (item == "NULL") item.clear();
    }
    items.push_back(std::move(item));
    if (i >= end) break;
    if (text[i] != ',') throw DatabaseError("malformed array from the catalog: " + text);
    ++i;
  }
  return items;
}

std::string format_pg_array(const std::vector<std::string>& items) {
  std::string r = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) r += ',';
    r += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') r += '\\';
      r += c;
    }
    r += '"';
  }
  return r + "}";
}

}  // namespace migrate
