// A program whose sites have known behaviour over time, dumping after every phase with
// mallctl("prof.dump", NULL) so jemalloc names the files <prof_prefix>.<pid>.<seq>.m<N>.heap.
// Tests run it exact (lg_prof_sample:0) and sampled (the default period, at a larger scale) and
// check `memprof trend` against the constants below.
//
// Usage: trend_fixture PHASES SCALE
// Per phase (sizes times SCALE; every size is a multiple of 4 KiB, so exact dumps are exact):
//   trend::leak_site         leaks kLeakObjects x kLeakSize (grows at a constant rate)
//   trend::thread_grow_site  leaks kThreadObjects x kThreadSize, in one worker thread that lives
//                            through all phases (jemalloc seeds a thread's sampling from its
//                            TSD address, so short-lived threads would all share one seed)
//   trend::churn_site        allocates kChurnObjects x kChurnSize and frees them before the dump
// Once:
//   trend::steady_site       kSteadyObjects x kSteadySize before the first dump, never freed
//   trend::spike_site        kSpikeObjects x kSpikeSize in phase kSpikePhase, freed in the next
#include <jemalloc/jemalloc.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace trend {

constexpr size_t kLeakObjects = 16, kLeakSize = 4096;
constexpr size_t kThreadObjects = 4, kThreadSize = 8192;
constexpr size_t kChurnObjects = 32, kChurnSize = 8192;
constexpr size_t kSteadyObjects = 64, kSteadySize = 16384;
constexpr size_t kSpikeObjects = 16, kSpikeSize = 65536;
constexpr size_t kSpikePhase = 5;

std::vector<void*> g_kept;
void* volatile g_sink;

__attribute__((noinline)) void* leak_site(size_t n) { return malloc(n); }
__attribute__((noinline)) void* thread_grow_site(size_t n) { return malloc(n); }
__attribute__((noinline)) void* churn_site(size_t n) { return malloc(n); }
__attribute__((noinline)) void* steady_site(size_t n) { return malloc(n); }
__attribute__((noinline)) void* spike_site(size_t n) { return malloc(n); }

}  // namespace trend

int main(int argc, char** argv) {
  using namespace trend;
  if (argc != 3) {
    std::fprintf(stderr, "usage: trend_fixture PHASES SCALE\n");
    return 2;
  }
  size_t phases = std::strtoul(argv[1], nullptr, 10), scale = std::strtoul(argv[2], nullptr, 10);
  g_kept.reserve(100000);  // one allocation up front: the vector itself is not a growing site
  for (size_t i = 0; i < kSteadyObjects * scale; ++i) g_kept.push_back(steady_site(kSteadySize));
  std::vector<void*> spike;
  std::vector<std::vector<void*>> thread_blocks(phases);
  for (auto& v : thread_blocks) v.reserve(kThreadObjects * scale);
  std::mutex mutex;
  std::condition_variable changed;
  size_t requested = 0, done = 0;
  std::thread worker([&] {
    for (size_t phase = 0; phase < phases; ++phase) {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return requested == phase + 1; });
      for (size_t i = 0; i < kThreadObjects * scale; ++i) thread_blocks[phase].push_back(thread_grow_site(kThreadSize));
      done = phase + 1;
      changed.notify_all();
    }
  });
  for (size_t phase = 0; phase < phases; ++phase) {
    for (size_t i = 0; i < kLeakObjects * scale; ++i) g_kept.push_back(leak_site(kLeakSize));
    {
      std::unique_lock lock(mutex);
      requested = phase + 1;
      changed.notify_all();
      changed.wait(lock, [&] { return done == phase + 1; });
    }
    std::vector<void*> churn;
    churn.reserve(kChurnObjects * scale);
    for (size_t i = 0; i < kChurnObjects * scale; ++i) churn.push_back(churn_site(kChurnSize));
    for (void* p : churn) free(p);
    for (void* p : spike) free(p);
    spike.clear();
    if (phase == kSpikePhase) {
      spike.reserve(kSpikeObjects * scale);
      for (size_t i = 0; i < kSpikeObjects * scale; ++i) spike.push_back(spike_site(kSpikeSize));
    }
    if (mallctl("prof.dump", nullptr, nullptr, nullptr, 0) != 0) {
      std::fprintf(stderr, "trend_fixture: prof.dump failed (run with MALLOC_CONF=prof:true,prof_prefix:...)\n");
      return 1;
    }
  }
  worker.join();
  g_sink = g_kept.data();
  return 0;
}
