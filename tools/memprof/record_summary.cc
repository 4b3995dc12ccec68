#include "record_summary.h"

#include <cstdio>
#include <cstring>

#include <fmt/core.h>

#include "memprof/render/units.h"
#include "memprof/series/dump_order.h"
#include "memprof/series/series.h"
#include "memprof/series/trend.h"

namespace memprof::cli {

void write_stderr_summary(const RecordSummary& s) {
  std::string how = s.signal ? fmt::format("killed by signal {} ({})", s.signal, strsignal(s.signal))
                             : fmt::format("exit status {}", s.exit_status);
  fmt::print(stderr, "memprof: pid {} ended ({}); {} dump{} in {}/ (manifest.jsonl)\n", s.pid, how, s.dumps.size(),
             s.dumps.size() == 1 ? "" : "s", s.out_dir);
}

void print_series_findings(const RecordSummary& s) {
  if (s.dumps.size() < 3) return;  // a trend needs three points
  std::vector<std::string> paths;
  for (const live::ManifestEntry& d : s.dumps) paths.push_back(s.out_dir + "/" + d.file);
  try {
    std::vector<series::SeriesDump> dumps = series::order_dumps(paths);
    series::TimeSource source = series::assign_times(dumps);
    Diagnostics diag;  // symbolization warnings belong to `memprof trend`; the summary stays short
    series::Series data = series::load_series(std::move(dumps), series::SeriesOptions{}, diag);
    series::TrendReport report = series::analyze_trend(data, source, {});
    size_t suspects = 0;
    for (const series::TrendRow& row : report.rows) {
      if (!row.leak) continue;
      if (suspects++ == 0) fmt::print(stderr, "memprof: leak suspects over the {} dumps:\n", s.dumps.size());
      fmt::print(stderr, "  {}  {}/step, now {}\n", row.name, render::format_signed_bytes(row.stats.slope_per_step),
                 render::format_bytes(row.stats.last));
    }
    if (suspects == 0) fmt::print(stderr, "memprof: no leak suspect over the {} dumps\n", s.dumps.size());
  } catch (const std::exception& e) {
    fmt::print(stderr, "memprof: warning: no trend over the recording: {}\n", e.what());
  }
}

void write_stderr_next_steps(const RecordSummary& s) {
  if (s.dumps.empty()) {
    fmt::print(stderr, "memprof: no dump was written; run with --every, --interval or use 'memprof ctl PID dump'\n");
    return;
  }
  std::string last = s.out_dir + "/" + s.dumps.back().file;
  fmt::print(stderr, "memprof: dig further:\n  memprof top {}\n", last);
  if (s.dumps.size() > 1)
    fmt::print(stderr, "  memprof diff {}/{} {}\n  memprof trend {}/*.heap\n", s.out_dir, s.dumps.front().file, last,
               s.out_dir);
  std::fflush(stderr);
}

}  // namespace memprof::cli
