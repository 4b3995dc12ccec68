// The built-in list of allocation wrappers: functions whose only job is to call the allocator,
// so a stack's first frame after them is the code that asked for memory. Each entry names the
// project it comes from and a frame it was checked against on a real stack.
#include <array>

#include "memprof/symbolize/symbolize.h"

namespace memprof::symbolize {

namespace {

// Searched (RE2) in short names: no parameter lists, no template arguments.
constexpr std::array<WrapperFamily, 5> kWrappers = {{
    // src/zmalloc.c: zmalloc, zcalloc, zrealloc and their _usable/_num/try/_internal forms.
    {"Redis/Valkey/KeyDB zmalloc", R"(^z(try)?(malloc|calloc|realloc)\w*$|^zstrdup$)", "ztrymalloc_usable_internal"},
    // liballoc's global allocator shims and growth paths; tikv-jemallocator's entry points.
    {"Rust alloc",
     R"(^__(rust|rdl|rg)_(alloc|alloc_zeroed|realloc)$|^<?alloc::alloc::|^alloc::raw_vec::finish_grow$|)"
     R"(^<?alloc::raw_vec::RawVec(Inner)?\b.*::(grow|try_reserve|reserve)|^_rjem_\w+$|^<?tikv_jemallocator::)",
     "__rust_alloc"},
    // libstdc++'s allocator layer between containers and operator new.
    {"libstdc++ allocators", R"(^(std::(allocator|__new_allocator|allocator_traits)|__gnu_cxx::new_allocator)::)",
     "std::__new_allocator::allocate"},
    // glibc's copying functions: the caller wanted the copy.
    {"libc string copies", R"(^(__)?(strn?dup|wcsdup)$)", "strdup"},
    // CPython's raw and object allocator layers (Objects/obmalloc.c).
    {"CPython allocators",
     R"(^_?Py(Mem|Object)_(Raw|Debug|DebugRaw)?(Malloc|Calloc|Realloc)$|^_PyMem_(Debug)?Raw(Malloc|Calloc|Realloc)$|)"
     R"(^pymalloc_(alloc|realloc)$|^allocate_from_new_pool$)",
     "PyObject_Malloc"},
}};

}  // namespace

std::span<const WrapperFamily> builtin_alloc_wrappers() { return kWrappers; }

}  // namespace memprof::symbolize
