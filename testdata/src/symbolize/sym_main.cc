// Fixture for the symbolizer tests: allocations from known functions, through always-inlined
// helpers (an inline chain of three), a template, a linked shared library and a dlopen()ed
// plugin. jemalloc comes from linking or LD_PRELOAD; mallctl is found with dlsym so both work.
//
// Usage: sym_fixture DUMP PLUGIN.so    (run with MALLOC_CONF=prof:true,lg_prof_sample:0)
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

extern "C" void* symlib_alloc(size_t n);

namespace symfix {

void* volatile g_sink;

static inline __attribute__((always_inline)) void* inlined_leaf(size_t n) {
  void* p = malloc(n);
  g_sink = p;
  return p;
}
static inline __attribute__((always_inline)) void* inlined_middle(size_t n) { return inlined_leaf(n + 64); }

__attribute__((noinline)) void* alloc_with_inlining() { return inlined_middle(4096); }
__attribute__((noinline)) void* alloc_with_malloc() { return malloc(8192); }
__attribute__((noinline)) void* alloc_with_calloc() { return calloc(4, 4096); }

template <class T>
struct Pool {
  __attribute__((noinline)) static T* make(size_t n) { return new T[n]; }
};
__attribute__((noinline)) void* alloc_in_template() { return Pool<long>::make(512); }

}  // namespace symfix

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sym_fixture DUMP PLUGIN.so\n");
    return 2;
  }
  for (int i = 0; i < 3; ++i) {
    symfix::g_sink = symfix::alloc_with_inlining();
    symfix::g_sink = symfix::alloc_with_malloc();
    symfix::g_sink = symfix::alloc_with_calloc();
    symfix::g_sink = symfix::alloc_in_template();
    symfix::g_sink = symlib_alloc(16384);
  }
  void* plugin = dlopen(argv[2], RTLD_NOW);
  if (!plugin) {
    std::fprintf(stderr, "sym_fixture: %s\n", dlerror());
    return 1;
  }
  auto plugin_alloc = reinterpret_cast<void* (*)()>(dlsym(plugin, "symplugin_alloc"));
  for (int i = 0; i < 3; ++i) symfix::g_sink = plugin_alloc();

  using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);
  auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  const char* path = argv[1];
  if (!mallctl || mallctl("prof.dump", nullptr, nullptr, &path, sizeof(path)) != 0) {
    std::fprintf(stderr, "sym_fixture: prof.dump failed (jemalloc with MALLOC_CONF=prof:true?)\n");
    return 1;
  }
  return 0;  // the plugin stays loaded: its mapping is in the dump
}
