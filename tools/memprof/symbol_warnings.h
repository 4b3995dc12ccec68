// Warnings about names that could not be resolved, said once per dump (or series) and only when
// they matter: a dump without its MAPPED_LIBRARIES section, and a module that was found but
// resolved no symbol while holding a material share (>= 1%) of the live (or allocated) bytes.
//
//   symbolize::SymbolizeReport report = symbolize::symbolize_auto(profile, options, diag);
//   warn_unresolved_modules(profile, report, diag);
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::cli {

// Bytes allocated in each module (by the leaf frame of each stack), by its path in the dump.
struct ModuleShares {
  std::map<std::string, double, std::less<>> bytes;
  double total = 0;
  std::string_view kind = "live";  // "allocated" when counted from the cumulative profile
};

void warn_missing_maps(std::string_view dump_path, Diagnostics& diag);
// One warning for all of a series' dumps without maps, however many.
void warn_missing_maps(const std::vector<std::string>& dump_paths, Diagnostics& diag);
void warn_unresolved_modules(const symbolize::SymbolizeReport& report, const ModuleShares& shares, Diagnostics& diag);
// Both, for one symbolized dump.
void warn_unresolved_modules(const Profile& profile, const symbolize::SymbolizeReport& report, Diagnostics& diag);

}  // namespace memprof::cli
