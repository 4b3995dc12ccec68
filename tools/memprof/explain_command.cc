// memprof explain DUMP STATS [--rss SIZE | --smaps FILE]: one waterfall from the heap profile's
// live bytes to the process's RSS, naming what each gap is made of.
#include <cmath>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/heapparse/input.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/jestats/profiling_cost.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/jestats/waterfall.h"
#include "memprof/render/explain_report.h"
#include "memprof/render/units.h"
#include "option_types.h"
#include "output.h"

namespace memprof::cli {

namespace {

struct ExplainOptions {
  std::string dump;
  std::string stats;
  std::optional<uint64_t> rss;
  std::optional<std::string> smaps;
  render::Format format = render::Format::text;
};

// A dump and statistics of different processes or moments make a waterfall of nonsense: say when
// they cannot belong together.
void check_same_moment(const Profile& profile, const jestats::StatsSnapshot& snap, const std::string& stats_path,
                       Diagnostics& diag) {
  jestats::ProfilingState state = jestats::profiling_state(snap);
  if (state.lg_sample && *state.lg_sample < 64 && (uint64_t{1} << *state.lg_sample) != profile.sample_period)
    diag.warn(fmt::format(
        "{}: sample period {} bytes, but {} says opt.lg_prof_sample {} ({} bytes): the dump and the "
        "statistics come from different processes or settings",
        profile.path, profile.sample_period, stats_path, *state.lg_sample, uint64_t{1} << *state.lg_sample));
  // Raw counts are Poisson: the estimate's standard error is about total / sqrt(sampled objects).
  double profiled = profile.total()[SampleType::inuse_space];
  double sampled = 0;
  for (const Sample& s : profile.samples) sampled += static_cast<double>(s.raw.cur_objects);
  double error = profile.sample_period > 1 && sampled > 0 ? profiled / std::sqrt(sampled) : 0;
  if (profiled > static_cast<double>(snap.allocated) + 3 * error)
    diag.warn(fmt::format(
        "{}: the profile's live bytes ({}) exceed jemalloc's allocated ({}) in {} by more than the "
        "sampling error: the two were not taken at the same moment of the same process",
        profile.path, format_bytes(profiled), format_bytes(static_cast<double>(snap.allocated)), stats_path));
}

int run_explain(const ExplainOptions& options) {
  Diagnostics diag;
  uint64_t rss = 0;
  if (options.rss) rss = *options.rss;
  else if (options.smaps) rss = jestats::read_smaps_rss(*options.smaps);
  Profile profile = heapparse::read_dump(options.dump, diag);
  double profiled = profile.total()[SampleType::inuse_space];
  std::vector<jestats::StatsSnapshot> snaps = jestats::read_stats(options.stats, diag);
  flush_warnings(diag);
  if (snaps.size() > 1)
    diag.warn(fmt::format("{}: {} snapshots, explaining the last one ({})", options.stats, snaps.size(),
                          snaps.back().source));
  if (!options.rss && !options.smaps) {
    // Without an RSS figure the last step has nothing to measure; say so instead of guessing.
    rss = snaps.back().resident.value_or(snaps.back().active);
    diag.warn(
        "no --rss or --smaps given: the RSS step uses jemalloc's resident figure, so memory outside "
        "jemalloc is not shown");
  }
  check_same_moment(profile, snaps.back(), heapparse::input_name(options.stats), diag);
  jestats::ProfilingCost cost = jestats::estimate_profiling_cost(profile, jestats::geometry_of(snaps.back()));
  jestats::Waterfall w = jestats::build_waterfall(profiled, snaps.back(), rss, cost);
  flush_warnings(diag);
  write_stdout(render::render_explain(w, options.format));
  return kExitOk;
}

}  // namespace

RunCommand add_explain_command(CLI::App& app) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* cmd =
      app.add_subcommand("explain",
                         "Waterfall from profiled live bytes to RSS: profiler cost, sampling, fragmentation, "
                         "unpurged pages, metadata, memory outside jemalloc");
  cmd->add_option("dump", options->dump, "Heap dump (.heap, .heap.gz, '-' for stdin)")->required();
  cmd->add_option("stats", options->stats, "malloc_stats_print output taken at the same time (JSON or text)")
      ->required();
  auto* rss = add_size_option(*cmd, "--rss", options->rss, "Resident set size of the process, e.g. 6GiB");
  auto* smaps =
      cmd->add_option("--smaps", options->smaps, "A /proc/PID/smaps_rollup or smaps file to read the RSS from");
  rss->excludes(smaps);
  using render::Format;
  add_format_option(*cmd, options->format, {Format::text, Format::json, Format::svg});
  return [options] { return run_explain(*options); };
}

}  // namespace memprof::cli
