// memprof stats FILE [FILE2]: jemalloc's allocator state (malloc_stats_print output) as a report:
// where active and resident memory go, which size classes fragment, and what to tune. With two
// files, the last snapshot of each is compared.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/export/openmetrics.h"
#include "memprof/jestats/analysis.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/render/stats_report.h"
#include "option_types.h"
#include "output.h"

namespace memprof::cli {

namespace {

struct StatsOptions {
  std::vector<std::string> inputs;
  render::Format format = render::Format::text;
  render::StatsGates gates;
};

int run_stats(const StatsOptions& options) {
  if (options.format == render::Format::openmetrics && options.inputs.size() != 1)
    throw InputError("--format openmetrics describes one process: give one file");
  std::vector<render::StatsEntry> entries;
  std::vector<size_t> last_of_input;
  for (const std::string& path : options.inputs) {
    Diagnostics diag;
    std::vector<jestats::StatsSnapshot> snaps = jestats::read_stats(path, diag);
    flush_warnings(diag);
    for (jestats::StatsSnapshot& s : snaps) {
      jestats::StatsAnalysis a = jestats::analyze_snapshot(s);
      entries.push_back({std::move(s), std::move(a)});
    }
    last_of_input.push_back(entries.size() - 1);
  }

  // Violations go to stderr before the report, so CI logs show them first and JSON stays valid.
  render::GateResult gates = render::check_stats_gates(entries, options.gates);
  print_gates(gates);

  if (options.format == render::Format::openmetrics) {  // the current state: the last snapshot
    write_stdout(exporter::render_stats_openmetrics(entries.back().analysis));
    return gates.exit_status();
  }
  std::optional<render::Comparison> compare;
  if (last_of_input.size() == 2) compare = render::Comparison{last_of_input[0], last_of_input[1]};
  write_stdout(render::render_stats(entries, compare, options.format));
  return gates.exit_status();
}

}  // namespace

RunCommand add_stats_command(CLI::App& app) {
  auto options = std::make_shared<StatsOptions>();
  CLI::App* cmd =
      app.add_subcommand("stats", "Report jemalloc allocator state from malloc_stats_print output (JSON or text)");
  cmd->add_option("files", options->inputs,
                  "One or two files of malloc_stats_print output, or logs containing it (Redis MEMORY MALLOC-STATS, "
                  "RocksDB LOG); two files are compared; '-' for stdin")
      ->type_name("FILE [FILE2]")
      ->required()
      ->expected(1, 2);
  using render::Format;
  add_format_option(*cmd, options->format, {Format::text, Format::json, Format::markdown, Format::openmetrics});
  auto* g = "CI gates (exit status 1 when exceeded)";
  add_percent_option(*cmd, "--fail-frag-above", options->gates.frag_percent,
                     "Fail when (active - allocated) / active exceeds PCT percent in any snapshot")
      ->group(g);
  add_size_option(*cmd, "--fail-resident-above", options->gates.resident,
                  "Fail when resident exceeds SIZE (e.g. 512MiB) in any snapshot")
      ->group(g);
  cmd->footer("Exit status: 0 success, 1 a --fail-* limit was exceeded, 2 usage or input error.");
  return [options] { return run_stats(*options); };
}

}  // namespace memprof::cli
