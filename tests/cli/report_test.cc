// End to end: memprof top and diff on real dumps of testdata/src/heap_fixture.cc, symbolized,
// checked against the sizes the fixture allocates (every allocation sampled).
#include <doctest/doctest.h>

#include <cmath>

#include "cli_json.h"
#include "memprof/jestats/json_reader.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;
using jestats::JsonValue;

namespace {

std::string dump(int phase, const char* dir = MEMPROF_FIXTURE_DUMPS) {
  return std::string(dir) + "/phase" + std::to_string(phase) + ".heap";
}

int64_t number(const JsonValue& v, std::string_view key) {
  const JsonValue* field = v.find(key);
  REQUIRE(field);
  return field->as_i64().value_or(INT64_MIN);
}

const JsonValue* row(const JsonValue& report, std::string_view name) {
  for (const JsonValue& r : report.find("rows")->items)
    if (r.find("name")->text == name) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("top: each fixture site with its exact bytes and objects, allocator frames trimmed") {
  JsonValue top = run_json({"top", "-n", "0", dump(1)});
  CHECK(top.find("sample_type")->text == "inuse_space");
  struct Site {
    const char* name;
    int64_t bytes, objects;
  };
  for (Site site : {Site{"fixture::leak_site", 10 * 4096, 10}, Site{"fixture::churn_site", 8 * 16384, 8},
                    Site{"fixture::stable_site", 5 * 65536, 5}, Site{"fixture::thread_site", 12 * 32768, 12},
                    Site{"fixture::Cache::fill", 7 * 2048, 7}, Site{"inline_helper", 3 * 131072, 3}}) {
    INFO(site.name);
    const JsonValue* r = row(top, site.name);
    REQUIRE(r);
    CHECK(number(*r, "flat") == site.bytes);
    CHECK(number(*r, "flat_objects") == site.objects);
  }
  // The inlined helper is charged to its caller's cumulative value too.
  CHECK(number(*row(top, "fixture::inline_outer"), "cum") == 3 * 131072);
  // No allocator frame survives trimming.
  for (const char* name : {"malloc", "calloc", "operator new", "operator new[]", "je_malloc_default"})
    CHECK_FALSE(row(top, name));
  // Flat values add up to the total.
  int64_t flat_sum = 0;
  for (const JsonValue& r : top.find("rows")->items) flat_sum += number(r, "flat");
  CHECK(std::llabs(flat_sum - number(top, "total")) <= static_cast<int64_t>(top.find("rows")->items.size()));
}

TEST_CASE("top --lines names the source line of each site") {
  CommandResult r = run_command({MEMPROF_CLI, "top", "--lines", "-n", "0", dump(1)});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("fixture::leak_site ") != std::string::npos);
  CHECK(r.out.find("heap_fixture.cc:") != std::string::npos);
}

TEST_CASE("top: --thread, --focus, --ignore and --inuse-objects") {
  JsonValue worker = run_json({"top", "--thread", "worker pool 1", dump(1)});
  CHECK(number(worker, "total") == 12 * 32768);
  JsonValue focus = run_json({"top", "--focus", "leak_site|churn_site", dump(1)});
  CHECK(number(focus, "total") == 10 * 4096 + 8 * 16384);
  JsonValue ignore = run_json({"top", "--ignore", "^fixture::", "-n", "0", dump(1)});
  CHECK_FALSE(row(ignore, "fixture::leak_site"));
  JsonValue objects = run_json({"top", "--inuse-objects", "--focus", "leak_site", dump(3)});
  CHECK(objects.find("unit")->text == "objects");
  CHECK(number(objects, "total") == 30);
}

TEST_CASE("top --alloc-space needs cumulative data and says so") {
  JsonValue alloc = run_json({"top", "--alloc-space", "--focus", "churn_site", dump(3)});
  CHECK(number(alloc, "total") == 3 * 8 * 16384);  // every churn batch ever allocated
}

TEST_CASE("diff of two phases: the leak grows, the churn does not show") {
  JsonValue d = run_json({"diff", dump(1), dump(3)});
  CHECK(number(d, "delta") == 2 * 10 * 4096);
  REQUIRE(!d.find("rows")->items.empty());
  const JsonValue& first = d.find("rows")->items.front();
  CHECK(first.find("name")->text == "fixture::leak_site");
  CHECK(number(first, "before") == 10 * 4096);
  CHECK(number(first, "after") == 30 * 4096);
  CHECK_FALSE(row(d, "fixture::churn_site"));
}

TEST_CASE("diff of a series marks the site that grew in every step") {
  JsonValue d = run_json({"diff", dump(1), dump(2), dump(3)});
  const JsonValue* leak = row(d, "fixture::leak_site");
  REQUIRE(leak);
  CHECK(leak->find("grew_every_step")->flag);
  CHECK(&d.find("rows")->items.front() == leak);
}

TEST_CASE("two separate runs of the program (different ASLR) diff to zero") {
  JsonValue d = run_json({"diff", dump(3), dump(3, MEMPROF_FIXTURE_RERUN_DUMPS)});
  // The runs differ only in a few bytes of std::string (the output directory's name).
  CHECK(std::llabs(number(d, "delta")) < 1024);
  for (const JsonValue& r : d.find("rows")->items) {
    INFO(r.find("name")->text);
    CHECK_FALSE(r.find("name")->text.starts_with("fixture::"));
    CHECK(std::llabs(number(r, "delta")) < 1024);
  }
}

TEST_CASE("diff with itself: no rows; suppressions report what they removed") {
  JsonValue same = run_json({"diff", dump(2), dump(2)});
  CHECK(same.find("rows")->items.empty());
  TempDir dir;
  write_file(dir.path() + "/lsan.supp", "# known\nleak:fixture::leak_site\n");
  JsonValue d = run_json({"diff", "--suppressions", dir.path() + "/lsan.supp", dump(1), dump(3)});
  CHECK(number(d, "suppressed") == 30 * 4096);  // what the rules removed from the NEW dump
  CHECK(number(d, "suppression_rules_matched") == 1);
  CHECK_FALSE(row(d, "fixture::leak_site"));
}

TEST_CASE("gates mark violating rows in JSON and exit with status 1") {
  JsonValue d = run_json({"diff", "--fail-site-growth", "64KiB", dump(1), dump(3)}, 1);
  CHECK(row(d, "fixture::leak_site")->find("violates")->flag);
  CHECK(d.find("violations")->items.size() == 1);
  JsonValue t = run_json({"top", "--fail-site-above", "300KiB", "-n", "1", dump(1)}, 1);
  CHECK(row(t, "fixture::thread_site")->find("violates")->flag);
  CHECK(row(t, "fixture::stable_site")->find("violates")->flag);  // shown although -n 1
}

TEST_CASE("text, CSV and Markdown carry the same rows") {
  CommandResult text = run_command({MEMPROF_CLI, "top", dump(1)});
  CHECK(text.out.find("fixture::thread_site") != std::string::npos);
  CHECK(text.out.find("Type: inuse_space") != std::string::npos);
  CommandResult csv = run_command({MEMPROF_CLI, "top", "--format", "csv", "--focus", "leak_site", dump(1)});
  CHECK(csv.out.starts_with("flat,flat_pct,sum_pct,cum,cum_pct,flat_objects,cum_objects,name\n"));
  CHECK(csv.out.find("\n40960,") != std::string::npos);
  CommandResult md = run_command({MEMPROF_CLI, "diff", "--format", "markdown", dump(1), dump(3)});
  CHECK(md.out.find("| fixture::leak\\_site |") != std::string::npos);
}

TEST_CASE("names are elided in the middle to fit the terminal, not cut") {
  CommandResult narrow = run_command({MEMPROF_CLI, "top", "--lines", dump(1)}, {"COLUMNS=80"});
  for (size_t start = 0, nl; (nl = narrow.out.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = narrow.out.substr(start, nl - start);
    size_t columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    if (line.find("heap_fixture.cc") != std::string::npos || line.find("\xe2\x80\xa6") != std::string::npos)
      CHECK(columns <= 80);
  }
  CHECK(narrow.out.find("\xe2\x80\xa6") != std::string::npos);
}

// Regressions found in review: inputs jemalloc would not write but a file may contain.
TEST_CASE("stacks without frames keep their bytes in a row of their own") {
  TempDir dir;
  write_file(dir.path() + "/bare.heap",
             "heap_v2/1\n  t*: 2: 200 [0: 0]\n@\n  t*: 1: 100 [0: 0]\n@ 0x10\n  t*: 1: 100 [0: 0]\n");
  JsonValue top = run_json({"top", dir.path() + "/bare.heap"});
  REQUIRE(row(top, "[no stack]"));
  CHECK(number(*row(top, "[no stack]"), "flat") == 100);
  CommandResult folded = run_command({MEMPROF_CLI, "flame", "--folded", dir.path() + "/bare.heap"});
  CHECK(folded.out.find("[no stack] 100\n") != std::string::npos);
  JsonValue hidden = run_json({"top", "--hide", ".", dump(1)});
  CHECK(number(*row(hidden, "[all frames hidden]"), "flat") == number(hidden, "total"));
}

TEST_CASE("very deep stacks and long names do not crash the tree or the filters") {
  TempDir dir;
  std::string deep = "heap_v2/1\n  t*: 1: 8 [0: 0]\n@";
  for (int i = 0; i < 20000; ++i) deep += " 0x" + std::to_string(1000 + i);
  deep += "\n  t*: 1: 8 [0: 0]\n";
  write_file(dir.path() + "/deep.heap", deep);
  CommandResult text = run_command({MEMPROF_CLI, "top", "--tree", dir.path() + "/deep.heap"});
  CHECK(text.exit_code == 0);
  // The outermost frame (written last) is the root; the leaf 0x1000 sits 19999 levels down, its depth
  // printed since the indentation stops growing.
  size_t root = text.out.find(" 0x20999\n");
  REQUIRE(root != std::string::npos);
  CHECK(text.out.substr(text.out.rfind('\n', root) + 1).starts_with("8 B  100.00%"));
  CHECK(text.out.ends_with("[19999] 0x1000\n"));
  CommandResult json = run_command({MEMPROF_CLI, "top", "--tree", "--format", "json", dir.path() + "/deep.heap"});
  CHECK(json.exit_code == 0);
  CHECK(json.out.find("\"total\": 8,") != std::string::npos);
  CHECK(json.out.size() < 50'000'000);  // indentation is capped, so output grows linearly
  std::string long_path(20000, 'a');
  write_file(dir.path() + "/long.heap",
             "heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x1010\n  t*: 1: 8 [0: 0]\n\nMAPPED_LIBRARIES:\n"
             "00001000-00002000 r-xp 00000000 08:01 1 /" +
                 long_path + "\n");
  CommandResult none = run_command({MEMPROF_CLI, "top", "--focus", "(a|b)*q", dir.path() + "/long.heap"});
  CHECK(none.exit_code == 0);
  CHECK(none.out.find("Total: 0 B (0 bytes)") != std::string::npos);  // no 'q' in "/aaa...+0x10"
  CommandResult all = run_command({MEMPROF_CLI, "top", "--focus", "a{100}", dir.path() + "/long.heap"});
  CHECK(all.exit_code == 0);
  CHECK(all.out.find("Total: 8 B (8 bytes)") != std::string::npos);
}

TEST_CASE("JSON stays valid UTF-8 whatever bytes the dump's names hold") {
  TempDir dir;
  write_file(dir.path() + "/utf.heap",
             "heap_v2/1\n  t*: 1: 8 [0: 0]\n  t0: 1: 8 [0: 0] bad\xffname \xc3\xa9t\xc3\xa9\n@ 0x1010\n"
             "  t*: 1: 8 [0: 0]\n  t0: 1: 8 [0: 0]\n");
  JsonValue info = run_json({"info", dir.path() + "/utf.heap"});
  CHECK(info.find("files")->items[0].find("threads")->items[0].find("name")->text ==
        "bad\xef\xbf\xbdname \xc3\xa9t\xc3\xa9");
}

TEST_CASE("counts too large to add up saturate instead of wrapping negative") {
  TempDir dir;
  write_file(dir.path() + "/huge.heap",
             "heap profile: 1: 9223372036854775807 [0: 0] @ heap_v2/524288\n"
             "1: 9223372036854775807 [0: 0] @ 0x1 0x2\n1: 9223372036854775807 [0: 0] @ 0x1 0x3\n");
  JsonValue top = run_json({"top", dir.path() + "/huge.heap"});
  CHECK(number(top, "total") == INT64_MAX);
  // The raw counts are integers summed as written: without saturation the two records would wrap
  // to -2 (the display above clamps a double and would not notice).
  JsonValue info = run_json({"info", dir.path() + "/huge.heap"});
  const JsonValue& raw = *info.find("files")->items[0].find("raw_totals");
  CHECK(number(raw, "inuse_space") == INT64_MAX);
  CHECK(number(raw, "inuse_objects") == 2);
  write_file(dir.path() + "/many.heap",
             "heap profile: 1: 9223372036854775807 [0: 0] @ heap_v2/524288\n"
             "9223372036854775807: 8 [0: 0] @ 0x1 0x2\n9223372036854775807: 8 [0: 0] @ 0x1 0x3\n");
  JsonValue many = run_json({"info", dir.path() + "/many.heap"});
  CHECK(number(*many.find("files")->items[0].find("raw_totals"), "inuse_objects") == INT64_MAX);
  CHECK(number(*many.find("files")->items[0].find("raw_totals"), "inuse_space") == 16);
}

TEST_CASE("with no dump named, the newest process's dumps are used in sequence order") {
  TempDir dir;
  auto copy = [&](int phase, const std::string& name, const char* mtime) {
    write_file(dir.path() + "/" + name, read_file(dump(phase)));
    run_command({"touch", "-d", mtime, dir.path() + "/" + name});
  };
  copy(1, "jeprof.1.1.i1.heap", "2020-01-01 00:00:01");
  copy(2, "unrelated.heap", "2020-01-01 00:00:02");
  copy(3, "jeprof.1.0.i0.heap", "2020-01-01 00:00:03");
  CommandResult r = run_command({"sh", "-c", "cd '" + dir.path() + "' && exec '" + MEMPROF_CLI + "' diff"});
  CHECK(r.err.find("using jeprof.1.0.i0.heap, jeprof.1.1.i1.heap") != std::string::npos);
  CHECK(r.out.starts_with("Base: jeprof.1.0.i0.heap\n"));
}
