// memprof stats / explain from the outside: outputs in each format, limits and exit codes.
#include <doctest/doctest.h>

#include <string>

#include "frag_fixture.h"
#include "memprof/jestats/json_reader.h"
#include "memprof/jestats/read_stats.h"
#include "test_support.h"

using memprof::jestats::JsonReader;
using memprof::jestats::JsonValue;
using memprof::test::run_command;

namespace {

const std::string kDir = MEMPROF_FRAG_FIXTURE_DIR;
const std::string kSamples = std::string(MEMPROF_SOURCE_DIR) + "/testdata/stats/";

JsonValue parse_json(const std::string& text) {
  JsonReader reader(text, "stdout");
  JsonValue v = reader.next();
  CHECK_FALSE(reader.more());
  return v;
}

}  // namespace

TEST_CASE("stats --format json: the documented shape, bins sorted by wasted") {
  auto r = run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  const JsonValue& snaps = *doc.find("snapshots");
  REQUIRE(snaps.items.size() == 1);
  const JsonValue& s = snaps.items[0];
  for (const char* key : {"allocated", "active", "metadata", "resident", "mapped", "retained", "dirty_bytes",
                          "muzzy_bytes", "tcache_bytes", "fragmentation", "bins", "findings"})
    CHECK_MESSAGE(s.find(key) != nullptr, key);
  uint64_t allocated = *s.find("allocated")->as_u64(), active = *s.find("active")->as_u64();
  CHECK(std::stod(s.find("fragmentation")->text) ==
        doctest::Approx(static_cast<double>(active - allocated) / static_cast<double>(active)));
  const JsonValue& bins = *s.find("bins");
  REQUIRE(bins.items.size() > 1);
  CHECK(*bins.items[0].find("size")->as_u64() == fixture::kFragSize);
  CHECK(*bins.items[0].find("wasted")->as_u64() == fixture::kFragObjects / 2 * fixture::kFragSize);
  for (size_t i = 1; i < bins.items.size(); ++i)
    CHECK(*bins.items[i - 1].find("wasted")->as_u64() >= *bins.items[i].find("wasted")->as_u64());
  const JsonValue& findings = *s.find("findings");
  REQUIRE(!findings.items.empty());
  CHECK(findings.items[0].find("rule")->text == "fragmentation");
  CHECK(!findings.items[0].find("advice")->text.empty());
}

TEST_CASE("stats text and markdown name the top waster") {
  auto text = run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("[fragmentation]") != std::string::npos);
  auto md = run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt", "--format", "markdown"});
  REQUIRE(md.exit_code == 0);
  CHECK(md.out.find("| size | nregs |") != std::string::npos);
  CHECK(md.out.find("| " + std::to_string(fixture::kFragSize) + " |") != std::string::npos);
}

TEST_CASE("stats reads stdin and gzip-free pipes like files") {
  std::string text = memprof::test::read_file(kSamples + "redis-7.0-malloc-stats.txt");
  auto r = run_command({MEMPROF_CLI, "stats", "-", "--format", "json"}, {}, text);
  REQUIRE(r.exit_code == 0);
  CHECK(parse_json(r.out).find("snapshots")->items.size() == 1);
}

TEST_CASE("stats A B compares the last snapshot of each") {
  auto r = run_command({MEMPROF_CLI, "stats", kSamples + "rocksdb-LOG", kSamples + "redis-7.0-malloc-stats.txt",
                        "--format", "json"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  CHECK(doc.find("snapshots")->items.size() == 3);
  const JsonValue* cmp = doc.find("comparison");
  REQUIRE(cmp != nullptr);
  // The LOG's last block is the same capture as the Redis sample: nothing changed.
  CHECK(cmp->find("changes")->find("allocated")->as_i64() == 0);
  auto text = run_command({MEMPROF_CLI, "stats", kSamples + "jemalloc-3.6-text.txt", kSamples + "jemalloc-4.0-text.txt"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("Comparison:") != std::string::npos);
  CHECK(text.out.find("grew most") != std::string::npos);
}

TEST_CASE("stats limits: exit 1 with the violation on stderr, 0 within limits") {
  auto over = run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--fail-frag-above", "10"});
  CHECK(over.exit_code == 1);
  CHECK(over.err.find("limit exceeded") != std::string::npos);
  CHECK(over.err.find("fragmentation") != std::string::npos);
  CHECK(!over.out.empty());  // the report still follows
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--fail-frag-above", "95%"}).exit_code == 0);
  auto res = run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt", "--fail-resident-above", "1MiB"});
  CHECK(res.exit_code == 1);
  CHECK(res.err.find("resident") != std::string::npos);
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt", "--fail-resident-above", "64GiB"}).exit_code == 0);
}

TEST_CASE("stats usage and input errors exit 2") {
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/missing.json"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--fail-frag-above", "lots"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--format", "xml"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "stats"}).exit_code == 2);
  std::string full = memprof::test::read_file(kSamples + "redis-7.0-malloc-stats.txt");
  auto cut = run_command({MEMPROF_CLI, "stats", "-"}, {}, full.substr(0, full.size() / 2));
  CHECK(cut.exit_code == 2);
  CHECK(cut.err.find("-:") != std::string::npos);
  CHECK(cut.err.find("cut off") != std::string::npos);
}

TEST_CASE("explain: JSON steps add up to the RSS; SVG is a self-contained chart") {
  auto r = run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--smaps",
                        kDir + "/smaps_rollup", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  int64_t rss = *doc.find("rss")->as_i64();
  const JsonValue& steps = *doc.find("steps");
  REQUIRE(steps.items.size() == 6);  // profiled, profiler, allocated, active, resident, rss
  int64_t sum = 0;
  for (const JsonValue& s : steps.items) sum += *s.find("delta")->as_i64();
  CHECK(sum == rss);
  CHECK(steps.items.back().find("name")->text == "rss");
  CHECK(*steps.items.back().find("bytes")->as_i64() == rss);

  auto svg = run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.txt", "--rss", "64MiB",
                          "--format", "svg"});
  REQUIRE(svg.exit_code == 0);
  CHECK(svg.out.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.out.find("</svg>") != std::string::npos);
  CHECK(svg.out.find("href") == std::string::npos);  // nothing external
  CHECK(svg.out.find("64.0 MiB") != std::string::npos);

  auto text = run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--rss", "67108864"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("steps add up to 67108864 bytes; RSS is 67108864 bytes") != std::string::npos);
}

TEST_CASE("explain usage and input errors exit 2") {
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--rss", "1G", "--smaps",
                     kDir + "/smaps_rollup"})
            .exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--rss", "many"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/stats.json", kDir + "/stats.json"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/frag.heap"}).exit_code == 2);
}
