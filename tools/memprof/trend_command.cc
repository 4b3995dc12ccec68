// memprof trend DUMP...: many dumps of a process as a time series, read by the series engine
// (lib/series): the total's growth, leak suspects by robust slope and trend test, anomalous
// steps, a forecast against --limit; text, JSON, long CSV or an SVG chart.
#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/heapparse/input.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/render/trend_report.h"
#include "memprof/render/units.h"
#include "memprof/series/series.h"
#include "memprof/series/stats_trend.h"
#include "memprof/series/trend.h"
#include "option_types.h"
#include "output.h"
#include "profile_options.h"
#include "series_inputs.h"

namespace memprof::cli {

namespace {

struct TrendCommandOptions {
  ProfileOptions profile;
  size_t rows = 20;
  double alpha = 0.01;
  std::optional<std::string> min_slope;
  std::optional<std::string> limit;
  double anomaly_threshold = 5;
  bool keep_order = false;
  bool fail_leak = false;
  bool exact_bytes = false;
  render::Format format = render::Format::text;
  size_t chart_sites = 8;
  std::optional<std::string> suppressions;
};

// "SIZE", "SIZE/step" or "SIZE/h".
void parse_min_slope(const std::string& text, series::TrendOptions& t) {
  std::string_view s = text;
  bool per_hour = false;
  if (s.ends_with("/h")) {
    per_hour = true;
    s.remove_suffix(2);
  } else if (s.ends_with("/step")) {
    s.remove_suffix(5);
  }
  auto v = render::parse_size(s);
  if (!v)
    throw CLI::ValidationError("--min-slope", "expects SIZE, SIZE/step or SIZE/h, e.g. 64KiB/h, got '" + text + "'");
  t.min_slope = static_cast<double>(*v);
  t.min_slope_per_hour = per_hour;
}

// malloc_stats_print output rather than heap dumps: JSON, or text holding a Begin marker (a log
// may have anything before it). Heap dumps start with their header.
bool is_stats_input(const std::string& path) {
  if (path == "-") return false;  // read once, by whichever reader takes it
  heapparse::InputBytes in = heapparse::read_input(path);
  std::string_view text = in.text();
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  if (text[first] == '{') return true;
  text.remove_prefix(first);
  if (text.starts_with("heap_v2/") || text.starts_with("heap profile:") || text.starts_with("--- ")) return false;
  return text.find("___ Begin jemalloc statistics ___") != std::string_view::npos;
}

// The allocator's state over time: every snapshot of every input, in the order given.
int run_stats_trend(const TrendCommandOptions& o) {
  if (o.format == render::Format::svg || o.format == render::Format::csv)
    throw InputError("--format svg and csv are for heap dumps; malloc_stats_print snapshots give text or json");
  Diagnostics diag;
  std::vector<jestats::StatsSnapshot> snaps;
  std::vector<std::optional<double>> log_times;
  std::vector<double> mtimes;  // of each snapshot's file
  for (const std::string& path : o.profile.inputs) {
    heapparse::InputBytes in = heapparse::read_input(path);
    std::vector<jestats::StatsSnapshot> file = jestats::parse_stats(in.text(), heapparse::input_name(path), diag);
    for (std::optional<double> t : series::snapshot_log_times(in.text(), file)) log_times.push_back(t);
    struct stat st {};
    double mtime = path != "-" && ::stat(path.c_str(), &st) == 0
                       ? static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9
                       : 0;
    for (jestats::StatsSnapshot& s : file) {
      snaps.push_back(std::move(s));
      mtimes.push_back(mtime);
    }
  }
  flush_warnings(diag);
  if (snaps.size() < 3)
    throw InputError(fmt::format("trend needs at least three malloc_stats_print snapshots, got {}", snaps.size()));
  // Times: the log's own timestamps when every snapshot has one; else, one snapshot per file,
  // the files' modification times; either must increase and span at least a second.
  auto usable = [](const std::vector<double>& t) { return std::ranges::is_sorted(t) && t.back() - t.front() >= 1; };
  std::vector<double> times;
  std::string source = "sequence";
  if (std::ranges::all_of(log_times, [](const std::optional<double>& t) { return t.has_value(); })) {
    for (const std::optional<double>& t : log_times) times.push_back(*t);
    if (usable(times)) source = "log";
  }
  if (source == "sequence" && o.profile.inputs.size() == snaps.size() && usable(mtimes)) {
    times = mtimes;
    source = "mtime";
  }
  if (source == "sequence") times.clear();
  series::StatsTrend t =
      series::analyze_stats_trend(snaps, {.anomaly_threshold = o.anomaly_threshold}, std::move(times), source);
  render::ReportStyle style{.width = output_width(), .exact_bytes = o.exact_bytes, .max_rows = 0};
  write_stdout(render::render_stats_trend(t, style, o.format));
  return 0;
}

int run_trend(TrendCommandOptions& o) {
  finish_profile_options(o.profile);
  if (!o.profile.inputs.empty() && is_stats_input(o.profile.inputs.front())) return run_stats_trend(o);
  if (o.profile.inputs.size() < 3)
    throw InputError(fmt::format("trend needs at least three dumps, got {}", o.profile.inputs.size()));
  Diagnostics diag;
  series::TrendOptions t{.alpha = o.alpha, .anomaly_threshold = o.anomaly_threshold};
  if (o.min_slope) parse_min_slope(*o.min_slope, t);
  if (o.limit) {
    auto v = render::parse_size(*o.limit);
    if (!v) throw CLI::ValidationError("--limit", "expects a size such as 2GiB, got '" + *o.limit + "'");
    t.limit = static_cast<double>(*v);
  }
  series::SeriesOptions s = series_options(o.profile);
  if (o.suppressions) {
    heapparse::InputBytes text = heapparse::read_input(*o.suppressions);
    s.suppressions = analyze::parse_suppressions(text.text(), *o.suppressions, diag);
  }
  std::vector<series::SeriesDump> dumps = ordered_series(o.profile.inputs, o.keep_order, diag);
  series::TimeSource source = series::assign_times(dumps);
  if (t.min_slope_per_hour && source == series::TimeSource::sequence)
    throw InputError(
        "--min-slope per hour needs times, and the dumps' modification times do not increase; "
        "give it per step (e.g. 64KiB/step)");
  series::Series data = load_series_checked(std::move(dumps), s, o.fail_leak, diag);
  flush_warnings(diag);
  series::TrendReport report = series::analyze_trend(data, source, t);

  render::GateResult gates;
  if (o.fail_leak)
    for (size_t i = 0; i < report.rows.size(); ++i)
      if (report.rows[i].leak) {
        gates.violating_rows.push_back(i);
        gates.messages.push_back(fmt::format("leak suspect {} (--fail-leak)", report.rows[i].name));
      }
  print_gates(gates);  // first, so CI logs show them whatever the format
  if (o.format == render::Format::svg) {
    write_stdout(render::render_trend_svg(data, report, {.top_sites = o.chart_sites}));
  } else {
    render::ReportStyle style{
        .width = o.profile.full_names ? 0 : output_width(), .exact_bytes = o.exact_bytes, .max_rows = o.rows};
    write_stdout(render::render_trend(data, report, style, o.format, gates));
  }
  return gates.exit_status();
}

}  // namespace

RunCommand add_trend_command(CLI::App& app) {
  auto o = std::make_shared<TrendCommandOptions>();
  CLI::App* cmd =
      app.add_subcommand("trend", "Many dumps as a time series: growth, leak suspects, anomalies, forecast");
  cmd->add_option("dumps", o->profile.inputs,
                  "Dumps of one process (any order: sorted by pid and sequence number from jemalloc's names), "
                  "or files of malloc_stats_print snapshots (one or many each)")
      ->required();
  add_profile_options(*cmd, o->profile, false);
  auto* g = "Trend";
  cmd->add_option("--alpha", o->alpha, "Significance of the upward trend of a leak suspect (Mann-Kendall)")
      ->capture_default_str()
      ->check(CLI::Range(1e-300, 0.5))
      ->group(g);
  cmd->add_option("--min-slope", o->min_slope,
                  "Smallest growth of a leak suspect, per step or per hour (default: 0.1% of the final total per step)")
      ->type_name("SIZE[/step|/h]")
      ->group(g);
  cmd->add_option("--limit", o->limit, "Forecast when the total (and each leak suspect) reaches SIZE")
      ->type_name("SIZE")
      ->group(g);
  cmd->add_option("--anomaly-threshold", o->anomaly_threshold, "Robust z-score above which a step is an anomaly")
      ->capture_default_str()
      ->group(g);
  cmd->add_flag("--keep-order", o->keep_order, "Take the dumps in the order given instead of by pid and sequence")
      ->group(g);
  cmd->add_option("--suppressions", o->suppressions,
                  "LSan-style file of 'leak:<pattern>' lines (matched on frame names)")
      ->type_name("FILE")
      ->group(g);
  g = "Output";
  cmd->add_option("-n,--rows", o->rows, "Sites to show, 0 for all (leak suspects are always shown)")
      ->capture_default_str()
      ->group(g);
  cmd->add_flag("--bytes", o->exact_bytes, "Exact byte counts instead of KiB/MiB/GiB")->group(g);
  using render::Format;
  add_format_option(*cmd, o->format, {Format::text, Format::json, Format::csv, Format::markdown, Format::svg},
                    "--format", "Output format; csv is long form (dump,seq,time,site,bytes,objects)")
      ->group(g);
  cmd->add_option("--chart-sites", o->chart_sites, "Sites drawn as bands in the SVG chart")
      ->capture_default_str()
      ->group(g);
  cmd->add_flag("--fail-leak", o->fail_leak, "Exit 1 when any leak suspect is found (after --suppressions)")
      ->group("CI gates (exit status 1 when exceeded)");
  cmd->footer("Exit status: 0 success, 1 a --fail-* gate tripped, 2 usage or input error.");
  return [o] { return run_trend(*o); };
}

}  // namespace memprof::cli
