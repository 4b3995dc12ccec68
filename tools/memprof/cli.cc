#include "cli.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "output.h"

#ifndef MEMPROF_VERSION
#define MEMPROF_VERSION "unknown"
#endif

namespace memprof::cli {

namespace {

// Every subcommand, in the order `memprof --help` lists them. One line per command.
constexpr AddCommand kCommands[] = {
    add_info_command,      add_top_command,    add_diff_command, add_stats_command,
    add_explain_command,   add_flame_command,  add_hist_command, add_convert_command,
    add_symbolize_command, add_record_command, add_ctl_command,  add_trend_command,
};

// An option takes exactly one value per occurrence, whatever its type: a repeatable option that
// took every following word swallowed the dump named after it (`--search-path DIR run.heap`).
void one_value_per_occurrence(CLI::App& command) {
  for (CLI::Option* option : command.get_options()) {
    if (option->get_positional()) continue;
    option->allow_extra_args(false);
  }
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool out_is_terminal) {
  ScopedStreams scoped({&out, &err, out_is_terminal, &args});
  CLI::App app{"memprof: analyze jemalloc heap profile dumps", "memprof"};
  app.set_version_flag("--version", std::string("memprof ") + MEMPROF_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success, 1 a --fail-* limit was exceeded, 2 usage or input error.\n"
      "Run 'memprof COMMAND --help' for a command's options; 'man memprof' for details.");

  std::vector<std::pair<CLI::App*, RunCommand>> commands;
  for (AddCommand add : kCommands) {
    RunCommand run = add(app);
    CLI::App* command = app.get_subcommands({}).back();
    one_value_per_occurrence(*command);
    // CLI11 hands the program's footer down; only commands with gates may mention exit status 1.
    if (command->get_footer() == app.get_footer()) command->footer("Exit status: 0 success, 2 usage or input error.");
    commands.emplace_back(command, std::move(run));
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::Success& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    print_error(e.what());
    err << "Run 'memprof --help' or 'memprof COMMAND --help' for the options.\n";
    return kExitError;
  }

  try {
    int status = kExitError;
    for (auto& [command, run] : commands)
      if (command->parsed()) {
        status = run();
        break;
      }
    finish_stdout();
    return status;
  } catch (const std::exception& e) {  // InputError, and CLI::ParseError from checks after parsing
    try {
      out.flush();
    } catch (...) {
    }
    print_error(e.what());
    return kExitError;
  }
}

}  // namespace memprof::cli
