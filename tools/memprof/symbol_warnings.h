// Warnings about names that could not be resolved, said once per dump and only when they matter:
// a dump without its MAPPED_LIBRARIES section, and a module that was found but resolved no
// symbol while holding a material share (>= 1%) of the live bytes.
//
//   symbolize::SymbolizeReport report = symbolize::symbolize_auto(profile, options, diag);
//   warn_unresolved_modules(profile, report, diag);
#pragma once

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::cli {

void warn_unresolved_modules(const Profile& profile, const symbolize::SymbolizeReport& report, Diagnostics& diag);

}  // namespace memprof::cli
