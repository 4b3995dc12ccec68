// Which frames belong to the allocator or to a well-known allocation wrapper, and trimming them
// off the leaf end of every stack so the top frame is the code that asked for memory.
//
//   if (is_allocator_function("je_malloc")) ...                // true
//   AllocatorMatcher matcher({"^my_xmalloc$"});                // built-in wrappers plus one
//   matcher.family("zmalloc_usable");                          // "Redis/Valkey/KeyDB zmalloc"
//   std::vector<TrimmedFunction> trimmed;
//   size_t removed = trim_allocator_frames(profile, matcher, &trimmed);  // rebuilds profile.stacks
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/profile.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::symbolize {

// `short_name` is a demangled name without parameters ("operator new", "je_prof_backtrace").
bool is_allocator_function(std::string_view short_name);

// True for a mapping of a jemalloc shared library (libjemalloc.so.2, libjemalloc_debug.so, ...).
bool is_jemalloc_module(std::string_view path);

// Classifies functions by short name: the allocator itself, a built-in wrapper family, a user
// pattern, or user code. Patterns are RE2 (linear time), searched in the short name.
class AllocatorMatcher {
 public:
  static constexpr std::string_view kAllocator = "allocator";
  static constexpr std::string_view kUserPattern = "--alloc-wrapper";

  // Throws std::invalid_argument naming the first pattern RE2 rejects.
  explicit AllocatorMatcher(const std::vector<std::string>& extra_wrappers = {});
  ~AllocatorMatcher();
  AllocatorMatcher(AllocatorMatcher&&) noexcept;

  // "" for user code, kAllocator, a WrapperFamily's project, or kUserPattern.
  std::string_view family(std::string_view short_name) const;

 private:
  struct Patterns;
  std::unique_ptr<Patterns> patterns_;
};

// "" when RE2 accepts `pattern`, else its complaint.
std::string check_wrapper_pattern(const std::string& pattern);

// Drops, from the leaf of each stack, the run of allocator and wrapper frames and of unknown
// frames that precede one; stops at the first other frame. Rebuilds profile.stacks and remaps
// samples and thread samples. Returns the number of frames removed over all unique stacks and,
// when `trimmed` is given, adds how many of them each function accounted for.
size_t trim_allocator_frames(Profile& profile, const AllocatorMatcher& matcher = AllocatorMatcher(),
                             std::vector<TrimmedFunction>* trimmed = nullptr);

}  // namespace memprof::symbolize
