// The symbolizer against real jemalloc dumps of the fixture programs (testdata/src/symbolize),
// with llvm-symbolizer-14 and binutils addr2line as oracles on the same addresses.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "fixture_support.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/symbolize/symbolize.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;
namespace fs = std::filesystem;

namespace {

const std::string kDir = SYM_FIXTURE_DIR;

// The allocation sites of sym_main.cc, sym_lib.cc and sym_plugin.cc (outermost function of the
// top frame once allocator frames are trimmed).
const std::set<std::string> kSites = {"symfix::alloc_with_inlining", "symfix::alloc_with_malloc",
                                      "symfix::alloc_with_calloc",   "symfix::Pool::make",
                                      "symlib::allocate_buffer",     "plugin::Factory::build"};

bool is_fixture_module(std::string_view path) {
  std::string base = fs::path(path).filename();
  return base.starts_with("sym_") || base == "libsymlib.so" || base == "symplugin.so";
}

std::string_view fname(const Profile& p, const Line& line) { return p.str(p.functions[line.function.value()].name); }
std::string_view short_name(const Profile& p, const Line& line) {
  return p.str(p.functions[line.function.value()].short_name);
}

struct Symbolized {
  Profile profile;
  symbolize::SymbolizeReport report;
  Diagnostics diag;
};

Symbolized symbolize_dump(const std::string& dump, symbolize::SymbolizeOptions options) {
  Symbolized s;
  s.profile = heapparse::read_dump(dump, s.diag);
  s.report = symbolize::symbolize_profile(s.profile, options, s.diag);
  return s;
}

// Compares every fixture-module address of the dump with both oracles. `oracle_file` maps a
// module path to the file the oracles should read (the debug file for stripped binaries).
void compare_with_oracles(const Profile& p, const std::function<std::string(const std::string&)>& oracle_file,
                          const std::string& debug_dir = {}, bool use_addr2line = true) {
  std::set<uint32_t> leaves;
  for (size_t s = 0; s < p.stacks.size(); ++s)
    leaves.insert(p.stacks.frames(StackId{static_cast<uint32_t>(s)})[0].value());
  // Per module: locations and their oracle addresses.
  std::map<std::string, std::vector<std::pair<size_t, uint64_t>>> by_module;
  for (size_t i = 0; i < p.locations.size(); ++i) {
    const Location& loc = p.locations[i];
    if (!loc.mapping.valid()) continue;
    const Mapping& m = p.mappings[loc.mapping.value()];
    std::string path(p.str(m.path));
    if (!is_fixture_module(path) || leaves.contains(static_cast<uint32_t>(i))) continue;
    uint64_t offset = loc.address - m.start + m.offset;
    std::optional<uint64_t> vaddr;
    for (const LoadSegment& seg : readelf_loads(path))
      if (offset >= seg.offset && offset < seg.offset + seg.filesz) vaddr = offset - seg.offset + seg.vaddr;
    REQUIRE(vaddr);
    by_module[path].push_back({i, *vaddr - 1});
  }
  REQUIRE(!by_module.empty());
  size_t compared = 0;
  for (const auto& [module, entries] : by_module) {
    std::vector<uint64_t> vaddrs;
    for (const auto& e : entries) vaddrs.push_back(e.second);
    std::string file = oracle_file(module);
    std::vector<OracleChain> llvm = llvm_symbolizer(file, vaddrs, debug_dir);
    std::vector<OracleChain> binutils = use_addr2line ? addr2line(file, vaddrs) : std::vector<OracleChain>();
    for (size_t k = 0; k < entries.size(); ++k) {
      const Location& loc = p.locations[entries[k].first];
      INFO(module, " vaddr 0x", std::hex, vaddrs[k]);
      if (loc.lines.empty()) {
        CHECK(llvm[k].front().function == "??");
        continue;
      }
      // llvm-symbolizer: the whole inline chain, names and file:line.
      REQUIRE(loc.lines.size() == llvm[k].size());
      for (size_t f = 0; f < loc.lines.size(); ++f) {
        const Function& fn = p.functions[loc.lines[f].function.value()];
        CHECK(p.str(fn.name) == llvm[k][f].function);
        CHECK(p.str(fn.file) == llvm[k][f].file);
        CHECK(loc.lines[f].line == llvm[k][f].line);
      }
      // addr2line: the chain's file:line, and the outermost name (binutils names inlined
      // frames after the enclosing symbol, so inner names are not comparable).
      if (use_addr2line) {
        REQUIRE(loc.lines.size() == binutils[k].size());
        for (size_t f = 0; f < loc.lines.size(); ++f) {
          CHECK(fs::path(std::string(p.str(p.functions[loc.lines[f].function.value()].file))).filename() ==
                fs::path(binutils[k][f].file).filename());
          CHECK(loc.lines[f].line == binutils[k][f].line);
        }
        CHECK(fname(p, loc.lines.back()) == binutils[k].back().function);
      }
      ++compared;
    }
  }
  CHECK(compared >= 10);
}

// After trimming: every stack through a fixture allocation site starts at that site, all six
// sites are seen, and no stack starts inside the allocator.
void check_trimmed_tops(const Profile& p) {
  std::set<std::string> seen;
  for (size_t s = 0; s < p.stacks.size(); ++s) {
    auto frames = p.stacks.frames(StackId{static_cast<uint32_t>(s)});
    const Location& top = p.locations[frames[0].value()];
    if (!top.lines.empty()) {
      CHECK(short_name(p, top.lines.back()) != "malloc_usable_size");
      CHECK(short_name(p, top.lines.back()) != "malloc");
      CHECK(short_name(p, top.lines.back()) != "operator new");
    }
    for (size_t f = 0; f < frames.size(); ++f) {
      const Location& loc = p.locations[frames[f].value()];
      if (loc.lines.empty()) continue;
      std::string outer(short_name(p, loc.lines.back()));
      if (!kSites.contains(outer)) continue;
      INFO("stack ", s, " site ", outer);
      CHECK(f == 0);
      seen.insert(outer);
      break;
    }
  }
  CHECK(seen == kSites);
}

// The inline chain of alloc_with_inlining: inlined_leaf <- inlined_middle <- alloc_with_inlining.
void check_inline_chain(const Profile& p) {
  bool found = false;
  for (const Location& loc : p.locations) {
    if (loc.lines.size() != 3 || short_name(p, loc.lines[2]) != "symfix::alloc_with_inlining") continue;
    CHECK(short_name(p, loc.lines[0]).find("inlined_leaf") != std::string_view::npos);
    CHECK(short_name(p, loc.lines[1]).find("inlined_middle") != std::string_view::npos);
    CHECK(loc.lines[0].line > 0);
    found = true;
  }
  CHECK(found);
}

std::string same_file(const std::string& path) { return path; }

// `stripped` was symbolized without symbols for sym_buildid, `full` with them. Every address
// the stripped run could not name must carry its function's start, `sym_buildid+0xOFFSET`,
// where OFFSET is the file offset of the symbol the full run names it by (readelf's value).
void check_named_by_function_start(const Profile& stripped, const Profile& full, const std::string& debug_file) {
  std::map<std::string, uint64_t> symbol_value;  // mangled name -> st_value
  CommandResult syms = run_command({"readelf", "-sW", "--wide", debug_file});
  REQUIRE(syms.exit_code == 0);
  std::istringstream in(syms.out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string num, value, size, type, bind, vis, ndx, name;
    if (fields >> num >> value >> size >> type >> bind >> vis >> ndx >> name && type == "FUNC")
      symbol_value[name] = std::stoull(value, nullptr, 16);
  }
  std::vector<LoadSegment> loads;  // of the stripped binary: the debug file's have no file bytes
  std::map<uint64_t, const Location*> full_by_address;
  for (const Location& loc : full.locations) full_by_address[loc.address] = &loc;
  std::map<std::string, std::set<std::string>> names_of_function;  // full name -> stripped names
  size_t checked = 0;
  for (const Location& loc : stripped.locations) {
    if (!loc.mapping.valid() || !stripped.str(stripped.mappings[loc.mapping.value()].path).ends_with("/sym_buildid"))
      continue;
    if (loc.lines.empty()) continue;
    const Function& f = stripped.functions[loc.lines.back().function.value()];
    if (f.system_name.value() != 0) continue;  // named by .dynsym
    if (loads.empty()) loads = readelf_loads(std::string(stripped.str(stripped.mappings[loc.mapping.value()].path)));
    const Location* named = full_by_address[loc.address];
    REQUIRE(named);
    REQUIRE(!named->lines.empty());
    std::string system(full.str(full.functions[named->lines.back().function.value()].system_name));
    REQUIRE(symbol_value.contains(system));
    std::optional<uint64_t> offset;
    for (const LoadSegment& seg : loads)
      if (symbol_value[system] >= seg.vaddr && symbol_value[system] < seg.vaddr + seg.filesz)
        offset = symbol_value[system] - seg.vaddr + seg.offset;
    REQUIRE(offset);
    char expected[64];
    std::snprintf(expected, sizeof expected, "sym_buildid+0x%llx", static_cast<unsigned long long>(*offset));
    INFO(system);
    CHECK(stripped.str(f.name) == expected);
    names_of_function[system].insert(std::string(stripped.str(f.name)));
    ++checked;
  }
  CHECK(checked >= 5);
  // main holds several call sites: all of them in one row.
  CHECK(names_of_function["main"].size() == 1);
}

}  // namespace

TEST_CASE("PIE with DWARF 5, linked library and dlopen()ed plugin match the oracles") {
  TempDir dir;
  std::string dump = dir.path() + "/pie.heap";
  make_dump(kDir + "/sym_pie", dump);
  symbolize::SymbolizeOptions options;
  options.keep_allocator_frames = true;
  Symbolized s = symbolize_dump(dump, options);
  compare_with_oracles(s.profile, same_file);
  check_inline_chain(s.profile);

  options.keep_allocator_frames = false;
  Symbolized trimmed = symbolize_dump(dump, options);
  check_trimmed_tops(trimmed.profile);
  CHECK(trimmed.report.trimmed_frames > 0);
}

TEST_CASE("non-PIE with DWARF 4, linked against jemalloc, matches the oracles") {
  TempDir dir;
  std::string dump = dir.path() + "/nopie.heap";
  make_dump(kDir + "/sym_nopie", dump, /*preload=*/false);
  symbolize::SymbolizeOptions options;
  options.keep_allocator_frames = true;
  Symbolized s = symbolize_dump(dump, options);
  compare_with_oracles(s.profile, same_file);
  check_inline_chain(s.profile);
  options.keep_allocator_frames = false;
  check_trimmed_tops(symbolize_dump(dump, options).profile);
}

TEST_CASE("zlib-compressed debug sections (inflated by memprof, not LLVM) match the oracles") {
  CommandResult sections = run_command({"readelf", "-SW", kDir + "/sym_zdebug"});
  REQUIRE(std::regex_search(sections.out, std::regex(R"(\.debug_info\s.*\bC\b)")));  // compressed indeed
  TempDir dir;
  std::string dump = dir.path() + "/zdebug.heap";
  make_dump(kDir + "/sym_zdebug", dump);
  symbolize::SymbolizeOptions options;
  options.keep_allocator_frames = true;
  Symbolized s = symbolize_dump(dump, options);
  compare_with_oracles(s.profile, same_file);
  check_inline_chain(s.profile);
  CHECK(s.report.resolved > 0);
}

TEST_CASE("split DWARF (.dwo next to the objects) matches llvm-symbolizer") {
  TempDir dir;
  std::string dump = dir.path() + "/split.heap";
  make_dump(kDir + "/sym_split", dump);
  symbolize::SymbolizeOptions options;
  options.keep_allocator_frames = true;
  Symbolized s = symbolize_dump(dump, options);
  compare_with_oracles(s.profile, same_file, {}, /*use_addr2line=*/false);
  check_inline_chain(s.profile);
}

TEST_CASE("stripped binary with .gnu_debuglink uses the debug file") {
  TempDir dir;
  std::string dump = dir.path() + "/debuglink.heap";
  make_dump(kDir + "/sym_debuglink", dump);
  symbolize::SymbolizeOptions options;
  options.keep_allocator_frames = true;
  Symbolized s = symbolize_dump(dump, options);
  compare_with_oracles(
      s.profile, [](const std::string& path) { return path.ends_with("/sym_debuglink") ? path + ".debug" : path; });
  check_inline_chain(s.profile);
  bool reported = false;
  for (const auto& m : s.report.modules)
    if (m.dump_path.ends_with("/sym_debuglink")) {
      CHECK(m.symbol_source.find("sym_debuglink.debug") != std::string::npos);
      reported = true;
    }
  CHECK(reported);
}

TEST_CASE("stripped binary with a build-id debug tree given as a debug dir") {
  TempDir dir;
  std::string dump = dir.path() + "/buildid.heap";
  make_dump(kDir + "/sym_buildid", dump);
  symbolize::SymbolizeOptions options;
  options.keep_allocator_frames = true;
  Symbolized without = symbolize_dump(dump, options);
  options.debug_dirs = {kDir + "/debugtree"};
  Symbolized s = symbolize_dump(dump, options);
  std::string debug_file;
  for (const auto& e : fs::recursive_directory_iterator(kDir + "/debugtree"))
    if (e.path().extension() == ".debug") debug_file = e.path();
  REQUIRE(!debug_file.empty());
  // The oracles read the debug file itself (it has the .symtab the stripped binary lost).
  compare_with_oracles(s.profile,
                       [&](const std::string& path) { return path.ends_with("/sym_buildid") ? debug_file : path; });
  check_inline_chain(s.profile);
  // Without the tree only .dynsym is left: fewer names, and never a wrong one.
  CHECK(without.report.resolved < s.report.resolved);
  check_named_by_function_start(without.profile, s.profile, debug_file);
}

TEST_CASE("stripped system libjemalloc.so.2: no allocator frame survives at the top") {
  TempDir dir;
  std::string dump = dir.path() + "/preload.heap";
  make_dump(kDir + "/sym_pie", dump);
  Symbolized s = symbolize_dump(dump, {});
  check_trimmed_tops(s.profile);
  for (size_t i = 0; i < s.profile.stacks.size(); ++i) {
    const Location& top = s.profile.locations[s.profile.stacks.frames(StackId{static_cast<uint32_t>(i)})[0].value()];
    if (!top.mapping.valid()) continue;
    std::string_view path = s.profile.str(s.profile.mappings[top.mapping.value()].path);
    // Stacks made only of allocator frames are kept whole; any other must not start in jemalloc.
    if (path.find("libjemalloc") != std::string_view::npos) {
      auto frames = s.profile.stacks.frames(StackId{static_cast<uint32_t>(i)});
      for (LocationId f : frames) {
        const Location& l = s.profile.locations[f.value()];
        if (!l.lines.empty()) CHECK(!kSites.contains(std::string(short_name(s.profile, l.lines.back()))));
      }
    }
  }
  bool saw_jemalloc = false;
  for (const auto& m : s.report.modules)
    if (m.dump_path == kSystemJemalloc) {
      saw_jemalloc = true;
      CHECK(m.symbol_source == "dynsym");
      CHECK(m.resolved < m.addresses);  // internal static functions have no symbol: stay unknown
    }
  CHECK(saw_jemalloc);
}

TEST_CASE("a moved binary is found through search_paths; a wrong one is rejected") {
  TempDir dir;
  fs::create_directories(dir.path() + "/run");
  fs::copy_file(kDir + "/sym_pie", dir.path() + "/run/sym_pie");
  std::string dump = dir.path() + "/moved.heap";
  make_dump(dir.path() + "/run/sym_pie", dump);
  fs::rename(dir.path() + "/run", dir.path() + "/moved");

  Symbolized lost = symbolize_dump(dump, {});
  bool summary = false;
  for (const std::string& w : lost.diag.warnings)
    if (w.starts_with("no symbols for 1 module") && w.find("/run/sym_pie") != std::string::npos) summary = true;
  CHECK(summary);

  symbolize::SymbolizeOptions options;
  options.search_paths = {dir.path() + "/moved"};
  Symbolized found = symbolize_dump(dump, options);
  check_trimmed_tops(found.profile);
  check_inline_chain(found.profile);

  // A different binary under the same name cannot produce the dump's mappings.
  fs::create_directories(dir.path() + "/wrong");
  fs::copy_file(kDir + "/sym_nopie", dir.path() + "/wrong/sym_pie");
  options.search_paths = {dir.path() + "/wrong"};
  Symbolized wrong = symbolize_dump(dump, options);
  bool mismatch = false;
  for (const std::string& w : wrong.diag.warnings)
    if (w.find("does not match the dump") != std::string::npos) mismatch = true;
  CHECK(mismatch);

  // --binary names the main executable explicitly.
  symbolize::SymbolizeOptions by_binary;
  by_binary.binary = dir.path() + "/moved/sym_pie";
  check_trimmed_tops(symbolize_dump(dump, by_binary).profile);
}

TEST_CASE("malformed and non-regular candidates give warnings, not crashes") {
  TempDir dir;
  fs::create_directories(dir.path() + "/run");
  fs::copy_file(kDir + "/sym_pie", dir.path() + "/run/sym_pie");
  std::string dump = dir.path() + "/bad.heap";
  make_dump(dir.path() + "/run/sym_pie", dump);
  std::string original = read_file(dir.path() + "/run/sym_pie");
  // Header intact, section and program headers cut off.
  write_file(dir.path() + "/run/sym_pie", original.substr(0, 200));
  Symbolized s = symbolize_dump(dump, {});
  bool warned = false;
  for (const std::string& w : s.diag.warnings)
    if (w.find("/run/sym_pie") != std::string::npos) warned = true;
  CHECK(warned);
  // A directory where the binary was: skipped.
  fs::remove(dir.path() + "/run/sym_pie");
  fs::create_directories(dir.path() + "/run/sym_pie");
  Symbolized d = symbolize_dump(dump, {});
  CHECK(d.report.resolved < s.profile.locations.size());
}
