#include "fixture_support.h"

#include <doctest/doctest.h>

#include <sstream>

#include "test_support.h"

namespace memprof::test {

namespace {

std::vector<std::string> hex_args(const std::vector<uint64_t>& vaddrs) {
  std::vector<std::string> out;
  char buf[32];
  for (uint64_t a : vaddrs) {
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(a));
    out.emplace_back(buf);
  }
  return out;
}

// "path/file.cc:42:7" or "path/file.cc:42 (discriminator 3)" -> file, line.
void split_file_line(std::string text, OracleFrame& frame) {
  if (size_t d = text.find(" (discriminator"); d != std::string::npos) text.resize(d);
  size_t colon = text.find(':');
  // File names never contain ':' here; the first one starts line[:column].
  frame.file = text.substr(0, colon);
  if (frame.file == "??") frame.file.clear();  // unknown, as memprof leaves it empty
  if (colon != std::string::npos)
    frame.line = static_cast<unsigned>(std::strtoul(text.c_str() + colon + 1, nullptr, 10));
}

std::string strip_clone(std::string name) {
  if (size_t c = name.find(" [clone "); c != std::string::npos) name.resize(c);
  return name;
}

}  // namespace

void make_dump(const std::string& binary, const std::string& dump, bool preload) {
  std::vector<std::string> env = {"MALLOC_CONF=prof:true,lg_prof_sample:0"};
  if (preload) env.push_back(std::string("LD_PRELOAD=") + kSystemJemalloc);
  CommandResult r = run_command({binary, dump, SYM_FIXTURE_DIR "/symplugin.so"}, env);
  INFO(binary, ": ", r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(!read_file(dump).empty());
}

std::vector<OracleChain> llvm_symbolizer(const std::string& binary, const std::vector<uint64_t>& vaddrs,
                                         const std::string& debug_dir) {
  std::vector<std::string> argv = {"llvm-symbolizer-14", "--obj=" + binary, "--inlining", "--demangle",
                                   "--functions=linkage"};
  if (!debug_dir.empty()) argv.push_back("--debug-file-directory=" + debug_dir);
  for (std::string& a : hex_args(vaddrs)) argv.push_back(std::move(a));
  CommandResult r = run_command(argv);
  REQUIRE(r.exit_code == 0);
  std::vector<OracleChain> out(1);
  std::istringstream in(r.out);
  for (std::string fn, loc; std::getline(in, fn);) {
    if (fn.empty()) {
      out.emplace_back();
      continue;
    }
    std::getline(in, loc);
    OracleFrame f;
    f.function = strip_clone(fn);
    split_file_line(loc, f);
    out.back().push_back(f);
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  REQUIRE(out.size() == vaddrs.size());
  return out;
}

std::vector<OracleChain> addr2line(const std::string& binary, const std::vector<uint64_t>& vaddrs) {
  std::vector<std::string> argv = {"addr2line", "-a", "-f", "-i", "-C", "-e", binary};
  for (std::string& a : hex_args(vaddrs)) argv.push_back(std::move(a));
  CommandResult r = run_command(argv);
  REQUIRE(r.exit_code == 0);
  std::vector<OracleChain> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("0x")) {
      out.emplace_back();
      continue;
    }
    std::string loc;
    std::getline(in, loc);
    OracleFrame f;
    f.function = strip_clone(line);
    split_file_line(loc, f);
    out.back().push_back(f);
  }
  REQUIRE(out.size() == vaddrs.size());
  return out;
}

std::vector<LoadSegment> readelf_loads(const std::string& binary) {
  CommandResult r = run_command({"readelf", "-lW", binary});
  REQUIRE(r.exit_code == 0);
  std::vector<LoadSegment> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string type, offset, vaddr, paddr, filesz;
    fields >> type >> offset >> vaddr >> paddr >> filesz;
    if (type != "LOAD") continue;
    out.push_back(
        {std::stoull(offset, nullptr, 16), std::stoull(vaddr, nullptr, 16), std::stoull(filesz, nullptr, 16)});
  }
  return out;
}

}  // namespace memprof::test
