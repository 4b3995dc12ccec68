// memprof explain DUMP STATS [--rss SIZE | --smaps FILE]: one waterfall from the heap profile's
// live bytes to the process's RSS, naming what each gap is made of.
#include <optional>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/jestats/profiling_cost.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/jestats/waterfall.h"
#include "memprof/render/explain_report.h"
#include "memprof/render/units.h"
#include "output.h"

namespace memprof::cli {

namespace {

struct ExplainOptions {
  std::string dump;
  std::string stats;
  std::optional<std::string> rss;
  std::optional<std::string> smaps;
  std::string format = "text";
};

int run_explain(const ExplainOptions& options) {
  uint64_t rss = 0;
  Diagnostics diag;
  try {
    if (options.rss) {
      auto parsed = render::parse_size(*options.rss);
      if (!parsed) {
        print_error(fmt::format("--rss: expected a size like 6GiB or a byte count, got '{}'", *options.rss));
        return kExitError;
      }
      rss = *parsed;
    } else if (options.smaps) {
      rss = jestats::read_smaps_rss(*options.smaps);
    }
    Profile profile = heapparse::read_dump(options.dump, diag);
    double profiled = profile.total()[SampleType::inuse_space];
    std::vector<jestats::StatsSnapshot> snaps = jestats::read_stats(options.stats, diag);
    if (snaps.size() > 1)
      diag.warn(fmt::format("{}: {} snapshots, explaining the last one ({})", options.stats, snaps.size(),
                            snaps.back().source));
    if (!options.rss && !options.smaps) {
      // Without an RSS figure the last step has nothing to measure; say so instead of guessing.
      uint64_t resident = snaps.back().resident.value_or(snaps.back().active);
      diag.warn("no --rss or --smaps given: the RSS step uses jemalloc's resident figure, so memory outside "
                "jemalloc is not shown");
      rss = resident;
    }
    jestats::ProfilingCost cost = jestats::estimate_profiling_cost(profile, jestats::geometry_of(snaps.back()));
    jestats::Waterfall w = jestats::build_waterfall(profiled, snaps.back(), rss, cost);
    flush_warnings(diag);
    render::ExplainFormat format = options.format == "json"  ? render::ExplainFormat::json
                                   : options.format == "svg" ? render::ExplainFormat::svg
                                                             : render::ExplainFormat::text;
    write_stdout(render::render_explain(w, format));
  } catch (const InputError& e) {
    flush_warnings(diag);
    print_error(e.what());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

RunCommand add_explain_command(CLI::App& app) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand("explain", "Waterfall from profiled live bytes to RSS: profiler cost, sampling, fragmentation, "
                                                "unpurged pages, metadata, memory outside jemalloc");
  cmd->add_option("dump", options->dump, "Heap dump (.heap, .heap.gz, '-' for stdin)")->required();
  cmd->add_option("stats", options->stats, "malloc_stats_print output taken at the same time (JSON or text)")->required();
  auto* rss = cmd->add_option("--rss", options->rss, "Resident set size of the process, e.g. 6GiB");
  auto* smaps = cmd->add_option("--smaps", options->smaps, "A /proc/PID/smaps_rollup or smaps file to read the RSS from");
  rss->excludes(smaps);
  cmd->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "svg"}))
      ->capture_default_str();
  return [options] { return run_explain(*options); };
}

}  // namespace memprof::cli
