// memprof: jemalloc heap profiles into answers. The driver parses the command line, runs the
// chosen subcommand, and turns every error into one line on stderr and exit status 2.
#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "memprof/profile/diagnostics.h"
#include "output.h"

#ifndef MEMPROF_VERSION
#define MEMPROF_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace memprof::cli;
  CLI::App app{"memprof: analyze jemalloc heap profile dumps", "memprof"};
  app.set_version_flag("--version", std::string("memprof ") + MEMPROF_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success, 1 a --fail-* limit was exceeded, 2 usage or input error.\n"
      "Run 'memprof COMMAND --help' for a command's options; 'man memprof' for details.");

  std::vector<std::pair<CLI::App*, RunCommand>> commands;
  auto add = [&](RunCommand (*adder)(CLI::App&)) {
    RunCommand run = adder(app);
    commands.emplace_back(app.get_subcommands({}).back(), std::move(run));
  };
  add(add_info_command);
  add(add_top_command);
  add(add_diff_command);
  add(add_stats_command);
  add(add_explain_command);
  add(add_flame_command);
  add(add_hist_command);
  add(add_convert_command);
  add(add_symbolize_command);
  add(add_record_command);
  add(add_ctl_command);
  add(add_trend_command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(e.what());
    std::fputs("Run 'memprof --help' or 'memprof COMMAND --help' for the options.\n", stderr);
    return kExitError;
  }

  try {
    for (auto& [command, run] : commands)
      if (command->parsed()) return run();
  } catch (const CLI::ParseError& e) {  // validation after parsing (limits, input counts)
    print_error(e.what());
    return kExitError;
  } catch (const std::exception& e) {
    print_error(e.what());
    return kExitError;
  }
  return kExitError;
}
