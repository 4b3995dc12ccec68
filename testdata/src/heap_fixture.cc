// A program that allocates known amounts from known places and writes jemalloc heap dumps
// between phases. Tests run it with MALLOC_CONF=prof:true,lg_prof_sample:0 (every allocation
// sampled) and check memprof's numbers against the constants below.
//
// Usage: heap_fixture OUTDIR [PHASES]
// Writes OUTDIR/phase<N>.heap after each phase (default 3). Per phase:
//   fixture::leak_site     leaks kLeakObjects x kLeakSize (grows every phase)
//   fixture::churn_site    frees the previous batch, allocates kChurnObjects x kChurnSize
//                          (live bytes constant from phase to phase)
// Phase 1 only, never freed:
//   fixture::stable_site   kStableObjects x kStableSize (calloc)
//   fixture::thread_site   kThreadObjects x kThreadSize, in a thread named "worker pool 1"
//   fixture::inline_outer  kInlineObjects x kInlineSize, through an always-inlined helper
//   fixture::Cache::fill   kCacheObjects x kCacheSize with operator new
// All sizes are jemalloc size classes, so the dump's byte counts are exact.
#include <jemalloc/jemalloc.h>
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fixture {

constexpr size_t kLeakObjects = 10, kLeakSize = 4096;
constexpr size_t kChurnObjects = 8, kChurnSize = 16384;
constexpr size_t kStableObjects = 5, kStableSize = 65536;
constexpr size_t kThreadObjects = 12, kThreadSize = 32768;
constexpr size_t kInlineObjects = 3, kInlineSize = 131072;
constexpr size_t kCacheObjects = 7, kCacheSize = 2048;

void* volatile g_sink;  // keeps the compiler from dropping "unused" allocations
void* g_churn[kChurnObjects];
void* g_thread_blocks[kThreadObjects];

__attribute__((noinline)) void* leak_site() { return malloc(kLeakSize); }
__attribute__((noinline)) void* churn_site() { return malloc(kChurnSize); }
__attribute__((noinline)) void* stable_site() { return calloc(1, kStableSize); }
__attribute__((noinline)) void* thread_site() { return malloc(kThreadSize); }

static inline __attribute__((always_inline)) void* inline_helper(size_t n) {
  void* p = malloc(n);
  g_sink = p;
  return p;
}
__attribute__((noinline)) void* inline_outer() { return inline_helper(kInlineSize); }

struct Cache {
  __attribute__((noinline)) void fill() {
    for (size_t i = 0; i < kCacheObjects; ++i) g_sink = new char[kCacheSize];
  }
};

void* worker(void*) {
  const char* name = "worker pool 1";
  mallctl("thread.prof.name", nullptr, nullptr, &name, sizeof(name));
  for (size_t i = 0; i < kThreadObjects; ++i) g_thread_blocks[i] = thread_site();
  return nullptr;
}

__attribute__((noinline)) void run_phase(int phase) {
  for (size_t i = 0; i < kLeakObjects; ++i) g_sink = leak_site();
  for (size_t i = 0; i < kChurnObjects; ++i) {
    free(g_churn[i]);
    g_churn[i] = churn_site();
  }
  if (phase == 1) {
    for (size_t i = 0; i < kStableObjects; ++i) g_sink = stable_site();
    for (size_t i = 0; i < kInlineObjects; ++i) g_sink = inline_outer();
    Cache().fill();
    pthread_t thread;
    pthread_create(&thread, nullptr, worker, nullptr);
    pthread_join(thread, nullptr);
  }
}

bool dump(const std::string& path) {
  const char* name = path.c_str();
  return mallctl("prof.dump", nullptr, nullptr, &name, sizeof(name)) == 0;
}

}  // namespace fixture

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: heap_fixture OUTDIR [PHASES]\n");
    return 2;
  }
  std::string outdir = argv[1];
  int phases = argc > 2 ? std::atoi(argv[2]) : 3;
  for (int phase = 1; phase <= phases; ++phase) {
    fixture::run_phase(phase);
    if (!fixture::dump(outdir + "/phase" + std::to_string(phase) + ".heap")) {
      std::fprintf(stderr, "heap_fixture: prof.dump failed (is MALLOC_CONF=prof:true set?)\n");
      return 1;
    }
  }
  return 0;
}
