// memprof info FILE...: what a dump contains, before any symbolization.
#include <string>
#include <vector>

#include "commands.h"
#include "memprof/analyze/dump_summary.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/jestats/profiling_cost.h"
#include "memprof/render/info_report.h"
#include "memprof/symbolize/embedded_symbols.h"
#include "memprof/symbolize/symbolize.h"
#include "option_types.h"
#include "output.h"
#include "symbol_options.h"

namespace memprof::cli {

namespace {

struct InfoOptions {
  std::vector<std::string> inputs;
  render::Format format = render::Format::text;
  bool symbols = false;  // --symbols: symbolize and report per module
  symbolize::SymbolizeOptions symbolize;
};

int run_info(InfoOptions& options) {
  add_symbol_paths_from_env(options.symbolize);
  std::vector<render::InfoEntry> entries;
  bool all_parsed = true;
  for (const std::string& path : options.inputs) {
    Diagnostics diag;
    try {
      Profile profile = heapparse::read_dump(path, diag);
      render::InfoEntry entry{profile.path, analyze::summarize(profile), profile.name, std::nullopt,
                              jestats::estimate_profiling_cost(profile, SizeClassGeometry{})};
      if (options.symbols) entry.symbols = symbolize::symbolize_auto(profile, options.symbolize, diag);
      entries.push_back(std::move(entry));
    } catch (const InputError& e) {
      print_error(e.what());
      all_parsed = false;
    }
    flush_warnings(diag);
  }
  write_stdout(options.format == render::Format::json ? render::render_info_json(entries)
                                                      : render::render_info_text(entries));
  return all_parsed ? kExitOk : kExitError;
}

}  // namespace

RunCommand add_info_command(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Describe heap dumps: format, totals, stacks, threads, mappings");
  cmd->add_option("files", options->inputs, "Heap dumps (.heap, .heap.gz, '-' for stdin)")->required();
  add_format_option(*cmd, options->format, {render::Format::text, render::Format::json});
  cmd->add_flag("--symbols", options->symbols, "Symbolize and report, per module, the file used and what resolved");
  add_symbol_options(*cmd, options->symbolize);
  cmd->footer("Exit status: 0 every dump parsed, 2 a dump could not be read (the others are still reported).");
  return [options] { return run_info(*options); };
}

}  // namespace memprof::cli
