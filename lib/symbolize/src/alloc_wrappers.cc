// The built-in list of allocation wrappers: functions whose only job is to call the allocator,
// so a stack's first frame after them is the code that asked for memory. Each entry names the
// project it comes from and was checked against real stacks (recorded beside each family; the
// Rust and CPython ones are re-checked by rust_wrappers_test and cpython_wrappers_test).
#include <array>

#include "memprof/symbolize/symbolize.h"

namespace memprof::symbolize {

namespace {

// Searched (RE2) in short names: no parameter lists, no generic or template arguments.
constexpr std::array<WrapperFamily, 5> kWrappers = {{
    // src/zmalloc.c: zmalloc, zcalloc, zrealloc and their _usable/_num/try/_internal forms.
    // Seen on Debian's redis-server 7.0 (redis_wrappers_test).
    {"Redis/Valkey/KeyDB zmalloc", R"(^z(try)?(malloc|calloc|realloc)\w*$|^zstrdup$)", "ztrymalloc_usable_internal"},
    // Rust's liballoc and std, as rustc 1.63 (Debian, legacy mangling) and 1.95 (v0 std) name them
    // with the System allocator and with a #[global_allocator]:
    //  - the allocator shims __rust_alloc/_zeroed/__rust_realloc (named "__rustc::__rust_alloc" since
    //    the shims are v0-mangled), __rdl_* (System; a frame only when not a tail call, as for an
    //    over-aligned layout), __rg_* (a #[global_allocator], rustc 1.63);
    //  - alloc::alloc::{alloc,alloc_zeroed,realloc,exchange_malloc}, Global's Allocator impl and its
    //    alloc_impl/grow_impl(_runtime) helpers, alloc::boxed::box_new_uninit (Box::new, 1.9x);
    //  - all of alloc::raw_vec (RawVec/RawVecInner growth and allocate paths, finish_grow);
    //  - any GlobalAlloc impl's alloc/alloc_zeroed/realloc (System, a #[global_allocator] such as
    //    tikv-jemallocator's Jemalloc) and std's System helpers (aligned_malloc);
    //  - hashbrown's allocation shim (HashMap's tables);
    //  - jemalloc's _rjem_-prefixed entry points (jemalloc-sys, tikv-jemalloc-sys: jemalloc linked
    //    into the binary), seen with Debian's jemalloc-sys 0.3.2 built by cargo (_rjem_mallocx,
    //    _rjem_rallocx, _rjem_je_prof_backtrace): the allocator rules take those by their
    //    unprefixed names; the pattern catches any other _rjem_ function.
    {"Rust alloc",
     R"(^(__rustc::)?__(rust|rdl|rg)_(alloc|alloc_zeroed|realloc)$|^<?alloc::(alloc|raw_vec)::|)"
     R"(^alloc::boxed::box_new_uninit$|^<.* as core::alloc::global::GlobalAlloc>::(alloc|alloc_zeroed|realloc)$|)"
     R"(^std::sys::[\w:]*(::aligned_malloc|::<impl core::alloc::global::GlobalAlloc for std::alloc::System>::\w+)$|)"
     R"(^hashbrown::raw::alloc::|^_rjem_\w+$)",
     "__rust_alloc"},
    // libstdc++'s allocator layer between containers and operator new.
    {"libstdc++ allocators", R"(^(std::(allocator|__new_allocator|allocator_traits)|__gnu_cxx::new_allocator)::)",
     "std::__new_allocator::allocate"},
    // glibc's copying functions: the caller wanted the copy.
    {"libc string copies", R"(^(__)?(strn?dup|wcsdup)$)", "strdup"},
    // CPython 3.11 (Debian's python3.11 with python3.11-dbg's symbols) under PYTHONMALLOC=malloc,
    // pymalloc (the default), malloc_debug and pymalloc_debug:
    //  - Objects/obmalloc.c: PyMem_[Raw]Malloc/Calloc/Realloc, PyObject_*, their _Py* and _PyMem_Debug*
    //    forms, _PyMem_DebugRawAlloc; pymalloc_alloc, allocate_from_new_pool and new_arena with the
    //    arena map it allocates (arena_map_mark_used, arena_map_get). Arenas themselves are mmap'd
    //    (_PyObject_ArenaMmap), never malloc'd, so they are not on jemalloc's stacks;
    //  - the generic object layer above it: gc_alloc and _PyObject_GC_New/NewVar (Modules/gcmodule.c),
    //    _PyObject_New/NewVar (Objects/object.c), PyType_GenericAlloc and _PyType_AllocNoTrack
    //    (Objects/typeobject.c): the caller (PyList_New, new_dict, tuple_alloc, ...) is the object.
    {"CPython allocators",
     R"(^_?Py(Mem|Object)_(Raw|Debug|DebugRaw)?(Malloc|Calloc|Realloc)$|^_PyMem_DebugRawAlloc$|)"
     R"(^(pymalloc_alloc|allocate_from_new_pool|new_arena|arena_map_mark_used|arena_map_get)$|)"
     R"(^(gc_alloc|_PyObject_GC_(New|NewVar)|_PyObject_(New|NewVar)|PyType_GenericAlloc|_PyType_AllocNoTrack)$)",
     "PyObject_Malloc"},
}};

}  // namespace

std::span<const WrapperFamily> builtin_alloc_wrappers() { return kWrappers; }

}  // namespace memprof::symbolize
