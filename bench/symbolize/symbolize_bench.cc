// Bench and inspection driver for memprof_symbolize.
//
//   symbolize_bench --elf BIN --offsets FILE [--threads N] [--print]
//     symbolizes the return addresses at the given file offsets (hex, one per line) of BIN, as if
//     the dump had mapped BIN's executable segment; --print writes "offset<TAB>func<TAB>file:line"
//     per frame (innermost first), for comparing with addr2line/llvm-symbolizer.
//   symbolize_bench --dump DUMP [symbolize options]   prints every symbolized stack
#include <charconv>
#include <cstdio>
#include <fstream>
#include <string>

#include "elf_file.h"
#include "mapped_file.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/symbolize/symbolize.h"

using namespace memprof;

namespace {

void print_location(const Profile& p, const Location& loc, const char* prefix) {
  if (loc.lines.empty()) {
    std::printf("%s%s\n", prefix, p.unsymbolized_name(loc).c_str());
    return;
  }
  for (const Line& line : loc.lines) {
    const Function& f = p.functions[line.function.value()];
    std::printf("%s%s\t%s:%u\n", prefix, std::string(p.str(f.name)).c_str(), std::string(p.str(f.file)).c_str(),
                line.line);
  }
}

int run_offsets(const std::string& elf_path, const std::string& offsets_path, symbolize::SymbolizeOptions options,
                bool print) {
  std::string error;
  auto file = symbolize::MappedFile::open(elf_path, error);
  auto elf = file ? symbolize::ElfFile::parse(file->bytes(), error) : std::nullopt;
  if (!elf) {
    std::fprintf(stderr, "%s: %s\n", elf_path.c_str(), error.c_str());
    return 2;
  }
  Profile p;
  constexpr uint64_t kBase = 0x7f0000000000;
  for (const symbolize::ElfSegment& s : elf->loads()) {
    if (!s.executable()) continue;
    Mapping m;
    m.offset = s.offset & ~uint64_t{4095};
    m.start = kBase + (s.vaddr & ~uint64_t{4095});
    m.limit = kBase + ((s.vaddr + s.filesz + 4095) & ~uint64_t{4095});
    m.path = p.strings.intern(elf_path);
    m.executable = true;
    p.mappings.push_back(m);
  }
  std::ifstream in(offsets_path);
  std::vector<uint64_t> offsets;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("0x")) line.erase(0, 2);
    uint64_t v = 0;
    if (std::from_chars(line.data(), line.data() + line.size(), v, 16).ec == std::errc()) offsets.push_back(v);
  }
  for (uint64_t off : offsets) {
    auto vaddr = elf->file_offset_to_vaddr(off);
    Location loc;
    loc.address = kBase + (vaddr ? *vaddr : 0);
    loc.mapping = p.mapping_for(loc.address);
    p.locations.push_back(loc);
  }
  options.keep_allocator_frames = true;
  Diagnostics diag;
  symbolize::SymbolizeReport report = symbolize::symbolize_profile(p, options, diag);
  for (const std::string& w : diag.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (print)
    for (size_t i = 0; i < p.locations.size(); ++i) {
      char prefix[32];
      std::snprintf(prefix, sizeof prefix, "%llx\t", static_cast<unsigned long long>(offsets[i]));
      print_location(p, p.locations[i], prefix);
    }
  std::fprintf(stderr, "%zu of %zu addresses resolved\n", report.resolved, report.addresses);
  return 0;
}

int run_dump(const std::string& dump, const symbolize::SymbolizeOptions& options) {
  Diagnostics diag;
  Profile p = heapparse::read_dump(dump, diag);
  symbolize::SymbolizeReport report = symbolize::symbolize_profile(p, options, diag);
  for (const std::string& w : diag.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  for (size_t s = 0; s < p.stacks.size(); ++s) {
    std::printf("stack %zu\n", s);
    for (LocationId id : p.stacks.frames(StackId{static_cast<uint32_t>(s)}))
      print_location(p, p.locations[id.value()], "  ");
  }
  std::fprintf(stderr, "%zu of %zu addresses resolved, %zu frames trimmed\n", report.resolved, report.addresses,
               report.trimmed_frames);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  symbolize::SymbolizeOptions options;
  std::string elf, offsets, dump;
  bool print = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--elf") elf = next();
    else if (a == "--offsets") offsets = next();
    else if (a == "--dump") dump = next();
    else if (a == "--threads") options.threads = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--print") print = true;
    else if (a == "--binary") options.binary = next();
    else if (a == "--search-path") options.search_paths.push_back(next());
    else if (a == "--debug-dir") options.debug_dirs.push_back(next());
    else if (a == "--keep-allocator-frames") options.keep_allocator_frames = true;
    else if (a == "--no-dwarf") options.use_dwarf = false;
    else {
      std::fprintf(stderr, "usage: symbolize_bench (--elf BIN --offsets FILE [--print] | --dump DUMP) [--threads N]\n");
      return 2;
    }
  }
  if (!dump.empty()) return run_dump(dump, options);
  if (elf.empty() || offsets.empty()) return 2;
  return run_offsets(elf, offsets, options, print);
}
