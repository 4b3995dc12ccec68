#include "record_summary.h"

#include <cstdio>
#include <cstring>

#include <fmt/core.h>

namespace memprof::cli {

void write_stderr_summary(const RecordSummary& s) {
  std::string how = s.signal ? fmt::format("killed by signal {} ({})", s.signal, strsignal(s.signal))
                             : fmt::format("exit status {}", s.exit_status);
  fmt::print(stderr, "memprof: pid {} ended ({}); {} dump{} in {}/ (manifest.jsonl)\n", s.pid, how, s.dumps.size(),
             s.dumps.size() == 1 ? "" : "s", s.out_dir);
}

void print_series_findings(const RecordSummary& s) {
  (void)s;  // trend (issue 11) prints its leak suspects here
}

void write_stderr_next_steps(const RecordSummary& s) {
  if (s.dumps.empty()) {
    fmt::print(stderr, "memprof: no dump was written; run with --every, --interval or use 'memprof ctl PID dump'\n");
    return;
  }
  std::string last = s.out_dir + "/" + s.dumps.back().file;
  fmt::print(stderr, "memprof: dig further:\n  memprof top {}\n", last);
  if (s.dumps.size() > 1)
    fmt::print(stderr, "  memprof diff {}/{} {}\n  memprof trend {}/*.heap\n", s.out_dir, s.dumps.front().file, last, s.out_dir);
  std::fflush(stderr);
}

}  // namespace memprof::cli
