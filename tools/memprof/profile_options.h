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
  SampleType sample_type_ = SampleType::inuse_space;
  analyze::Granularity granularity_ = analyze::Granularity::functions;
  bool full_names = false;
  analyze::FilterOptions filters;
  std::optional<std::string> thread;
  bool exact_bytes = false;
  render::Format format = render::Format::text;
  symbolize::SymbolizeOptions symbols;

  SampleType sample_type() const { return sample_type_; }
  analyze::Granularity granularity() const { return granularity_; }
  render::Format output_format() const { return format; }
};

// Adds everything but the inputs (commands name those themselves), including --binary,
// --search-path, --debug-dir and --keep-allocator-frames. Call finish_profile_options() once
// the command line is parsed.
// report_output: also --bytes and --format (text, json, csv, markdown: commands that print tables).
void add_profile_options(CLI::App& cmd, ProfileOptions& options, bool report_output = true);
void finish_profile_options(ProfileOptions& options);

// Reads one dump, symbolizes it with its own mappings and turns it into named stacks, after
// removing the stacks that `rules` suppress (what they removed goes to `suppressed`). Throws
// InputError.
analyze::FrameProfile load_frame_profile(const std::string& path, const ProfileOptions& options, Diagnostics& diag,
                                         const analyze::Suppressions* rules = nullptr,
                                         analyze::SuppressionResult* suppressed = nullptr);
// What the filters did, so nothing they change goes unsaid: the total before them (for "Total:
// 18.5 MiB (filtered; 63.8 MiB in the dump)") and the filters that matched no frame at all.
struct Selection {
  bool filtered = false;
  Values total_before;
  std::vector<std::string> unmatched;  // "--focus 'regex'"
};

// Several dumps summed, then the --focus/--ignore/--hide/--show-from filters. Warns (in diag)
// about filters that match nothing.
analyze::FrameProfile load_frame_profiles(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag, Selection* selection = nullptr);
// Applies --focus/--ignore/--hide/--show-from when any is given. Throws InputError on a bad RE.
// With `selection`, also records what they did (unmatched: in none of the profiles filtered).
void filter_in_place(analyze::FrameProfile& profile, const ProfileOptions& options, Selection* selection = nullptr);
// Warns about every unmatched filter; with a CI gate set, an empty selection is an error: a
// limit checked on nothing passes meaninglessly.
void check_selection(const Selection& selection, bool gates_set, Diagnostics& diag);

// With no dump named: heapparse::newest_series(".", count), with a warning naming them. Refuses
// (InputError) when a dump-like word is on the command line as an option's value.
std::vector<std::string> newest_dumps(size_t count, Diagnostics& diag);

// Fails with an InputError when the sample type needs accumulated data the dumps lack.
void check_sample_type_available(const analyze::FrameProfile& profile, SampleType type);

render::ReportContext report_context(const analyze::FrameProfile& profile, SampleType type,
                                     const ProfileOptions& options, const Selection* selection = nullptr);
render::ReportStyle report_style(const ProfileOptions& options, size_t max_rows);

// Columns of the terminal on stdout, COLUMNS when set, else 0 (no limit: output is piped).
size_t output_width();

}  // namespace memprof::cli
