// Fuzz target for the command line itself: the input is an argument vector (one word per line)
// run in-process through run_cli(), the entry point main() uses. Whatever the words, the result
// is exit status 0, 1 or 2, an error is reported once on one line ("memprof: error: ..."), and
// nothing escapes as an exception or a crash.
//
// The words run in a private temporary directory (the current directory during the call only)
// holding small dumps (one process, three
// snapshots), and never reach outside it: words with '/' or "..", standard input ('-') and the
// commands that start or signal processes (record, ctl) are skipped, so a fuzzed `-o FILE`
// writes only there.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"

namespace {

// A jemalloc heap_v2 dump of three stacks in a module that is not on this machine: names fall
// back to module+offset, which is what the fuzzer should see too.
std::string dump_text(int scale) {
  std::ostringstream s;
  s << "heap_v2/524288\n"
    << "  t*: " << 3 * scale << ": " << 3072 * scale << " [0: 0]\n"
    << "  t0: " << 3 * scale << ": " << 3072 * scale << " [0: 0]\n"
    << "@ 0x401000 0x401100 0x401200\n"
    << "  t*: " << 2 * scale << ": " << 2048 * scale << " [0: 0]\n"
    << "  t0: " << 2 * scale << ": " << 2048 * scale << " [0: 0]\n"
    << "@ 0x401300 0x401200\n"
    << "  t*: " << scale << ": " << 1024 * scale << " [0: 0]\n"
    << "  t0: " << scale << ": " << 1024 * scale << " [0: 0]\n"
    << "\nMAPPED_LIBRARIES:\n"
    << "00400000-00402000 r-xp 00000000 08:01 123 /nonexistent/fuzz-app\n";
  return s.str();
}

std::string& sandbox() {
  static std::string dir;
  return dir;
}

// Written again before every run: a fuzzed `-o a.heap` must not change the next run's input.
void write_inputs() {
  if (sandbox().empty()) {
    char dir[] = "/tmp/memprof-fuzz-cli-XXXXXX";
    if (!::mkdtemp(dir)) std::abort();
    sandbox() = dir;
    std::atexit([] { std::filesystem::remove_all(sandbox()); });
  }
  for (const auto& [name, scale] : {std::pair{"a.heap", 1}, std::pair{"jeprof.7.0.i0.heap", 1},
                                    std::pair{"jeprof.7.1.i1.heap", 2}, std::pair{"jeprof.7.2.i2.heap", 4}})
    std::ofstream(sandbox() + "/" + name, std::ios::trunc) << dump_text(scale);
}

bool allowed(const std::vector<std::string>& words) {
  if (words.empty()) return true;
  if (words[0] == "record" || words[0] == "ctl") return false;
  for (const std::string& w : words)
    if (w == "-" || w.ends_with("=-") || w.find('/') != std::string::npos || w.find("..") != std::string::npos)
      return false;
  return true;
}

bool one_line_messages(const std::string& err) {
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("memprof: ") && !line.starts_with("Run 'memprof")) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> words;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (size_t start = 0; start <= text.size() && words.size() < 32;) {
    size_t end = std::min(text.find('\n', start), text.size());
    words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (!words.empty() && words.back().empty()) words.pop_back();
  if (!allowed(words)) return 0;
  // The command runs in the sandbox; libFuzzer, which writes the corpus and artifacts by the
  // paths it was given, runs in the directory it started in.
  write_inputs();
  std::filesystem::path home = std::filesystem::current_path();
  std::filesystem::current_path(sandbox());
  std::ostringstream out, err;
  int status = memprof::cli::run_cli(words, out, err);
  std::filesystem::current_path(home);
  bool help = err.str().empty() && status == 0;
  if (status < 0 || status > 2) __builtin_trap();
  if (status == 2 && err.str().find("memprof: error: ") == std::string::npos) __builtin_trap();
  if (!help && !one_line_messages(err.str())) __builtin_trap();
  return 0;
}
