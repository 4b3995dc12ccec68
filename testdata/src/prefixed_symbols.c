/* Not a jemalloc: a program that defines tikv-jemallocator's prefixed entry points, so the
 * jemalloc probe's prefix handling (_rjem_ -> _RJEM_MALLOC_CONF) is tested without building a
 * prefixed jemalloc. */
#include <stddef.h>

__attribute__((noinline, used)) int _rjem_mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp,
                                                  size_t newlen) {
  (void)name, (void)oldp, (void)oldlenp, (void)newp, (void)newlen;
  return 2;
}
__attribute__((noinline, used)) void _rjem_malloc_stats_print(void (*cb)(void*, const char*), void* opaque,
                                                              const char* opts) {
  (void)cb, (void)opaque, (void)opts;
}

int main(void) { return _rjem_mallctl("epoch", NULL, NULL, NULL, 0) == 2 ? 0 : 1; }
