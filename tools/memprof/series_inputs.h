// Many dumps through the series engine (lib/series) for the commands that take several: diff
// over a series and top/flame summing many dumps. Each module is opened once and each unique
// address looked up once, instead of symbolizing every dump from scratch.
//
//   if (paths.size() >= kSeriesEngineMinDumps) profile = load_summed_profile(paths, options, diag);
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/diff.h"
#include "memprof/analyze/frame_profile.h"
#include "memprof/series/series.h"
#include "profile_options.h"

namespace memprof::cli {

// From this many dumps on, reading them as a series is cheaper than one by one.
inline constexpr size_t kSeriesEngineMinDumps = 3;

// The dumps in jemalloc's (pid, seq) order (unless keep_order), with a note in diag when that is
// not the order given.
std::vector<series::SeriesDump> ordered_series(const std::vector<std::string>& inputs, bool keep_order,
                                               Diagnostics& diag);

// The series engine's options from the shared profile options (sample type, frames, filters,
// symbols); commands add their own (suppressions, merged, sites).
series::SeriesOptions series_options(const ProfileOptions& options);

// series::load_series, then what single-dump commands say too: modules that resolved nothing,
// dumps without maps, filters that matched no frame (an InputError with `gates_set`, as in
// check_selection) and a missing cumulative profile for the alloc sample types. Throws InputError.
series::Series load_series_checked(std::vector<series::SeriesDump> dumps, const series::SeriesOptions& s,
                                   bool gates_set, Diagnostics& diag);

// Every dump summed into one named-frame profile (not yet filtered), in the given order.
analyze::FrameProfile load_summed_profile(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag);

// The diff table of a series (as ordered_series gives it), with the profile filters applied.
analyze::DiffTable diff_series(std::vector<series::SeriesDump> dumps, const ProfileOptions& options,
                               const analyze::DiffOptions& diff, bool gates_set, uint64_t& sample_period,
                               Diagnostics& diag);

}  // namespace memprof::cli
