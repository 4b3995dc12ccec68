// Symbolization from the names a symbolized dump carries ("--- symbol" section, see
// heapparse), instead of from binaries: for dumps symbolized on the production host and read
// anywhere else. Inline chains survive (several names per address); file:line does not, as
// jeprof's form has no place for it. Allocator frames are trimmed as symbolize_profile does.
//
//   Profile p = heapparse::read_dump("app.sym.heap", diag);
//   SymbolizeReport r = symbolize_auto(p, options, diag);  // embedded names if any, else binaries
#pragma once

#include <cstddef>
#include <cstdint>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::symbolize {

// Fills locations' lines from profile.embedded_symbols (which must be set).
SymbolizeReport symbolize_from_embedded(Profile& profile, const SymbolizeOptions& options, Diagnostics& diag);

// symbolize_from_embedded when the dump carries symbols, symbolize_profile otherwise.
SymbolizeReport symbolize_auto(Profile& profile, const SymbolizeOptions& options, Diagnostics& diag);

// What symbolize_profile does last unless keep_allocator_frames: drops the allocator and wrapper
// frames (built-in and options.alloc_wrappers) at the leaf end of every stack (for writers that
// need the untrimmed stacks first). Returns the number of frames removed.
size_t trim_allocator_stacks(Profile& profile, const SymbolizeOptions& options = {});

// The address jeprof (and the symbol section) names a location by: a leaf as written, a caller
// frame (a return address) minus one, so it falls inside the call instruction.
inline uint64_t lookup_key(uint64_t address, bool leaf) { return leaf ? address : address - 1; }

}  // namespace memprof::symbolize
