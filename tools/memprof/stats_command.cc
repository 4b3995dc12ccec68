// memprof stats FILE [FILE2]: jemalloc's allocator state (malloc_stats_print output) as a report:
// where active and resident memory go, which size classes fragment, and what to tune. With two
// files, the last snapshot of each is compared.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/jestats/analysis.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/export/openmetrics.h"
#include "memprof/render/stats_report.h"
#include "memprof/render/units.h"
#include "output.h"

namespace memprof::cli {

namespace {

struct StatsOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::optional<std::string> fail_frag_above;
  std::optional<std::string> fail_resident_above;
};

std::optional<double> parse_percent(std::string text) {
  if (!text.empty() && text.back() == '%') text.pop_back();
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used != text.size() || v < 0) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int run_stats(const StatsOptions& options) {
  std::optional<double> frag_limit;
  std::optional<uint64_t> resident_limit;
  if (options.fail_frag_above) {
    frag_limit = parse_percent(*options.fail_frag_above);
    if (!frag_limit) {
      print_error(fmt::format("--fail-frag-above: expected a percentage like 25 or 25%, got '{}'", *options.fail_frag_above));
      return kExitError;
    }
  }
  if (options.fail_resident_above) {
    resident_limit = render::parse_size(*options.fail_resident_above);
    if (!resident_limit) {
      print_error(fmt::format("--fail-resident-above: expected a size like 512MiB, got '{}'", *options.fail_resident_above));
      return kExitError;
    }
  }

  std::vector<render::StatsEntry> entries;
  std::vector<size_t> last_of_input;
  for (const std::string& path : options.inputs) {
    Diagnostics diag;
    std::vector<jestats::StatsSnapshot> snaps;
    try {
      snaps = jestats::read_stats(path, diag);
    } catch (const InputError& e) {
      flush_warnings(diag);
      print_error(e.what());
      return kExitError;
    }
    flush_warnings(diag);
    for (jestats::StatsSnapshot& s : snaps) {
      jestats::StatsAnalysis a = jestats::analyze_snapshot(s);
      entries.push_back({std::move(s), std::move(a)});
    }
    last_of_input.push_back(entries.size() - 1);
  }

  // Violations go to stderr before the report, so CI logs show them first and JSON stays valid.
  std::vector<std::string> violations;
  for (const render::StatsEntry& e : entries) {
    if (frag_limit && e.analysis.fragmentation * 100 > *frag_limit)
      violations.push_back(fmt::format("{}: fragmentation {:.2f}% is above --fail-frag-above {}%", e.snapshot.source,
                                       e.analysis.fragmentation * 100, *frag_limit));
    if (resident_limit && e.analysis.resident && *e.analysis.resident > *resident_limit)
      violations.push_back(fmt::format("{}: resident {} ({}) is above --fail-resident-above {} ({})", e.snapshot.source,
                                       *e.analysis.resident, render::format_bytes(static_cast<double>(*e.analysis.resident)),
                                       *resident_limit, render::format_bytes(static_cast<double>(*resident_limit))));
    if (resident_limit && !e.analysis.resident)
      print_warning(fmt::format("{}: no 'resident' figure (jemalloc < 4.0); --fail-resident-above not checked", e.snapshot.source));
  }
  for (const std::string& v : violations) print_error("limit exceeded: " + v);

  if (options.format == "openmetrics") {  // the current state: the last snapshot of the last file
    if (options.inputs.size() != 1) {
      print_error("--format openmetrics describes one process: give one file");
      return kExitError;
    }
    write_stdout(exporter::render_stats_openmetrics(entries.back().analysis));
    return violations.empty() ? kExitOk : kExitLimitExceeded;
  }
  std::optional<render::Comparison> compare;
  if (last_of_input.size() == 2) compare = render::Comparison{last_of_input[0], last_of_input[1]};
  render::StatsFormat format = options.format == "json"       ? render::StatsFormat::json
                               : options.format == "markdown" ? render::StatsFormat::markdown
                                                              : render::StatsFormat::text;
  write_stdout(render::render_stats(entries, compare, format));
  return violations.empty() ? kExitOk : kExitLimitExceeded;
}

}  // namespace

RunCommand add_stats_command(CLI::App& app) {
  auto options = std::make_shared<StatsOptions>();
  CLI::App* cmd = app.add_subcommand("stats", "Report jemalloc allocator state from malloc_stats_print output (JSON or text)");
  cmd->add_option("files", options->inputs,
                  "malloc_stats_print output, or a log containing it (Redis MEMORY MALLOC-STATS, RocksDB LOG); "
                  "two files are compared; '-' for stdin")
      ->required()
      ->expected(1, 2);
  cmd->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "openmetrics"}))
      ->capture_default_str();
  cmd->add_option("--fail-frag-above", options->fail_frag_above,
                  "Exit 1 when (active - allocated) / active exceeds PCT percent in any snapshot");
  cmd->add_option("--fail-resident-above", options->fail_resident_above,
                  "Exit 1 when resident exceeds SIZE (e.g. 512MiB) in any snapshot");
  return [options] { return run_stats(*options); };
}

}  // namespace memprof::cli
