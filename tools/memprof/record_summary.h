// What `memprof record` says when the program exits, in three parts so each can grow on its
// own: where the dumps are, leak suspects of the series (as `memprof trend` finds them), and the
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
// The leak suspects of the recorded series (as `memprof trend` finds them), from three dumps on.
void print_series_findings(const RecordSummary& s);
void write_stderr_next_steps(const RecordSummary& s);

}  // namespace memprof::cli
