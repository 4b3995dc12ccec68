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
#include "profile_options.h"

namespace memprof::cli {

// From this many dumps on, reading them as a series is cheaper than one by one.
inline constexpr size_t kSeriesEngineMinDumps = 3;

// Every dump summed into one named-frame profile (not yet filtered), in the given order.
analyze::FrameProfile load_summed_profile(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag);

// The diff table of a series, in the given order, with the profile filters applied.
analyze::DiffTable diff_series(const std::vector<std::string>& paths, const ProfileOptions& options,
                               const analyze::DiffOptions& diff, uint64_t& sample_period, Diagnostics& diag);

}  // namespace memprof::cli
