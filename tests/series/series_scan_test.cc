// The series engine's stack-line cache (scan_dumps) against parsing every dump in full: the same
// sites, values and unique stacks, on trend_fixture's real dumps (run here) and on dumps made to
// stress the cache: a line that repeats in every dump, a dump the scan refuses (a comment), and a
// leaf frame in an anonymous data mapping that moves between dumps (its name must follow the
// mapping of each dump, not the first dump's). Such a frame crashed the engine before: the union
// space gave anonymous mappings no path string.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "memprof/series/series.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;

namespace {

std::map<std::string, std::vector<double>> site_values(const std::vector<std::string>& paths, bool scan,
                                                       series::Series* keep = nullptr) {
  Diagnostics diag;
  series::SeriesOptions options;
  options.scan_dumps = scan;
  series::Series s = series::load_series(series::order_dumps(paths, true), options, diag);
  std::map<std::string, std::vector<double>> out;
  for (const series::SiteSeries& site : s.sites) out[site.name] = site.values;
  if (keep) *keep = std::move(s);
  return out;
}

}  // namespace

TEST_CASE("scanned and fully parsed series agree on trend_fixture's dumps") {
  TempDir dir;
  CommandResult r = run_command({MEMPROF_TREND_FIXTURE, "8", "1"},
                                {"MALLOC_CONF=prof:true,lg_prof_sample:0,prof_prefix:" + dir.path() + "/tf"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::vector<std::string> dumps = list_files(dir.path(), ".heap");
  std::ranges::sort(dumps, [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  REQUIRE(dumps.size() == 8);
  series::Series scanned, parsed;
  auto a = site_values(dumps, true, &scanned);
  auto b = site_values(dumps, false, &parsed);
  CHECK(a == b);
  CHECK(a.count("trend::leak_site") == 1);
  CHECK(scanned.unique_stacks == parsed.unique_stacks);
  CHECK(scanned.unique_addresses == parsed.unique_addresses);
  CHECK(scanned.totals == parsed.totals);
}

TEST_CASE("a frame in a data mapping is named after each dump's own mapping") {
  TempDir dir;
  // The leaf of the second record lies in an anonymous rw-p mapping that starts 16 MiB lower
  // from dump 2 on: in dumps 0-1 it is [anon]+0x10; in dumps 2-3 it is 0x1000010 into a longer
  // anonymous mapping, which the union space cannot lay over the first one, so it keeps its bare
  // address. The code mapping does not move, so all four dumps share one code epoch.
  std::vector<std::string> paths;
  for (int d = 0; d < 4; ++d) {
    std::string text = "heap_v2/1\n  t*: 2: 300 [0: 0]\n";
    if (d == 1) text += "# a comment: the scan refuses this dump, the parser reads it\n";
    text += "@ 0x401010 0x401100\n  t*: 1: " + std::to_string(100 * (d + 1)) + " [0: 0]\n";
    text += "@ 0x7f0000000010 0x401100\n  t*: 1: 200 [0: 0]\n\nMAPPED_LIBRARIES:\n";
    text += "00400000-00402000 r-xp 00000000 fe:00 1 /nonexistent/app\n";
    text += d < 2 ? "7f0000000000-7f0000100000 rw-p 00000000 00:00 0\n"
                  : "7effff000000-7f0000100000 rw-p 00000000 00:00 0\n";
    paths.push_back(dir.path() + "/app.7." + std::to_string(d) + ".i" + std::to_string(d) + ".heap");
    write_file(paths.back(), text);
  }
  auto a = site_values(paths, true);
  auto b = site_values(paths, false);
  CHECK(a == b);
  REQUIRE(a.count("[anon]+0x10") == 1);
  REQUIRE(a.count("0x7f0000000010") == 1);
  CHECK(a["[anon]+0x10"] == std::vector<double>{200, 200, 0, 0});
  CHECK(a["0x7f0000000010"] == std::vector<double>{0, 0, 200, 200});
  // The repeated line (code only) is one site with every dump's value.
  CHECK(a["app+0x1010"] == std::vector<double>{100, 200, 300, 400});
}

TEST_CASE("several anonymous mappings (heap and JIT code) are placed alike by the scan and the parser") {
  TempDir dir;
  // Dump 0 holds a frame in the rwxp (JIT) mapping and one in the rw-p heap; the heap moves 1 MiB
  // up from dump 1 on. The scan must place both anonymous mappings of a dump together, as the
  // full parse does: placed one at a time on first use, the heap took its place from the JIT
  // mapping, overlapped it and lost its name in dump 0 only.
  std::vector<std::string> paths;
  for (int d = 0; d < 3; ++d) {
    std::string heap = d == 0 ? "600000000" : "600000100";
    std::string text = "heap_v2/1\n  t*: 2: 64 [0: 0]\n@ 0x700000000100 0x401000\n  t*: 1: 32 [0: 0]\n";
    text += "@ 0x" + heap + "010 0x401000\n  t*: 1: 32 [0: 0]\n\nMAPPED_LIBRARIES:\n";
    text += "00400000-00402000 r-xp 00000000 fe:00 1 /nonexistent/app\n";
    text += heap + "000-" + (d == 0 ? "600000010" : "600000110") + "000 rw-p 00000000 00:00 0\n";
    text += "700000000000-700000002000 rwxp 00000000 00:00 0\n";
    paths.push_back(dir.path() + "/app.1." + std::to_string(d) + ".i" + std::to_string(d) + ".heap");
    write_file(paths.back(), text);
  }
  auto a = site_values(paths, true);
  auto b = site_values(paths, false);
  CHECK(a == b);
  // heap_v2/1 scales each record by 1/(1-exp(-32)): 32 within rounding.
  for (const char* site : {"[anon]+0x10", "[anon]+0x100"}) {
    REQUIRE_MESSAGE(a[site].size() == 3, site);
    for (double v : a[site]) CHECK_MESSAGE(v == doctest::Approx(32), site);
  }
}
