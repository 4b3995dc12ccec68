// The linked shared library of the symbolizer fixture.
#include <cstdlib>
#include <string>

namespace symlib {

struct Buffer {
  static inline __attribute__((always_inline)) void* grow(size_t n) { return std::malloc(n); }
};

__attribute__((noinline)) void* allocate_buffer(size_t n) { return Buffer::grow(n); }

}  // namespace symlib

extern "C" __attribute__((noinline)) void* symlib_alloc(size_t n) { return symlib::allocate_buffer(n); }
