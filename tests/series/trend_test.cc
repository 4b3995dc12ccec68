// memprof trend against trend_fixture, run here with real jemalloc: exact (every allocation
// recorded) and sampled (jemalloc's default period at a larger scale). The fixture's constants:
// leak_site leaks 16 x 4 KiB and thread_grow_site 4 x 8 KiB per phase (times the scale);
// steady_site never changes, churn_site frees before each dump, spike_site lives for one phase.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "memprof/jestats/json_reader.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;

namespace {

constexpr size_t kPhases = 12;
constexpr size_t kSpikeStep = 5;

struct FixtureRun {
  TempDir dir;
  std::vector<std::string> dumps;
};

// Runs trend_fixture with the given MALLOC_CONF extras; returns its dumps (jemalloc's names).
void run_fixture(FixtureRun& run, const std::string& conf, size_t scale) {
  CommandResult r = run_command({MEMPROF_TREND_FIXTURE, std::to_string(kPhases), std::to_string(scale)},
                                {"MALLOC_CONF=prof:true," + conf + ",prof_prefix:" + run.dir.path() + "/tf"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  run.dumps = list_files(run.dir.path(), ".heap");
  // In sequence order: names differ only in the two numbers seq and mN, so shorter comes first.
  std::ranges::sort(run.dumps, [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  REQUIRE(run.dumps.size() == kPhases);
}

jestats::JsonValue trend_json(const std::vector<std::string>& dumps, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {MEMPROF_CLI, "trend", "--format", "json", "-n", "0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), dumps.begin(), dumps.end());
  CommandResult r = run_command(argv);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  jestats::JsonReader reader(r.out, "stdout");
  return reader.next();
}

double number(const jestats::JsonValue& v, std::string_view key) {
  const jestats::JsonValue* x = v.find(key);
  REQUIRE(x != nullptr);
  return std::stod(x->text);
}

const jestats::JsonValue* row_named(const jestats::JsonValue& doc, std::string_view name) {
  for (const auto& row : doc.find("rows")->items)
    if (row.find("name")->text == name) return &row;
  return nullptr;
}

std::set<std::string> leaks(const jestats::JsonValue& doc) {
  std::set<std::string> out;
  for (const auto& row : doc.find("rows")->items)
    if (row.find("leak")->flag) out.insert(row.find("name")->text);
  return out;
}

const std::set<std::string> kLeaking = {"trend::leak_site", "trend::thread_grow_site"};

}  // namespace

TEST_CASE("trend names the leaking sites with their slopes, and only them (exact dumps)") {
  FixtureRun run;
  run_fixture(run, "lg_prof_sample:0", 1);
  // A shell glob sorts jeprof names as text (…10… before …2…): give them scrambled on purpose.
  std::vector<std::string> scrambled = run.dumps;
  std::ranges::reverse(scrambled);
  jestats::JsonValue doc = trend_json(scrambled);

  CHECK(leaks(doc) == kLeaking);
  const jestats::JsonValue* leak = row_named(doc, "trend::leak_site");
  REQUIRE(leak);
  CHECK(number(*leak, "slope_per_step") == 16 * 4096);
  CHECK(number(*leak, "last") == kPhases * 16 * 4096);
  CHECK(number(*leak, "grew_fraction") == 1);
  CHECK(number(*leak, "p_value") < 1e-4);
  const jestats::JsonValue* thread = row_named(doc, "trend::thread_grow_site");
  REQUIRE(thread);
  CHECK(number(*thread, "slope_per_step") == 4 * 8192);
  // Leak suspects come first, the faster one on top.
  CHECK(doc.find("rows")->items[0].find("name")->text == "trend::leak_site");

  const jestats::JsonValue* steady = row_named(doc, "trend::steady_site");
  REQUIRE(steady);
  CHECK(number(*steady, "slope_per_step") == 0);
  CHECK(number(*steady, "last") == 64 * 16384);
  CHECK_FALSE(row_named(doc, "trend::churn_site"));  // freed before every dump: nothing live
  const jestats::JsonValue* spike = row_named(doc, "trend::spike_site");
  REQUIRE(spike);
  CHECK_FALSE(spike->find("leak")->flag);

  // The spike is an anomaly of kind spike at its step, made by spike_site; nothing is a drop.
  bool found = false;
  for (const auto& a : doc.find("anomalies")->items) {
    CHECK(a.find("kind")->text != "drop");
    if (a.find("step")->as_u64() == kSpikeStep) {
      found = true;
      CHECK(a.find("kind")->text == "spike");
      CHECK(number(a, "delta") >= 16 * 65536);
      CHECK(a.find("sites")->items.at(0).find("name")->text == "trend::spike_site");
    }
  }
  CHECK(found);

  // Dumps ordered by jemalloc's sequence numbers whatever the order given.
  const auto& dumps = doc.find("dumps")->items;
  REQUIRE(dumps.size() == kPhases);
  for (size_t i = 1; i < dumps.size(); ++i)
    CHECK(*dumps[i].find("seq")->as_u64() > *dumps[i - 1].find("seq")->as_u64());
  CHECK(doc.find("time_source")->text != "manifest");
}

TEST_CASE("times come from memprof record's manifest when it names every dump") {
  FixtureRun run;
  run_fixture(run, "lg_prof_sample:0", 1);
  std::string manifest;
  for (size_t i = 0; i < run.dumps.size(); ++i) {
    std::string file = run.dumps[i].substr(run.dumps[i].rfind('/') + 1);
    manifest += "{\"file\":\"" + file + "\",\"seq\":" + std::to_string(i) +
                ",\"time\":\"2026-12-02T10:" + (i < 10 ? "0" : "") + std::to_string(i) +
                ":00.000Z\",\"trigger\":\"ctl\",\"bytes\":-1}\n";
  }
  write_file(run.dir.path() + "/manifest.jsonl", manifest);
  jestats::JsonValue doc = trend_json(run.dumps);
  CHECK(doc.find("time_source")->text == "manifest");
  const jestats::JsonValue* leak = row_named(doc, "trend::leak_site");
  REQUIRE(leak);
  CHECK(number(*leak, "slope_per_hour") == doctest::Approx(60.0 * 16 * 4096));  // a dump a minute
  CHECK(number(doc.find("dumps")->items[1], "time") - number(doc.find("dumps")->items[0], "time") == 60);
}

TEST_CASE("sampled dumps give the same verdicts as exact ones") {
  FixtureRun run;
  run_fixture(run, "lg_prof_sample:19", 32);  // jemalloc's default period, 32 times the sizes
  jestats::JsonValue doc = trend_json(run.dumps);
  CHECK(doc.find("sampled")->flag);
  std::string found;
  for (const std::string& name : leaks(doc)) found += name + " ";
  INFO("leak suspects: ", found);
  CHECK(leaks(doc) == kLeaking);
  const jestats::JsonValue* leak = row_named(doc, "trend::leak_site");
  REQUIRE(leak);
  // 2 MiB per phase, estimated from about four samples a phase: within a half.
  CHECK(number(*leak, "slope_per_step") == doctest::Approx(32 * 16 * 4096).epsilon(0.5));
  CHECK(number(*leak, "noise") > 0);
  const jestats::JsonValue* steady = row_named(doc, "trend::steady_site");
  if (steady) CHECK_FALSE(steady->find("leak")->flag);
}

TEST_CASE("trend text, CSV, SVG, gates and errors") {
  FixtureRun run;
  run_fixture(run, "lg_prof_sample:0", 1);
  std::vector<std::string> argv = {MEMPROF_CLI, "trend", "--limit", "64MiB"};
  argv.insert(argv.end(), run.dumps.begin(), run.dumps.end());
  CommandResult text = run_command(argv);
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out.find("Leak suspects: 2") != std::string::npos);
  CHECK(text.out.find("LEAK") != std::string::npos);
  CHECK(text.out.find("trend::leak_site") != std::string::npos);
  CHECK(text.out.find("+64.0 KiB") != std::string::npos);  // the leak's slope per step
  CHECK(text.out.find("spike") != std::string::npos);
  CHECK(text.out.find("total reaches 64.0 MiB in ~") != std::string::npos);

  argv[2] = "--format";
  argv[3] = "csv";
  CommandResult csv = run_command(argv);
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("dump,seq,time,site,bytes,objects\n", 0) == 0);
  CHECK(csv.out.find(",trend::leak_site,65536,16\n") != std::string::npos);  // the first dump

  argv[3] = "svg";
  CommandResult svg = run_command(argv);
  REQUIRE(svg.exit_code == 0);
  CHECK(svg.out.rfind("<?xml", 0) == 0);
  CHECK(svg.out.find("LEAK trend::leak_site") != std::string::npos);
  CHECK(svg.out.find("</svg>") != std::string::npos);

  std::vector<std::string> gate = {MEMPROF_CLI, "trend", "--fail-leak"};
  gate.insert(gate.end(), run.dumps.begin(), run.dumps.end());
  CHECK(run_command(gate).exit_code == 1);
  std::string rules = run.dir.path() + "/lsan.supp";
  write_file(rules, "leak:leak_site\nleak:thread_grow_site\n");
  gate.insert(gate.begin() + 2, {"--suppressions", rules});
  CommandResult suppressed = run_command(gate);
  CHECK(suppressed.exit_code == 0);
  CHECK(suppressed.out.find("Leak suspects: 0") != std::string::npos);

  CommandResult two = run_command({MEMPROF_CLI, "trend", run.dumps[0], run.dumps[1]});
  CHECK(two.exit_code == 2);
  CHECK(two.err.find("at least three dumps") != std::string::npos);
  CommandResult missing =
      run_command({MEMPROF_CLI, "trend", run.dumps[0], run.dumps[1], run.dir.path() + "/none.heap"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("none.heap") != std::string::npos);
  CommandResult bad_slope = run_command({MEMPROF_CLI, "trend", "--min-slope", "fast", run.dumps[0]});
  CHECK(bad_slope.exit_code == 2);
}

TEST_CASE("diff and top over three dumps (series engine) agree with one dump at a time") {
  FixtureRun run;
  run_fixture(run, "lg_prof_sample:0", 1);
  std::vector<std::string> three = {run.dumps[0], run.dumps[5], run.dumps[11]};
  // An empty --suppressions file sends diff down the one-dump-at-a-time path.
  std::string empty = run.dir.path() + "/empty.supp";
  write_file(empty, "");
  std::vector<std::string> engine = {MEMPROF_CLI, "diff", "--format", "json"};
  engine.insert(engine.end(), three.begin(), three.end());
  std::vector<std::string> classic = engine;
  classic.insert(classic.begin() + 2, {"--suppressions", empty});
  CommandResult a = run_command(engine), b = run_command(classic);
  REQUIRE_MESSAGE(a.exit_code == 0, a.err);
  REQUIRE_MESSAGE(b.exit_code == 0, b.err);
  CHECK(a.out == b.out);

  // top sums the dumps: each site's flat value is the sum of its flat values in each dump.
  auto top = [](const std::vector<std::string>& dumps) {
    std::vector<std::string> argv = {MEMPROF_CLI, "top", "--format", "json", "-n", "0"};
    argv.insert(argv.end(), dumps.begin(), dumps.end());
    CommandResult r = run_command(argv);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return jestats::JsonReader(r.out, "stdout").next();
  };
  jestats::JsonValue sum = top(three);
  double total = 0, leak = 0;
  for (const std::string& d : three) {
    jestats::JsonValue one = top({d});
    total += number(one, "total");
    for (const auto& row : one.find("rows")->items)
      if (row.find("name")->text == "trend::leak_site") leak += number(row, "flat");
  }
  CHECK(number(sum, "total") == doctest::Approx(total));
  const jestats::JsonValue* leak_row = row_named(sum, "trend::leak_site");
  REQUIRE(leak_row);
  CHECK(number(*leak_row, "flat") == (1 + 6 + 12) * 16 * 4096);
  CHECK(number(*leak_row, "flat") == doctest::Approx(leak));
}

namespace {

// Terminal columns of a line: code points (the sparkline's blocks are one column each).
size_t columns(std::string_view line) {
  return static_cast<size_t>(
      std::ranges::count_if(line, [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace

TEST_CASE("the trend table fits 80 columns, the sparkline giving way; wider terminals get all steps") {
  FixtureRun run;
  run_fixture(run, "lg_prof_sample:0", 1);
  // Every dump twice: 24 steps, more than a narrow terminal leaves the sparkline.
  std::vector<std::string> argv = {MEMPROF_CLI, "trend", "--keep-order"};
  for (const std::string& d : run.dumps) argv.insert(argv.end(), {d, d});
  CommandResult narrow = run_command(argv, {"COLUMNS=80"});
  REQUIRE_MESSAGE(narrow.exit_code == 0, narrow.err);
  CommandResult wide = run_command(argv, {"COLUMNS=200"});
  REQUIRE(wide.exit_code == 0);
  std::istringstream lines(narrow.out);
  size_t table_rows = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("Trend over") || line.starts_with("  step ")) continue;  // name dumps: as long as they are
    CHECK_MESSAGE(columns(line) <= 80, line);
    if (line.starts_with("LEAK") && line.ends_with("  trend::leak_site")) ++table_rows;
  }
  CHECK(table_rows == 1);  // the name survives whole
  // All 24 steps drawn when there is room, fewer at 80 columns.
  auto spark_of = [](const std::string& out) {
    size_t at = out.find("trend::leak_site");
    size_t start = out.rfind('\n', at) + 1;
    std::string_view row(out.data() + start, at - start);
    return std::ranges::count_if(row, [](char c) { return static_cast<unsigned char>(c) == 0xe2; });
  };
  CHECK(spark_of(wide.out) == static_cast<long>(2 * kPhases));
  CHECK(spark_of(narrow.out) < static_cast<long>(2 * kPhases));
}
