#include "allocator_frames.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace memprof::symbolize {

namespace {

// The allocation API: matched exactly or after any prefix ending in '_' (je_malloc,
// _rjem_malloc, __libc_malloc, tc_malloc).
constexpr std::array<std::string_view, 22> kApi = {
    "malloc",        "calloc",  "realloc", "reallocf", "reallocarray", "free",     "cfree",    "posix_memalign",
    "aligned_alloc", "memalign", "valloc", "pvalloc",  "mallocx",      "rallocx",  "xallocx",  "sallocx",
    "dallocx",       "sdallocx", "nallocx", "malloc_usable_size", "strdup_internal_alloc", "newImpl"};

// jemalloc internals (and the C++ runtime's allocation entry points): matched as name prefixes,
// with or without a library prefix.
constexpr std::array<std::string_view, 14> kInternalPrefixes = {
    "imalloc",      "ialloc",       "iralloc",      "irealloc",  "ipalloc",       "prof_backtrace", "prof_alloc_prep",
    "prof_tctx",    "malloc_default", "arena_malloc", "arena_palloc", "tcache_alloc", "je_prof_", "je_arena_"};

constexpr std::array<std::string_view, 4> kOperators = {"operator new", "operator new[]", "operator delete",
                                                        "operator delete[]"};

}  // namespace

bool is_allocator_function(std::string_view name) {
  for (std::string_view op : kOperators)
    if (name == op) return true;
  // Qualified names ("std::allocator::allocate", "Arena::malloc") are user-visible code.
  if (name.find("::") != std::string_view::npos) return false;
  for (std::string_view api : kApi) {
    if (name == api) return true;
    if (name.size() > api.size() && name.ends_with(api) && name[name.size() - api.size() - 1] == '_') return true;
  }
  // Internals under any library prefix: the name, or a tail of it starting after a '_'.
  for (size_t at = 0; at < name.size(); at = name.find('_', at) + 1) {
    std::string_view tail = name.substr(at);
    for (std::string_view prefix : kInternalPrefixes)
      if (tail.starts_with(prefix)) return true;
    if (name.find('_', at) == std::string_view::npos) break;
  }
  return false;
}

bool is_jemalloc_module(std::string_view path) {
  std::string_view base = path.substr(path.rfind('/') + 1);
  return base.starts_with("libjemalloc");
}

size_t trim_allocator_frames(Profile& profile) {
  enum class Kind : uint8_t { user, allocator, unknown };
  std::vector<Kind> kinds(profile.locations.size(), Kind::user);
  for (size_t i = 0; i < profile.locations.size(); ++i) {
    const Location& loc = profile.locations[i];
    if (loc.mapping.valid() && is_jemalloc_module(profile.str(profile.mappings[loc.mapping.value()].path))) {
      kinds[i] = Kind::allocator;
    } else if (loc.lines.empty()) {
      kinds[i] = Kind::unknown;
    } else {
      // The outermost function of the inline chain is the one the frame belongs to.
      const Function& f = profile.functions[loc.lines.back().function.value()];
      if (is_allocator_function(profile.str(f.short_name))) kinds[i] = Kind::allocator;
    }
  }

  StackTable rebuilt;
  std::vector<StackId> remap(profile.stacks.size());
  std::vector<char> new_leaf(profile.locations.size());
  size_t removed = 0;
  for (size_t s = 0; s < profile.stacks.size(); ++s) {
    auto frames = profile.stacks.frames(StackId{static_cast<uint32_t>(s)});
    size_t cut = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
      Kind k = kinds[frames[i].value()];
      if (k == Kind::user) break;
      if (k == Kind::allocator) cut = i + 1;
    }
    // A stack made only of allocator frames (jemalloc's own metadata) is kept whole.
    if (cut == frames.size()) cut = 0;
    if (cut > 0) new_leaf[frames[cut].value()] = 1;
    removed += cut;
    remap[s] = rebuilt.intern(frames.subspan(cut));
  }
  // A new leaf can still start with allocator functions inlined into its caller (glibc's
  // rtld calloc wrapper inlined into _dl_allocate_tls). Its return address always returns from
  // the allocator, so those inline frames are dropped for every stack that holds it.
  for (size_t i = 0; i < profile.locations.size(); ++i) {
    if (!new_leaf[i]) continue;
    std::vector<Line>& lines = profile.locations[i].lines;
    size_t drop = 0;
    while (drop + 1 < lines.size() &&
           is_allocator_function(profile.str(profile.functions[lines[drop].function.value()].short_name)))
      ++drop;
    lines.erase(lines.begin(), lines.begin() + static_cast<long>(drop));
  }
  for (Sample& sample : profile.samples) sample.stack = remap[sample.stack.value()];
  for (ThreadSample& sample : profile.thread_samples) sample.stack = remap[sample.stack.value()];
  profile.stacks = std::move(rebuilt);
  return removed;
}

}  // namespace memprof::symbolize
