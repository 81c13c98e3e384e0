#include <migrate/runtime/runner.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include <fmt/format.h>

#include <migrate/error.hpp>

#include "util/strings.hpp"

namespace migrate {

namespace {

const std::vector<Operation>& ops_of(const MigrationFile& file, Direction d) {
  return d == Direction::up ? file.upgrade : file.downgrade;
}

std::string step_line(const Step& step, const MigrationFile& file) {
  return fmt::format("Running {} {} -> {}, {}", step.direction == Direction::up ? "upgrade" : "downgrade",
                     step.from_text, step.to_text, file.revision.message);
}

RenderContext online_context(Connection& conn) {
  RenderContext ctx;
  ctx.current_table = [&conn](const std::string& schema, const std::string& table) {
    return conn.reflect_table(schema, table);
  };
  ctx.dependent_objects_sql = [&conn](const std::string& schema, const std::string& table) {
    return conn.dependent_objects_sql(schema, table);
  };
  return ctx;
}

RenderContext offline_context(const MetaData& md) {
  RenderContext ctx;
  ctx.current_table = [&md](const std::string& schema, const std::string& table) -> std::optional<Table> {
    const Table* t = md.find_table(schema.empty() ? table : schema + "." + table);
    if (!t) return std::nullopt;
    return *t;
  };
  ctx.dependent_objects_sql = [](const std::string&, const std::string&) { return std::vector<std::string>{}; };
  return ctx;
}

/// Wraps a database failure so its first line names the migration, the op and the cause.
[[noreturn]] void rethrow_in_step(const DatabaseError& e, const MigrationFile& file, const Step& step, size_t op_index,
                                  const Operation* op, const std::string& sql) {
  std::string where = op ? fmt::format("{} op {} ({})", step.direction == Direction::up ? "upgrade" : "downgrade",
                                       op_index + 1, describe(*op))
                         : std::string("version table update");
  throw DatabaseError(fmt::format("migration {} failed in {}: {}", file.revision.path, where, e.what()),
                      sql.empty() ? e.sql() : sql, e.sqlstate());
}

/// The statements of one step: rendered op by op, sent in batches (one per step where
/// the dialect renders without reading the database, one per op where it does).
class StepExecutor {
 public:
  /// `before_commit` runs before a statement that must run outside the transaction
  /// commits it early.
  StepExecutor(Connection& conn, const MigrationFile& file, const Step& step, const RenderContext& ctx,
               const std::function<void()>& before_commit)
      : conn_(conn), file_(file), step_(step), ctx_(ctx), before_commit_(before_commit) {}

  void run_op(const Operation& op, size_t index) {
    std::vector<Statement> stmts;
    try {
      stmts = conn_.dialect().render(op, ctx_);
    } catch (const UnsupportedError& e) {
      throw UnsupportedError(fmt::format("migration {}: {} op {} ({}): {}", file_.revision.path,
                                         step_.direction == Direction::up ? "upgrade" : "downgrade", index + 1,
                                         describe(op), e.what()));
    }
    for (auto& s : stmts) {
      if (s.no_transaction && conn_.in_transaction()) {
        // Statements that cannot run in a transaction end the step's transaction early.
        flush();
        before_commit_();
        conn_.commit();
        try {
          conn_.execute(s);
        } catch (const DatabaseError& e) {
          rethrow_in_step(e, file_, step_, index, &op, s.sql);
        }
        conn_.begin();
      } else {
        pending_.push_back(std::move(s));
        origins_.push_back({&op, index});
      }
    }
    // The next op must be rendered from the database as this one leaves it.
    if (conn_.dialect().capabilities().render_reads_database) flush();
  }

  /// Sends what is pending, with the step's version-table statements (the files-table
  /// row, and the version rows unless the run writes those once at its end); with
  /// `commit`, the step's transaction ends with them (on PostgreSQL in the same round
  /// trip).
  void finish(std::vector<Statement> version_update, bool commit) {
    for (auto& s : version_update) {
      pending_.push_back(std::move(s));
      origins_.push_back({nullptr, 0});
    }
    flush(commit);
  }

 private:
  void flush(bool commit = false) {
    auto failed = [this](size_t i, const DatabaseError& e) {
      rethrow_in_step(e, file_, step_, origins_[i].index, origins_[i].op, pending_[i].sql);
    };
    if (commit)
      conn_.execute_batch_and_commit(pending_, failed);
    else if (!pending_.empty())
      conn_.execute_batch(pending_, failed);
    pending_.clear();
    origins_.clear();
  }

  /// Where a pending statement comes from: op `index` of the step, or (op null) the
  /// version-table update (the files table included).
  struct Origin {
    const Operation* op;
    size_t index;
  };

  Connection& conn_;
  const MigrationFile& file_;
  const Step& step_;
  const RenderContext& ctx_;
  const std::function<void()>& before_commit_;
  std::vector<Statement> pending_;
  std::vector<Origin> origins_;  // one per pending statement
};

}  // namespace

void run_steps(Connection& conn, const ScriptDirectory& scripts, const VersionTable& table,
               const std::vector<Step>& steps, const RunOptions& options) {
  const RevisionGraph& graph = scripts.graph();
  // Read and validate every file of the plan before the first step runs.
  std::vector<const MigrationFile*> files;
  files.reserve(steps.size());
  for (const auto& s : steps) files.push_back(&scripts.load(s.revision));

  RenderContext ctx = online_context(conn);
  bool outer = options.single_transaction;
  if (outer) conn.begin();
  // The version rows are re-read inside each step's transaction, since another process
  // may have run the step meanwhile; unless nobody else can: one transaction for the
  // whole run holds SQLite's write lock throughout, and PostgreSQL's advisory lock keeps
  // other runs out. Then the rows are read once and followed in memory.
  bool exclusive = outer || conn.holds_exclusive_migration_lock();
  std::optional<std::vector<std::string>> known_rows;
  // In one transaction for the whole run, the version rows are written once, just before
  // that transaction commits (or before a statement that must run outside it commits it
  // early): no other session can see the rows in between, and on PostgreSQL an UPDATE of
  // the version row after every step was 6% of a 1000-step run. `written_rows` is what
  // the table holds; the files-table rows of the steps done wait in `pending_files`.
  std::vector<std::string> written_rows;
  std::vector<Statement> pending_files;
  std::function<void()> write_versions = [&] {
    if (!outer || !known_rows) return;
    std::vector<Statement> stmts = table.statements(RevisionGraph::net_changes(written_rows, *known_rows));
    for (auto& f : pending_files) stmts.push_back(std::move(f));
    pending_files.clear();
    if (stmts.empty()) return;
    conn.execute_batch(stmts, [](size_t, const DatabaseError& e) {
      throw DatabaseError(fmt::format("version table update before commit: {}", e.what()), e.sql(), e.sqlstate());
    });
    written_rows = *known_rows;
  };
  try {
    for (size_t i = 0; i < steps.size(); ++i) {
      const Step& step = steps[i];
      const MigrationFile& file = *files[i];
      auto start = std::chrono::steady_clock::now();
      if (!outer) conn.begin();
      try {
        if (!exclusive || !known_rows) {
          known_rows = table.read_existing(conn);
          written_rows = *known_rows;
        }
        std::vector<std::string> rows = *known_rows;
        bool applied = graph.is_applied(step.revision, rows);
        if ((step.direction == Direction::up) == applied) {
          if (!outer) conn.rollback();
          if (options.progress) options.progress(step_line(step, file) + " ... already done by another process, skipped");
          continue;
        }
        const auto& ops = ops_of(file, step.direction);
        StepExecutor exec(conn, file, step, ctx, write_versions);
        for (size_t k = 0; k < ops.size(); ++k) exec.run_op(ops[k], k);
        auto changes = graph.version_changes(rows, step);
        std::vector<Statement> update;
        if (outer) {
          pending_files.push_back(table.files().step_statement(step, file));
        } else {
          update = table.statements(changes);
          update.push_back(table.files().step_statement(step, file));
        }
        exec.finish(std::move(update), !outer);
        known_rows = RevisionGraph::apply_changes(std::move(rows), changes);
      } catch (...) {
        if (!outer && conn.in_transaction()) {
          try {
            conn.rollback();
          } catch (...) {
          }
        }
        throw;
      }
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      if (options.progress) options.progress(fmt::format("{} ... {} ms", step_line(step, file), ms));
    }
    if (outer) {
      write_versions();
      conn.commit();
    }
  } catch (...) {
    if (outer && conn.in_transaction()) {
      try {
        conn.rollback();
      } catch (...) {
      }
    }
    throw;
  }
}

void run_stamp(Connection& conn, const VersionTable& table, const std::vector<StampStep>& steps) {
  Transaction tx(conn);
  for (const auto& s : steps) table.apply(conn, s.changes);
  tx.commit();
}

MetaData replay_schema(const ScriptDirectory& scripts, const std::vector<std::string>& rows) {
  MetaData md;
  std::vector<std::string> applied;
  const RevisionGraph& graph = scripts.graph();
  for (const auto& target : rows) {
    for (const auto& step : graph.upgrade_steps(applied, target)) {
      for (const auto& op : scripts.load(step.revision).upgrade) apply_op(md, op);
      applied = RevisionGraph::apply_changes(applied, graph.version_changes(applied, step));
    }
  }
  return md;
}

namespace {

void emit(std::string& out, const std::string& sql) {
  out += util::trim(sql);
  out += ";\n\n";
}

}  // namespace

std::string offline_script(const Dialect& dialect, const ScriptDirectory& scripts, const VersionTable& table,
                           const std::vector<std::string>& start_rows, const std::vector<Step>& steps,
                           const RunOptions& options) {
  const RevisionGraph& graph = scripts.graph();
  std::vector<const MigrationFile*> files;
  for (const auto& s : steps) files.push_back(&scripts.load(s.revision));
  MetaData md = replay_schema(scripts, start_rows);
  RenderContext ctx = offline_context(md);
  bool transactional = dialect.capabilities().transactional_ddl;
  bool per_step = options.transaction_per_migration && !options.single_transaction;
  std::string out;
  bool open = false;
  auto begin = [&] {
    if (transactional && !open) {
      out += "BEGIN;\n\n";
      open = true;
    }
  };
  auto commit = [&] {
    if (transactional && open) {
      out += "COMMIT;\n\n";
      open = false;
    }
  };
  begin();
  if (start_rows.empty()) emit(out, table.create_statement(false).sql);
  // From a revision, the database may predate the files table: create it if need be.
  emit(out, table.files().create_statement(!start_rows.empty()).sql);
  std::vector<std::string> rows = start_rows;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const MigrationFile& file = *files[i];
    if (per_step && i > 0) begin();
    out += fmt::format("-- Running {} {} -> {}\n\n", step.direction == Direction::up ? "upgrade" : "downgrade",
                       step.from_text, step.to_text);
    const auto& ops = ops_of(file, step.direction);
    for (size_t k = 0; k < ops.size(); ++k) {
      std::vector<Statement> stmts;
      try {
        stmts = dialect.render(ops[k], ctx);
      } catch (const UnsupportedError& e) {
        throw UnsupportedError(fmt::format("migration {}: op {} ({}): {}", file.revision.path, k + 1,
                                           describe(ops[k]), e.what()));
      }
      for (const auto& s : stmts) {
        if (s.no_transaction && open) {
          commit();
          emit(out, s.sql);
          begin();
        } else {
          emit(out, s.sql);
        }
      }
      try {
        apply_op(md, ops[k]);
      } catch (const InputError&) {
        // The replayed schema is best effort (raw SQL may have changed things we cannot see).
      }
    }
    auto changes = graph.version_changes(rows, step);
    for (const auto& sql : table.offline_sql(changes)) emit(out, sql);
    emit(out, table.files().offline_step_sql(step, file));
    rows = RevisionGraph::apply_changes(rows, changes);
    if (per_step) commit();
  }
  commit();
  return out;
}

std::string offline_stamp_script(const Dialect& dialect, const VersionTable& table, bool start_from_base,
                                 const std::vector<StampStep>& steps, const RunOptions& options) {
  (void)options;
  std::string out;
  bool transactional = dialect.capabilities().transactional_ddl;
  if (transactional) out += "BEGIN;\n\n";
  if (start_from_base) emit(out, table.create_statement(false).sql);
  for (const auto& s : steps) {
    out += fmt::format("-- Running stamp_revision {} -> {}\n\n", s.from_text, s.to_text);
    for (const auto& sql : table.offline_sql(s.changes)) emit(out, sql);
  }
  if (transactional) out += "COMMIT;\n\n";
  return out;
}

}  // namespace migrate
