// A program whose allocator state changes in known ways, printing malloc_stats_print's text
// after every phase to stdout between log lines, as a service's log would hold it (RocksDB's LOG,
// repeated `redis-cli MEMORY MALLOC-STATS`). Tests check `memprof trend` on that one log against
// the constants below.
//
// Usage: stats_series_fixture PHASES
// Per phase: kKeepObjects x kKeepSize more kept for good (allocated grows at a constant rate).
// In phase kSpikePhase: kSpikeObjects x kSpikeSize more, freed in the next phase (a spike).
// From phase kFragPhase: kFragObjects of kFragSize, every other one freed (a step of the waste
// in the kFragSize bin: half of its slabs' regions are free and stay so).
#include <jemalloc/jemalloc.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr size_t kKeepObjects = 64, kKeepSize = 16384;      // 1 MiB a phase
constexpr size_t kSpikeObjects = 16, kSpikeSize = 1 << 21;  // 32 MiB in one phase
constexpr size_t kSpikePhase = 5;
constexpr size_t kFragObjects = 40000, kFragSize = 96;  // ~1.8 MiB wasted from kFragPhase on
constexpr size_t kFragPhase = 8;

void* volatile g_sink;

void write_cb(void*, const char* text) { std::fputs(text, stdout); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: stats_series_fixture PHASES\n");
    return 2;
  }
  size_t phases = std::strtoul(argv[1], nullptr, 10);
  std::vector<void*> kept, spike, frag;
  kept.reserve(kKeepObjects * phases + kFragObjects);
  for (size_t phase = 0; phase < phases; ++phase) {
    for (size_t i = 0; i < kKeepObjects; ++i) kept.push_back(malloc(kKeepSize));
    for (void* p : spike) free(p);
    spike.clear();
    if (phase == kSpikePhase)
      for (size_t i = 0; i < kSpikeObjects; ++i) spike.push_back(malloc(kSpikeSize));
    if (phase == kFragPhase) {
      frag.reserve(kFragObjects);
      for (size_t i = 0; i < kFragObjects; ++i) frag.push_back(malloc(kFragSize));
      for (size_t i = 0; i < kFragObjects; i += 2) free(frag[i]);
    }
    g_sink = kept.back();
    mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
    std::printf("2026/12/02-10:%02zu:00.000000 [db/db_impl.cc:1000] phase %zu done\n", phase, phase);
    std::fflush(stdout);
    malloc_stats_print(write_cb, nullptr, "");
    std::fflush(stdout);
  }
  return 0;
}
