// A program that makes known fragmentation and records jemalloc's view of it. Tests run it with
// MALLOC_CONF=prof:true,lg_prof_sample:0 and check memprof stats/explain against the constants.
//
// Usage: frag_fixture OUTDIR
//   1. with profiling paused, allocates kFragObjects x kFragSize (fresh slabs of one size class)
//      and frees every other one: kFragObjects/2 regions stay live, the slabs stay in use, so
//      (nregs * curslabs - curregs) * kFragSize bytes are wasted in that class;
//   2. with profiling on, allocates kProfiledObjects x kProfiledSize (every one sampled);
//   3. writes OUTDIR/frag.heap (prof.dump), flushes the thread cache (freed regions would
//      otherwise still count as in use), then OUTDIR/stats.json and OUTDIR/stats.txt from one
//      allocator state, and copies /proc/self/smaps_rollup to OUTDIR/smaps_rollup.
// The stats callback and the copy use write(2) and stack buffers: a malloc between the two
// malloc_stats_print calls would make the JSON and text numbers differ.
#include <fcntl.h>
#include <jemalloc/jemalloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "frag_fixture.h"

namespace fixture {

void* g_frag[kFragObjects];
void* g_profiled[kProfiledObjects];

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

bool set_prof_active(bool on) { return mallctl("prof.active", nullptr, nullptr, &on, sizeof(on)) == 0; }

bool copy_file(const char* from, int to) {
  int in = open(from, O_RDONLY);
  if (in < 0) return false;
  char buf[4096];
  ssize_t n;
  while ((n = read(in, buf, sizeof(buf))) > 0)
    if (write(to, buf, static_cast<size_t>(n)) != n) break;
  close(in);
  return n == 0;
}

}  // namespace fixture

int main(int argc, char** argv) {
  using namespace fixture;
  if (argc < 2) {
    std::fprintf(stderr, "usage: frag_fixture OUTDIR\n");
    return 2;
  }
  std::string outdir = argv[1];
  set_prof_active(false);  // fails harmlessly when profiling is off
  // Every block is written: jemalloc counts untouched active pages as resident, the kernel not.
  for (size_t i = 0; i < kFragObjects; ++i) {
    g_frag[i] = malloc(kFragSize);
    std::memset(g_frag[i], 0xa5, kFragSize);
  }
  for (size_t i = 1; i < kFragObjects; i += 2) {
    free(g_frag[i]);
    g_frag[i] = nullptr;
  }
  set_prof_active(true);
  for (size_t i = 0; i < kProfiledObjects; ++i) {
    g_profiled[i] = malloc(kProfiledSize);
    std::memset(g_profiled[i], 0x5a, kProfiledSize);
  }

  std::string heap = outdir + "/frag.heap";
  const char* heap_name = heap.c_str();
  if (mallctl("prof.dump", nullptr, nullptr, &heap_name, sizeof(heap_name)) != 0) {
    std::fprintf(stderr, "frag_fixture: prof.dump failed (is MALLOC_CONF=prof:true set?)\n");
    return 1;
  }
  int json_fd = open((outdir + "/stats.json").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int text_fd = open((outdir + "/stats.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int smaps_fd = open((outdir + "/smaps_rollup").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (json_fd < 0 || text_fd < 0 || smaps_fd < 0) {
    std::perror("frag_fixture: open");
    return 1;
  }
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  malloc_stats_print(write_cb, &json_fd, "J");
  malloc_stats_print(write_cb, &text_fd, "");
  bool copied = copy_file("/proc/self/smaps_rollup", smaps_fd);
  close(json_fd);
  close(text_fd);
  close(smaps_fd);
  if (!copied) {
    std::fprintf(stderr, "frag_fixture: cannot copy /proc/self/smaps_rollup\n");
    return 1;
  }
  return 0;
}
