// A memprof command line run in-process through run_cli(), its output captured: for tests that
// walk many command lines, where a subprocess each would cost seconds.
//
//   Run r = run({"top", "app.heap"});
//   CHECK(r.status == 0); CHECK(r.out.find("Total:") != std::string::npos);
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli.h"

namespace memprof::test {

struct Run {
  int status = -1;
  std::string out, err;
};

inline Run run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Run r;
  r.status = cli::run_cli(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace memprof::test
