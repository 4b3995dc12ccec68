// What `memprof record` says when the program exits, in three parts so each can grow on its
// own: where the dumps are, series findings (the hook `trend` fills with leak suspects), and the
// commands to dig further. All of it goes to stderr.
//
//   RecordSummary s{pid, status, signal, out_dir, finish_manifest(out_dir)};
//   write_stderr_summary(s); print_series_findings(s); write_stderr_next_steps(s);
#pragma once

#include <string>
#include <vector>

#include "memprof/live/record.h"

namespace memprof::cli {

struct RecordSummary {
  int pid = 0;
  int exit_status = 0;
  int signal = 0;
  std::string out_dir;
  std::vector<live::ManifestEntry> dumps;  // in time order, as in manifest.jsonl
};

void write_stderr_summary(const RecordSummary& s);
// Hook for issue 11 (`trend`): print the leak suspects of the series in s.out_dir (the manifest
// gives real times). Prints nothing until trend's series engine lands.
void print_series_findings(const RecordSummary& s);
void write_stderr_next_steps(const RecordSummary& s);

}  // namespace memprof::cli
