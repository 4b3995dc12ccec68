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

TEST_CASE("built-in allocation wrappers: each family's documented example, and look-alikes that are not") {
  symbolize::AllocatorMatcher matcher;
  for (const symbolize::WrapperFamily& w : symbolize::builtin_alloc_wrappers())
    CHECK_MESSAGE(matcher.family(w.example) == w.project, w.example);
  struct Case {
    const char* name;
    const char* family;
  };
  for (Case c : {Case{"zmalloc", "Redis/Valkey/KeyDB zmalloc"},
                 Case{"zcalloc_num", "Redis/Valkey/KeyDB zmalloc"},
                 Case{"ztryrealloc_usable_internal", "Redis/Valkey/KeyDB zmalloc"},
                 Case{"zstrdup", "Redis/Valkey/KeyDB zmalloc"},
                 Case{"__rdl_alloc_zeroed", "Rust alloc"},
                 Case{"alloc::raw_vec::finish_grow", "Rust alloc"},
                 Case{"alloc::raw_vec::RawVec::grow_amortized", "Rust alloc"},
                 Case{"<alloc::alloc::Global as core::alloc::Allocator>::allocate", "Rust alloc"},
                 Case{"__rustc::__rust_alloc", "Rust alloc"},
                 Case{"__rg_alloc", "Rust alloc"},
                 Case{"alloc::raw_vec::RawVecInner::finish_grow", "Rust alloc"},
                 Case{"alloc::alloc::exchange_malloc", "Rust alloc"},
                 Case{"alloc::boxed::box_new_uninit", "Rust alloc"},
                 Case{"<app::Jem as core::alloc::global::GlobalAlloc>::alloc_zeroed", "Rust alloc"},
                 Case{"std::sys::unix::alloc::<impl core::alloc::global::GlobalAlloc for std::alloc::System>::alloc",
                      "Rust alloc"},
                 Case{"std::sys::alloc::unix::aligned_malloc", "Rust alloc"},
                 Case{"hashbrown::raw::alloc::inner::do_alloc", "Rust alloc"},
                 Case{"std::allocator_traits::allocate", "libstdc++ allocators"},
                 Case{"__gnu_cxx::new_allocator::allocate", "libstdc++ allocators"},
                 Case{"__strdup", "libc string copies"},
                 Case{"strndup", "libc string copies"},
                 Case{"PyMem_RawMalloc", "CPython allocators"},
                 Case{"_PyObject_Malloc", "CPython allocators"},
                 Case{"pymalloc_alloc", "CPython allocators"},
                 Case{"_PyMem_DebugRawAlloc", "CPython allocators"},
                 Case{"arena_map_get", "CPython allocators"},
                 Case{"gc_alloc", "CPython allocators"},
                 Case{"_PyType_AllocNoTrack", "CPython allocators"},
                 Case{"je_malloc", "allocator"}})
    CHECK_MESSAGE(matcher.family(c.name) == c.family, std::string(c.name));
  for (const char* name :
       {"_sdsnewlen", "dictAddRaw", "zset_add", "zslInsert", "std::vector::push_back", "alloc::vec::Vec::push",
        "PyList_Append", "strdup_user", "main", "<app::Point as core::fmt::Display>::fmt", "alloc::boxed::Box::new",
        "list_resize", "PyList_New", "hashbrown::raw::RawTableInner::new_uninitialized"})
    CHECK_MESSAGE(matcher.family(name).empty(), name);
}

// jemalloc <- zmalloc <- my_xmalloc <- app::site <- main, and the same without my_xmalloc.
static void build_wrapper_stacks(Builder& b) {
  LocationId je = b.loc("", "/usr/lib/libjemalloc.so.2");
  LocationId zmalloc = b.loc("zmalloc");
  LocationId mine = b.loc("my_xmalloc");
  LocationId user = b.loc("app::site");
  LocationId main_fn = b.loc("main");
  b.p.samples.push_back({b.p.stacks.intern(std::vector<LocationId>{je, zmalloc, mine, user, main_fn}), {}, {}});
  b.p.samples.push_back({b.p.stacks.intern(std::vector<LocationId>{je, zmalloc, user, main_fn}), {}, {}});
}

TEST_CASE("--alloc-wrapper patterns: trimmed like wrappers, reported per function; bad ones rejected") {
  Builder b;
  build_wrapper_stacks(b);
  std::vector<symbolize::TrimmedFunction> trimmed;
  size_t removed = symbolize::trim_allocator_frames(b.p, symbolize::AllocatorMatcher({"^my_x"}), &trimmed);
  CHECK(removed == 5);
  CHECK(b.top(0) == std::vector<std::string>{"app::site", "main"});
  CHECK(b.top(1) == std::vector<std::string>{"app::site", "main"});
  REQUIRE(trimmed.size() == 3);
  CHECK(trimmed[0].name == "libjemalloc.so.2 (no symbol)");
  CHECK(trimmed[0].frames == 2);
  CHECK(trimmed[1].name == "zmalloc");
  CHECK(trimmed[1].family == "Redis/Valkey/KeyDB zmalloc");
  CHECK(trimmed[2].name == "my_xmalloc");
  CHECK(trimmed[2].family == "--alloc-wrapper");
  CHECK(trimmed[2].frames == 1);

  // Without the pattern my_xmalloc is user code: the first stack stops there.
  Builder plain;
  build_wrapper_stacks(plain);
  CHECK(symbolize::trim_allocator_frames(plain.p) == 4);
  CHECK(plain.top(0) == std::vector<std::string>{"my_xmalloc", "app::site", "main"});

  CHECK(symbolize::check_alloc_wrapper("^z(malloc").find("missing )") != std::string::npos);
  CHECK(symbolize::check_alloc_wrapper("^z(malloc)$").empty());
  CHECK_THROWS_AS(symbolize::AllocatorMatcher({"("}), std::invalid_argument);
}
