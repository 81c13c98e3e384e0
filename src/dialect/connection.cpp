#include <migrate/dialect/connection.hpp>

#include <migrate/error.hpp>

#include "util/strings.hpp"

namespace migrate {

void Connection::check_changed_rows(const Statement& stmt, size_t changed, const std::string& sql) {
  if (stmt.expected_rows && changed != *stmt.expected_rows) fail_row_count(stmt, std::to_string(changed), sql);
}

void Connection::fail_row_count(const Statement& stmt, const std::string& found, const std::string& sql) {
  throw DatabaseError(stmt.check_message + "; " + found + " found", sql, "check");
}

void Connection::fail_no_rows_check(const Statement& stmt, const Row& first_row, const std::string& sql) {
  std::vector<std::string> cells;
  for (const auto& c : first_row) cells.push_back(c ? *c : "NULL");
  std::string what = stmt.check_message.empty() ? "check failed" : stmt.check_message;
  throw DatabaseError(what + " (first row: " + util::join(cells, ", ") + ")", sql, "check");
}

void Connection::execute_batch(const std::vector<Statement>& stmts, const BatchFailure& failed) {
  for (size_t i = 0; i < stmts.size(); ++i) {
    try {
      execute(stmts[i]);
    } catch (const DatabaseError& e) {
      failed(i, e);
      throw;  // `failed` must throw; should it return, the error still propagates
    }
  }
}

void Connection::execute_batch_and_commit(const std::vector<Statement>& stmts, const BatchFailure& failed) {
  execute_batch(stmts, failed);
  commit();
}

void Connection::run_script_statements(const std::vector<ScriptStatement>& statements,
                                       std::vector<ScriptFailure>* failures) {
  std::vector<const ScriptStatement*> pending;
  for (const auto& s : statements) pending.push_back(&s);
  std::vector<std::string> errors(statements.size());
  // Each round runs what is left; a statement that fails for want of something a later
  // one creates succeeds in a later round. Stops when a round makes no progress.
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::vector<const ScriptStatement*> next;
    for (const ScriptStatement* s : pending) {
      execute(Statement{"SAVEPOINT migrate_script_stmt"});
      try {
        execute(Statement{s->sql});
        execute(Statement{"RELEASE SAVEPOINT migrate_script_stmt"});
        progress = true;
      } catch (const DatabaseError& e) {
        execute(Statement{"ROLLBACK TO SAVEPOINT migrate_script_stmt"});
        execute(Statement{"RELEASE SAVEPOINT migrate_script_stmt"});
        errors[static_cast<size_t>(s - statements.data())] = e.what();
        next.push_back(s);
      }
    }
    pending = std::move(next);
  }
  if (failures)
    for (const ScriptStatement* s : pending)
      failures->push_back({*s, errors[static_cast<size_t>(s - statements.data())]});
}

MetaData Connection::reflect_script(const std::vector<ScriptStatement>& statements, const ReflectOptions& options,
                                    std::vector<ScriptFailure>* failures) {
  Transaction tx(*this);  // rolled back: nothing is left behind
  run_script_statements(statements, failures);
  return reflect(options);
}

}  // namespace migrate
