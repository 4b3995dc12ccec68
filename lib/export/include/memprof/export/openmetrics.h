// Prometheus text exposition (also valid OpenMetrics: HELP and TYPE for every family, label
// values escaped, "# EOF" at the end), for node_exporter's textfile collector or a push
// gateway. Gauges only: every figure is a level at the time of the snapshot or dump.
//
//   std::string s = render_stats_openmetrics(analyze_snapshot(snapshot));
//   //  jemalloc_allocated_bytes 1.234e+07  ...  jemalloc_bin_wasted_bytes{size="48"} 4096
//   std::string t = render_top_openmetrics(table, 20);
//   //  memprof_site_inuse_space_bytes{site="Parser::parse"} 1048576
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "memprof/analyze/top.h"
#include "memprof/jestats/analysis.h"

namespace memprof::exporter {

std::string render_stats_openmetrics(const jestats::StatsAnalysis& analysis);

// The total and the first `rows` rows (0: all) of a top table, by flat value.
std::string render_top_openmetrics(const analyze::TopTable& table, size_t rows);

// A label value with '\\', '"' and newlines escaped, as the exposition format requires.
std::string escape_label_value(std::string_view value);

}  // namespace memprof::exporter
