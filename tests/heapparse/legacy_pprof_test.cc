// Every hand-written legacy profile in testdata/legacy/ read by the real pprof (built from
// Debian's golang-github-google-pprof-dev by the make_pprof_binary test) and by memprof: the
// totals of each sample type pprof reports must be equal. pprof scales each record with its
// legacy rules (google/pprof profile/legacy_profile.go) and truncates it to an integer, so
// memprof's per-record values are truncated the same way before summing.
#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>

#include "memprof/heapparse/parse_dump.h"
#include "test_support.h"

using namespace memprof;

namespace {

// Sums the sample values of `pprof -raw`: the line after "Samples:" names the types
// ("alloc_objects/count alloc_space/bytes ..."), then each sample line is "v1 v2 ...: locations".
std::map<std::string, int64_t> pprof_totals(const std::string& raw) {
  std::map<std::string, int64_t> totals;
  std::istringstream in(raw);
  std::string line;
  while (std::getline(in, line) && line != "Samples:") {
  }
  std::vector<std::string> types;
  if (std::getline(in, line)) {
    std::istringstream header(line);
    for (std::string t; header >> t;) types.push_back(t.substr(0, t.find('/')));
  }
  while (std::getline(in, line) && !line.starts_with("Locations")) {
    size_t colon = line.find(':');
    if (colon == std::string::npos || line.find("bytes:[") != std::string::npos) continue;
    std::istringstream values(line.substr(0, colon));
    int64_t v = 0;
    for (size_t i = 0; i < types.size() && values >> v; ++i) totals[types[i]] += v;
  }
  return totals;
}

std::map<std::string, int64_t> memprof_totals(const Profile& p) {
  std::map<std::string, int64_t> totals;
  for (const Sample& s : p.samples) {
    totals["inuse_objects"] += static_cast<int64_t>(s.values[SampleType::inuse_objects]);
    totals["inuse_space"] += static_cast<int64_t>(s.values[SampleType::inuse_space]);
    totals["alloc_objects"] += static_cast<int64_t>(s.values[SampleType::alloc_objects]);
    totals["alloc_space"] += static_cast<int64_t>(s.values[SampleType::alloc_space]);
  }
  // Without cumulative columns pprof names the live pair plainly.
  totals["objects"] = totals["inuse_objects"];
  totals["space"] = totals["inuse_space"];
  return totals;
}

}  // namespace

TEST_CASE("legacy profiles: memprof's totals equal the real pprof's") {
  std::vector<std::string> files = test::list_files(std::string(MEMPROF_SOURCE_DIR) + "/testdata/legacy", ".heap");
  REQUIRE(files.size() >= 5);
  for (const std::string& file : files) {
    CAPTURE(file);
    test::CommandResult r = test::run_command({MEMPROF_PPROF, "-raw", "-symbolize=none", file});
    REQUIRE(r.exit_code == 0);
    std::map<std::string, int64_t> expected = pprof_totals(r.out);
    REQUIRE(expected.size() >= 2);
    Diagnostics diag;
    std::map<std::string, int64_t> actual = memprof_totals(heapparse::read_dump(file, diag));
    for (const auto& [type, total] : expected) {
      CAPTURE(type);
      CHECK(actual[type] == total);
    }
  }
}
