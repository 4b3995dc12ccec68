// Which frames belong to the allocator, and trimming them off the leaf end of every stack so the
// top frame is the allocation site in user code.
//
//   if (is_allocator_function("je_malloc")) ...                // true
//   size_t removed = trim_allocator_frames(profile);          // rebuilds profile.stacks
#pragma once

#include <cstddef>
#include <string_view>

#include "memprof/profile/profile.h"

namespace memprof::symbolize {

// `short_name` is a demangled name without parameters ("operator new", "je_prof_backtrace").
bool is_allocator_function(std::string_view short_name);

// True for a mapping of a jemalloc shared library (libjemalloc.so.2, libjemalloc_debug.so, ...).
bool is_jemalloc_module(std::string_view path);

// Drops, from the leaf of each stack, the run of allocator frames and of unknown frames that
// precede an allocator frame; stops at the first other frame. Rebuilds profile.stacks and remaps
// samples and thread samples. Returns the number of frames removed over all unique stacks.
size_t trim_allocator_frames(Profile& profile);

}  // namespace memprof::symbolize
