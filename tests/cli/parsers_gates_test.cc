// The one parser each for sizes, percentages, durations, limits and formats, and the CI gates,
// tested in-process: every command goes through these, so their rules are checked once here.
#include <doctest/doctest.h>

#include "memprof/render/format.h"
#include "memprof/render/gates.h"
#include "memprof/render/stats_report.h"
#include "memprof/render/units.h"

using namespace memprof;
using namespace memprof::render;

TEST_CASE("parse_size: byte counts, binary units with and without iB/B, fractions") {
  CHECK(parse_size("4096") == 4096u);
  CHECK(parse_size("10MiB") == 10u * 1024 * 1024);
  CHECK(parse_size("10M") == 10u * 1024 * 1024);
  CHECK(parse_size("10 MB") == 10u * 1024 * 1024);
  CHECK(parse_size("1.5k") == 1536u);
  CHECK(parse_size("2G") == 2ull * 1024 * 1024 * 1024);
  CHECK(parse_size("1T") == 1ull << 40);
  CHECK(parse_size("0") == 0u);
  CHECK_FALSE(parse_size(""));
  CHECK_FALSE(parse_size("-1"));
  CHECK_FALSE(parse_size("10parsecs"));
  CHECK_FALSE(parse_size("MiB"));
  CHECK_FALSE(parse_size("nan"));
  CHECK_FALSE(parse_size("inf"));
  CHECK_FALSE(parse_size("1e30"));  // beyond 64 bits
}

TEST_CASE("parse_percent: with or without the sign, never negative") {
  CHECK(parse_percent("25") == 25.0);
  CHECK(parse_percent("25%") == 25.0);
  CHECK(parse_percent("0.5%") == 0.5);
  CHECK_FALSE(parse_percent("-5%"));
  CHECK_FALSE(parse_percent("5%%"));
  CHECK_FALSE(parse_percent("five"));
  CHECK_FALSE(parse_percent("5 %x"));
  CHECK_FALSE(parse_percent(""));
}

TEST_CASE("parse_duration: seconds by default, ms, s, m, h") {
  CHECK(parse_duration("30")->count() == doctest::Approx(30));
  CHECK(parse_duration("1.5s")->count() == doctest::Approx(1.5));
  CHECK(parse_duration("250ms")->count() == doctest::Approx(0.25));
  CHECK(parse_duration("2m")->count() == doctest::Approx(120));
  CHECK(parse_duration("1h")->count() == doctest::Approx(3600));
  CHECK_FALSE(parse_duration("5 fortnights"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("s"));
}

TEST_CASE("parse_limit: sizes always, percentages only where allowed") {
  std::optional<Limit> size = parse_limit("64KiB", false);
  REQUIRE(size);
  CHECK(size->value == 65536);
  CHECK_FALSE(size->percent);
  CHECK_FALSE(parse_limit("5%", false));
  std::optional<Limit> pct = parse_limit("5%", true);
  REQUIRE(pct);
  CHECK(pct->value == 5);
  CHECK(pct->percent);
  CHECK_FALSE(parse_limit("10parsecs", true));
  CHECK(limit_syntax(true).find("PCT%") != std::string::npos);
  CHECK(limit_syntax(false).find("PCT%") == std::string::npos);
}

TEST_CASE("formats: one name each, and the names parse back") {
  for (Format f : all_formats()) CHECK(parse_format(format_name(f)) == f);
  CHECK(format_name(Format::openmetrics) == "openmetrics");
  CHECK(parse_format("JSON") == std::nullopt);  // names are exact, as --help lists them
  CHECK(parse_format("yaml") == std::nullopt);
}

namespace {

analyze::TopTable top_table() {
  analyze::TopTable t;
  t.total = 3 * 1024 * 1024;
  t.rows = {{.name = "big", .flat = 2 * 1024 * 1024, .cum = 2 * 1024 * 1024},
            {.name = "small", .flat = 1024 * 1024, .cum = 3 * 1024 * 1024}};
  return t;
}

analyze::DiffTable diff_table() {
  analyze::DiffTable t;
  t.base_total = 1000;
  t.new_total = 1100;
  t.delta = 100;
  t.rows = {{.name = "leak", .before = 0, .after = 80, .delta = 80},
            {.name = "churn", .before = 100, .after = 120, .delta = 20}};
  return t;
}

}  // namespace

TEST_CASE("top gates: the total and each site, with the limit in the message") {
  analyze::TopTable t = top_table();
  GateResult none = check_top_gates(t, {}, false);
  CHECK_FALSE(none.exceeded());
  CHECK(none.exit_status() == 0);

  GateResult total = check_top_gates(t, {.total = Limit{1024 * 1024}}, false);
  REQUIRE(total.messages.size() == 1);
  CHECK(total.messages[0] == "total 3.0 MiB is above --fail-above 1.0 MiB");
  CHECK(total.exit_status() == kExitLimitExceeded);
  CHECK(total.violating_rows.empty());

  // At the limit is not above it.
  CHECK_FALSE(check_top_gates(t, {.total = Limit{3 * 1024 * 1024}}, false).exceeded());

  GateResult site = check_top_gates(t, {.site = Limit{1024 * 1024}}, true);
  REQUIRE(site.messages.size() == 1);
  CHECK(site.messages[0] == "big holds 2097152, above --fail-site-above 1048576");
  CHECK(site.violating_rows == std::vector<size_t>{0});
}

TEST_CASE("diff gates: sizes, and percentages of the base total for the total and for sites") {
  analyze::DiffTable t = diff_table();
  CHECK(check_diff_gates(t, {.growth = Limit{100}}, true).messages.empty());
  GateResult grew = check_diff_gates(t, {.growth = Limit{99}}, true);
  REQUIRE(grew.messages.size() == 1);
  CHECK(grew.messages[0] == "total grew by 100, more than --fail-growth 99");

  // 5% of the base total (1000) is 50: the leak (80) trips it, the churn (20) does not.
  GateResult sites = check_diff_gates(t, {.site_growth = Limit{5, true}}, true);
  REQUIRE(sites.messages.size() == 1);
  CHECK(sites.messages[0] == "leak grew by 80, more than --fail-site-growth 5% of the base total");
  CHECK(sites.violating_rows == std::vector<size_t>{0});
  CHECK(check_diff_gates(t, {.growth = Limit{10, true}}, true).messages.empty());  // 100 is not above 10% of 1000
}

TEST_CASE("stats gates: fragmentation and resident of every snapshot; a missing figure is a warning") {
  std::vector<StatsEntry> entries(2);
  entries[0].snapshot.source = "a.json";
  entries[0].analysis.fragmentation = 0.30;
  entries[0].analysis.resident = 600u << 20;
  entries[1].snapshot.source = "old.txt";
  entries[1].analysis.fragmentation = 0.10;
  GateResult g = check_stats_gates(entries, {.frag_percent = 25.0, .resident = uint64_t{512} << 20});
  REQUIRE(g.messages.size() == 2);
  CHECK(g.messages[0] == "a.json: fragmentation 30.00% is above --fail-frag-above 25%");
  CHECK(g.messages[1] == "a.json: resident 629145600 (600.0 MiB) is above --fail-resident-above 536870912 (512.0 MiB)");
  REQUIRE(g.warnings.size() == 1);
  CHECK(g.warnings[0].starts_with("old.txt: no 'resident' figure"));
  CHECK(gate_line(g.messages[0]) == "limit exceeded: " + g.messages[0]);
}

#include "memprof/render/sparkline.h"

TEST_CASE("sparkline: minimum to maximum over eight blocks") {
  CHECK(sparkline({0, 7}) == "▁█");
  CHECK(sparkline({0, 1, 2, 3, 4, 5, 6, 7}) == "▁▂▃▄▅▆▇█");
  CHECK(sparkline({5, 5, 5}) == "▁▁▁");
  CHECK(sparkline({}) == "");
}

TEST_CASE("round_preserving_sum: rounded rows add up to the rounded total") {
  CHECK(round_preserving_sum({0.4, 0.4, 0.4}) == std::vector<int64_t>{1, 0, 0});
  CHECK(round_preserving_sum({0.6, 0.6, 0.6}) == std::vector<int64_t>{1, 1, 0});
  CHECK(round_preserving_sum({1.0, 2.0}) == std::vector<int64_t>{1, 2});
  CHECK(round_preserving_sum({2.3, 0.9, 5.8}) == std::vector<int64_t>{2, 1, 6});
  std::vector<double> many;
  double sum = 0;
  for (int i = 0; i < 1000; ++i) {
    many.push_back(i * 1.37 + 0.49);
    sum += many.back();
  }
  int64_t total = 0;
  for (int64_t v : round_preserving_sum(many)) total += v;
  CHECK(total == round_to_int(sum));
}
