// The stages of `memprof convert --to pprof` on one dump, each timed on its own: parse, symbolize
// (with allocator trimming), encode (the uncompressed profile.proto bytes) and gzip.
// Usage: bench_pprof DUMP [REPEATS]. Parses and symbolizes REPEATS times (default 5) and encodes
// and compresses REPEATS times; prints each stage's median and min.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include "memprof/export/pprof.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/symbolize/symbolize.h"

namespace {

struct Stage {
  const char* name;
  std::vector<double> ms;
};

template <class F>
void timed(Stage& stage, F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  stage.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: bench_pprof DUMP [REPEATS]\n");
    return 2;
  }
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  Stage parse{"parse"}, symbolize{"symbolize"}, encode{"encode"}, gzip{"encode+gzip"};
  memprof::Profile p;
  for (int i = 0; i < repeats; ++i) {
    memprof::Diagnostics diag;
    timed(parse, [&] { p = memprof::heapparse::read_dump(argv[1], diag); });
    timed(symbolize, [&] { memprof::symbolize::symbolize_profile(p, {}, diag); });
  }
  const memprof::Profile* profiles[] = {&p};
  size_t raw = 0, compressed = 0;
  for (int i = 0; i < repeats; ++i) {
    timed(encode, [&] { raw = memprof::exporter::render_pprof_uncompressed(profiles, {}).size(); });
    timed(gzip, [&] { compressed = memprof::exporter::render_pprof(profiles, {}).size(); });
  }
  for (Stage* s : {&parse, &symbolize, &encode, &gzip}) {
    std::ranges::sort(s->ms);
    fmt::print("{:12} median {:7.1f} ms  min {:7.1f} ms  ({} runs)\n", s->name, s->ms[s->ms.size() / 2], s->ms.front(),
               s->ms.size());
  }
  fmt::print("profile.proto {} bytes, gzip-compressed {} bytes\n", raw, compressed);
}
