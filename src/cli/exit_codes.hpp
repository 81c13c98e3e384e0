// The exit-code table of DESIGN.md §2: the only place it exists.
#pragma once

namespace migrate::cli {

enum ExitCode : int {
  kOk = 0,             // success
  kDifferences = 1,    // a check found differences (the answer is "no")
  kBadInput = 2,       // usage, config, models, migration file, revision argument
  kDatabaseError = 3,  // cannot connect, a statement failed
  kInternal = 70,      // a bug in migrate
};

}  // namespace migrate::cli
