// The "bare" side of each figure: the same catalog read or the same statements done by
// a minimal program straight through the sqlite3 C API or libpq, run as its own process
// (`migrate_bench --bare MODE ...`) so that it pays process start-up and connecting as
// `migrate` does. Also the setup helpers that load schema.sql into a database.
#pragma once

#include <string>

namespace migrate::bench {

// Entry point of `migrate_bench --bare MODE ARGS...` (argv[0] is MODE). Modes:
//   sqlite-read DB            sqlite_schema plus the three pragma joins migrate needs
//                             (table_xinfo, index_list+index_xinfo, foreign_key_list)
//   pg-read URL               five bulk catalog queries (tables, columns with defaults,
//                             constraints, indexes, views/sequences/triggers) of 'public'
//   read-files DIR            list DIR, then open, read and close every file in it
//   sqlite-exec DB FILE per|one
//   pg-exec URL FILE per|one  the statements of FILE (separated by lines ending in ';'),
//                             one transaction per statement, or all in one
//   sqlite-exec DB FILE migration
//                             the same transactions as `migrate upgrade`: per statement,
//                             BEGIN IMMEDIATE, the statement, the version row's UPDATE
//                             (bound values, row count checked), COMMIT
//   pg-exec URL FILE migration
//                             the same on PostgreSQL: per statement, one pipelined round
//                             trip of BEGIN, the statement, the version row's UPDATE (row
//                             count checked by the server), the files-table upsert (both
//                             prepared once), COMMIT
// Every row and value is copied out, as a real reader would. Returns the exit code:
// 0 done, 1 a database error (printed on stderr), 2 bad arguments.
int bare_main(int argc, char** argv);

// Runs `sql` (many statements) in one transaction on the SQLite file `db` (created when
// missing). Throws std::runtime_error with SQLite's message.
void sqlite_run_script(const std::string& db, const std::string& sql);

// Runs `sql` outside any transaction (PRAGMA journal_mode = WAL needs that).
void sqlite_run(const std::string& db, const std::string& sql);

// Runs `sql` (one or more statements) on PostgreSQL; throws std::runtime_error with the
// server's message.
void pg_run(const std::string& url, const std::string& sql);

// `url` with its database name replaced by `dbname`:
// postgresql://u@h:5432/postgres?x=y -> postgresql://u@h:5432/<dbname>?x=y
std::string pg_url_for(const std::string& url, const std::string& dbname);

// Drops database `name` (forcing other sessions off) and creates it empty, through the
// database of `admin_url`.
void pg_recreate_database(const std::string& admin_url, const std::string& name);
void pg_drop_database(const std::string& admin_url, const std::string& name);

// The whole content of a file; throws std::runtime_error when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace migrate::bench
