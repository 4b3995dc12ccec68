// Options that had no test: diff --growth-only and --normalize against the totals jemalloc wrote in
// the dumps' headers, info --symbols against the dump's own mappings and readelf's build id.
#include <doctest/doctest.h>

#include <cmath>
#include <regex>
#include <set>
#include <sstream>

#include "oracle_support.h"
#include "test_support.h"

using namespace memprof::test;
using memprof::jestats::JsonValue;

namespace {

const JsonValue* row(const JsonValue& report, std::string_view name) {
  for (const JsonValue& r : report.find("rows")->items)
    if (r.find("name")->text == name) return &r;
  return nullptr;
}

int64_t number(const JsonValue& v, std::string_view key) {
  const JsonValue* field = v.find(key);
  REQUIRE_MESSAGE(field, key);
  return field->as_i64().value_or(INT64_MIN);
}

}  // namespace

TEST_CASE("diff --growth-only hides the sites that shrank, and only those") {
  // Phase 3 -> phase 1: the leak shrinks by 20 x 4 KiB; nothing grows.
  JsonValue all = run_json({"diff", "-n", "0", fixture_dump(3), fixture_dump(1)});
  REQUIRE(row(all, "fixture::leak_site"));
  CHECK(number(*row(all, "fixture::leak_site"), "delta") == -20 * 4096);
  JsonValue growth = run_json({"diff", "-n", "0", "--growth-only", fixture_dump(3), fixture_dump(1)});
  CHECK_FALSE(row(growth, "fixture::leak_site"));
  for (const JsonValue& r : growth.find("rows")->items) CHECK(number(r, "delta") > 0);
  CHECK(number(growth, "delta") == number(all, "delta"));  // the total change is still the total
  // Phase 1 -> phase 3: growth only, so the flag hides nothing.
  JsonValue up = run_json({"diff", "-n", "0", "--growth-only", fixture_dump(1), fixture_dump(3)});
  REQUIRE(row(up, "fixture::leak_site"));
  CHECK(number(*row(up, "fixture::leak_site"), "delta") == 20 * 4096);
}

TEST_CASE("diff --normalize scales the base by the ratio of the dumps' header totals") {
  const double t1 = static_cast<double>(header_totals(fixture_dump(1))[1]);
  const double t3 = static_cast<double>(header_totals(fixture_dump(3))[1]);
  JsonValue d = run_json({"diff", "-n", "0", "--normalize", fixture_dump(1), fixture_dump(3)});
  // The leak: 30 x 4 KiB now against 10 x 4 KiB scaled up; the churn (8 x 16 KiB in both) now
  // looks like it shrank, by the same ratio.
  REQUIRE(row(d, "fixture::leak_site"));
  CHECK(static_cast<double>(number(*row(d, "fixture::leak_site"), "delta")) ==
        doctest::Approx(30 * 4096 - 10 * 4096 * t3 / t1).epsilon(0.001));
  REQUIRE(row(d, "fixture::churn_site"));
  CHECK(static_cast<double>(number(*row(d, "fixture::churn_site"), "delta")) ==
        doctest::Approx(8 * 16384 - 8 * 16384 * t3 / t1).epsilon(0.001));
  CHECK(std::llabs(number(d, "delta")) <= 1);  // scaled to the same total: no net change
  // Without --normalize the churn did not change.
  CHECK_FALSE(row(run_json({"diff", "-n", "0", fixture_dump(1), fixture_dump(3)}), "fixture::churn_site"));
}

TEST_CASE("info --symbols: the fixture binary used, its build id, every one of its addresses resolved") {
  std::string dump = fixture_dump(1);
  JsonValue info = run_json({"info", "--symbols", dump});
  const JsonValue* symbols = info.find("files")->items[0].find("symbols");
  REQUIRE(symbols);
  const JsonValue* fixture = nullptr;
  for (const JsonValue& m : symbols->find("modules")->items)
    if (m.find("path")->text.ends_with("/heap_fixture")) fixture = &m;
  REQUIRE(fixture);
  CHECK(fixture->find("used_path")->text == MEMPROF_HEAP_FIXTURE);
  // readelf's build id of the same file.
  CommandResult notes = run_command({"readelf", "-n", MEMPROF_HEAP_FIXTURE});
  std::smatch m;
  REQUIRE(std::regex_search(notes.out, m, std::regex("Build ID: ([0-9a-f]+)")));
  CHECK(fixture->find("build_id")->text == m[1].str());

  // The distinct stack addresses the dump holds inside the fixture's mappings, counted here.
  std::string text = read_file(dump);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  static const std::regex map_re(R"(^([0-9a-f]+)-([0-9a-f]+) r-xp .*/heap_fixture$)");
  std::set<uint64_t> addresses;
  std::istringstream lines(text);
  std::vector<uint64_t> all;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_match(line, m, map_re))
      ranges.emplace_back(std::stoull(m[1].str(), nullptr, 16), std::stoull(m[2].str(), nullptr, 16));
    if (!line.starts_with("@ ")) continue;
    std::istringstream words(line.substr(2));
    for (std::string word; words >> word;) all.push_back(std::stoull(word, nullptr, 16));
  }
  REQUIRE(!ranges.empty());
  for (uint64_t a : all)
    for (auto [lo, hi] : ranges)
      if (a >= lo && a < hi) addresses.insert(a);
  CHECK(number(*fixture, "addresses") == static_cast<int64_t>(addresses.size()));
  CHECK(number(*fixture, "resolved") == static_cast<int64_t>(addresses.size()));
  CHECK(fixture->find("problems")->items.empty());

  // The text form says the same in a line per module.
  CommandResult plain = run_command({MEMPROF_CLI, "info", "--symbols", dump});
  REQUIRE(plain.exit_code == 0);
  std::string resolved = std::to_string(addresses.size()) + "/" + std::to_string(addresses.size());
  CHECK(plain.out.find(resolved) != std::string::npos);
  CHECK(plain.out.find(std::string("/heap_fixture -> (same)")) != std::string::npos);
}
