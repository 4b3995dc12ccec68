// Options must never eat the dump (issue 9 §1): for every subcommand and every option its --help
// lists, the option is placed *before* the dump, in both the `--opt VALUE` and `--opt=VALUE`
// forms, and the command must analyse the dump named, never a newer "decoy" dump that the
// no-input fallback would pick. Runs the command lines in-process through run_cli().
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "in_process.h"
#include "test_support.h"

namespace fs = std::filesystem;
using memprof::test::run;
using memprof::test::Run;

namespace {

struct HelpOption {
  std::string name;  // --long
  std::string type;  // what CLI11 prints after it: SIZE, DIR, TEXT, ...; empty for flags
};

// The long options of `memprof SUB --help`, as a user reads them.
std::vector<HelpOption> help_options(const std::string& sub) {
  Run help = run({sub, "--help"});
  REQUIRE(help.status == 0);
  std::vector<HelpOption> options;
  static const std::regex kLine(R"(^\s+(?:-\w,)?(--[a-z][a-z0-9-]*)(?: ([A-Z][A-Z|%]*)(?=[\s:=[]|$))?)");
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, kLine)) continue;
    if (m[1] == "--help" || m[1] == "--version") continue;
    options.push_back({m[1], m[2]});
  }
  return options;
}

// A valid value for each option: by name where the type says too little, else by type.
std::string value_for(const std::string& sub, const HelpOption& o, const std::string& dir) {
  static const std::map<std::string, std::string> kByName = {
      {"--title", "T"},         {"--subtitle", "S"},       {"--colors", "hot"},         {"--minwidth", "0.5"},
      {"--min-delta", "1KiB"},  {"--base", "named1.heap"}, {"--buckets", "pow2"},       {"--width", "1200"},
      {"--min-percent", "1"},   {"--rows", "5"},           {"--alpha", "0.05"},         {"--min-slope", "1KiB/step"},
      {"--thread", "0"},        {"--to", "folded"},        {"--smaps", "smaps_rollup"}, {"--suppressions", "supp.txt"},
      {"--output", "out.file"},
  };
  if (auto it = kByName.find(o.name); it != kByName.end()) return it->second;
  if (o.name == "--format") return "json";
  static const std::map<std::string, std::string> kByType = {
      {"SIZE", "1GiB"},
      {"SIZE|PCT%", "1GiB"},
      {"PCT", "99"},
      {"DURATION", "1s"},
      {"RE", "fixture"},
      {"DIR", "bin"},
      {"UINT", "5"},
      {"NUMBER", "1"},
      {"FLOAT", "1"},
      {"INT", "1"},
      {"PATH", dir + "/bin/heap_fixture"},
      {"FILE", "supp.txt"},
      {"N|NAME", "0"},
  };
  auto it = kByType.find(o.type);
  INFO(sub << " " << o.name << " " << o.type);
  REQUIRE_MESSAGE(it != kByType.end(), "add a value for this option type to the walk's table");
  return it->second;
}

// Whatever a command needs besides the option under test, and its positional inputs.
struct Shape {
  std::vector<std::string> required;
  std::vector<std::string> inputs;
};

Shape shape_of(const std::string& sub, const std::string& option) {
  const std::string stats = std::string(MEMPROF_SOURCE_DIR) + "/testdata/stats/jemalloc-5.2-indented.json";
  if (sub == "stats") return {{}, {stats}};
  if (sub == "explain") return {{}, {"named1.heap", stats}};
  if (sub == "diff") return {{}, {"named1.heap", "named2.heap"}};
  if (sub == "trend") return {{}, {"named1.heap", "named3.heap", "named2.heap"}};
  if (sub == "convert") {
    if (option == "--to") return {{}, {"named2.heap"}};
    if (option == "--threads" || option == "--no-symbolize") return {{"--to", "pprof"}, {"named2.heap"}};
    return {{"--to", "folded"}, {"named2.heap"}};
  }
  if (sub == "flame" &&
      (option == "--negate" || option == "--self-delta" || option == "--min-delta" || option == "--normalize"))
    return {{"--base", "named1.heap"}, {"named2.heap"}};
  return {{}, {"named2.heap"}};
}

class WorkDir {
 public:
  WorkDir() : saved_(fs::current_path()) { fs::current_path(dir_.path()); }
  ~WorkDir() { fs::current_path(saved_); }
  const std::string& path() const { return dir_.path(); }

 private:
  memprof::test::TempDir dir_;
  fs::path saved_;
};

}  // namespace

TEST_CASE("every option of every subcommand, placed before the dump, leaves the dump named") {
  WorkDir work;
  const std::string dumps = MEMPROF_FIXTURE_DUMPS;
  fs::copy_file(dumps + "/phase1.heap", "named1.heap");
  fs::copy_file(dumps + "/phase3.heap", "named2.heap");
  fs::copy_file(dumps + "/phase2.heap", "named3.heap");
  fs::create_directory("bin");
  fs::copy_file(std::string(MEMPROF_BINARY_DIR) + "/tests/fixtures/heap_fixture", "bin/heap_fixture");
  memprof::test::write_file("supp.txt", "leak:no_such_function\n");
  memprof::test::write_file("smaps_rollup", "Rss:              1048576 kB\n");
  // Newest of all: what a fallback to "the newest dump here" would pick. It names itself in
  // the error it causes, so a command that read it cannot pass.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  memprof::test::write_file("decoy.heap", "heap_v2/524288\n  t*: decoy-was-read\n");

  // Every subcommand `memprof --help` lists, but those that run or talk to a live process.
  const std::set<std::string> live = {"record", "ctl"};
  std::vector<std::string> subcommands;
  {
    Run help = run({"--help"});
    REQUIRE(help.out.find("Subcommands:") != std::string::npos);
    std::istringstream lines(help.out.substr(help.out.find("Subcommands:")));
    static const std::regex kCommand(R"(^  ([a-z]+)\s)");
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (std::regex_search(line, m, kCommand) && !live.contains(m[1])) subcommands.push_back(m[1]);
    }
  }
  CHECK(subcommands.size() >= 10);
  size_t runs = 0;
  std::set<std::string> option_types;
  for (const std::string& sub : subcommands) {
    std::vector<HelpOption> options = help_options(sub);
    CHECK_MESSAGE(!options.empty(), sub);
    for (const HelpOption& o : options) {
      option_types.insert(o.type);
      Shape shape = shape_of(sub, o.name);
      std::vector<std::vector<std::string>> forms;
      if (o.type.empty()) {
        forms.push_back({o.name});
      } else {
        std::string value = value_for(sub, o, work.path());
        forms.push_back({o.name, value});
        forms.push_back({o.name + "=" + value});
      }
      for (const std::vector<std::string>& form : forms) {
        std::vector<std::string> args = {sub};
        args.insert(args.end(), form.begin(), form.end());
        args.insert(args.end(), shape.required.begin(), shape.required.end());
        args.insert(args.end(), shape.inputs.begin(), shape.inputs.end());
        Run r = run(args);
        ++runs;
        std::string line;
        for (const std::string& a : args) line += a + " ";
        INFO("memprof " << line << "\nstatus " << r.status << "\nstderr: " << r.err);
        CHECK(r.err.find("decoy") == std::string::npos);
        CHECK(r.out.find("decoy") == std::string::npos);
        CHECK(r.err.find("no input given") == std::string::npos);
        CHECK((r.status == 0 || r.status == 1));
      }
    }
  }
  MESSAGE(runs << " command lines, option types: " << option_types.size());
  CHECK(runs > 150);
}

TEST_CASE("repeatable options take one value each; the dump after them is still the dump") {
  WorkDir work;
  fs::copy_file(std::string(MEMPROF_FIXTURE_DUMPS) + "/phase3.heap", "run.heap");
  fs::create_directory("bin");
  fs::create_directory("debug");
  memprof::test::write_file("decoy.heap", "heap_v2/524288\n  t*: decoy-was-read\n");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"top", "--fail-above", "100MiB", "--search-path", "bin", "run.heap"},
           {"top", "--search-path=bin", "--search-path", "debug", "run.heap"},
           {"top", "--debug-dir", "debug", "--debug-dir=bin", "run.heap"},
           {"flame", "--folded", "--base", "run.heap", "run.heap"},
       }) {
    Run r = run(args);
    INFO(args[1] << " " << args[2] << "\n" << r.err);
    CHECK(r.status == 0);
    CHECK(r.err.find("decoy") == std::string::npos);
    CHECK(r.err.find("no input given") == std::string::npos);
    CHECK(r.err.find("error") == std::string::npos);
  }
  // A dump-like word that ended up as an option's value is not silently replaced by another dump.
  Run r = run({"top", "--binary", "run.heap"});
  CHECK(r.status == 2);
  CHECK(r.err.find("run.heap") != std::string::npos);
  CHECK(r.err.find("decoy") == std::string::npos);
}
