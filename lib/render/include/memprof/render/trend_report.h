// The report of `memprof trend`: the total's series and growth, a table of sites with their
// sparklines, slopes and trend tests (leak suspects first), anomalous steps and the forecast.
// Text, JSON (documented in memprof-trend(1)), long-form CSV and a self-contained SVG chart.
//
//   std::string out = render_trend(series, report, style, Format::text, gates);
//   std::string svg = render_trend_svg(series, report, {.top_sites = 8});
//   std::string stats = render_stats_trend(analyze_stats_trend(snapshots, {}), style, Format::text);
#pragma once

#include <string>
#include <vector>

#include "memprof/render/report_options.h"
#include "memprof/render/top_report.h"
#include "memprof/series/stats_trend.h"
#include "memprof/series/trend.h"

namespace memprof::render {

// Eight-level bars (▁..█) of `values` squeezed into at most `width` columns (bucket means),
// scaled between the series' own minimum and maximum.
std::string sparkline(const std::vector<double>& values, size_t width);

std::string render_trend(const series::Series& series, const series::TrendReport& report, const ReportStyle& style,
                         Format format, const GateResult& gates);

// trend over malloc_stats_print snapshots: text, markdown or JSON.
std::string render_stats_trend(const series::StatsTrend& trend, const ReportStyle& style, Format format);

struct TrendSvgOptions {
  size_t top_sites = 8;  // stacked areas; the rest is "other"
  size_t width = 1000;
  size_t height = 480;
};
std::string render_trend_svg(const series::Series& series, const series::TrendReport& report,
                             const TrendSvgOptions& options);

}  // namespace memprof::render
