// `memprof record`'s machinery: the environment that turns on jemalloc profiling and the control
// library for one program, running it with signals forwarded, and the manifest of its dumps.
//
//   RecordSettings s; s.inactive = true; s.every_ms = 10000;
//   RecordPlan plan = plan_record(argv, s, probe_jemalloc(resolve_command(argv[0])));
//   RecordRun run = run_recorded(plan);                 // blocks until the program exits
//   std::vector<ManifestEntry> dumps = finish_manifest(run.out_dir);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "memprof/live/jemalloc_probe.h"

namespace memprof::live {

struct RecordSettings {
  std::optional<unsigned> lg_sample;    // --sample
  bool inactive = false;                // --inactive
  int64_t every_ms = 0;                 // --every
  std::optional<unsigned> lg_interval;  // --interval
  bool high_water = false;              // --on-high-water
  bool stats = false;                   // --stats
  std::string out_dir;                  // --out; "" = ./memprof-<prog>-<pid>
  std::string control_library;          // libmemprof-control.so
  int64_t min_interval_ms = 1000;
};

struct RecordPlan {
  std::vector<std::string> argv;
  std::string executable;
  std::string out_dir_pattern;  // may contain "{pid}", replaced with the child's pid
  // NAME=value entries; values may contain "{pid}" too.
  std::vector<std::string> env;
  std::string how;  // one line saying how jemalloc was found, for the user
};

// Joins jemalloc option strings: the user's settings first, ours after them (jemalloc applies
// options left to right, so ours win for the keys memprof must control).
std::string merge_malloc_conf(const std::string& user, const std::string& ours);

// Throws InputError when the program has no jemalloc and none can be preloaded.
RecordPlan plan_record(const std::vector<std::string>& argv, const RecordSettings& settings,
                       const JemallocProbe& probe);

struct RecordRun {
  int pid = 0;
  std::string out_dir;
  int exit_status = 0;  // the program's exit code, or 128+signal when a signal killed it
  int signal = 0;
};

// Forks, prepares the output directory, execs. SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2
// sent to memprof are forwarded to the program (a terminal's Ctrl-C already reaches it).
// Throws InputError when the program cannot be started.
RecordRun run_recorded(const RecordPlan& plan);

struct ManifestEntry {
  std::string file;  // relative to the output directory
  uint64_t seq = 0;
  std::string time;     // ISO 8601 UTC
  std::string trigger;  // ctl, timer, signal, interval, high-water, final
  int64_t bytes = -1;
  std::string stats;  // stats snapshot next to the dump, or ""
};

// Reads OUT/manifest.jsonl, adds the dumps jemalloc wrote by itself (interval, high-water,
// final; their modification time stands in for when), sorts by time then seq and rewrites it.
std::vector<ManifestEntry> finish_manifest(const std::string& out_dir);

}  // namespace memprof::live
