// Running a program as a whole process and measuring it: wall time from fork to the
// end of wait4, CPU time and peak RSS from wait4's rusage.
#pragma once

#include <string>
#include <vector>

namespace migrate::bench {

struct ProcessResult {
  double wall_s = 0;     // fork to reaped
  double cpu_s = 0;      // user + system time of the child
  long max_rss_kb = 0;   // ru_maxrss of the child
  int exit_code = -1;    // exit status, or 128 + signal number
  std::string out;       // what the child wrote to stdout
  std::string err;       // what the child wrote to stderr
};

// Runs argv[0] (a path; no PATH search) with argv in directory `cwd` (empty: the current
// one), stdin from /dev/null, stdout and stderr into files under `scratch_dir` that are
// read back afterwards. Throws std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd,
                          const std::string& scratch_dir);

// Median of a non-empty list.
double median(std::vector<double> v);

}  // namespace migrate::bench
