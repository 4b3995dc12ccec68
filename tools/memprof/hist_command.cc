// memprof hist DUMP... | STATS: live memory by allocation size, from heap dumps (each record's
// average object size, unsampled) or from malloc_stats_print output (exact: bins and large
// extents), as text bars, JSON, CSV or an SVG bar chart.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/analyze/size_hist.h"
#include "memprof/heapparse/input.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/jestats/analysis.h"
#include "memprof/jestats/profiling_cost.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/render/hist_report.h"
#include "memprof/render/units.h"
#include "option_types.h"
#include "output.h"
#include "profile_options.h"

namespace memprof::cli {

namespace {

struct HistOptions {
  ProfileOptions profile;
  std::string buckets = "class";
  render::Format format = render::Format::text;
  bool by_site = false;
  size_t rows = 10;
};

bool looks_like_dump(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return false;
  text = text.substr(start);
  return text.starts_with("heap_v2/") || text.starts_with("heap profile:");
}

bool uses_frames(const HistOptions& o) {
  const analyze::FilterOptions& f = o.profile.filters;
  return o.by_site || f.focus || f.ignore || f.hide || f.show_from || o.profile.thread;
}

render::HistReport stats_report(const std::string& path, std::string_view text, analyze::Bucketing bucketing,
                                Diagnostics& diag) {
  std::vector<jestats::StatsSnapshot> snaps = jestats::parse_stats(text, path, diag);
  if (snaps.size() > 1)
    diag.warn(fmt::format("{}: {} snapshots, showing the last one ({})", path, snaps.size(), snaps.back().source));
  const jestats::StatsSnapshot& snap = snaps.back();
  analyze::SizeHistogramBuilder builder(bucketing);
  for (const auto& [size, count] : jestats::live_size_counts(snap)) builder.add_exact(size, static_cast<double>(count));
  render::HistReport report{builder.finish(snap.source), {}, "stats", {}};
  uint64_t allocated_sum = static_cast<uint64_t>(report.total.total_bytes);
  report.notes.push_back(fmt::format("exact live regions and extents; they sum to {} bytes, jemalloc's allocated is {}",
                                     allocated_sum, snap.allocated));
  jestats::ProfilingState st = jestats::profiling_state(snap);
  if (st.enabled && st.active) {
    auto cost = jestats::estimate_profiling_cost(snap);
    SizeClassGeometry g = jestats::geometry_of(snap);
    report.notes.push_back(
        fmt::format("heap profiling is on: sampled small objects are counted in the {} class, not their own{}",
                    format_bytes(static_cast<double>(g.large_min)),
                    cost ? fmt::format(" (about {:.0f} of them at lg_prof_sample {})", cost->sampled_small_objects,
                                       st.lg_sample.value_or(0))
                         : std::string()));
  }
  return report;
}

render::HistReport dump_report(HistOptions& o, std::vector<heapparse::InputBytes>& inputs, analyze::Bucketing bucketing,
                               Diagnostics& diag) {
  analyze::SizeValues values =
      (o.profile.sample_type() == SampleType::alloc_space || o.profile.sample_type() == SampleType::alloc_objects)
          ? analyze::SizeValues::since_start
          : analyze::SizeValues::live;
  render::HistReport report;
  report.kind = "dump";
  uint64_t period = 0;
  if (uses_frames(o)) {
    if (std::find(o.profile.inputs.begin(), o.profile.inputs.end(), "-") != o.profile.inputs.end())
      throw InputError("--by-site and the filters read dumps by name: give a file, not '-'");
    analyze::FrameProfile fp = load_frame_profiles(o.profile.inputs, o.profile, diag);
    check_sample_type_available(fp, o.profile.sample_type());
    period = fp.sample_period;
    report.total = analyze::size_histogram(fp, bucketing, values);
    if (o.by_site) report.sites = analyze::site_histograms(fp, bucketing, o.rows, values);
  } else {
    // Without filters no symbolization is needed: the records of every dump, as written.
    analyze::SizeHistogramBuilder builder(bucketing);
    std::string source;
    for (size_t i = 0; i < o.profile.inputs.size(); ++i) {
      const std::string& path = o.profile.inputs[i];
      Profile p = heapparse::parse_dump(inputs[i].text(), heapparse::input_name(path), diag);
      inputs[i] = heapparse::InputBytes();  // the model holds what is needed; drop the text
      if (values == analyze::SizeValues::since_start && !p.has_accum_data())
        throw InputError(
            fmt::format("{}: no cumulative counts (the dump was written without prof_accum:true); "
                        "--alloc-space needs them",
                        path));
      period = std::max(period, p.sample_period);
      builder.set_class_tolerance(analyze::class_tolerance_for(period));
      for (const Sample& s : p.samples)
        builder.add_record(
            s.values[values == analyze::SizeValues::live ? SampleType::inuse_objects : SampleType::alloc_objects],
            s.values[values == analyze::SizeValues::live ? SampleType::inuse_space : SampleType::alloc_space]);
      source += (source.empty() ? "" : " + ") + path;
    }
    report.total = builder.finish(source);
  }
  if (period > 1)
    report.notes.push_back(
        fmt::format("unsampled estimates (sample period {}); mixed-size records are placed by their average",
                    format_bytes(static_cast<double>(period))));
  return report;
}

int run_hist(HistOptions& o) {
  finish_profile_options(o.profile);
  Diagnostics diag;
  if (o.profile.inputs.empty()) o.profile.inputs = newest_dumps(1, diag);
  analyze::Bucketing bucketing = o.buckets == "pow2" ? analyze::Bucketing::pow2 : analyze::Bucketing::size_class;
  // Dumps and statistics are told apart by their first line.
  std::vector<bool> is_dump;
  std::vector<heapparse::InputBytes> inputs;  // read once: '-' (stdin) cannot be read twice
  for (const std::string& path : o.profile.inputs) {
    inputs.push_back(heapparse::read_input(path));
    is_dump.push_back(looks_like_dump(inputs.back().text()));
  }
  size_t dumps = static_cast<size_t>(std::count(is_dump.begin(), is_dump.end(), true));
  if (dumps != is_dump.size() && (is_dump.size() > 1))
    throw InputError("give either heap dumps or one malloc_stats_print output, not both or several statistics");
  render::HistReport report;
  if (dumps == 0) {
    if (o.by_site) throw InputError("--by-site needs heap dumps: malloc_stats_print output has no allocation sites");
    report = stats_report(heapparse::input_name(o.profile.inputs.front()), inputs.front().text(), bucketing, diag);
  } else {
    report = dump_report(o, inputs, bucketing, diag);
  }
  flush_warnings(diag);
  write_stdout(render::render_hist(report, o.format, output_width()));
  return kExitOk;
}

}  // namespace

RunCommand add_hist_command(CLI::App& app) {
  auto o = std::make_shared<HistOptions>();
  CLI::App* cmd =
      app.add_subcommand("hist", "Live memory by allocation size, from heap dumps or malloc_stats_print output");
  cmd->add_option("files", o->profile.inputs,
                  "Heap dumps, summed (.heap, .gz, '-' for stdin), or one malloc_stats_print output (JSON or text); "
                  "default: the newest *.heap here");
  add_profile_options(*cmd, o->profile, false);
  cmd->add_option("--buckets", o->buckets, "Bucket by jemalloc size class or by power of two")
      ->check(CLI::IsMember({"class", "pow2"}))
      ->capture_default_str();
  cmd->add_flag("--by-site", o->by_site, "One histogram per allocation site (the leaf frame), largest first");
  cmd->add_option("-n,--rows", o->rows, "With --by-site: sites to show, 0 for all")->capture_default_str();
  using render::Format;
  add_format_option(*cmd, o->format, {Format::text, Format::json, Format::csv, Format::svg});
  cmd->footer("Exit status: 0 success, 2 usage or input error.");
  return [o] { return run_hist(*o); };
}

}  // namespace memprof::cli
