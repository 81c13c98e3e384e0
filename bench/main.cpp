// migrate_bench: the workloads of issue 6, each run as whole `migrate` processes, with
// the same work done bare (sqlite3 C API / libpq, also a whole process) in the same run so
// every figure is a ratio. See docs/performance.md.
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "bare.hpp"
#include "generator.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace migrate::bench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr uint64_t kSeed = 20261202;

struct Options {
  bool sqlite = true;
  bool postgresql = true;
  std::string pg_url;
  int runs = 5;
  bool quick = false;
  std::set<std::string> only;  // workload groups; empty = all
  std::string migrate = MIGRATE_BENCH_DEFAULT_MIGRATE;
  std::string work_dir;
  bool keep = false;
};

const char* const kGroups[] = {"startup", "heads", "history", "check", "variant",
                               "autogenerate", "upgrade", "scaling", "memory"};

void usage() {
  std::printf(
      "usage: migrate_bench [options]\n"
      "  --dialect sqlite|postgresql|both   (default both; PostgreSQL is skipped when unreachable)\n"
      "  --pg-url URL      server to use (default $MIGRATE_TEST_PG_URL; start one with\n"
      "                    scripts/pg-test-server.sh start); databases bench_* are created there\n"
      "  --runs K          timed runs per figure, median reported (default 5; after 1 warm-up)\n"
      "  --quick           small sizes, for a smoke run\n"
      "  --only W[,W...]   workloads: startup heads history check variant autogenerate upgrade\n"
      "                    scaling memory\n"
      "  --migrate PATH    the migrate binary (default: the one built with this bench)\n"
      "  --work-dir DIR    where environments are generated (default /tmp/migrate-bench-PID)\n"
      "  --keep            keep the work dir and the bench_* databases\n");
}

enum class Verdict { none, pass, fail, error, skipped };

struct Figure {
  std::string workload;
  double median_s = kNaN;
  double cpu_s = kNaN;
  double baseline_s = kNaN;
  std::string baseline_what;
  std::string target;
  Verdict verdict = Verdict::none;
  std::string note;
};

struct Samples {
  std::vector<double> wall;
  std::vector<double> cpu;
  long max_rss_kb = 0;
  std::string failure;  // first failure: exit code and the first line of its output
};

std::string first_line(const std::string& s) {
  auto p = s.find_first_not_of("\n ");
  if (p == std::string::npos) return "";
  auto e = s.find('\n', p);
  return s.substr(p, e == std::string::npos ? std::string::npos : e - p);
}

std::string fmt_time(double s) {
  if (std::isnan(s)) return "-";
  if (s < 0.01) return fmt::format("{:.2f} ms", s * 1000);
  if (s < 1) return fmt::format("{:.1f} ms", s * 1000);
  return fmt::format("{:.2f} s", s);
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error(p.string() + ": cannot write");
}

std::string self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("migrate_bench") : p.string();
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)), self_(self_exe()) {}

  int run();

 private:
  bool wanted(const std::string& group) const { return o_.only.empty() || o_.only.count(group); }
  int runs_for(int size_class) const { return size_class >= 10000 ? std::min(o_.runs, 3) : o_.runs; }

  // An environment directory: migrate.toml pointing at `url`, models.toml, versions/.
  fs::path make_env(const std::string& name, const std::string& url, const std::string& models,
                    const std::vector<RevisionFile>& revisions) const;
  ProcessResult run_migrate(const fs::path& env, std::vector<std::string> args) const;
  ProcessResult run_bare(std::vector<std::string> args) const;

  // K timed runs after one warm-up. `before` runs untimed before each run; `expected`
  // is the exit code that counts as success.
  Samples measure(int k, const std::function<void()>& before, const std::function<ProcessResult()>& run,
                  int expected) const;
  // The same with a baseline, the two interleaved so that a change of machine load
  // affects both alike.
  std::pair<Samples, Samples> measure_pair(int k, const std::function<void()>& before,
                                           const std::function<ProcessResult()>& run, int expected,
                                           const std::function<ProcessResult()>& base) const;
  // The same for any number of programs, run in turn in each round, each after `before`.
  std::vector<Samples> measure_interleaved(int k, const std::function<void()>& before,
                                           const std::vector<std::function<ProcessResult()>>& runs,
                                           const std::vector<int>& expected) const;

  void add(Figure f, const Samples& s, const Samples* base);
  void judge_absolute(Figure& f, double limit_s);
  void judge_ratio(Figure& f, double limit);

  std::string sqlite_url(const fs::path& db) const { return "sqlite:///" + fs::absolute(db).string(); }
  // A database holding the N-table base schema, with an environment whose models are
  // the base schema (or the variant); made once per (dialect, N, variant).
  struct CheckEnv {
    fs::path dir;
    std::string url;
    std::string bare_target;  // DB file or libpq URL for the bare read
    int expected_differences = 0;
  };
  const CheckEnv& check_env(const std::string& dialect, int n, bool variant);

  void startup();
  void graph_commands();
  void check();
  void variant();
  void autogenerate();
  void upgrade();
  void sqlite_commit_floor(const fs::path& env, const fs::path& db, const fs::path& script, int r);
  void scaling();
  void print_table() const;

  Options o_;
  std::string self_;
  fs::path work_;
  std::vector<Figure> figures_;
  std::map<std::string, CheckEnv> check_envs_;
  std::set<std::string> pg_databases_;
  std::map<int, GeneratedSchema> schemas_;
};

fs::path Bench::make_env(const std::string& name, const std::string& url, const std::string& models,
                         const std::vector<RevisionFile>& revisions) const {
  fs::path dir = work_ / name;
  fs::remove_all(dir);
  fs::create_directories(dir / "versions");
  write_file(dir / "migrate.toml", fmt::format("[database]\nurl = \"{}\"\n\n[models]\nsource = \"models.toml\"\n\n"
                                               "[migrations]\ndirectory = \"versions\"\n",
                                               url));
  write_file(dir / "models.toml", models);
  for (const auto& r : revisions) write_file(dir / "versions" / r.file_name, r.text);
  return dir;
}

ProcessResult Bench::run_migrate(const fs::path& env, std::vector<std::string> args) const {
  std::vector<std::string> argv{o_.migrate, "-q", "-c", (env / "migrate.toml").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, env.string(), work_.string());
}

ProcessResult Bench::run_bare(std::vector<std::string> args) const {
  std::vector<std::string> argv{self_, "--bare"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, work_.string(), work_.string());
}

void record(Samples& s, const ProcessResult& r, int expected, bool timed) {
  if (r.exit_code != expected && s.failure.empty()) {
    std::string line = first_line(r.err);
    if (line.empty()) line = first_line(r.out);
    s.failure = fmt::format("exit {} (expected {}): {}", r.exit_code, expected, line);
  }
  if (!timed) return;
  s.wall.push_back(r.wall_s);
  s.cpu.push_back(r.cpu_s);
  s.max_rss_kb = std::max(s.max_rss_kb, r.max_rss_kb);
}

Samples Bench::measure(int k, const std::function<void()>& before, const std::function<ProcessResult()>& run,
                       int expected) const {
  Samples s;
  for (int i = 0; i <= k; ++i) {
    if (before) before();
    record(s, run(), expected, i > 0);
  }
  return s;
}

std::vector<Samples> Bench::measure_interleaved(int k, const std::function<void()>& before,
                                                const std::vector<std::function<ProcessResult()>>& runs,
                                                const std::vector<int>& expected) const {
  std::vector<Samples> out(runs.size());
  for (int i = 0; i <= k; ++i) {
    for (size_t j = 0; j < runs.size(); ++j) {
      if (before) before();
      record(out[j], runs[j](), expected[j], i > 0);
    }
  }
  return out;
}

std::pair<Samples, Samples> Bench::measure_pair(int k, const std::function<void()>& before,
                                                const std::function<ProcessResult()>& run, int expected,
                                                const std::function<ProcessResult()>& base) const {
  std::vector<Samples> v = measure_interleaved(k, before, {base, run}, {0, expected});
  return {v[1], v[0]};
}

void Bench::add(Figure f, const Samples& s, const Samples* base) {
  if (!s.wall.empty()) f.median_s = median(s.wall);
  if (!s.cpu.empty()) f.cpu_s = median(s.cpu);
  if (base && !base->wall.empty()) f.baseline_s = median(base->wall);
  if (!s.failure.empty() || (base && !base->failure.empty())) {
    f.verdict = Verdict::error;
    f.note = !s.failure.empty() ? s.failure : "baseline " + base->failure;
  }
  std::fprintf(stderr, "  %-44s %10s  (bare %s)\n", f.workload.c_str(), fmt_time(f.median_s).c_str(),
               fmt_time(f.baseline_s).c_str());
  figures_.push_back(std::move(f));
}

void Bench::judge_absolute(Figure& f, double limit_s) {
  if (f.verdict == Verdict::error) return;
  f.verdict = f.median_s <= limit_s ? Verdict::pass : Verdict::fail;
}

void Bench::judge_ratio(Figure& f, double limit) {
  if (f.verdict == Verdict::error) return;
  f.verdict = f.median_s <= limit * f.baseline_s ? Verdict::pass : Verdict::fail;
}

const Bench::CheckEnv& Bench::check_env(const std::string& dialect, int n, bool variant) {
  std::string key = fmt::format("{}-{}{}", dialect, n, variant ? "-variant" : "");
  auto it = check_envs_.find(key);
  if (it != check_envs_.end()) return it->second;
  if (!schemas_.count(n)) schemas_[n] = generate_schema(n, kSeed, false);
  const GeneratedSchema& base = schemas_[n];
  CheckEnv env;
  std::string db_key = fmt::format("{}-{}", dialect, n);
  std::string base_env_key = db_key;
  if (variant && check_envs_.count(base_env_key)) {
    env.url = check_envs_[base_env_key].url;
    env.bare_target = check_envs_[base_env_key].bare_target;
  } else if (variant) {
    const CheckEnv& b = check_env(dialect, n, false);
    env.url = b.url;
    env.bare_target = b.bare_target;
  } else if (dialect == "sqlite") {
    std::fprintf(stderr, "  (setting up a SQLite database with %d tables)\n", n);
    fs::create_directories(work_ / "db");
    fs::path db = work_ / "db" / fmt::format("check_{}.sqlite", n);
    fs::remove(db);
    write_file(work_ / "db" / fmt::format("schema_{}.sqlite.sql", n), base.sqlite_sql);
    sqlite_run_script(db.string(), base.sqlite_sql);
    env.url = sqlite_url(db);
    env.bare_target = fs::absolute(db).string();
  } else {
    std::fprintf(stderr, "  (setting up a PostgreSQL database with %d tables)\n", n);
    std::string name = fmt::format("bench_check_{}", n);
    pg_recreate_database(o_.pg_url, name);
    pg_databases_.insert(name);
    env.url = pg_url_for(o_.pg_url, name);
    write_file(work_ / fmt::format("schema_{}.postgresql.sql", n), base.postgresql_sql);
    // In batches: one transaction holding locks on 10 000 new tables exceeds the
    // default max_locks_per_transaction.
    std::string batch;
    int in_batch = 0;
    std::istringstream lines(base.postgresql_sql);
    for (std::string line; std::getline(lines, line);) {
      batch += line + "\n";
      if (line == ");" && ++in_batch == 200) {
        pg_run(env.url, "BEGIN;\n" + batch + "COMMIT;\n");
        batch.clear();
        in_batch = 0;
      }
    }
    pg_run(env.url, "BEGIN;\n" + batch + "COMMIT;\n");
    env.bare_target = env.url;
  }
  if (variant) {
    GeneratedSchema v = generate_schema(n, kSeed, true);
    env.expected_differences = v.expected_differences;
    env.dir = make_env("check_" + key, env.url, v.models_toml, {});
  } else {
    env.dir = make_env("check_" + key, env.url, base.models_toml, {});
  }
  return check_envs_[key] = env;
}

void Bench::startup() {
  fs::path env = make_env("startup", sqlite_url(work_ / "startup.sqlite"), "", {});
  auto [s, b] = measure_pair(
      o_.runs * 4, nullptr, [&] { return run_migrate(env, {"heads"}); }, 0,
      [&] { return run_process({"/bin/true"}, "", work_.string()); });
  Figure f{"start-up: heads, no revisions"};
  f.baseline_what = "/bin/true";
  f.target = "<= 5 ms";
  add(f, s, &b);
  judge_absolute(figures_.back(), 0.005);
}

void Bench::graph_commands() {
  std::vector<int> sizes = o_.quick ? std::vector<int>{100, 1000} : std::vector<int>{1000, 10000};
  for (int r : sizes) {
    RevisionChain chain = generate_revisions(r, kSeed);
    fs::path env = make_env(fmt::format("graph_{}", r), sqlite_url(work_ / "graph.sqlite"), "", chain.files);
    double limit = r >= 10000 ? 0.100 : 0.015;
    for (const char* cmd : {"heads", "history"}) {
      if (!wanted(cmd)) continue;
      std::string versions = (env / "versions").string();
      auto [s, b] = measure_pair(
          runs_for(r) * 2, nullptr, [&] { return run_migrate(env, {cmd}); }, 0,
          [&] { return run_bare({"read-files", versions}); });
      Figure f{fmt::format("{}, {} revision files", cmd, r)};
      f.baseline_what = "read the files";
      f.target = r >= 10000 ? "<= 100 ms" : "<= 15 ms";
      add(f, s, &b);
      if (o_.quick) continue;
      judge_absolute(figures_.back(), limit);
    }
  }
}

void Bench::check() {
  int n = o_.quick ? 200 : 2000;
  for (const std::string dialect : {"sqlite", "postgresql"}) {
    if ((dialect == "sqlite" && !o_.sqlite) || (dialect == "postgresql" && !o_.postgresql)) continue;
    const CheckEnv& env = check_env(dialect, n, false);
    auto [s, b] = measure_pair(
        o_.runs, nullptr, [&] { return run_migrate(env.dir, {"check"}); }, 0,
        [&] { return run_bare({dialect == "sqlite" ? "sqlite-read" : "pg-read", env.bare_target}); });
    double limit = dialect == "sqlite" ? 3 : 2;
    Figure f{fmt::format("check, {} tables, no differences, {}", n, dialect)};
    f.baseline_what = dialect == "sqlite" ? "4 pragma queries" : "5 catalog queries";
    f.target = fmt::format("<= {:g}x bare", limit);
    add(f, s, &b);
    judge_ratio(figures_.back(), limit);
  }
}

void Bench::variant() {
  int n = o_.quick ? 200 : 2000;
  for (const std::string dialect : {"sqlite", "postgresql"}) {
    if ((dialect == "sqlite" && !o_.sqlite) || (dialect == "postgresql" && !o_.postgresql)) continue;
    const CheckEnv& env = check_env(dialect, n, true);
    ProcessResult last;
    Samples s = measure(
        o_.runs, nullptr, [&] { return last = run_migrate(env.dir, {"check"}); }, 1);
    Figure f{fmt::format("check, {} tables, variant (6 changes), {}", n, dialect)};
    f.target = "-";
    // The report's first line is "K differences between the models and the database:".
    std::string head = first_line(last.out);
    std::string expected = fmt::format("{} differences", env.expected_differences);
    f.note = head.rfind(expected, 0) == 0 ? "found the 6 differences" : "UNEXPECTED: " + head;
    add(f, s, nullptr);
    if (head.rfind(expected, 0) != 0) figures_.back().verdict = Verdict::error;
  }
}

void Bench::autogenerate() {
  int n = o_.quick ? 200 : 2000;
  if (!schemas_.count(n)) schemas_[n] = generate_schema(n, kSeed, false);
  for (const std::string dialect : {"sqlite", "postgresql"}) {
    if ((dialect == "sqlite" && !o_.sqlite) || (dialect == "postgresql" && !o_.postgresql)) continue;
    std::string url;
    if (dialect == "sqlite") {
      url = sqlite_url(work_ / "autogen.sqlite");
      fs::remove(work_ / "autogen.sqlite");
    } else {
      pg_recreate_database(o_.pg_url, "bench_autogen");
      pg_databases_.insert("bench_autogen");
      url = pg_url_for(o_.pg_url, "bench_autogen");
    }
    fs::path env = make_env("autogen_" + dialect, url, schemas_[n].models_toml, {});
    auto clean = [&] {
      for (const auto& e : fs::directory_iterator(env / "versions")) fs::remove(e.path());
    };
    Samples s = measure(
        o_.runs, clean, [&] { return run_migrate(env, {"revision", "--autogenerate", "-m", "bench"}); }, 0);
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(env / "versions")) files += e.is_regular_file();
    Figure f{fmt::format("revision --autogenerate, {} new tables, {}", n, dialect)};
    f.target = "<= 0.5 s";
    if (files != 1) s.failure = fmt::format("wrote {} migration files, expected 1", files);
    add(f, s, nullptr);
    if (!o_.quick) judge_absolute(figures_.back(), 0.5);
  }
}

void Bench::upgrade() {
  int r = o_.quick ? 100 : 1000;
  RevisionChain chain = generate_revisions(r, kSeed);
  std::string script;
  for (const auto& st : chain.statements) script += st + ";\n";
  fs::path script_path = work_ / "upgrade_statements.sql";
  write_file(script_path, script);
  for (const std::string dialect : {"sqlite", "postgresql"}) {
    if ((dialect == "sqlite" && !o_.sqlite) || (dialect == "postgresql" && !o_.postgresql)) continue;
    std::string url;
    std::string bare_target;
    fs::path db = work_ / "upgrade.sqlite";
    std::function<void()> fresh;
    if (dialect == "sqlite") {
      url = sqlite_url(db);
      bare_target = db.string();
      fresh = [db] {
        fs::remove(db);
        fs::remove(db.string() + "-journal");
        ::sync();  // the last run's writes, flushed now rather than during the next
      };
    } else {
      pg_databases_.insert("bench_upgrade");
      url = pg_url_for(o_.pg_url, "bench_upgrade");
      bare_target = url;
      fresh = [this] {
        pg_recreate_database(o_.pg_url, "bench_upgrade");
        // The server runs with fsync=off: without this, the dropped database's files and
        // the new one's pages are written back by the kernel during the next timed run.
        try {
          pg_run(o_.pg_url, "CHECKPOINT");
        } catch (const std::exception&) {
          // Needs a superuser or pg_checkpoint; without it, the sync() alone.
        }
        ::sync();
      };
    }
    fs::path env = make_env("upgrade_" + dialect, url, "", chain.files);
    const std::string exec = dialect == "sqlite" ? "sqlite-exec" : "pg-exec";
    for (bool single : {false, true}) {
      std::vector<std::string> args{"upgrade", "head"};
      if (single) args.push_back("--single-transaction");
      // The bare figure: on SQLite one transaction per statement for the per-migration
      // run, all in one for --single-transaction; on PostgreSQL all in one for both (the
      // issue's target is a multiple of that).
      bool all_in_one = single || dialect == "postgresql";
      auto migrate_run = [&] { return run_migrate(env, args); };
      auto bare_run = [&] {
        return run_bare({exec, bare_target, script_path.string(), all_in_one ? "one" : "per"});
      };
      Samples s;
      Samples b;
      std::optional<Samples> same;  // PostgreSQL per migration: the same transactions, bare
      if (dialect == "postgresql" && !single) {
        // In the same rounds, so that all three see the same machine: the all-in-one
        // figure moves by 2x over an afternoon on this kind of machine.
        auto v = measure_interleaved(
            o_.runs, fresh,
            {bare_run, migrate_run, [&] { return run_bare({exec, bare_target, script_path.string(), "migration"}); }},
            {0, 0, 0});
        b = v[0];
        s = v[1];
        same = v[2];
      } else {
        std::tie(s, b) = measure_pair(o_.runs, fresh, migrate_run, 0, bare_run);
      }
      Figure f{fmt::format("upgrade head, {} revisions, {}, {}", r, dialect,
                           single ? "--single-transaction" : "per migration")};
      f.baseline_what = all_in_one ? "all in 1 txn" : "1 txn/statement";
      if (dialect == "sqlite") {
        f.target = single ? "<= 0.5 s" : "<= 1.2 s";
        add(f, s, &b);
        if (!o_.quick) judge_absolute(figures_.back(), single ? 0.5 : 1.2);
        if (!single) sqlite_commit_floor(env, db, script_path, r);
      } else {
        f.target = "<= 1.2x bare";
        add(f, s, &b);
        judge_ratio(figures_.back(), 1.2);
        if (same) {
          // What one transaction per migration costs the server whoever sends it: a bare
          // program sending migrate's transactions, one pipelined round trip each (BEGIN,
          // the statement, the version row's checked UPDATE, the files-table upsert,
          // COMMIT), from the same rounds.
          Figure floor{fmt::format("upgrade head, {} revisions, postgresql, per migration", r)};
          floor.baseline_what = "same txns";
          floor.target = "-";
          double one = b.wall.empty() ? kNaN : median(b.wall);
          double txns = same->wall.empty() ? kNaN : median(same->wall);
          floor.note = fmt::format("bare: the same 1 txn per migration, {:.2f}x the all-in-one run", txns / one);
          add(floor, s, &*same);
        }
      }
    }
  }
}

// What one transaction per migration costs on this disk whoever commits: the same run
// against a bare program that commits the same transactions (statement + version row,
// BEGIN IMMEDIATE ... COMMIT), once with the default rollback journal and once with a
// database file that is already in WAL mode (migrate never switches a file's mode).
void Bench::sqlite_commit_floor(const fs::path& env, const fs::path& db, const fs::path& script, int r) {
  const std::vector<std::string> args{"upgrade", "head"};
  for (bool wal : {false, true}) {
    auto fresh = [db, wal] {
      for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(db.string() + suffix);
      if (wal) sqlite_run(db.string(), "PRAGMA journal_mode = WAL");
      ::sync();
    };
    auto [s, b] = measure_pair(
        o_.runs, fresh, [&] { return run_migrate(env, args); }, 0,
        [&] { return run_bare({"sqlite-exec", db.string(), script.string(), "migration"}); });
    Figure f{fmt::format("upgrade head, {} revisions, sqlite, per migration{}", r, wal ? ", WAL file" : "")};
    f.baseline_what = "same txns";
    f.target = "-";
    f.note = wal ? "the database file was already in WAL mode" : "bare: the same 1 txn per migration";
    add(f, s, &b);
  }
}

void Bench::scaling() {
  std::vector<int> sizes = o_.quick ? std::vector<int>{50, 100, 200, 400} : std::vector<int>{100, 500, 2000, 10000};
  for (const std::string dialect : {"sqlite", "postgresql"}) {
    if ((dialect == "sqlite" && !o_.sqlite) || (dialect == "postgresql" && !o_.postgresql)) continue;
    std::vector<double> xs;
    std::vector<double> ys;
    std::vector<double> bys;
    long rss_largest = 0;
    for (int n : sizes) {
      const CheckEnv& env = check_env(dialect, n, false);
      auto [s, b] = measure_pair(
          runs_for(n), nullptr, [&] { return run_migrate(env.dir, {"check"}); }, 0,
          [&] { return run_bare({dialect == "sqlite" ? "sqlite-read" : "pg-read", env.bare_target}); });
      Figure f{fmt::format("scaling: check, {} tables, {}", n, dialect)};
      f.baseline_what = "bare read";
      f.target = "-";
      double med = s.wall.empty() ? kNaN : median(s.wall);
      f.note = fmt::format("{:.3f} ms/table (bare {:.3f})", med * 1000 / n,
                           b.wall.empty() ? kNaN : median(b.wall) * 1000 / n);
      if (n == sizes.back()) rss_largest = s.max_rss_kb;
      add(f, s, &b);
      xs.push_back(std::log(static_cast<double>(n)));
      ys.push_back(std::log(med));
      bys.push_back(std::log(b.wall.empty() ? kNaN : median(b.wall)));
    }
    auto slope = [](const std::vector<double>& x, const std::vector<double>& y) {
      double mx = 0, my = 0;
      for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
      mx /= x.size();
      my /= y.size();
      double num = 0, den = 0;
      for (size_t i = 0; i < x.size(); ++i) num += (x[i] - mx) * (y[i] - my), den += (x[i] - mx) * (x[i] - mx);
      return num / den;
    };
    size_t k = xs.size();
    // migrate's growth passes when it is close to linear, or when it is no steeper than
    // the bare read's by more than 0.15: then what grows faster is the database's own
    // catalog read (SQLite's name lookups at 10 000 tables), which every client pays,
    // and the ratio to the bare read does not grow.
    Figure g{fmt::format("scaling: growth exponent, {}", dialect)};
    g.target = "<= 1.15, or bare + 0.15";
    double e = slope(xs, ys);
    double be = slope(xs, bys);
    auto last_step = [k, &xs](const std::vector<double>& y) {
      return (y[k - 1] - y[k - 2]) / (xs[k - 1] - xs[k - 2]);
    };
    double last = last_step(ys);
    double blast = last_step(bys);
    bool linear = e <= 1.15 && last <= 1.15;
    bool as_bare = e - be <= 0.15 && last - blast <= 0.15;
    g.note = fmt::format("log-log slope {:.2f} over N={}..{}, last step {:.2f}; bare read {:.2f}, last step {:.2f}{}",
                         e, sizes.front(), sizes.back(), last, be, blast,
                         linear ? "" : (as_bare ? " (the bare read grows as fast)" : ""));
    g.verdict = std::isnan(e) || std::isnan(be) ? Verdict::error
                                                : (linear || as_bare ? Verdict::pass : Verdict::fail);
    std::fprintf(stderr, "  %-44s %s\n", g.workload.c_str(), g.note.c_str());
    figures_.push_back(g);
    if (wanted("memory")) {
      Figure m{fmt::format("memory: peak RSS of check, {} tables, {}", sizes.back(), dialect)};
      m.target = "< 200 MB";
      m.note = fmt::format("{:.1f} MB (ru_maxrss)", rss_largest / 1024.0);
      m.verdict = o_.quick ? Verdict::none : (rss_largest < 200 * 1024 ? Verdict::pass : Verdict::fail);
      std::fprintf(stderr, "  %-44s %s\n", m.workload.c_str(), m.note.c_str());
      figures_.push_back(m);
    }
  }
}

void Bench::print_table() const {
  const char* verdicts[] = {"", "pass", "FAIL", "ERROR", "skipped"};
  std::printf("\n%-58s %10s %10s %10s %-16s %8s  %-20s %-6s %s\n", "workload", "median", "cpu", "bare",
              "(bare is)", "ratio", "target", "result", "note");
  std::printf("%s\n", std::string(160, '-').c_str());
  for (const auto& f : figures_) {
    std::string ratio = std::isnan(f.baseline_s) || std::isnan(f.median_s)
                            ? "-"
                            : fmt::format("{:.2f}x", f.median_s / f.baseline_s);
    std::printf("%-58s %10s %10s %10s %-16s %8s  %-20s %-6s %s\n", f.workload.c_str(), fmt_time(f.median_s).c_str(),
                fmt_time(f.cpu_s).c_str(), fmt_time(f.baseline_s).c_str(), f.baseline_what.c_str(), ratio.c_str(),
                f.target.c_str(), verdicts[static_cast<int>(f.verdict)], f.note.c_str());
  }
}

int Bench::run() {
  work_ = o_.work_dir.empty() ? fs::path(fmt::format("/tmp/migrate-bench-{}", getpid())) : fs::path(o_.work_dir);
  fs::create_directories(work_);
  work_ = fs::canonical(work_);
  if (access(o_.migrate.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "migrate_bench: %s is not an executable (build it, or pass --migrate PATH)\n",
                 o_.migrate.c_str());
    return 2;
  }
  if (o_.postgresql) {
    if (o_.pg_url.empty()) {
      std::fprintf(stderr, "migrate_bench: no PostgreSQL URL (--pg-url or MIGRATE_TEST_PG_URL): PostgreSQL skipped\n");
      o_.postgresql = false;
    } else {
      try {
        pg_run(o_.pg_url, "SELECT 1");
      } catch (const std::exception& e) {
        std::fprintf(stderr, "migrate_bench: %s: PostgreSQL skipped\n", e.what());
        o_.postgresql = false;
      }
    }
  }
  std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::string load = first_line(read_text_file("/proc/loadavg"));
  std::printf("migrate_bench: %s, %ld cpus, load %s\nmigrate: %s\nruns: %d (median; 1 warm-up)%s; work dir %s\n",
              date, sysconf(_SC_NPROCESSORS_ONLN), load.c_str(), o_.migrate.c_str(), o_.runs,
              o_.quick ? "; QUICK sizes (targets not judged where the size differs)" : "", work_.c_str());
  std::fflush(stdout);

  auto guarded = [&](const char* group, void (Bench::*fn)()) {
    if (!wanted(group)) return;
    std::fprintf(stderr, "%s\n", group);
    try {
      (this->*fn)();
    } catch (const std::exception& e) {
      Figure f{group};
      f.verdict = Verdict::error;
      f.note = first_line(e.what());
      figures_.push_back(f);
      std::fprintf(stderr, "  %s: %s\n", group, e.what());
    }
  };
  guarded("startup", &Bench::startup);
  if (wanted("heads") || wanted("history")) guarded(wanted("heads") ? "heads" : "history", &Bench::graph_commands);
  guarded("check", &Bench::check);
  guarded("variant", &Bench::variant);
  guarded("autogenerate", &Bench::autogenerate);
  guarded("upgrade", &Bench::upgrade);
  if (wanted("scaling") || wanted("memory")) guarded(wanted("scaling") ? "scaling" : "memory", &Bench::scaling);

  print_table();
  if (!o_.keep) {
    for (const auto& db : pg_databases_) {
      try {
        pg_drop_database(o_.pg_url, db);
      } catch (const std::exception&) {
      }
    }
    fs::remove_all(work_);
  }
  for (const auto& f : figures_)
    if (f.verdict == Verdict::error) return 3;
  return 0;
}

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  if (const char* u = std::getenv("MIGRATE_TEST_PG_URL")) o.pg_url = u;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--dialect") {
      std::string d = value();
      if (d != "sqlite" && d != "postgresql" && d != "both") throw std::invalid_argument("--dialect: " + d);
      o.sqlite = d != "postgresql";
      o.postgresql = d != "sqlite";
    } else if (a == "--pg-url") {
      o.pg_url = value();
    } else if (a == "--runs") {
      o.runs = std::stoi(value());
      if (o.runs < 1) throw std::invalid_argument("--runs must be >= 1");
    } else if (a == "--quick") {
      o.quick = true;
    } else if (a == "--only") {
      std::stringstream ss(value());
      std::string w;
      while (std::getline(ss, w, ',')) {
        bool known = false;
        for (const char* g : kGroups) known |= w == g;
        if (!known) throw std::invalid_argument("--only: unknown workload '" + w + "'");
        o.only.insert(w);
      }
    } else if (a == "--migrate") {
      o.migrate = value();
    } else if (a == "--work-dir") {
      o.work_dir = value();
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--help" || a == "-h") {
      usage();
      return std::nullopt;
    } else {
      throw std::invalid_argument("unknown option " + a);
    }
  }
  return o;
}

}  // namespace
}  // namespace migrate::bench

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--bare") return migrate::bench::bare_main(argc - 2, argv + 2);
  try {
    auto o = migrate::bench::parse(argc, argv);
    if (!o) return 0;
    return migrate::bench::Bench(*o).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "migrate_bench: %s\n", e.what());
    return 2;
  }
}
