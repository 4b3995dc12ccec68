// Parse throughput and peak memory of the heap dump parser on one file.
// Usage: bench_parse DUMP [REPEATS]. Prints the median of REPEATS parses (default 9) and the peak
// resident set of the process (which includes the mmapped input pages the parser touched).
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "memprof/heapparse/parse_dump.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: bench_parse DUMP [REPEATS]\n");
    return 2;
  }
  std::string path = argv[1];
  int repeats = argc > 2 ? std::atoi(argv[2]) : 9;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 2;
  std::vector<double> seconds;
  size_t stacks = 0;
  for (int i = 0; i < repeats; ++i) {
    memprof::Diagnostics diag;
    auto start = std::chrono::steady_clock::now();
    memprof::Profile p = memprof::heapparse::read_dump(path, diag);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    stacks = p.stacks.size();
  }
  std::ranges::sort(seconds);
  double median = seconds[seconds.size() / 2];
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double mb = static_cast<double>(st.st_size) / 1e6;
  fmt::print(
      "file {:.1f} MB, {} stacks: median {:.1f} ms over {} runs = {:.0f} MB/s; peak RSS {:.1f} MB ({:.2f}x file)\n", mb,
      stacks, median * 1e3, repeats, mb / median, usage.ru_maxrss / 1e3,
      usage.ru_maxrss * 1e3 / static_cast<double>(st.st_size));
}
