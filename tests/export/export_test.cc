// memprof convert, memprof symbolize and the OpenMetrics output, end to end on real fixture
// dumps, each checked by the program that reads the format: pprof (its totals and rows against
// memprof top's), jeprof (the same names from a symbolized dump), promtool (the exposition).
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "memprof/export/openmetrics.h"
#include "memprof/jestats/json_reader.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;
using jestats::JsonValue;

namespace {

std::string dump(int phase) { return std::string(MEMPROF_FIXTURE_DUMPS) + "/phase" + std::to_string(phase) + ".heap"; }

CommandResult memprof_cli(std::vector<std::string> args, int expected = 0) {
  args.insert(args.begin(), MEMPROF_CLI);
  CommandResult r = run_command(args);
  INFO("memprof stderr: " << r.err);
  REQUIRE(r.exit_code == expected);
  return r;
}

JsonValue parse_json(const std::string& text) {
  jestats::JsonReader reader(text, "stdout");
  return reader.next();
}

// pprof and jeprof mark inlined frames with " (inline)"; memprof's rows name the function alone.
std::string without_inline_mark(std::string name) {
  if (name.ends_with(" (inline)")) name.resize(name.size() - 9);
  return name;
}

struct Table {
  int64_t total = 0;
  std::map<std::string, int64_t> flat;  // rows with a nonzero flat value
};

Table memprof_top(const std::vector<std::string>& dumps, const std::string& type_flag) {
  std::vector<std::string> args = {"top", "-n", "0", "--format", "json", type_flag};
  args.insert(args.end(), dumps.begin(), dumps.end());
  JsonValue top = parse_json(memprof_cli(args).out);
  Table t;
  t.total = top.find("total")->as_i64().value();
  for (const JsonValue& row : top.find("rows")->items) {
    int64_t flat = row.find("flat")->as_i64().value();
    if (flat) t.flat[row.find("name")->text] = flat;
  }
  return t;
}

// pprof -top with every node and exact units: "  393216B 28.43% 28.43%  393216B 28.43%  name".
Table pprof_top(const std::string& file, const std::string& sample_index) {
  CommandResult r = run_command({MEMPROF_PPROF, "-top", "-sample_index=" + sample_index, "-nodecount=100000",
                                 "-nodefraction=0", "-edgefraction=0", "-unit=B", file});
  INFO("pprof stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  Table t;
  std::smatch m;
  static const std::regex total_re(R"(of (\d+)B? total)");
  REQUIRE(std::regex_search(r.out, m, total_re));
  t.total = std::stoll(m[1]);
  static const std::regex row_re(R"(^\s*(-?\d+)B?\s+\S+%\s+\S+%\s+(-?\d+)B?\s+\S+%\s+(.+)$)");
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (std::regex_match(line, m, row_re) && std::stoll(m[1]) != 0)
      t.flat[without_inline_mark(m[3])] += std::stoll(m[1]);
  return t;
}

void check_same_rows(const Table& pprof, const Table& memprof) {
  CHECK(pprof.total == memprof.total);
  CHECK(pprof.flat.size() == memprof.flat.size());
  for (const auto& [name, value] : memprof.flat) {
    INFO(name);
    auto it = pprof.flat.find(name);
    REQUIRE(it != pprof.flat.end());
    CHECK(std::llabs(it->second - value) <= 1);  // pprof sums per-sample integers, memprof rounds once
  }
}

}  // namespace

TEST_CASE("convert --to pprof: pprof shows memprof's totals and rows for every sample type") {
  TempDir dir;
  const std::string out = dir.path() + "/phase1.pb.gz";
  memprof_cli({"convert", "--to", "pprof", dump(1), "-o", out});
  CHECK(read_file(out).substr(0, 2) == "\x1f\x8b");  // gzip, as pprof expects on disk
  for (auto [index, flag] :
       {std::pair{"inuse_space", "--inuse-space"}, std::pair{"inuse_objects", "--inuse-objects"},
        std::pair{"alloc_space", "--alloc-space"}, std::pair{"alloc_objects", "--alloc-objects"}}) {
    INFO(index);
    check_same_rows(pprof_top(out, index), memprof_top({dump(1)}, flag));
  }
  // An independent anchor: the fixture's own sizes (every allocation sampled).
  Table live = pprof_top(out, "inuse_space");
  CHECK(live.flat["fixture::leak_site"] == 10 * 4096);
  CHECK(live.flat["inline_helper"] == 3 * 131072);
  CHECK(pprof_top(out, "inuse_objects").flat["fixture::thread_site"] == 12);

  SUBCASE("several dumps are summed") {
    const std::string both = dir.path() + "/both.pb.gz";
    memprof_cli({"convert", "--to", "pprof", dump(1), dump(2), "-o", both});
    check_same_rows(pprof_top(both, "inuse_space"), memprof_top({dump(1), dump(2)}, "--inuse-space"));
  }
}

TEST_CASE("convert --to pprof: every location mapped, build ids and symbol flags, default type") {
  TempDir dir;
  const std::string out = dir.path() + "/p.pb.gz";
  memprof_cli({"convert", "--to", "pprof", dump(3), "-o", out});
  CommandResult raw = run_command({MEMPROF_PPROF, "-raw", out});
  REQUIRE(raw.exit_code == 0);
  CHECK(raw.out.find("PeriodType: space bytes") != std::string::npos);
  CHECK(raw.out.find("alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes") !=
        std::string::npos);
  size_t locations_at = raw.out.find("\nLocations\n"), mappings_at = raw.out.find("\nMappings\n");
  REQUIRE(locations_at != std::string::npos);
  REQUIRE(mappings_at != std::string::npos);
  std::istringstream lines(raw.out.substr(locations_at, mappings_at - locations_at));
  static const std::regex location_re(R"(^\s+\d+: 0x[0-9a-f]+ M=(\d+) .*)");
  size_t locations = 0, unmapped = 0;
  std::smatch m;
  for (std::string line; std::getline(lines, line);) {
    if (!std::regex_match(line, m, location_re)) continue;
    ++locations;
    if (std::stoi(m[1]) == 0) ++unmapped;
  }
  CHECK(locations > 10);
  CHECK(unmapped == 0);
  // The fixture's mapping carries the build id the symbolizer read and says it is symbolized.
  std::string mappings = raw.out.substr(mappings_at);
  static const std::regex fixture_mapping(R"(heap_fixture [0-9a-f]{40} \[FN\]\[FL\]\[LN\]\[IN\])");
  CHECK(std::regex_search(mappings, fixture_mapping));
  // pprof's own top defaults to inuse_space, the profile's default_sample_type.
  CommandResult top = run_command({MEMPROF_PPROF, "-top", out});
  CHECK(top.out.find("Type: inuse_space") != std::string::npos);
}

TEST_CASE("convert --to pprof --no-symbolize: pprof symbolizes the addresses itself, through our mappings") {
  TempDir dir;
  const std::string out = dir.path() + "/raw.pb.gz";
  memprof_cli({"convert", "--to", "pprof", "--no-symbolize", dump(1), "-o", out});
  CommandResult top = run_command({MEMPROF_PPROF, "-top", "-nodecount=1000", "-nodefraction=0", "-unit=B", out});
  REQUIRE(top.exit_code == 0);
  // pprof found the fixture binary by the mapping's path and resolved file offsets correctly:
  // the sites carry their fixture sizes as cumulative values (the leaf is jemalloc, untrimmed).
  static const std::regex site_re(R"(\s(\d+)B\s+\S+%\s+fixture::leak_site\n)");
  std::smatch m;
  REQUIRE(std::regex_search(top.out, m, site_re));
  CHECK(std::stoll(m[1]) == 10 * 4096);
  CHECK(top.out.find("inline_helper (inline)") != std::string::npos);
}

TEST_CASE("convert --to pprof: a dump without maps or cumulative counts, legacy, --threads") {
  TempDir dir;
  // No MAPPED_LIBRARIES: every address is outside all mappings; no accumulated counts.
  const std::string dump_path = dir.path() + "/bare.heap";
  write_file(dump_path,
             "heap profile: 3: 3072 [0: 0] @ heap_v2/1\n"
             "2: 2048 [0: 0] @ 0x1000 0x2005 0x3005\n"
             "1: 1024 [0: 0] @ 0x4000 0x3005\n");
  const std::string out = dir.path() + "/bare.pb.gz";
  CommandResult r = memprof_cli({"convert", "--to", "pprof", "--threads", dump_path, "-o", out});
  CHECK(r.err.find("no per-thread counts in the dump") != std::string::npos);
  CommandResult raw = run_command({MEMPROF_PPROF, "-raw", out});
  REQUIRE(raw.exit_code == 0);
  CHECK(raw.out.find("inuse_objects/count inuse_space/bytes") != std::string::npos);
  CHECK(raw.out.find("alloc_space") == std::string::npos);
  // One made-up mapping holds every address; callers are stored at the return address - 1.
  CHECK(raw.out.find("[unknown]") != std::string::npos);
  for (const char* location : {"0x1000 M=1", "0x2004 M=1", "0x3004 M=1", "0x4000 M=1"})
    CHECK(raw.out.find(location) != std::string::npos);
  Table live = pprof_top(out, "inuse_space");
  CHECK(live.total == 3072);
  CHECK(live.flat == memprof_top({dump_path}, "--inuse-space").flat);
}

TEST_CASE("convert --to pprof --threads: a thread label per per-thread sample") {
  TempDir dir;
  const std::string out = dir.path() + "/t.pb.gz";
  memprof_cli({"convert", "--to", "pprof", "--threads", dump(1), "-o", out});
  CommandResult tags = run_command({MEMPROF_PPROF, "-tags", out});
  REQUIRE(tags.exit_code == 0);
  CHECK(tags.out.find("thread: Total") != std::string::npos);
  CHECK(tags.out.find("worker pool 1") != std::string::npos);
  // The worker thread holds exactly what memprof top --thread says it holds.
  Table worker = memprof_top({"--thread", "worker pool 1", dump(1)}, "--inuse-space");
  CommandResult focused = run_command({MEMPROF_PPROF, "-top", "-unit=B", "-tagfocus=thread=worker pool 1", out});
  CHECK(focused.out.find("accounting for " + std::to_string(worker.total) + "B,") != std::string::npos);
}

TEST_CASE("memprof symbolize: a dump memprof and jeprof read without binaries, with the same names") {
  TempDir dir;
  const std::string sym = dir.path() + "/phase1.sym.heap";
  memprof_cli({"symbolize", dump(1), "-o", sym});
  std::string text = read_file(sym);
  REQUIRE(text.starts_with("--- symbol\n"));
  CHECK(text.find("\n---\n--- heap\nheap_v2/") != std::string::npos);
  // Move the binaries out of reach: the paths in MAPPED_LIBRARIES now name nothing.
  std::string moved;
  size_t moved_paths = 0;
  std::istringstream lines(text);
  bool in_maps = false;
  for (std::string line; std::getline(lines, line);) {
    in_maps = in_maps || line == "MAPPED_LIBRARIES:";
    size_t slash = line.find(" /");
    if (in_maps && slash != std::string::npos) {
      line = line.substr(0, slash) + " /nonexistent" + line.substr(slash + 1);
      ++moved_paths;
    }
    moved += line + "\n";
  }
  REQUIRE(moved_paths > 5);
  const std::string portable = dir.path() + "/portable.heap";
  write_file(portable, moved);

  // The same rows, names and values as the original dump symbolized with its binaries.
  for (const char* flag : {"--inuse-space", "--alloc-objects"}) {
    INFO(flag);
    Table original = memprof_top({dump(1)}, flag), from_symbols = memprof_top({portable}, flag);
    CHECK(from_symbols.total == original.total);
    CHECK(from_symbols.flat == original.flat);
  }
  // Inline chains survive: the inlined helper is its own frame, charged to its caller too.
  JsonValue top = parse_json(memprof_cli({"top", "-n", "0", "--format", "json", portable}).out);
  bool outer_found = false;
  for (const JsonValue& row : top.find("rows")->items)
    if (row.find("name")->text == "fixture::inline_outer") {
      outer_found = true;
      CHECK(row.find("cum")->as_i64() == 3 * 131072);
    }
  CHECK(outer_found);
  // pprof output made far from the binaries: the same rows as from the original dump.
  const std::string pb = dir.path() + "/portable.pb.gz";
  memprof_cli({"convert", "--to", "pprof", portable, "-o", pb});
  check_same_rows(pprof_top(pb, "inuse_space"), memprof_top({dump(1)}, "--inuse-space"));
  // flame and diff read it too.
  CHECK(memprof_cli({"flame", "--folded", portable}).out == memprof_cli({"flame", "--folded", dump(1)}).out);
  const std::string sym2 = dir.path() + "/phase2.sym.heap";
  memprof_cli({"symbolize", dump(2), "-o", sym2});
  auto diff_rows = [](const std::string& json) {
    std::map<std::string, int64_t> rows;
    JsonValue doc = parse_json(json);
    for (const JsonValue& row : doc.find("rows")->items)
      rows[row.find("name")->text] = row.find("delta")->as_i64().value();
    return rows;
  };
  CHECK(diff_rows(memprof_cli({"diff", "-n", "0", "--format", "json", portable, sym2}).out) ==
        diff_rows(memprof_cli({"diff", "-n", "0", "--format", "json", dump(1), dump(2)}).out));
  CommandResult diff = memprof_cli({"diff", portable, sym2});
  CHECK(diff.out.find("fixture::leak_site") != std::string::npos);

  SUBCASE("jeprof --text prints the same names and bytes") {
    if (std::string(MEMPROF_JEPROF).empty()) {
      MESSAGE("jeprof not installed: skipped");
      return;
    }
    CommandResult j = run_command({MEMPROF_JEPROF, "--text", "--show_bytes", portable});
    INFO("jeprof stderr: " << j.err);
    REQUIRE(j.exit_code == 0);
    Table memprof = memprof_top({dump(1)}, "--inuse-space");
    std::map<std::string, int64_t> jeprof_flat;
    size_t inline_marks = 0;
    static const std::regex row_re(R"(^\s*(\d+)\s+\S+%\s+\S+%\s+(\d+)\s+\S+%\s+(.+)$)");
    std::istringstream lines(j.out);
    std::smatch m;
    for (std::string line; std::getline(lines, line);)
      if (std::regex_match(line, m, row_re) && std::stoll(m[1]) != 0) {
        inline_marks += std::string(m[3]).ends_with(" (inline)");
        jeprof_flat[without_inline_mark(m[3])] += std::stoll(m[1]);
      }
    // jeprof marks inlined frames (the chain survived the trip); the names are otherwise memprof's.
    CHECK(inline_marks > 0);
    CHECK(jeprof_flat == memprof.flat);
  }
}

TEST_CASE("memprof symbolize: legacy dumps keep their format and their numbers") {
  TempDir dir;
  for (const char* kind : {"heap_v2/524288", "heapprofile"}) {
    INFO(kind);
    const std::string legacy = dir.path() + "/legacy.heap", sym = dir.path() + "/legacy.sym.heap";
    write_file(legacy, std::string("heap profile: 3: 3072 [5: 9000] @ ") + kind +
                           "\n2: 2048 [3: 6000] @ 0x1000 0x2005\n1: 1024 [2: 3000] @ 0x3000 0x2005\n"
                           "\nMAPPED_LIBRARIES:\n00001000-00004000 r-xp 00000000 00:00 0 /nonexistent/app\n");
    memprof_cli({"symbolize", legacy, "-o", sym});
    std::string text = read_file(sym);
    CHECK(text.find(std::string("--- heap\nheap profile: 3: 3072 [5: 9000] @ ") + kind + "\n") != std::string::npos);
    // A caller is keyed at its call (return address - 1), named as memprof names its location.
    CHECK(text.find("0x0000000000002004 app+0x1005\n") != std::string::npos);
    for (const char* flag : {"--inuse-space", "--alloc-objects"}) {
      INFO(flag);
      Table original = memprof_top({legacy}, flag), from_symbols = memprof_top({sym}, flag);
      CHECK(from_symbols.total == original.total);
      CHECK(from_symbols.flat == original.flat);
      CHECK(from_symbols.flat.size() == 2);
    }
  }
}

TEST_CASE("convert --to speedscope: the file format's structure, one sampled profile per sample type") {
  JsonValue doc = parse_json(memprof_cli({"convert", "--to", "speedscope", dump(1)}).out);
  CHECK(doc.find("$schema")->text == "https://www.speedscope.app/file-format-schema.json");
  const std::vector<JsonValue>& frames = doc.find("shared")->find("frames")->items;
  std::vector<std::string> names;
  for (const JsonValue& f : frames) names.push_back(f.find("name")->text);
  const std::vector<JsonValue>& profiles = doc.find("profiles")->items;
  REQUIRE(profiles.size() == 4);  // the fixture runs with prof_accum: the alloc pair is there
  std::set<std::string> types;
  for (const JsonValue& p : profiles) {
    std::string type = p.find("name")->text;
    INFO(type);
    types.insert(type);
    CHECK(p.find("type")->text == "sampled");
    CHECK(p.find("unit")->text == (type.ends_with("space") ? "bytes" : "none"));
    const auto& samples = p.find("samples")->items;
    const auto& weights = p.find("weights")->items;
    REQUIRE(samples.size() == weights.size());
    int64_t sum = 0, leak = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      int64_t w = weights[i].as_i64().value();
      CHECK(w > 0);
      sum += w;
      for (const JsonValue& index : samples[i].items) REQUIRE(index.as_u64().value() < names.size());
      // Root first: the allocation site is the last frame, main is near the start.
      if (names[samples[i].items.back().as_u64().value()] == "fixture::leak_site") leak += w;
    }
    CHECK(p.find("startValue")->as_i64() == 0);
    CHECK(p.find("endValue")->as_i64() == sum);
    std::string flag = "--" + std::regex_replace(type, std::regex("_"), "-");
    CHECK(sum == memprof_top({dump(1)}, flag).total);
    if (type == "inuse_space") CHECK(leak == 10 * 4096);
    if (type == "inuse_objects") CHECK(leak == 10);
  }
  CHECK(types == std::set<std::string>{"inuse_space", "inuse_objects", "alloc_space", "alloc_objects"});
}

TEST_CASE("convert --to folded is flame --folded") {
  CHECK(memprof_cli({"convert", "--to", "folded", dump(2)}).out == memprof_cli({"flame", "--folded", dump(2)}).out);
  CHECK(memprof_cli({"convert", "--to", "folded", "--alloc-objects", dump(2)}).out ==
        memprof_cli({"flame", "--folded", "--alloc-objects", dump(2)}).out);
}

TEST_CASE("convert: errors are one line and exit status 2") {
  TempDir dir;
  const std::string bad = dir.path() + "/bad.heap";
  write_file(bad, "heap_v2/524288\n  t*: 1: 2 [0: 0]\n@ 0xZZ\n");
  CommandResult r = memprof_cli({"convert", "--to", "pprof", bad, "-o", dir.path() + "/x.pb.gz"}, 2);
  CHECK(r.err.starts_with("memprof: error: " + bad + ":3:"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  memprof_cli({"convert", "--to", "symbolized", dump(1), dump(2)}, 2);
  // Binary output never goes to a terminal (util-linux's script gives the command a pty).
  CommandResult tty =
      run_command({"script", "-qec", std::string(MEMPROF_CLI) + " convert --to pprof " + dump(1), "/dev/null"});
  CHECK(tty.exit_code == 2);
  CHECK(tty.out.find("memprof: error: refusing to write gzip-compressed protobuf to a terminal") != std::string::npos);
  CHECK(tty.out.find('\x1f') == std::string::npos);
  memprof_cli({"convert", "--to", "svg", dump(1)}, 2);
  memprof_cli({"convert", "--to", "speedscope", "--threads", dump(1)}, 2);
}

TEST_CASE("OpenMetrics: stats and top pass promtool, with jemalloc's and the fixture's figures") {
  if (std::string(MEMPROF_PROMTOOL).empty()) {
    FAIL("promtool not found (Debian package prometheus; scripts/install-deps installs it)");
    return;
  }
  const std::string stats_json = std::string(MEMPROF_FRAG_FIXTURE_DIR) + "/stats.json";
  CommandResult stats = memprof_cli({"stats", "--format", "openmetrics", stats_json});
  CommandResult check = run_command({MEMPROF_PROMTOOL, "check", "metrics"}, {}, stats.out);
  INFO("promtool: " << check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(stats.out.ends_with("# EOF\n"));
  // jemalloc's own printed figure, read straight from its JSON.
  JsonValue doc = parse_json(read_file(stats_json));
  uint64_t allocated = doc.find("jemalloc")->find("stats")->find("allocated")->as_u64().value();
  CHECK(stats.out.find("\njemalloc_allocated_bytes " + std::to_string(allocated) + "\n") != std::string::npos);
  CHECK(stats.out.find("# TYPE jemalloc_fragmentation_ratio gauge") != std::string::npos);
  CHECK(stats.out.find("jemalloc_bin_wasted_bytes{size=\"") != std::string::npos);
  // The same snapshot printed as text gives the same figures.
  CommandResult from_text =
      memprof_cli({"stats", "--format", "openmetrics", std::string(MEMPROF_FRAG_FIXTURE_DIR) + "/stats.txt"});
  CHECK(run_command({MEMPROF_PROMTOOL, "check", "metrics"}, {}, from_text.out).exit_code == 0);
  CHECK(from_text.out.find("\njemalloc_allocated_bytes " + std::to_string(allocated) + "\n") != std::string::npos);
  memprof_cli({"stats", "--format", "openmetrics", stats_json, stats_json}, 2);

  CommandResult top = memprof_cli({"top", "--format", "openmetrics", "-n", "5", dump(1)});
  check = run_command({MEMPROF_PROMTOOL, "check", "metrics"}, {}, top.out);
  INFO("promtool: " << check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(top.out.find("memprof_site_inuse_space_bytes{site=\"fixture::stable_site\"} 327680\n") != std::string::npos);
  CHECK(top.out.find("\nmemprof_heap_inuse_space_bytes " +
                     std::to_string(memprof_top({dump(1)}, "--inuse-space").total) + "\n") != std::string::npos);
  size_t site_lines = 0;
  for (size_t at = top.out.find("\nmemprof_site_"); at != std::string::npos;
       at = top.out.find("\nmemprof_site_", at + 1))
    ++site_lines;
  CHECK(site_lines == 5);

  // Names with quotes, backslashes and newlines are escaped so the exposition still parses.
  analyze::TopTable table;
  table.total = 30;
  table.rows = {{.name = "operator\"\"_x(char const*)", .flat = 10}, {.name = "a\\b\nc", .flat = 20}};
  std::string text = exporter::render_top_openmetrics(table, 0);
  CHECK(text.find(R"x(site="operator\"\"_x(char const*)")x") != std::string::npos);
  CHECK(text.find(R"(site="a\\b\nc")") != std::string::npos);
  check = run_command({MEMPROF_PROMTOOL, "check", "metrics"}, {}, text);
  CHECK(check.exit_code == 0);
}
