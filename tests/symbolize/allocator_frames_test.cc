#include <doctest/doctest.h>

#include "allocator_frames.h"

using namespace memprof;
using memprof::symbolize::is_allocator_function;

TEST_CASE("allocator functions with any prefix") {
  for (const char* name : {"malloc", "je_malloc", "_rjem_malloc", "__libc_calloc", "posix_memalign", "je_rallocx",
                           "operator new", "operator new[]", "newImpl", "imalloc_body", "je_prof_backtrace",
                           "prof_backtrace_impl", "_rjem_je_prof_tctx_create", "je_malloc_default"})
    CHECK_MESSAGE(is_allocator_function(name), name);
  for (const char* name : {"std::__new_allocator::allocate", "main", "fixture::leak_site", "malloc_trim_helper_user",
                           "Arena::malloc", "profile_report"})
    CHECK_MESSAGE(!is_allocator_function(name), name);
}

namespace {

// A profile with one mapping per name and one location per function; stacks by names.
struct Builder {
  Profile p;
  LocationId loc(const std::string& function, const std::string& module = "/bin/app") {
    Mapping m;
    m.start = 0x1000 * (p.mappings.size() + 1);
    m.limit = m.start + 0x1000;
    m.path = p.strings.intern(module);
    m.executable = true;
    p.mappings.push_back(m);
    Location l;
    l.address = m.start + 0x10;
    l.mapping = MappingId{static_cast<uint32_t>(p.mappings.size() - 1)};
    if (!function.empty()) {
      Function f;
      f.name = f.short_name = f.system_name = p.strings.intern(function);
      p.functions.push_back(f);
      l.lines.push_back({FunctionId{static_cast<uint32_t>(p.functions.size() - 1)}, 1, 0});
    }
    p.locations.push_back(l);
    return LocationId{static_cast<uint32_t>(p.locations.size() - 1)};
  }
  std::vector<std::string> top(size_t stack) {
    std::vector<std::string> out;
    for (LocationId id : p.stacks.frames(p.samples[stack].stack)) {
      const Location& l = p.locations[id.value()];
      out.push_back(l.lines.empty() ? "?" : std::string(p.str(p.functions[l.lines[0].function.value()].name)));
    }
    return out;
  }
};

}  // namespace

TEST_CASE("trimming stops at the first user frame, and cuts unknown frames before allocator frames") {
  Builder b;
  LocationId unknown_jemalloc = b.loc("", "/usr/lib/libjemalloc.so.2");
  LocationId unknown = b.loc("");
  LocationId je_malloc = b.loc("je_malloc");
  LocationId op_new = b.loc("operator new");
  LocationId user = b.loc("app::site");
  LocationId user_prof = b.loc("prof_backtrace");  // a deeper frame with an allocator-like name
  LocationId main_fn = b.loc("main");
  std::vector<std::vector<LocationId>> stacks = {
      {unknown_jemalloc, unknown, je_malloc, op_new, user, user_prof, main_fn},
      {unknown, user, main_fn},  // unknown not followed by an allocator frame: kept
      {je_malloc, op_new},       // nothing else: kept whole
  };
  for (auto& s : stacks) b.p.samples.push_back({b.p.stacks.intern(s), {}, {}});
  b.p.thread_samples.push_back({b.p.samples[0].stack, ThreadIndex{0}, {}, {}});
  size_t removed = symbolize::trim_allocator_frames(b.p);
  CHECK(removed == 4);
  CHECK(b.top(0) == std::vector<std::string>{"app::site", "prof_backtrace", "main"});
  CHECK(b.top(1) == std::vector<std::string>{"?", "app::site", "main"});
  CHECK(b.top(2) == std::vector<std::string>{"je_malloc", "operator new"});
  CHECK(b.p.thread_samples[0].stack == b.p.samples[0].stack);
}
