// Options shared by the commands that read dumps and report on stacks (top, diff, flame):
// inputs, sample type, granularity, filters, thread, units and output format, plus the loading
// pipeline they share: read -> symbolize -> name frames -> merge -> filter.
//
//   ProfileOptions opts;
//   add_profile_options(*cmd, opts);
//   ... after parsing ...
//   analyze::FrameProfile fp = load_frame_profiles(opts.inputs, opts, diag);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "memprof/analyze/filters.h"
#include "memprof/analyze/frame_profile.h"
#include "memprof/analyze/suppressions.h"
#include "memprof/profile/diagnostics.h"
#include "memprof/render/report_options.h"
#include "memprof/render/top_report.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::cli {

struct ProfileOptions {
  std::vector<std::string> inputs;
  bool inuse_space = false, inuse_objects = false, alloc_space = false, alloc_objects = false;
  bool functions = false, lines = false, files = false, modules = false, addresses = false;
  bool full_names = false;
  analyze::FilterOptions filters;
  std::optional<std::string> thread;
  bool exact_bytes = false;
  std::string format = "text";
  symbolize::SymbolizeOptions symbols;

  SampleType sample_type() const;
  analyze::Granularity granularity() const;
  render::Format output_format() const;
};

// Adds everything but the inputs (commands name those themselves), including --binary,
// --search-path, --debug-dir and --keep-allocator-frames. Call finish_profile_options() once
// the command line is parsed.
// report_output: also --bytes and --format (commands that print tables).
void add_profile_options(CLI::App& cmd, ProfileOptions& options, bool report_output = true);
void finish_profile_options(ProfileOptions& options);

// Reads one dump, symbolizes it with its own mappings and turns it into named stacks, after
// removing the stacks that `rules` suppress (what they removed goes to `suppressed`). Throws
// InputError.
analyze::FrameProfile load_frame_profile(const std::string& path, const ProfileOptions& options, Diagnostics& diag,
                                         const analyze::Suppressions* rules = nullptr,
                                         analyze::SuppressionResult* suppressed = nullptr);
// Several dumps summed, then the --focus/--ignore/--hide/--show-from filters.
analyze::FrameProfile load_frame_profiles(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag);
// Applies --focus/--ignore/--hide/--show-from when any is given. Throws InputError on a bad RE.
void filter_in_place(analyze::FrameProfile& profile, const ProfileOptions& options);

// With no inputs: the newest `count` jemalloc dumps of the newest process in the current
// directory (by pid and seq from jemalloc's file names, then mtime), oldest first.
std::vector<std::string> newest_dumps(size_t count, Diagnostics& diag);

// Fails with an InputError when the sample type needs accumulated data the dumps lack.
void check_sample_type_available(const analyze::FrameProfile& profile, SampleType type);

render::ReportContext report_context(const analyze::FrameProfile& profile, SampleType type,
                                     const ProfileOptions& options);
// CSV and JSON keep stdout for data; exceeded limits are also said on stderr for CI logs.
void report_gates_on_stderr(const render::GateResult& gates, const ProfileOptions& options);
render::ReportStyle report_style(const ProfileOptions& options, size_t max_rows);

// Columns of the terminal on stdout, COLUMNS when set, else 0 (no limit: output is piped).
size_t output_width();

// Parses "SIZE" or "PCT%"; throws CLI::ValidationError naming `option`.
struct Limit {
  double value = 0;
  bool percent = false;
};
std::optional<Limit> parse_limit(const std::optional<std::string>& text, const std::string& option, bool allow_percent);
// Checks a limit while the command line is parsed, before any dump is read.
CLI::Validator limit_validator(bool allow_percent);

}  // namespace memprof::cli
