// Typed options: every command parses sizes, percentages, durations, limits and formats through
// these, so `--rss 6GiB` and `--fail-above 6GiB` accept the same text and a bad value gets the
// same kind of usage error ("--rss: expects SIZE (such as ...), got '6 parsecs'").
//
//   render::Format format = render::Format::text;
//   add_format_option(*cmd, format, {Format::text, Format::json});
//   std::optional<uint64_t> rss;
//   add_size_option(*cmd, "--rss", rss, "Resident set size of the process");
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "memprof/profile/values.h"
#include "memprof/render/format.h"
#include "memprof/render/gates.h"

namespace memprof::cli {

// --format (or `name`), restricted to `allowed`; the default shown is target's value.
CLI::Option* add_format_option(CLI::App& cmd, render::Format& target, std::initializer_list<render::Format> allowed,
                               const std::string& name = "--format", const std::string& help = "Output format");
CLI::Option* add_size_option(CLI::App& cmd, const std::string& name, std::optional<uint64_t>& target,
                             const std::string& help);
CLI::Option* add_percent_option(CLI::App& cmd, const std::string& name, std::optional<double>& target,
                                const std::string& help);
CLI::Option* add_duration_option(CLI::App& cmd, const std::string& name,
                                 std::optional<std::chrono::duration<double>>& target, const std::string& help);
// SIZE, or SIZE|PCT% when allow_percent.
CLI::Option* add_limit_option(CLI::App& cmd, const std::string& name, std::optional<render::Limit>& target,
                              bool allow_percent, const std::string& help);
// A number within [min, max]: "--width: 100 is below the minimum 200".
CLI::Option* add_bounded_option(CLI::App& cmd, const std::string& name, double& target, double min, double max,
                                const std::string& help);

// --inuse-space (default), --inuse-objects, --alloc-space, --alloc-objects: one of them.
void add_sample_type_options(CLI::App& cmd, SampleType& target, const std::string& group = "Sample type");

}  // namespace memprof::cli
