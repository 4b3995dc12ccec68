#include "allocator_frames.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace memprof::symbolize {

namespace {

// The allocation API: matched exactly or after any prefix ending in '_' (je_malloc,
// _rjem_malloc, __libc_malloc, tc_malloc).
constexpr std::array<std::string_view, 22> kApi = {"malloc",
                                                   "calloc",
                                                   "realloc",
                                                   "reallocf",
                                                   "reallocarray",
                                                   "free",
                                                   "cfree",
                                                   "posix_memalign",
                                                   "aligned_alloc",
                                                   "memalign",
                                                   "valloc",
                                                   "pvalloc",
                                                   "mallocx",
                                                   "rallocx",
                                                   "xallocx",
                                                   "sallocx",
                                                   "dallocx",
                                                   "sdallocx",
                                                   "nallocx",
                                                   "malloc_usable_size",
                                                   "strdup_internal_alloc",
                                                   "newImpl"};

// jemalloc internals (and the C++ runtime's allocation entry points): matched as name prefixes,
// with or without a library prefix.
constexpr std::array<std::string_view, 14> kInternalPrefixes = {
    "imalloc",   "ialloc",         "iralloc",      "irealloc",     "ipalloc",      "prof_backtrace", "prof_alloc_prep",
    "prof_tctx", "malloc_default", "arena_malloc", "arena_palloc", "tcache_alloc", "je_prof_",       "je_arena_"};

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

struct AllocatorMatcher::Patterns {
  std::vector<std::pair<std::string_view, std::unique_ptr<RE2>>> list;  // family, pattern

  void add(std::string_view family, const std::string& pattern) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) throw std::invalid_argument("bad allocation wrapper pattern '" + pattern + "': " + re->error());
    list.emplace_back(family, std::move(re));
  }
};

AllocatorMatcher::AllocatorMatcher(const std::vector<std::string>& extra_wrappers)
    : patterns_(std::make_unique<Patterns>()) {
  for (const WrapperFamily& w : builtin_alloc_wrappers()) patterns_->add(w.project, std::string(w.pattern));
  for (const std::string& pattern : extra_wrappers) patterns_->add(kUserPattern, pattern);
}
AllocatorMatcher::~AllocatorMatcher() = default;
AllocatorMatcher::AllocatorMatcher(AllocatorMatcher&&) noexcept = default;

std::string_view AllocatorMatcher::family(std::string_view short_name) const {
  if (is_allocator_function(short_name)) return kAllocator;
  for (const auto& [family, re] : patterns_->list)
    if (RE2::PartialMatch(short_name, *re)) return family;
  return {};
}

std::string check_alloc_wrapper(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  return re.ok() ? std::string() : re.error();
}

namespace {

enum class Kind : uint8_t { user, allocator, unknown };

// Per location: what its frame is, and which function (or unnamed module) to count it under.
struct Classified {
  std::vector<Kind> kinds;
  std::vector<std::pair<std::string, std::string_view>> names;  // (name, family) per location
};

Classified classify_locations(const Profile& profile, const AllocatorMatcher& matcher) {
  Classified c;
  c.kinds.assign(profile.locations.size(), Kind::user);
  c.names.resize(profile.locations.size());
  std::vector<std::string_view> by_function(profile.functions.size());  // family, cached
  std::vector<char> known(profile.functions.size(), 0);
  for (size_t i = 0; i < profile.locations.size(); ++i) {
    const Location& loc = profile.locations[i];
    bool in_jemalloc =
        loc.mapping.valid() && is_jemalloc_module(profile.str(profile.mappings[loc.mapping.value()].path));
    // Frames named by address (no symbol: empty system name) are unknown code too.
    if (loc.lines.empty() || !profile.functions[loc.lines.back().function.value()].system_name.value()) {
      // Unnamed frames count under their module: one row, not one per address.
      c.kinds[i] = in_jemalloc ? Kind::allocator : Kind::unknown;
      std::string_view path = loc.mapping.valid() ? profile.str(profile.mappings[loc.mapping.value()].path) : "";
      c.names[i] = {(path.empty() ? std::string("?") : std::string(path.substr(path.rfind('/') + 1))) + " (no symbol)",
                    in_jemalloc ? AllocatorMatcher::kAllocator : std::string_view("unknown")};
      continue;
    }
    // The outermost function of the inline chain is the one the frame belongs to.
    uint32_t fn = loc.lines.back().function.value();
    std::string_view short_name = profile.str(profile.functions[fn].short_name);
    if (!known[fn]) {
      by_function[fn] = matcher.family(short_name);
      known[fn] = 1;
    }
    std::string_view family = in_jemalloc && by_function[fn].empty() ? AllocatorMatcher::kAllocator : by_function[fn];
    if (!family.empty()) c.kinds[i] = Kind::allocator;
    c.names[i] = {std::string(short_name), family};
  }
  return c;
}

// A new leaf can still start with allocator functions inlined into its caller (glibc's rtld
// calloc wrapper inlined into _dl_allocate_tls, ztrymalloc_usable_internal into zmalloc). Its
// return address always returns from the allocator, so those inline frames are dropped for
// every stack that holds it.
void drop_inlined_allocator_frames(Profile& profile, const AllocatorMatcher& matcher,
                                   const std::vector<char>& new_leaf) {
  for (size_t i = 0; i < profile.locations.size(); ++i) {
    if (!new_leaf[i]) continue;
    std::vector<Line>& lines = profile.locations[i].lines;
    size_t drop = 0;
    while (drop + 1 < lines.size() &&
           !matcher.family(profile.str(profile.functions[lines[drop].function.value()].short_name)).empty())
      ++drop;
    lines.erase(lines.begin(), lines.begin() + static_cast<long>(drop));
  }
}

}  // namespace

size_t trim_allocator_frames(Profile& profile, const AllocatorMatcher& matcher, std::vector<TrimmedFunction>* trimmed) {
  Classified c = classify_locations(profile, matcher);
  StackTable rebuilt;
  // Sized once: growing the frame array by doubling copied and page-faulted it ~2x over.
  rebuilt.reserve(profile.stacks.size(), profile.stacks.frame_count());
  std::vector<StackId> remap(profile.stacks.size());
  std::vector<char> new_leaf(profile.locations.size());
  std::vector<size_t> cut_count(profile.locations.size());  // frames trimmed, per location
  size_t removed = 0;
  for (size_t s = 0; s < profile.stacks.size(); ++s) {
    auto frames = profile.stacks.frames(StackId{static_cast<uint32_t>(s)});
    size_t cut = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
      Kind k = c.kinds[frames[i].value()];
      if (k == Kind::user) break;
      if (k == Kind::allocator) cut = i + 1;
    }
    // A stack made only of allocator frames (jemalloc's own metadata) is kept whole.
    if (cut == frames.size()) cut = 0;
    if (cut > 0) new_leaf[frames[cut].value()] = 1;
    for (size_t i = 0; i < cut; ++i) ++cut_count[frames[i].value()];
    removed += cut;
    remap[s] = rebuilt.intern(frames.subspan(cut));
  }
  drop_inlined_allocator_frames(profile, matcher, new_leaf);
  for (Sample& sample : profile.samples) sample.stack = remap[sample.stack.value()];
  for (ThreadSample& sample : profile.thread_samples) sample.stack = remap[sample.stack.value()];
  profile.stacks = std::move(rebuilt);
  if (trimmed) {
    std::map<std::pair<std::string, std::string_view>, size_t> counts;
    for (size_t i = 0; i < cut_count.size(); ++i)
      if (cut_count[i]) counts[c.names[i]] += cut_count[i];
    for (const auto& [key, n] : counts) trimmed->push_back({key.first, std::string(key.second), n});
    std::ranges::stable_sort(*trimmed,
                             [](const TrimmedFunction& a, const TrimmedFunction& b) { return a.frames > b.frames; });
  }
  return removed;
}

}  // namespace memprof::symbolize
