// memprof trend on malloc_stats_print snapshots: stats_series_fixture, run here with real
// jemalloc, prints one snapshot per phase into one log. Its constants: 64 x 16 KiB kept per phase
// (allocated grows 1 MiB a step), 16 x 2 MiB in phase 5 only (a spike of allocated), and from
// phase 8 on 20,000 free 96-byte regions in live slabs (a step of the 96-byte bin's waste).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "memprof/jestats/json_reader.h"
#include "memprof/series/stats_trend.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;

namespace {

constexpr size_t kPhases = 12;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr std::string_view kBegin = "___ Begin jemalloc statistics ___";

std::string fixture_log() {
  CommandResult r = run_command({MEMPROF_STATS_SERIES_FIXTURE, std::to_string(kPhases)});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return r.out;
}

jestats::JsonValue trend_json(const std::vector<std::string>& inputs) {
  std::vector<std::string> argv = {MEMPROF_CLI, "trend", "--format", "json"};
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  CommandResult r = run_command(argv);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  jestats::JsonReader reader(r.out, "stdout");
  return reader.next();
}

const jestats::JsonValue& row(const jestats::JsonValue& doc, std::string_view name) {
  for (const auto& r : doc.find("rows")->items)
    if (r.find("name")->text == name) return r;
  FAIL("no row " << name);
  throw 0;
}

double number(const jestats::JsonValue& v, std::string_view key) { return std::stod(v.find(key)->text); }

}  // namespace

TEST_CASE("trend over one log of snapshots: growth, the spike and the bin's waste") {
  TempDir dir;
  std::string log = dir.path() + "/LOG";
  write_file(log, fixture_log());
  jestats::JsonValue doc = trend_json({log});
  CHECK(doc.find("input")->text == "malloc_stats");
  REQUIRE(doc.find("snapshots")->items.size() == kPhases);
  CHECK(doc.find("snapshots")->items[0].find("source")->text == log + ":2");  // after the log line
  // Times from the log line before each snapshot: 2026-12-02 10:00:00 UTC, then a minute apart.
  CHECK(doc.find("time_source")->text == "log");
  CHECK(number(doc.find("snapshots")->items[0], "time") == 1796205600.0);
  CHECK(number(doc.find("snapshots")->items[kPhases - 1], "time") == 1796205600.0 + 60 * (kPhases - 1));

  const jestats::JsonValue& allocated = row(doc, "allocated");
  CHECK(allocated.find("values")->items.size() == kPhases);
  // 1 MiB kept a phase; the spike and the waste step do not move the robust slope far.
  CHECK(number(allocated, "slope_per_step") >= 1.0 * kMiB);
  CHECK(number(allocated, "slope_per_step") <= 1.3 * kMiB);
  CHECK(number(allocated, "p_value") < 0.01);
  CHECK(number(allocated, "slope_per_hour") == doctest::Approx(60 * number(allocated, "slope_per_step")));
  bool spike = false;
  for (const auto& a : allocated.find("anomalies")->items)
    if (number(a, "step") == 5) {
      spike = true;
      CHECK(a.find("kind")->text == "spike");
      CHECK(number(a, "delta") >= 33 * kMiB - 64 * 1024);  // 32 MiB of spike + 1 MiB kept
      CHECK(number(a, "delta") <= 33 * kMiB + 256 * 1024);
    }
  CHECK(spike);

  // The 96-byte bin: nothing wasted before phase 8, then every other region of 40,000 free.
  const jestats::JsonValue& bin = row(doc, "bin 96 wasted");
  CHECK(number(bin, "first") == 0);
  CHECK(number(bin, "last") >= 20000 * 96);
  CHECK(number(bin, "last") <= 20000 * 96 + 16384);  // at most a slab's worth more
  REQUIRE(bin.find("anomalies")->items.size() == 1);
  const jestats::JsonValue& step = bin.find("anomalies")->items[0];
  CHECK(number(step, "step") == 8);
  CHECK(step.find("kind")->text == "step");
  CHECK(row(doc, "fragmentation").find("unit")->text == "ratio");
  for (std::string_view name : {"active", "resident", "mapped", "retained", "dirty", "metadata", "wasted in bins"})
    CHECK(row(doc, name).find("values")->items.size() == kPhases);
}

TEST_CASE("snapshots split over several files read as one series, in the order given") {
  std::string text = fixture_log();
  TempDir dir;
  // Three files of four snapshots each, cut at the Begin markers.
  std::vector<size_t> starts;
  for (size_t at = text.find(kBegin); at != std::string::npos; at = text.find(kBegin, at + 1)) starts.push_back(at);
  REQUIRE(starts.size() == kPhases);
  std::vector<std::string> files;
  for (size_t f = 0; f < 3; ++f) {
    size_t begin = starts[f * 4], end = f == 2 ? text.size() : starts[f * 4 + 4];
    files.push_back(dir.path() + "/stats" + std::to_string(f) + ".txt");
    write_file(files.back(), text.substr(begin, end - begin));
  }
  write_file(dir.path() + "/LOG", text);
  jestats::JsonValue split = trend_json(files);
  jestats::JsonValue whole = trend_json({dir.path() + "/LOG"});
  REQUIRE(split.find("snapshots")->items.size() == kPhases);
  const auto& a = row(split, "allocated").find("values")->items;
  const auto& b = row(whole, "allocated").find("values")->items;
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].text == b[i].text);

  // Fewer than three snapshots: an input error.
  CommandResult r = run_command({MEMPROF_CLI, "trend", "--format", "svg", files[0]});  // charts are for heap dumps
  CHECK(r.exit_code == 2);
  write_file(dir.path() + "/two.txt", text.substr(starts[0], starts[2] - starts[0]));
  r = run_command({MEMPROF_CLI, "trend", dir.path() + "/two.txt"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("at least three malloc_stats_print snapshots, got 2") != std::string::npos);
}

TEST_CASE("log line times: RocksDB's and ISO 8601 stamps, in UTC") {
  using memprof::series::log_line_time;
  // 2026-11-27 is day 20,784 since 1970-01-01: 20784 * 86400 + 20:25:01 = 1795811101.
  CHECK(log_line_time("2026/11/27-20:25:01.300410 7f3a1d7f9640 [db/db_impl/db_impl.cc:1161] x") ==
        doctest::Approx(1795811101.30041));
  CHECK(log_line_time("2026-11-27T20:25:01 start") == 1795811101.0);
  CHECK(log_line_time("2026-11-27 20:25:01.5") == 1795811101.5);
  CHECK(log_line_time("1970-01-01 00:00:00") == 0.0);
  CHECK(log_line_time("2000-03-01 00:00:00") == 951868800.0);  // after a leap day
  CHECK(!log_line_time("___ Begin jemalloc statistics ___"));
  CHECK(!log_line_time("2026/13/27-20:25:01"));  // month 13
  CHECK(!log_line_time("2026/11/27"));
}
