// Issue 9's behaviours of the command line, in-process through run_cli(): series order, labels
// and widths; nothing silent that changes the answer; output integrity; one error wording.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "in_process.h"
#include "memprof/jestats/json_reader.h"
#include "memprof/render/diff_report.h"
#include "test_support.h"

namespace fs = std::filesystem;
using memprof::jestats::JsonReader;
using memprof::jestats::JsonValue;
using memprof::test::run;
using memprof::test::Run;

namespace {

JsonValue json_of(const Run& r) {
  INFO("stderr: " << r.err);
  JsonReader reader(r.out, "stdout");
  return reader.next();
}

std::string dump(int phase) { return std::string(MEMPROF_FIXTURE_DUMPS) + "/phase" + std::to_string(phase) + ".heap"; }

int count_lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("diff takes jemalloc-named dumps in (pid, seq) order, says so, and --keep-order keeps the given order") {
  memprof::test::TempDir dir;
  std::string d0 = dir.path() + "/jeprof.77.2.i2.heap", d1 = dir.path() + "/jeprof.77.10.i10.heap";
  fs::copy_file(dump(1), d0);
  fs::copy_file(dump(3), d1);
  // The shell's sort puts .10. before .2.
  Run r = run({"diff", "--format", "json", d1, d0});
  REQUIRE(r.status == 0);
  CHECK(r.err.find("(pid, seq) order") != std::string::npos);
  JsonValue doc = json_of(r);
  CHECK(doc.find("base")->items[0].text == d0);
  CHECK(*doc.find("delta")->as_i64() == 80 * 1024);  // the fixture's leak: 10 x 4 KiB per phase, 2 phases

  Run kept = run({"diff", "--keep-order", "--format", "json", d1, d0});
  REQUIRE(kept.status == 0);
  CHECK(kept.err.find("order") == std::string::npos);
  CHECK(*json_of(kept).find("delta")->as_i64() == -80 * 1024);

  Run in_order = run({"diff", "--format", "json", d0, d1});
  CHECK(in_order.err.find("order") == std::string::npos);
}

TEST_CASE("diff over many steps: a sparkline instead of one value per step; all values in JSON and CSV") {
  memprof::test::TempDir dir;
  std::vector<std::string> series;
  for (int i = 0; i < 12; ++i) {
    std::string path = dir.path() + "/jeprof.5." + std::to_string(i) + ".i" + std::to_string(i) + ".heap";
    fs::copy_file(dump(i < 6 ? 1 : i < 9 ? 2 : 3), path);
    series.push_back(path);
  }
  std::vector<std::string> args = {"diff", "-n", "0"};
  args.insert(args.end(), series.begin(), series.end());
  Run text = run(args);
  REQUIRE(text.status == 0);
  CHECK(text.out.find("series") != std::string::npos);
  CHECK(text.out.find("▁▁▁▁▁▁▅▅▅███") != std::string::npos);  // the leak: phase 1 x6, 2 x3, 3 x3
  CHECK(text.out.find("Then: 10 dumps") != std::string::npos);
  std::istringstream lines(text.out);
  for (std::string line; std::getline(lines, line);) CHECK_MESSAGE(line.size() < 400, line);

  args.insert(args.begin() + 1, {"--format", "csv"});
  Run csv = run(args);
  REQUIRE(csv.status == 0);
  CHECK(csv.out.starts_with("delta,before,after,change_pct,new,grew_every_step,values,name\n"));
  CHECK(csv.out.find(",40960;40960;40960;40960;40960;40960;81920;81920;81920;122880;122880;122880,") !=
        std::string::npos);
}

TEST_CASE("diff labels: NEW only when absent in BASE and present in NEW; in-between sites are transient") {
  memprof::analyze::DiffTable t;
  t.base_total = 10;
  t.new_total = 19;
  t.delta = 9;
  t.totals = {10, 710, 50, 19};
  t.rows = {{.name = "late", .values = {0, 5, 8, 9}, .before = 0, .after = 9, .delta = 9, .is_new = true}};
  t.transient = {{.name = "blip", .values = {0, 700, 0, 0}}};
  memprof::render::DiffReportInput in{.table = t, .dumps = {"a", "b", "c", "d"}};
  std::string text = render_diff(in, {.exact_bytes = true}, memprof::render::Format::text, {});
  CHECK(text.find("Transient") != std::string::npos);
  CHECK(text.find("1 site, largest 700 at its peak: blip") != std::string::npos);
  CHECK(text.find("NEW") != std::string::npos);
  std::string json = render_diff(in, {}, memprof::render::Format::json, {});
  JsonReader reader(json, "json");
  JsonValue doc = reader.next();
  REQUIRE(doc.find("transient")->items.size() == 1);
  CHECK(doc.find("transient")->items[0].find("name")->text == "blip");
  CHECK(*doc.find("transient")->items[0].find("peak")->as_i64() == 700);
  REQUIRE(doc.find("rows")->items.size() == 1);
  CHECK(doc.find("rows")->items[0].find("name")->text == "late");
}

TEST_CASE("diff with no dump named takes the newest process that has two dumps") {
  memprof::test::TempDir dir;
  auto put = [&](int phase, const std::string& name, const char* mtime) {
    fs::copy_file(dump(phase), dir.path() + "/" + name);
    memprof::test::run_command({"touch", "-d", mtime, dir.path() + "/" + name});
  };
  put(1, "app.100.0.i0.heap", "2020-01-01 00:00:01");
  put(3, "app.100.1.i1.heap", "2020-01-01 00:00:02");
  put(2, "time.200.0.f.heap", "2020-01-01 00:00:03");  // the `time` wrapper: newest, one dump
  fs::path saved = fs::current_path();
  fs::current_path(dir.path());
  Run r = run({"diff"});
  fs::current_path(saved);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("using app.100.0.i0.heap, app.100.1.i1.heap") != std::string::npos);
}

TEST_CASE("top over dumps of one process warns, and lists many inputs in one short line") {
  memprof::test::TempDir dir;
  std::vector<std::string> args = {"top"};
  for (int i = 0; i < 6; ++i) {
    std::string path = dir.path() + "/jeprof.9." + std::to_string(i) + ".i" + std::to_string(i) + ".heap";
    fs::copy_file(dump(1), path);
    args.push_back(path);
  }
  Run r = run(args);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("6 dumps of process 9 summed") != std::string::npos);
  CHECK(r.err.find("memprof diff") != std::string::npos);
  CHECK(r.out.find("Dumps: 6 summed (") != std::string::npos);
  CHECK(count_lines(r.out.substr(0, r.out.find("Type:"))) == 1);
}

TEST_CASE("filters that match nothing: a warning, and with a gate exit 2; the header says what was filtered") {
  Run none = run({"top", "--focus", "no_such_function_anywhere", dump(3)});
  CHECK(none.status == 0);
  CHECK(none.err.find("memprof: warning: --focus 'no_such_function_anywhere' matched no frame") != std::string::npos);

  Run gated = run({"top", "--focus", "no_such_function_anywhere", "--fail-above", "1GiB", dump(3)});
  CHECK(gated.status == 2);
  CHECK(gated.err.find("memprof: error: --focus 'no_such_function_anywhere' matched no frame") != std::string::npos);

  Run diff_gated = run({"diff", "--ignore", "nothing_like_this", "--fail-growth", "1GiB", dump(1), dump(3)});
  CHECK(diff_gated.status == 2);

  Run focused = run({"top", "--focus", "leak_site", dump(3)});
  REQUIRE(focused.status == 0);
  // 3 phases x 10 x 4 KiB of the leak, out of the whole dump.
  CHECK(focused.out.find("Total: 120.0 KiB (122880 bytes) in 30 objects (filtered; ") != std::string::npos);
  Run focused_json = run({"top", "--focus", "leak_site", "--format", "json", dump(3)});
  JsonValue doc = json_of(focused_json);
  CHECK(*doc.find("total")->as_i64() == 122880);
  CHECK(*doc.find("unfiltered_total")->as_i64() > 122880);
}

TEST_CASE("--thread that names no thread lists those that do") {
  Run r = run({"top", "--thread", "no such thread", dump(3)});
  CHECK(r.status == 2);
  CHECK(r.err.find("its threads: ") != std::string::npos);
  CHECK(r.err.find("worker pool 1") != std::string::npos);
}

TEST_CASE("flame: the diff-only options without --base are usage errors") {
  for (const char* option : {"--negate", "--self-delta", "--normalize"}) {
    Run r = run({"flame", "--folded", option, dump(3)});
    CHECK_MESSAGE(r.status == 2, option);
    CHECK(r.err.find("--base") != std::string::npos);
  }
  Run r = run({"flame", "--folded", "--min-delta", "1KiB", dump(3)});
  CHECK(r.status == 2);
}

TEST_CASE("JSON and CSV rows add up to the header total exactly") {
  for (const std::string& type : {"--inuse-space", "--inuse-objects", "--alloc-space", "--alloc-objects"}) {
    for (int phase = 1; phase <= 3; ++phase) {
      Run r = run({"top", "-n", "0", type, "--format", "json", dump(phase)});
      REQUIRE(r.status == 0);
      JsonValue doc = json_of(r);
      int64_t sum = 0, objects = 0;
      for (const JsonValue& row : doc.find("rows")->items) {
        sum += *row.find("flat")->as_i64();
        objects += *row.find("flat_objects")->as_i64();
      }
      CHECK_MESSAGE(sum == *doc.find("total")->as_i64(), type << " phase " << phase);
      CHECK(objects == *doc.find("total_objects")->as_i64());
    }
  }
}

TEST_CASE("--lines JSON: function, file and line as fields of their own") {
  Run r = run({"top", "--lines", "--format", "json", dump(3)});
  REQUIRE(r.status == 0);
  JsonValue doc = json_of(r);
  bool found = false;
  for (const JsonValue& row : doc.find("rows")->items) {
    if (row.find("function")->text != "fixture::leak_site") continue;
    found = true;
    REQUIRE(row.find("file"));
    CHECK(row.find("file")->text.ends_with("heap_fixture.cc"));
    CHECK(*row.find("line")->as_i64() > 0);
    CHECK(row.find("name")->text.starts_with("fixture::leak_site "));
  }
  CHECK(found);
}

TEST_CASE("help and usage errors: exit-status footers, range wording, typed values") {
  Run top_help = run({"top", "--help"});
  CHECK(top_help.out.find("1 a --fail-* limit was exceeded") != std::string::npos);
  for (const char* sub : {"info", "flame", "hist", "convert", "symbolize", "explain"}) {
    Run help = run({sub, "--help"});
    REQUIRE_MESSAGE(help.out.find("Exit status:") != std::string::npos, sub);
    std::string footer = help.out.substr(help.out.find("Exit status:"));
    CHECK_MESSAGE(footer.find("--fail-") == std::string::npos, sub);
  }
  Run width = run({"flame", "--width", "100", "--folded", dump(3)});
  CHECK(width.status == 2);
  CHECK(width.err.find("--width: 100 is below the minimum 200") != std::string::npos);
  Run size = run({"explain", "--rss", "6 parsecs", dump(3), "x.json"});
  CHECK(size.status == 2);
  CHECK(size.err.find("--rss: expects SIZE") != std::string::npos);
  CHECK(size.err.find("'6 parsecs'") != std::string::npos);
  Run format = run({"top", "--format", "yaml", dump(3)});
  CHECK(format.status == 2);
  CHECK(format.err.find("--format: expects one of text, json, csv, markdown, openmetrics, got 'yaml'") !=
        std::string::npos);
}

TEST_CASE("every error is one line, reported once") {
  Run missing = run({"top", "/nonexistent/x.heap"});
  CHECK(missing.status == 2);
  CHECK(missing.err.starts_with("memprof: error: /nonexistent/x.heap"));
  CHECK(count_lines(missing.err) == 1);
  Run stats = run({"stats", "/nonexistent/stats.json"});
  CHECK(stats.status == 2);
  CHECK(count_lines(stats.err) == 1);
  Run openmetrics = run({"stats", "--format", "openmetrics", "a", "b"});
  CHECK(openmetrics.status == 2);
  CHECK(openmetrics.err == "memprof: error: --format openmetrics describes one process: give one file\n");
}

TEST_CASE("standard input is <stdin> in every message") {
  memprof::test::CommandResult r = memprof::test::run_command({MEMPROF_CLI, "stats", "-"}, {}, "not statistics\n");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("<stdin>") != std::string::npos);
  CHECK(r.err.find("-:1") == std::string::npos);
}

TEST_CASE("explain warns when the dump and the statistics cannot belong together") {
  // frag.heap and stats.json are one moment of one process; the size fixture ran at another
  // sample rate (lg_prof_sample 19, the default) than the heap fixture (every allocation).
  Run same = run({"explain", std::string(MEMPROF_FRAG_FIXTURE_DIR) + "/frag.heap",
                  std::string(MEMPROF_FRAG_FIXTURE_DIR) + "/stats.json"});
  CHECK(same.status == 0);
  CHECK(same.err.find("different processes") == std::string::npos);
  CHECK(same.err.find("same moment") == std::string::npos);
  Run other = run({"explain", dump(3), std::string(MEMPROF_SIZE_FIXTURE_DIR) + "/default/stats.json"});
  CHECK(other.status == 0);
  CHECK(other.err.find("opt.lg_prof_sample 19") != std::string::npos);
}

TEST_CASE("sampled dumps: rows resting on few samples are marked, and the total's sampling error is given") {
  std::string sampled = std::string(MEMPROF_SIZE_FIXTURE_DIR) + "/default/sizes.heap";  // lg_prof_sample 19
  Run json = run({"top", "-n", "0", "--format", "json", sampled});
  REQUIRE(json.status == 0);
  JsonValue doc = json_of(json);
  int64_t total_samples = *doc.find("total_samples")->as_i64();
  CHECK(total_samples > 0);
  int64_t sum = 0, few = 0;
  for (const JsonValue& row : doc.find("rows")->items) {
    int64_t samples = *row.find("samples")->as_i64();
    sum += samples;
    few += samples < 30;
  }
  CHECK(sum == total_samples);
  CHECK(std::stod(doc.find("relative_standard_error")->text) == doctest::Approx(1 / std::sqrt(double(total_samples))));

  Run text = run({"top", "-n", "0", sampled});
  CHECK(text.out.find("Sampling error of the total: \u00b1") != std::string::npos);
  CHECK((text.out.find("~ estimated from fewer than 30 sampled objects") != std::string::npos) == (few > 0));

  // Every allocation sampled: exact values, no marks.
  Run exact = run({"top", dump(3)});
  CHECK(exact.out.find("Sampling error") == std::string::npos);
  CHECK(exact.out.find("~ estimated") == std::string::npos);
}
