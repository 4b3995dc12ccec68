// The subcommands of `memprof`. Each lives in its own file, binds CLI11 options to an options
// struct and returns the function that runs it once the command line is parsed.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace memprof::cli {

// Exit statuses, documented in man/memprof.1.
inline constexpr int kExitOk = 0;
inline constexpr int kExitLimitExceeded = 1;
inline constexpr int kExitError = 2;

using RunCommand = std::function<int()>;

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
