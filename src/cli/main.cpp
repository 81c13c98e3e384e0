// The command line: builds the CLI11 app, runs one command, maps errors to exit codes.
// Nothing else happens here; every verb is a library function (migrate/command.hpp).
#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <migrate/command.hpp>
#include <migrate/error.hpp>

#include "cli/exit_codes.hpp"

namespace {

using migrate::cli::ExitCode;

void print_error(const std::string& first, const std::string& detail) {
  std::cerr << "error: " << first << "\n";
  if (!detail.empty()) std::cerr << detail << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"migrate: schema migrations for SQLite and PostgreSQL", "migrate"};
  app.set_version_flag("--version", "migrate 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();

  migrate::GlobalOptions g;
  std::string url;
  bool no_color = false;
  app.add_option("-c,--config", g.config_path, "config file (default ./migrate.toml)");
  app.add_option("--url", url, "database URL (overrides migrate.toml and MIGRATE_DATABASE_URL)");
  app.add_option("--format", g.format, "output format where a command reports data")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-q,--quiet", g.quiet, "print only results and errors");
  app.add_flag("-v,--verbose", g.verbose, "more detail");
  app.add_flag("--no-color", no_color, "never colour the output (colour is never used when NO_COLOR is set)");

  std::string init_dir;
  auto* init = app.add_subcommand("init", "write a new environment (migrate.toml, models.toml, versions/) into DIR");
  init->add_option("dir", init_dir, "directory to create")->required();

  migrate::RevisionOptions rev;
  auto* revision = app.add_subcommand("revision", "write a new migration file");
  revision->add_option("-m,--message", rev.message, "message (also the file's slug)");
  revision->add_flag("--autogenerate", rev.autogenerate, "fill the ops by comparing the models with the database");
  revision->add_flag("--empty", rev.empty, "with --autogenerate: write the file even when nothing changed");
  revision->add_option("--head", rev.head, "base the revision on this head (REV, label@head or base)");
  revision->add_flag("--splice", rev.splice, "allow --head to name a non-head revision (starts a branch)");
  revision->add_option("--branch-label", rev.branch_labels, "branch label for the new revision");
  revision->add_option("--depends-on", rev.depends_on, "revision or label this one depends on (repeatable)");
  revision->add_option("--rev-id", rev.rev_id, "revision id instead of a random one");
  revision->add_option("--version-path", rev.version_path, "directory to write the file to");

  migrate::MergeOptions merge_o;
  auto* merge = app.add_subcommand("merge", "write a merge revision joining REV... (e.g. `merge heads`)");
  merge->add_option("revisions", merge_o.revisions, "revisions to merge, or heads")->required();
  merge->add_option("-m,--message", merge_o.message, "message");
  merge->add_option("--branch-label", merge_o.branch_labels, "branch label for the merge");
  merge->add_option("--rev-id", merge_o.rev_id, "revision id instead of a random one");

  migrate::ApplyOptions up_o, down_o;
  auto* upgrade = app.add_subcommand("upgrade", "apply upgrades up to TARGET (head, heads, REV, +N, label@head...)");
  upgrade->add_option("target", up_o.target, "target revision; [FROM:]TO with --sql")->required();
  upgrade->add_flag("--sql", up_o.sql, "print the SQL instead of running it (never connects)");
  upgrade->add_flag("--single-transaction", up_o.single_transaction, "run every step in one transaction");
  auto* downgrade = app.add_subcommand("downgrade", "undo migrations down to TARGET (-1, base, REV, label@-1...)");
  downgrade->add_option("target", down_o.target, "target revision; FROM:TO with --sql")->required();
  downgrade->add_flag("--sql", down_o.sql, "print the SQL instead of running it (never connects)");
  downgrade->add_flag("--single-transaction", down_o.single_transaction, "run every step in one transaction");

  migrate::StampOptions stamp_o;
  auto* stamp = app.add_subcommand("stamp", "set the version table to TARGET... without running migrations");
  stamp->add_option("targets", stamp_o.targets, "revisions, heads or base")->required();
  stamp->add_flag("--sql", stamp_o.sql, "print the SQL instead of running it");
  stamp->add_flag("--purge", stamp_o.purge, "empty the version table first");

  bool cur_v = false, heads_v = false, heads_resolve = false, br_v = false, hist_v = false, hist_i = false;
  std::string hist_range, show_rev, inspect_format;
  auto* current = app.add_subcommand("current", "the revision(s) the database is at");
  current->add_flag("-v,--verbose", cur_v, "full entries");
  auto* heads = app.add_subcommand("heads", "the heads of the revision graph");
  heads->add_flag("-v,--verbose", heads_v, "full entries");
  heads->add_flag("--resolve-dependencies", heads_resolve, "treat depends_on as children (real heads)");
  auto* branches = app.add_subcommand("branches", "the branch points of the revision graph");
  branches->add_flag("-v,--verbose", br_v, "full entries");
  auto* history = app.add_subcommand("history", "revisions, newest first");
  history->add_option("-r,--rev-range", hist_range, "[start]:[end]");
  history->add_flag("-v,--verbose", hist_v, "full entries");
  history->add_flag("-i,--indicate-current", hist_i, "mark the database's current revision(s)");
  auto* show = app.add_subcommand("show", "one revision: header, ops and SQL");
  show->add_option("rev", show_rev, "revision (id, partial id, head, current)")->required();
  auto* check = app.add_subcommand(
      "check", "exit 1 and list the differences when models and database differ, or applied migration files "
               "were edited after they were applied");
  bool check_ci = false;
  migrate::CiCheckOptions ci_o;
  check->add_flag("--ci", check_ci,
                  "instead, run the CI checks on an empty scratch database: heads, upgrade, models, roundtrip");
  check->add_option("--checks", ci_o.checks, "with --ci: the checks to run (default all)")->delimiter(',');
  check->add_option("--scratch-url", ci_o.scratch_url,
                    "with --ci: the empty database to run them on (default [models] scratch_url, else a temporary "
                    "SQLite file)");
  migrate::DiffSourcesOptions diff_o;
  auto* diff = app.add_subcommand("diff", "print the ops between models and database (or --from A --to B), write nothing");
  diff->add_flag("--sql", diff_o.sql, "print their SQL");
  diff->add_option("--from", diff_o.from, "a database URL, models.toml or schema.sql (comma-separated list allowed)");
  diff->add_option("--to", diff_o.to, "a database URL, models.toml or schema.sql");
  diff->add_option("--dialect", diff_o.dialect, "dialect for file-to-file diffs (default: the configured one, else sqlite)")
      ->check(CLI::IsMember({"sqlite", "postgresql"}));
  auto* inspect = app.add_subcommand("inspect", "print the live schema (toml, sql, mermaid, json)");
  inspect->add_option("--format", inspect_format, "toml (default), sql, mermaid or json")
      ->check(CLI::IsMember({"toml", "sql", "mermaid", "json"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Name an unknown command as such (CLI11 only says that one is required).
    std::string message = e.what();
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.empty() || a[0] == '-') {
        if (a == "-c" || a == "--config" || a == "--url" || a == "--format") ++i;  // skip the option's value
        continue;
      }
      bool known = false;
      for (const auto* sub : app.get_subcommands({})) known |= sub->get_name() == a;
      if (!known) message = "unknown command '" + a + "'";
      break;
    }
    print_error(message, "Run `migrate --help` for the commands and their options.");
    return ExitCode::kBadInput;
  }
  if (!url.empty()) g.url = url;
  (void)no_color;  // migrate prints no colour yet, so there is nothing to turn off

  migrate::Output out;
  out.out = [](const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    if (s.empty() || s.back() != '\n') std::fputc('\n', stdout);
  };
  out.info = [&g](const std::string& s) {
    if (!g.quiet) std::cerr << s << "\n";
  };

  try {
    if (*init) migrate::cmd_init(init_dir, out);
    else if (*revision) migrate::cmd_revision(g, rev, out);
    else if (*merge) migrate::cmd_merge(g, merge_o, out);
    else if (*upgrade) migrate::cmd_upgrade(g, up_o, out);
    else if (*downgrade) migrate::cmd_downgrade(g, down_o, out);
    else if (*stamp) migrate::cmd_stamp(g, stamp_o, out);
    else if (*current) migrate::cmd_current(g, cur_v || g.verbose, out);
    else if (*heads) migrate::cmd_heads(g, heads_v || g.verbose, heads_resolve, out);
    else if (*branches) migrate::cmd_branches(g, br_v || g.verbose, out);
    else if (*history) migrate::cmd_history(g, hist_range, hist_v || g.verbose, hist_i, out);
    else if (*show) migrate::cmd_show(g, show_rev, out);
    else if (*check) {
      bool ok = check_ci ? migrate::cmd_check_ci(g, ci_o, out) : migrate::cmd_check(g, out);
      return ok ? ExitCode::kOk : ExitCode::kDifferences;
    }
    else if (*diff) {
      bool same = diff_o.from.empty() && diff_o.to.empty() ? migrate::cmd_diff(g, diff_o.sql, out)
                                                            : migrate::cmd_diff_sources(g, diff_o, out);
      return same ? ExitCode::kOk : ExitCode::kDifferences;
    }
    else if (*inspect) migrate::cmd_inspect(g, inspect_format, out);
    std::fflush(stdout);
    return ExitCode::kOk;
  } catch (const migrate::DatabaseError& e) {
    print_error(e.what(), e.detail());
    return ExitCode::kDatabaseError;
  } catch (const migrate::InputError& e) {
    print_error(e.what(), e.detail());
    return ExitCode::kBadInput;
  } catch (const migrate::Error& e) {
    print_error(e.what(), e.detail());
    return ExitCode::kDatabaseError;
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what(), "This is a bug in migrate; please report it.");
    return ExitCode::kInternal;
  }
}
