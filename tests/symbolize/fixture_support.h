// Shared by the symbolizer tests: making dumps from the fixture programs and asking the oracles
// (llvm-symbolizer-14, binutils addr2line) about the same addresses.
//
//   std::string dump = make_dump(SYM_FIXTURE_DIR "/sym_pie", dir.path() + "/x.heap");
//   auto frames = llvm_symbolizer("/path/bin", {0x1234});  // one inline chain per address
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memprof::test {

struct OracleFrame {
  std::string function;
  std::string file;  // "" or "??" when unknown
  unsigned line = 0;
};
using OracleChain = std::vector<OracleFrame>;

// Runs `binary` under jemalloc profiling (LD_PRELOADing the system jemalloc unless the binary
// links it) so it writes `dump`; fails the test if no dump appears.
void make_dump(const std::string& binary, const std::string& dump, bool preload = true);

std::vector<OracleChain> llvm_symbolizer(const std::string& binary, const std::vector<uint64_t>& vaddrs,
                                         const std::string& debug_dir = {});
std::vector<OracleChain> addr2line(const std::string& binary, const std::vector<uint64_t>& vaddrs);

struct LoadSegment {
  uint64_t offset = 0, vaddr = 0, filesz = 0;
};
// PT_LOAD segments as `readelf -lW` lists them (independent of the code under test).
std::vector<LoadSegment> readelf_loads(const std::string& binary);

inline constexpr const char* kSystemJemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

}  // namespace memprof::test
