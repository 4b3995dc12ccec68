// The multi-threaded DWARF path: one module's lookups split across threads by compilation unit.
// Run in the normal build and, as ctest symbolize_tsan, built with -fsanitize=thread.
#include <doctest/doctest.h>

#include <ios>
#include <map>
#include <string>

#include "fixture_support.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/symbolize/symbolize.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;

namespace {

const std::string kDir = SYM_FIXTURE_DIR;

// Every location's inline chain as text ("name file:line | ..."), keyed by address.
std::map<uint64_t, std::string> chains(const Profile& p) {
  std::map<uint64_t, std::string> out;
  for (const Location& loc : p.locations) {
    std::string text;
    for (const Line& line : loc.lines) {
      const Function& f = p.functions[line.function.value()];
      text += std::string(p.str(f.name)) + " " + std::string(p.str(f.file)) + ":" + std::to_string(line.line) + " | ";
    }
    out[loc.address] = text;
  }
  return out;
}

struct Run {
  Profile profile;
  symbolize::SymbolizeReport report;
  Diagnostics diag;
};

Run symbolize_with(const std::string& dump, unsigned threads, size_t min_split) {
  Run r;
  r.profile = heapparse::read_dump(dump, r.diag);
  symbolize::SymbolizeOptions options;
  options.keep_allocator_frames = true;
  options.threads = threads;
  options.parallel_min_addresses = min_split;
  r.report = symbolize::symbolize_profile(r.profile, options, r.diag);
  return r;
}

const symbolize::ModuleReport* module_named(const symbolize::SymbolizeReport& report, std::string_view suffix) {
  for (const auto& m : report.modules)
    if (m.dump_path.ends_with(suffix)) return &m;
  return nullptr;
}

// Every 10th return address of `binary` in the dump against llvm-symbolizer's inline chain.
void check_against_llvm_symbolizer(const Profile& p, const std::string& binary) {
  std::vector<LoadSegment> loads = readelf_loads(binary);
  std::vector<const Location*> picked;
  std::vector<uint64_t> vaddrs;
  for (size_t s = 0; s < p.stacks.size(); ++s) {
    auto frames = p.stacks.frames(StackId{static_cast<uint32_t>(s)});
    for (size_t f = 1; f < frames.size(); ++f) {  // not the leaf: return addresses only
      const Location& loc = p.locations[frames[f].value()];
      if (!loc.mapping.valid() || !p.str(p.mappings[loc.mapping.value()].path).ends_with("/sym_many")) continue;
      const Mapping& m = p.mappings[loc.mapping.value()];
      uint64_t offset = loc.address - m.start + m.offset;
      for (const LoadSegment& seg : loads)
        if (offset >= seg.offset && offset < seg.offset + seg.filesz) {
          picked.push_back(&loc);
          vaddrs.push_back(offset - seg.offset + seg.vaddr - 1);
        }
    }
  }
  std::map<uint64_t, const Location*> unique;
  std::vector<uint64_t> sample;
  for (size_t i = 0; i < vaddrs.size(); ++i)
    if (unique.emplace(vaddrs[i], picked[i]).second && unique.size() % 10 == 0) sample.push_back(vaddrs[i]);
  REQUIRE(sample.size() >= 50);
  std::vector<OracleChain> oracle = llvm_symbolizer(binary, sample);
  for (size_t k = 0; k < sample.size(); ++k) {
    const Location& loc = *unique[sample[k]];
    INFO("vaddr 0x", std::hex, sample[k]);
    REQUIRE(loc.lines.size() == oracle[k].size());
    for (size_t f = 0; f < loc.lines.size(); ++f) {
      CHECK(p.str(p.functions[loc.lines[f].function.value()].name) == oracle[k][f].function);
      CHECK(loc.lines[f].line == oracle[k][f].line);
    }
  }
}

}  // namespace

TEST_CASE("a module with 1280 addresses in four units is split across two threads, same answers") {
  TempDir dir;
  std::string dump = dir.path() + "/many.heap";
  make_dump(kDir + "/sym_many", dump);
  Run one = symbolize_with(dump, 1, 512);
  Run two = symbolize_with(dump, 2, 512);  // the default threshold
  const symbolize::ModuleReport* serial = module_named(one.report, "/sym_many");
  const symbolize::ModuleReport* split = module_named(two.report, "/sym_many");
  REQUIRE(serial);
  REQUIRE(split);
  CHECK(split->addresses >= 1280);
  CHECK(serial->dwarf_parts == 1);
  CHECK(split->dwarf_parts == 2);
  CHECK(split->resolved == serial->resolved);
  CHECK(split->resolved == split->addresses);
  CHECK(chains(two.profile) == chains(one.profile));
  CHECK(two.diag.warnings == one.diag.warnings);

  // The names are right, not only equal: every one of the 640 site<N> functions shows up, and a
  // sample of addresses matches llvm-symbolizer.
  size_t sites = 0;
  for (const Function& f : two.profile.functions)
    if (std::string name(two.profile.str(f.name)); name.find("::site<") != std::string::npos) ++sites;
  CHECK(sites == 640);
  check_against_llvm_symbolizer(two.profile, kDir + "/sym_many");
}

TEST_CASE("a threshold of one address splits every module with DWARF, same answers as one thread") {
  TempDir dir;
  std::string dump = dir.path() + "/pie.heap";
  make_dump(kDir + "/sym_pie", dump);
  Run one = symbolize_with(dump, 1, 512);
  Run two = symbolize_with(dump, 2, 1);
  size_t split_modules = 0;
  for (const auto& m : two.report.modules) split_modules += m.dwarf_parts > 1;
  CHECK(split_modules >= 1);
  CHECK(chains(two.profile) == chains(one.profile));
  CHECK(two.report.resolved == one.report.resolved);
}
