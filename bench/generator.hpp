// Seeded generators for the benchmark: a schema of N tables (as models.toml and as
// schema.sql for each dialect), a variant of it with a handful of changes, and a linear
// chain of R small revisions (as migration files plus the bare SQL they amount to).
// The same (size, seed) always gives byte-identical output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace migrate::bench {

// Deterministic 64-bit generator (splitmix64): its sequence does not depend on the
// standard library, unlike std::uniform_int_distribution.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // A value in [0, n); n > 0.
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

struct GeneratedSchema {
  std::string models_toml;
  std::string sqlite_sql;      // CREATE TABLE / CREATE INDEX statements, each ending in ";\n"
  std::string postgresql_sql;  // the same schema in PostgreSQL's spelling
  // How many ops `migrate check` should report when these models are compared with a
  // database made from the base (non-variant) schema.sql: 0 for the base schema.
  int expected_differences = 0;
};

// N tables named t00001..tNNNNN. Each has 12 columns of mixed types (integer, varchar,
// text, numeric, boolean, timestamp, date, one of real/double/bigint/smallint, one of
// text/json/uuid), NOT NULLs and defaults, a named primary key, a unique constraint, two
// indexes (one composite) and, from the second table on, a foreign key to a random
// earlier table. `variant` applies six changes spread over the schema (add, drop and
// retype a column, change a nullability, add an index, add a table); needs tables >= 10.
GeneratedSchema generate_schema(int tables, uint64_t seed, bool variant);

struct RevisionFile {
  std::string file_name;  // "<revision>_<slug>.toml"
  std::string text;
};

struct RevisionChain {
  std::vector<RevisionFile> files;  // oldest first
  std::string head;
  // The upgrade ops as plain SQL, one statement per revision, valid on both dialects:
  // what a bare C program would execute for the same upgrade.
  std::vector<std::string> statements;
};

// R revisions in one line of descent, cycling through four small ops: create_table (3
// columns), add_column, create_index, and an sql op inserting a row. Each has its
// downgrade.
RevisionChain generate_revisions(int count, uint64_t seed);

}  // namespace migrate::bench
