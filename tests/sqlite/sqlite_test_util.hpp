// Helpers shared by the SQLite tests: an in-memory connection, a render context backed by
// it, and running an op the way the runner does (foreign keys off, one transaction).
#pragma once

#include <memory>
#include <string>

#include <migrate/dialect/connection.hpp>

#include "dialect/sqlite/sqlite.hpp"
#include "dialect/sqlite/sqlite_connection.hpp"
#include "dialect/sqlite/sqlite_dialect.hpp"

namespace migrate::test {

inline std::unique_ptr<sqlite::SqliteConnection> open_memory(const std::string& script = "") {
  auto c = std::make_unique<sqlite::SqliteConnection>(":memory:", "sqlite:///:memory:");
  if (!script.empty()) c->execute_script(script);
  return c;
}

inline RenderContext context_for(Connection& conn) {
  RenderContext ctx;
  ctx.current_table = [&conn](const std::string& s, const std::string& t) { return conn.reflect_table(s, t); };
  ctx.dependent_objects_sql = [&conn](const std::string& s, const std::string& t) {
    return conn.dependent_objects_sql(s, t);
  };
  return ctx;
}

/// Renders `op` against the live schema and runs it in one transaction, as the runner does.
inline void run_op(Connection& conn, const Operation& op) {
  auto stmts = sqlite_dialect().render(op, context_for(conn));
  Transaction tx(conn);
  for (const auto& s : stmts) conn.execute(s);
  tx.commit();
}

/// The single value of a one-row, one-column query ("" for NULL or no row).
inline std::string scalar(Connection& conn, const std::string& sql) {
  auto rows = conn.query(sqlite::make_statement(sql));
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
  return *rows[0][0];
}

inline Table reflect_one(Connection& conn, const std::string& name) {
  auto t = conn.reflect_table("", name);
  if (!t) throw std::runtime_error("table not found: " + name);
  return *t;
}

}  // namespace migrate::test

namespace migrate::test {

/// A readable one-line-per-part dump of a table, so failing comparisons show the diff.
inline std::string dump(const Table& t) {
  auto opt = [](const std::optional<std::string>& s) { return s ? "<" + *s + ">" : std::string("-"); };
  auto list = [](const std::vector<std::string>& v) {
    std::string r = "[";
    for (size_t i = 0; i < v.size(); ++i) r += (i ? "," : "") + v[i];
    return r + "]";
  };
  std::string s = "table " + t.name + (t.without_rowid ? " without_rowid" : "") + (t.strict ? " strict" : "") + "\n";
  for (const auto& c : t.columns)
    s += "  col " + c.name + " type=" + c.type + " null=" + std::to_string(c.nullable) + " default=" +
         opt(c.default_) + " autoinc=" + std::to_string(c.autoincrement) + " gen=" + opt(c.generated) +
         (c.generated_stored ? " stored" : "") + " collate=" + opt(c.collation) + "\n";
  s += "  pk " + t.primary_key.name + " " + list(t.primary_key.columns) + "\n";
  for (const auto& u : t.uniques) s += "  unique " + u.name + " " + list(u.columns) + "\n";
  for (const auto& c : t.checks) s += "  check " + c.name + " <" + c.sql + ">\n";
  for (const auto& f : t.foreign_keys)
    s += "  fk " + f.name + " " + list(f.columns) + " -> " + f.ref_table + list(f.ref_columns) + " del=" +
         f.on_delete + " upd=" + f.on_update + " def=" + std::to_string(f.deferrable) +
         std::to_string(f.initially_deferred) + "\n";
  for (const auto& i : t.indexes)
    s += "  index " + i.name + " " + list(i.columns) + (i.unique ? " unique" : "") + " where=" + opt(i.where) + "\n";
  return s;
}

}  // namespace migrate::test
