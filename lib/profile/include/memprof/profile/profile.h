// The profile model, after pprof's profile.proto: samples carry values and point at a stack of
// locations; a location is one return address inside a mapping; symbolization later attaches
// lines (an inline chain of functions). Everything is interned and named by typed ids, so memory
// is proportional to unique stacks and unique addresses, not to the size of the dump.
//
//   Profile p = heapparse::read_dump("app.heap", diag);
//   for (const Sample& s : p.samples)
//     for (LocationId loc : p.stacks.frames(s.stack))            // leaf first
//       fmt::print("{:#x}\n", p.locations[loc.value()].address);
//   double live = p.total()[SampleType::inuse_space];
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memprof/profile/ids.h"
#include "memprof/profile/stack_table.h"
#include "memprof/profile/string_table.h"
#include "memprof/profile/values.h"

namespace memprof {

struct Mapping {
  uint64_t start = 0;
  uint64_t limit = 0;   // exclusive
  uint64_t offset = 0;  // file offset of `start`
  StringId path;        // as written in the dump, without a " (deleted)" suffix
  StringId build_id;    // hex, when known
  bool executable = false;
  bool deleted = false;  // the file was replaced or removed while the process ran

  bool contains(uint64_t address) const { return address >= start && address < limit; }
};

struct Function {
  StringId name;         // demangled, GCC clone suffixes (.isra.0, .cold, ...) folded away
  StringId short_name;   // name without parameter lists and template arguments
  StringId system_name;  // as in the symbol table (mangled)
  StringId file;
};

// One frame of an inline chain. A location's lines are ordered innermost (inlined callee) first.
struct Line {
  FunctionId function;
  uint32_t line = 0;
  uint32_t column = 0;
};

struct Location {
  uint64_t address = 0;     // as in the dump: a return address except for a leaf
  MappingId mapping;        // invalid when no mapping contains the address
  std::vector<Line> lines;  // empty until symbolized, and when no symbol covers the address
};

struct Thread {
  uint64_t id = 0;  // jemalloc's thread counter (t<id>), not the OS tid
  std::string name;
  RawCounts header_counts;  // the thread's line in the dump header
};

struct Sample {
  StackId stack;
  RawCounts raw;
  Values values;  // unsampled
};

struct ThreadSample {
  StackId stack;
  ThreadIndex thread;  // index into Profile::threads
  RawCounts raw;
  Values values;
};

// Which writer's text a dump is, by its header. Sampled formats carry Profile::sample_period;
// the others are exact counts (pprof's legacy_profile.go applies the same rules).
enum class DumpFormat : uint8_t {
  heap_v2,                // "heap_v2/R" with t* lines: jemalloc 4.0 and later
  legacy_heap_v2,         // "heap profile: ... @ heap_v2/R": jemalloc 3.x, gperftools sampled
  legacy_heapprofile,     // "@ heapprofile": gperftools' HeapProfiler, every allocation
  legacy_heapz_v2,        // "@ heapz_v2/R": Google's heapz handler, sampled like heap_v2
  legacy_heap,            // "@ heap" without a period: old heapz, read unscaled as pprof does
  legacy_growthz,         // "@ growthz" or "@ growth": stacks that grew the heap, not sampled
  legacy_fragmentationz,  // "@ fragmentationz" or "@ fragmentation": not sampled
};
std::string_view dump_format_name(DumpFormat format);

// What jemalloc's (or Kvrocks') file name says about a dump: prefix.pid.seq.{i,m,u}N.heap,
// prefix.pid.seq.f.heap, jeprof.pid.counter.heap.
struct DumpName {
  std::string prefix;
  std::optional<uint64_t> pid;
  std::optional<uint64_t> seq;       // orders dumps of one process in time
  char kind = 0;                     // 'i' interval, 'm' manual, 'u' high-water mark, 'f' final, 0 unknown
  std::optional<uint64_t> kind_seq;  // N in iN/mN/uN
};
std::string_view dump_kind_name(char kind);

// The "--- symbol" section of a symbolized dump (jeprof's form, written by `memprof symbolize`):
// names for addresses, so the dump can be read without the binaries. Keys are the addresses
// jeprof looks up: a stack's leaf as written, every caller frame minus one.
struct EmbeddedSymbol {
  uint64_t address = 0;
  std::vector<StringId> names;  // demangled full names, outermost (caller) first, as jeprof lists them
};
struct EmbeddedSymbols {
  std::string binary;                   // the section's "binary=" line, if any
  std::vector<EmbeddedSymbol> symbols;  // sorted by address, unique
};

struct Profile {
  std::string path;  // as given by the user, for messages
  DumpFormat format = DumpFormat::heap_v2;
  uint64_t sample_period = 0;  // bytes; 0 when the data is not sampled (heapprofile)
  RawCounts header_counts;     // the dump's own total line (jemalloc's approximation)
  std::optional<DumpName> name;

  StringTable strings;
  std::vector<Mapping> mappings;  // sorted by start, non-overlapping
  std::vector<Location> locations;
  std::vector<Function> functions;
  StackTable stacks;
  std::vector<Sample> samples;  // one per stack record (all threads)
  std::vector<Thread> threads;
  std::vector<ThreadSample> thread_samples;
  bool has_maps_section = false;
  std::optional<EmbeddedSymbols> embedded_symbols;  // set when the dump starts with "--- symbol"

  Values total() const;
  RawCounts raw_total() const;
  bool has_accum_data() const;  // any nonzero accum counts
  MappingId mapping_for(uint64_t address) const;
  // The honest name of an address without a symbol: "libfoo.so+0x1a2b" (module and file
  // offset), "[vdso]+0x10", "[anon]+0x...", or the bare address outside every mapping.
  std::string unsymbolized_name(const Location& location) const;
  std::string_view str(StringId id) const { return strings.view(id); }
};

}  // namespace memprof
