// What top, diff and trend say about names and filters is the same whether one dump is read on
// its own or many go through the series engine (three dumps or more): a module that resolved no
// symbol, a dump without its maps, a filter that matches nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../symbolize/fixture_support.h"
#include "in_process.h"
#include "test_support.h"

namespace fs = std::filesystem;
using memprof::test::run;
using memprof::test::Run;

namespace {

const std::string kSymDir = SYM_FIXTURE_DIR;

// Three snapshots of one process, as jemalloc names them.
std::vector<std::string> three_copies(const std::string& dump, const std::string& dir) {
  std::vector<std::string> paths;
  for (int seq = 0; seq < 3; ++seq) {
    paths.push_back(dir + "/jeprof.4242." + std::to_string(seq) + ".i" + std::to_string(seq) + ".heap");
    fs::copy_file(dump, paths.back());
  }
  return paths;
}

std::vector<std::string> args(std::vector<std::string> head, const std::vector<std::string>& dumps) {
  head.insert(head.end(), dumps.begin(), dumps.end());
  return head;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a stripped module holding the allocations: one warning with its share and build id, one dump or many") {
  memprof::test::TempDir dir;
  std::string dump = dir.path() + "/stripped.heap";
  memprof::test::make_dump(kSymDir + "/sym_buildid", dump);
  const std::string warning = "sym_buildid: no symbols resolved, and ";

  Run one = run({"top", dump});
  REQUIRE(one.status == 0);
  CHECK(count(one.err, warning) == 1);
  CHECK(one.err.find("% of the live bytes are allocated in it (build id ") != std::string::npos);
  CHECK(one.err.find("-dbgsym") != std::string::npos);

  std::vector<std::string> series = three_copies(dump, dir.path());
  for (const char* command : {"top", "diff", "trend", "flame"}) {
    Run r = run(args({command}, series));
    INFO(command, ": ", r.err);
    CHECK(r.status == 0);
    CHECK(count(r.err, warning) == 1);
  }
  // With the debug file found, nothing to say about it (libstdc++'s emergency exception pool,
  // allocated by a local constructor, may still be worth a warning of its own).
  Run found = run(args({"diff", "--debug-dir", kSymDir + "/debugtree"}, series));
  REQUIRE(found.status == 0);
  CHECK(found.err.find(warning) == std::string::npos);
}

TEST_CASE("dumps cut before their maps: one warning for the series, naming them") {
  memprof::test::TempDir dir;
  std::string full = dir.path() + "/full.heap";
  memprof::test::make_dump(kSymDir + "/sym_pie", full);
  std::string text = memprof::test::read_file(full);
  size_t maps = text.find("MAPPED_LIBRARIES:");
  REQUIRE(maps != std::string::npos);
  std::string cut = dir.path() + "/cut.heap";
  memprof::test::write_file(cut, text.substr(0, maps));

  std::vector<std::string> series = three_copies(cut, dir.path());
  Run r = run(args({"diff"}, series));
  REQUIRE(r.status == 0);
  CHECK(count(r.err, "no MAPPED_LIBRARIES section") == 1);
  CHECK(r.err.find("3 dumps have no MAPPED_LIBRARIES section") != std::string::npos);
  CHECK(r.err.find(series[0]) != std::string::npos);
}

TEST_CASE("filters that match nothing in a series: a warning, and exit 2 with a gate") {
  memprof::test::TempDir dir;
  std::string dump = dir.path() + "/one.heap";
  memprof::test::make_dump(kSymDir + "/sym_pie", dump);
  std::vector<std::string> series = three_copies(dump, dir.path());

  for (const char* command : {"diff", "trend", "top"}) {
    Run r = run(args({command, "--focus", "no_such_function_anywhere"}, series));
    INFO(command, ": ", r.err);
    CHECK(r.status == 0);
    CHECK(r.err.find("memprof: warning: --focus 'no_such_function_anywhere' matched no frame") != std::string::npos);
  }
  Run hidden = run(args({"diff", "--hide", "nothing_like_this", "--ignore", "alloc_with_malloc"}, series));
  CHECK(hidden.status == 0);
  CHECK(hidden.err.find("--hide 'nothing_like_this' matched no frame") != std::string::npos);
  CHECK(hidden.err.find("--ignore") == std::string::npos);

  Run diff_gated = run(args({"diff", "--show-from", "nothing_like_this", "--fail-growth", "1GiB"}, series));
  CHECK(diff_gated.status == 2);
  CHECK(diff_gated.err.find("memprof: error: --show-from 'nothing_like_this' matched no frame") != std::string::npos);
  Run trend_gated = run(args({"trend", "--focus", "nothing_like_this", "--fail-leak"}, series));
  CHECK(trend_gated.status == 2);
  Run top_gated = run(args({"top", "--focus", "nothing_like_this", "--fail-above", "1GiB"}, series));
  CHECK(top_gated.status == 2);
}
