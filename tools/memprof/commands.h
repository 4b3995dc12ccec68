// The subcommands of `memprof`. Each lives in its own file, binds CLI11 options to an options
// struct and returns the function that runs it once the command line is parsed. Adding a
// command: declare its add_*_command here and list it in kCommands in cli.cc.
//
// A command reports failure by throwing (InputError, or CLI::ParseError for usage errors found
// after parsing); run_cli() prints it once and exits 2. It returns kExitOk, or the status of
// its gates (render::GateResult::exit_status()).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "memprof/render/gates.h"

namespace memprof::cli {

// Exit statuses, documented in man/memprof.1.
inline constexpr int kExitOk = 0;
inline constexpr int kExitLimitExceeded = render::kExitLimitExceeded;
inline constexpr int kExitError = 2;

using RunCommand = std::function<int()>;
using AddCommand = RunCommand (*)(CLI::App& app);

RunCommand add_info_command(CLI::App& app);
RunCommand add_top_command(CLI::App& app);
RunCommand add_diff_command(CLI::App& app);
RunCommand add_stats_command(CLI::App& app);
RunCommand add_explain_command(CLI::App& app);
RunCommand add_flame_command(CLI::App& app);
RunCommand add_hist_command(CLI::App& app);
RunCommand add_convert_command(CLI::App& app);
RunCommand add_symbolize_command(CLI::App& app);
RunCommand add_record_command(CLI::App& app);
RunCommand add_ctl_command(CLI::App& app);
RunCommand add_trend_command(CLI::App& app);

}  // namespace memprof::cli
