// Allocates known counts of known sizes from several sites (size_fixture.h) and records what
// jemalloc says about them. Tests run it with and without profiling and check `memprof hist`,
// the profiling-cost estimate and the rules that use it against the truth.
//
// Usage: size_fixture OUTDIR [activate] [loop N]
//   activate  set prof.active to true before allocating (the run starts with prof_active:false,
//             so what the C++ runtime allocates at start-up stays out of the dump)
//   loop N    instead: N rounds of allocating and freeing 1000 small objects, for timing the
//             CPU cost of profiling; writes nothing
// Writes OUTDIR/sizes.heap (prof.dump, when profiling is compiled in and enabled), then, after
// flushing the thread cache, OUTDIR/stats.json and OUTDIR/stats.txt from one allocator state.
// Only malloc/free and write(2) between the allocations and the statistics: nothing else of the
// program's own lands in the histogram.
#include <fcntl.h>
#include <jemalloc/jemalloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "size_fixture.h"

namespace size_fixture {

void* g_keep[64000];
size_t g_kept = 0;

// Each site is its own function with its own loop (a macro, not a helper that could become the
// leaf frame), so a site's allocations share one stack whose leaf is the site.
#define SIZE_FIXTURE_ALLOC(request, count)                 \
  for (size_t i = 0; i < (count); ++i) {                   \
    void* p = malloc(request);                             \
    std::memset(p, 0x5a, (request) < 64 ? (request) : 64); \
    g_keep[g_kept++] = p;                                  \
  }
__attribute__((noinline)) void alloc_tiny_strings() { SIZE_FIXTURE_ALLOC(kSites[0].request, kSites[0].count) }
__attribute__((noinline)) void alloc_nodes() { SIZE_FIXTURE_ALLOC(kSites[1].request, kSites[1].count) }
__attribute__((noinline)) void alloc_pages() { SIZE_FIXTURE_ALLOC(kSites[2].request, kSites[2].count) }
__attribute__((noinline)) void alloc_small_max() { SIZE_FIXTURE_ALLOC(kSites[3].request, kSites[3].count) }
__attribute__((noinline)) void alloc_large_buffers() { SIZE_FIXTURE_ALLOC(kSites[4].request, kSites[4].count) }
__attribute__((noinline)) void alloc_huge_tables() { SIZE_FIXTURE_ALLOC(kSites[5].request, kSites[5].count) }
__attribute__((noinline)) void alloc_mixed() {
  for (size_t i = 0; i < 2 * kMixedPairs; ++i) {
    void* p = malloc(i % 2 ? kMixedLarge : kMixedSmall);
    std::memset(p, 0x3c, 64);
    g_keep[g_kept++] = p;
  }
}

void write_cb(void* opaque, const char* text) {
  int fd = *static_cast<int*>(opaque);
  size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t n = write(fd, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

// An allocation-heavy loop: what a service's steady state looks like to the allocator.
__attribute__((noinline)) void churn(long rounds) {
  static void* slots[1000];
  for (long r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < 1000; ++i) slots[i] = malloc(16 + (i * 40) % 1024);
    for (size_t i = 0; i < 1000; ++i) free(slots[i]);
  }
}

}  // namespace size_fixture

int main(int argc, char** argv) {
  using namespace size_fixture;
  if (argc < 2) {
    std::fprintf(stderr, "usage: size_fixture OUTDIR [activate] [loop N]\n");
    return 2;
  }
  if (argc >= 4 && std::strcmp(argv[2], "loop") == 0) {
    churn(std::atol(argv[3]));
    return 0;
  }
  if (argc >= 3 && std::strcmp(argv[2], "activate") == 0) {
    bool on = true;
    mallctl("prof.active", nullptr, nullptr, &on, sizeof(on));  // fails harmlessly without profiling
  }
  char path[4096];
  alloc_tiny_strings();
  alloc_nodes();
  alloc_pages();
  alloc_small_max();
  alloc_large_buffers();
  alloc_huge_tables();
  alloc_mixed();

  bool prof = false;
  size_t len = sizeof(prof);
  mallctl("opt.prof", &prof, &len, nullptr, 0);
  if (prof) {
    std::snprintf(path, sizeof(path), "%s/sizes.heap", argv[1]);
    const char* name = path;
    if (mallctl("prof.dump", nullptr, nullptr, &name, sizeof(name)) != 0) {
      std::fprintf(stderr, "size_fixture: prof.dump failed\n");
      return 1;
    }
  }
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  uint64_t epoch = 1;
  mallctl("epoch", nullptr, nullptr, &epoch, sizeof(epoch));
  std::snprintf(path, sizeof(path), "%s/stats.json", argv[1]);
  int json_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::snprintf(path, sizeof(path), "%s/stats.txt", argv[1]);
  int text_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (json_fd < 0 || text_fd < 0) {
    std::perror("size_fixture: open");
    return 1;
  }
  malloc_stats_print(write_cb, &json_fd, "J");
  malloc_stats_print(write_cb, &text_fd, "");
  close(json_fd);
  close(text_fd);
  return 0;
}
