#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <regex>
#include <set>

#include "flame_test_data.h"
#include "memprof/render/flame_layout.h"
#include "memprof/render/flame_svg.h"
#include "memprof/render/units.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::render;
using memprof::test::make_profile;
using memprof::test::sample_profile;

namespace {

// One drawn frame as read back from the SVG text.
struct SvgFrame {
  std::string title;
  double x = 0, y = 0, width = 0;
  std::string fill;
};

std::string unescape_xml(std::string text) {
  for (auto [from, to] :
       {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""}, std::pair{"&amp;", "&"}}) {
    for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += 1) text.replace(at, strlen(from), to);
  }
  return text;
}

std::vector<SvgFrame> parse_frames(const std::string& svg) {
  static const std::regex frame_re(
      R"re(<g(?: class="m")?><title>([^<]*)</title><rect x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="15" fill="(#[0-9a-f]{6})"/>)re");
  std::vector<SvgFrame> frames;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), frame_re); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    frames.push_back(
        {unescape_xml(m[1].str()), std::stod(m[2].str()), std::stod(m[3].str()), std::stod(m[4].str()), m[5].str()});
  }
  return frames;
}

// The exact byte count from a tooltip: "... (12345 bytes) ...".
double exact_bytes(const std::string& title) {
  static const std::regex bytes_re(R"(\((-?[0-9]+) bytes\))");
  std::smatch m;
  REQUIRE(std::regex_search(title, m, bytes_re));
  return std::stod(m[1].str());
}

// The frame called `name` (the first drawn), failing the test when there is none.
const SvgFrame& named(const std::vector<SvgFrame>& frames, const std::string& name) {
  auto it = std::ranges::find_if(frames, [&](const SvgFrame& f) { return f.title.starts_with(name + "\n"); });
  REQUIRE_MESSAGE(it != frames.end(), name);
  return *it;
}

double min_y(const std::vector<SvgFrame>& frames) { return std::ranges::min(frames, {}, &SvgFrame::y).y; }
double max_y(const std::vector<SvgFrame>& frames) { return std::ranges::max(frames, {}, &SvgFrame::y).y; }

// Names of the frames one row away from the root "all", whichever way the graph grows.
std::set<std::string> depth_one_names(const std::vector<SvgFrame>& frames) {
  double root = named(frames, "all").y;
  std::set<std::string> names;
  for (const SvgFrame& f : frames)
    if (std::abs(std::abs(f.y - root) - 16) < 0.5) names.insert(f.title.substr(0, f.title.find('\n')));
  return names;
}

// The object count from a tooltip: "... 30 objects ...".
double exact_objects(const std::string& title) {
  static const std::regex objects_re(R"(\n(-?[0-9]+) objects?\b)");
  std::smatch m;
  REQUIRE(std::regex_search(title, m, objects_re));
  return std::stod(m[1].str());
}

// Growth is drawn in reds: full red, less green and blue.
bool is_red(const std::string& fill) {
  return fill.starts_with("#ff") && fill != "#ffffff" && std::stoi(fill.substr(3, 2), nullptr, 16) < 235;
}

void check_well_formed(const std::string& svg) {
  test::TempDir dir;
  std::string path = dir.path() + "/g.svg";
  test::write_file(path, svg);
  test::CommandResult r = test::run_command({"xmllint", "--noout", path});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

FlameSvgOptions fixed_options() {
  FlameSvgOptions o;
  o.inputs = {{"sample.heap", "2026-01-02 03:04 UTC"}};
  o.sample_period = 524288;
  return o;
}

// Compares with the golden file, showing `diff -u` when they differ. MEMPROF_UPDATE_GOLDEN=1
// rewrites the file instead and shows what changed (there is nothing to compare then).
void check_golden(const std::string& name, const std::string& svg) {
  std::string path = std::string(FLAME_GOLDEN_DIR) + "/" + name;
  std::string expected = test::read_file(path);
  if (svg == expected) return;
  if (expected.empty()) MESSAGE(path << " is missing or empty");
  test::TempDir dir;
  test::write_file(dir.path() + "/" + name, svg);
  std::string diff = test::run_command({"diff", "-u", path, dir.path() + "/" + name}).out;
  if (diff.size() > 8000) diff = diff.substr(0, 8000) + "\n[... diff cut at 8000 bytes]\n";
  const char* update = std::getenv("MEMPROF_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    test::write_file(path, svg);
    MESSAGE("rewrote " << path << ":\n" << diff);
    return;
  }
  FAIL_CHECK("SVG differs from " << path << " (rerun with MEMPROF_UPDATE_GOLDEN=1 if intended):\n" << diff);
}

}  // namespace

TEST_CASE("layout: widths proportional to values, children within their parent") {
  analyze::FrameProfile fp = sample_profile();
  analyze::FlameTree tree = analyze::build_flame_tree(fp, {});
  for (double min_width : {0.0, 1.0, 40.0, 400.0}) {
    INFO("min_width " << min_width);
    FlameLayout l = layout_flame(tree, {.width = 1000, .min_width = min_width});
    REQUIRE(!l.boxes.empty());
    CHECK(l.total == 15873);  // sample_profile()'s bytes: 4096 + 1024 + 8192 + 2048 + 512 + 1
    std::map<uint32_t, double> child_width, child_value;
    for (uint32_t i = 0; i < l.boxes.size(); ++i) {
      const FlameBox& b = l.boxes[i];
      CHECK(std::abs(b.width - b.value / l.total * 1000) <= 1.0);
      if (b.node != FlameBox::kMerged) CHECK(b.width >= min_width);
      if (i == 0) continue;
      const FlameBox& p = l.boxes[b.parent_box];
      CHECK(b.parent_box < i);  // pre-order: parents first
      CHECK(b.depth == p.depth + 1);
      CHECK(b.x >= p.x - 1e-9);
      CHECK(b.x + b.width <= p.x + p.width + 1e-6);
      child_width[b.parent_box] += b.width;
      child_value[b.parent_box] += b.value;
    }
    // Merged "small frames" boxes keep the sums: children plus self make the parent.
    for (auto [parent, width] : child_width) {
      const FlameBox& p = l.boxes[parent];
      CHECK(width <= p.width + 1e-6);
      CHECK(child_value[parent] + tree.nodes[p.node].after.self.value == doctest::Approx(p.value));
    }
  }
}

TEST_CASE("layout: narrow frames become one merged box per parent") {
  analyze::FlameTree tree = analyze::build_flame_tree(sample_profile(), {});
  FlameLayout l = layout_flame(tree, {.width = 1000, .min_width = 100});
  size_t merged = 0;
  for (const FlameBox& b : l.boxes) {
    if (b.node != FlameBox::kMerged) continue;
    ++merged;
    CHECK(b.merged_count >= 1);
    CHECK(b.width < 100 * b.merged_count);
  }
  CHECK(merged >= 1);
}

TEST_CASE("SVG: well-formed, one tooltip per frame, widths match values within a pixel") {
  analyze::FrameProfile fp = sample_profile();
  FlameSvgOptions o = fixed_options();
  o.width = 1020;  // graph area 1000 px
  o.min_width = 5;
  FlameSvg out = render_flame_svg(analyze::build_flame_tree(fp, {}), o);
  check_well_formed(out.svg);
  std::vector<SvgFrame> frames = parse_frames(out.svg);
  REQUIRE(frames.size() == out.boxes);
  const double total = 15873;  // sample_profile()'s bytes
  bool saw_merged = false;
  for (const SvgFrame& f : frames) {
    INFO(f.title);
    CHECK(std::abs(f.width - exact_bytes(f.title) / total * 1000) <= 1.0);
    CHECK(f.title.find('%') != std::string::npos);
    saw_merged = saw_merged || f.title.find("small frames") != std::string::npos;
  }
  CHECK(saw_merged);  // "tiny" (1 byte) is under 5 px
  CHECK(frames[0].title.starts_with("all\n"));
  CHECK(out.svg.find("sample.heap (2026-01-02 03:04 UTC)") != std::string::npos);
  CHECK(out.svg.find("sample period 512.0 KiB") != std::string::npos);
  CHECK(out.svg.find("<script") != std::string::npos);
  CHECK(out.svg.find("http://www.w3.org/2000/svg") != std::string::npos);
  // Self-contained: the namespace URI is the only URL.
  CHECK(std::regex_search(out.svg, std::regex(R"(https?://(?!www\.w3\.org/2000/svg))")) == false);
  CHECK(out.warnings.empty());
}

TEST_CASE("SVG: same name, same colour; palettes differ") {
  analyze::FlameTree tree = analyze::build_flame_tree(sample_profile(), {});
  FlameSvgOptions o = fixed_options();
  std::map<std::string, std::string> colour_of;
  for (const SvgFrame& f : parse_frames(render_flame_svg(tree, o).svg)) {
    std::string name = f.title.substr(0, f.title.find('\n'));
    auto [it, inserted] = colour_of.emplace(name, f.fill);
    CHECK(it->second == f.fill);
  }
  CHECK(frame_color(Palette::mem, "malloc") != frame_color(Palette::hot, "malloc"));
}

TEST_CASE("SVG: hostile names stay well-formed") {
  analyze::FrameProfile fp = make_profile({
      {{"main", "std::vector<int, A&> operator<(\"x\")"}, 100, 1},
      {{"main", "bad \xff\xfe utf8 \x01 ctrl"}, 100, 1},
      {{"main", "]]> cdata end"}, 100, 1},
  });
  FlameSvg out = render_flame_svg(analyze::build_flame_tree(fp, {}), fixed_options());
  check_well_formed(out.svg);
  CHECK(out.svg.find("std::vector&lt;int, A&amp;&gt;") != std::string::npos);
}

TEST_CASE("SVG: too many boxes is a warning for the CLI") {
  FlameSvgOptions o = fixed_options();
  o.box_warning_threshold = 3;
  FlameSvg out = render_flame_svg(analyze::build_flame_tree(sample_profile(), {}), o);
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].find("--minwidth") != std::string::npos);
}

TEST_CASE("differential SVG: red growth, blue shrink, distinct new, legend and gone stacks") {
  analyze::FrameProfile base =
      make_profile({{{"main", "leak"}, 1000, 1}, {{"main", "churn"}, 500, 5}, {{"main", "old"}, 300, 3}}, "a.heap");
  analyze::FrameProfile now =
      make_profile({{{"main", "leak"}, 3000, 3}, {{"main", "churn"}, 250, 5}, {{"main", "fresh"}, 200, 2}}, "b.heap");
  analyze::FlameTree tree = analyze::build_diff_flame_tree(base, now, {});
  FlameSvgOptions o = fixed_options();
  o.base_inputs = {{"a.heap", ""}};
  o.inputs = {{"b.heap", ""}};
  o.gone = analyze::disappeared_stacks(base, now, {}, 10);
  FlameSvg out = render_flame_svg(tree, o);
  check_well_formed(out.svg);
  std::map<std::string, SvgFrame> by_name;
  for (const SvgFrame& f : parse_frames(out.svg)) by_name[f.title.substr(0, f.title.find('\n'))] = f;
  auto rgb = [](const std::string& hex) {
    return std::array<int, 3>{std::stoi(hex.substr(1, 2), nullptr, 16), std::stoi(hex.substr(3, 2), nullptr, 16),
                              std::stoi(hex.substr(5, 2), nullptr, 16)};
  };
  auto leak = rgb(by_name.at("leak").fill), churn = rgb(by_name.at("churn").fill), main = rgb(by_name.at("main").fill);
  CHECK(leak[0] == 255);
  CHECK(leak[1] < 235);  // saturated: growth
  CHECK(churn[2] == 255);
  CHECK(churn[0] < 235);  // shrink
  CHECK(main[0] == 255);  // a parent whose subtree grew is coloured
  CHECK(by_name.at("fresh").fill == std::string(kAddedColor));
  CHECK(by_name.count("old") == 0);                                         // widths from NEW
  CHECK(by_name.at("leak").title.find("1000 bytes") == std::string::npos);  // human units first
  CHECK(by_name.at("leak").title.find("1000 B -> 2.9 KiB (+2.0 KiB, +200.00%)") != std::string::npos);
  CHECK(by_name.at("leak").title.find("exact: 1000 -> 3000 bytes; 1 -> 3 objects") != std::string::npos);
  CHECK(out.svg.find("BASE: a.heap") != std::string::npos);
  CHECK(out.svg.find("NEW: b.heap") != std::string::npos);
  CHECK(out.svg.find("Gone from NEW: 1 stacks") != std::string::npos);

  SUBCASE("--self-delta colours only frames whose own amount changed") {
    o.self_delta = true;
    std::map<std::string, std::string> fill;
    for (const SvgFrame& f : parse_frames(render_flame_svg(tree, o).svg))
      fill[f.title.substr(0, f.title.find('\n'))] = f.fill;
    CHECK(fill.at("main") == std::string(kFloorColor));
    CHECK(rgb(fill.at("leak"))[0] == 255);
  }
  SUBCASE("--min-delta turns small changes neutral") {
    o.min_delta = 1000;
    std::map<std::string, std::string> fill;
    for (const SvgFrame& f : parse_frames(render_flame_svg(tree, o).svg))
      fill[f.title.substr(0, f.title.find('\n'))] = f.fill;
    CHECK(fill.at("churn") == std::string(kFloorColor));
    CHECK(rgb(fill.at("leak"))[0] == 255);
  }
  SUBCASE("--negate draws BASE widths, so vanished frames show") {
    o.negate = true;
    std::map<std::string, std::string> fill;
    for (const SvgFrame& f : parse_frames(render_flame_svg(tree, o).svg))
      fill[f.title.substr(0, f.title.find('\n'))] = f.fill;
    CHECK(fill.at("old") == std::string(kRemovedColor));
    CHECK(fill.count("fresh") == 0);
  }
}

TEST_CASE("golden SVGs for a small profile") {
  analyze::FlameTree tree = analyze::build_flame_tree(sample_profile(), {});
  check_golden("sample.svg", render_flame_svg(tree, fixed_options()).svg);
  analyze::FrameProfile base = make_profile({{{"main", "leak"}, 1000, 1}, {{"main", "old"}, 300, 3}}, "a.heap");
  analyze::FrameProfile now = make_profile({{{"main", "leak"}, 3000, 3}, {{"main", "fresh"}, 200, 2}}, "b.heap");
  FlameSvgOptions o = fixed_options();
  o.base_inputs = {{"a.heap", "2026-01-01 00:00 UTC"}};
  o.gone = analyze::disappeared_stacks(base, now, {}, 10);
  check_golden("diff.svg", render_flame_svg(analyze::build_diff_flame_tree(base, now, {}), o).svg);
  // The option sets that change the drawing: callers view as an icicle in another palette with a
  // title and narrow width; the mirror diff coloured by self change.
  FlameSvgOptions look = fixed_options();
  look.icicle = true;
  look.palette = Palette::hot;
  look.title = "Callers <view> & more";
  look.subtitle = "subtitle";
  look.width = 600;
  look.min_width = 20;
  check_golden("reverse-icicle.svg",
               render_flame_svg(analyze::build_flame_tree(sample_profile(), {.reverse = true}), look).svg);
  o.negate = true;
  o.self_delta = true;
  check_golden("diff-negate-self.svg", render_flame_svg(analyze::build_diff_flame_tree(base, now, {}), o).svg);
}

TEST_CASE("memprof flame on real dumps") {
  std::string dir = MEMPROF_FIXTURE_DUMPS;
  std::string p1 = dir + "/phase1.heap", p3 = dir + "/phase3.heap";
  test::TempDir tmp;

  SUBCASE("SVG to a file, well-formed, header names the dump") {
    std::string out = tmp.path() + "/f.svg";
    test::CommandResult r = test::run_command({MEMPROF_CLI, "flame", "-o", out, p3});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::string svg = test::read_file(out);
    check_well_formed(svg);
    CHECK(svg.find("phase3.heap") != std::string::npos);
    CHECK(svg.find(" UTC)") != std::string::npos);  // the dump's date
    CHECK(parse_frames(svg).size() > 3);
  }
  SUBCASE("differential: the leak grows, so something is red") {
    test::CommandResult r = test::run_command({MEMPROF_CLI, "flame", "--base", p1, p3});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_well_formed(r.out);
    bool red = false;
    for (const SvgFrame& f : parse_frames(r.out)) red = red || (f.fill.starts_with("#ff") && f.fill != "#ffffff");
    CHECK(red);
    CHECK(r.out.find("BASE: " + p1) != std::string::npos);
  }
  SUBCASE("--base takes one dump per occurrence, NEW dumps stay positional") {
    test::CommandResult r = test::run_command({MEMPROF_CLI, "flame", "--folded", "--base", p1, "--base", p1, p3});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    test::CommandResult single = test::run_command({MEMPROF_CLI, "flame", "--folded", "--base", p1, p3});
    REQUIRE(single.exit_code == 0);
    // Same stacks; the BASE column doubles when BASE is given twice.
    auto first_before = [](const std::string& text) {
      std::string line = text.substr(0, text.find('\n'));
      line = line.substr(0, line.rfind(' '));
      return std::stoll(line.substr(line.rfind(' ') + 1));
    };
    CHECK(first_before(r.out) == 2 * first_before(single.out));
  }
  SUBCASE("stacks of several dumps are summed") {
    test::CommandResult one = test::run_command({MEMPROF_CLI, "flame", "--folded", p1});
    test::CommandResult two = test::run_command({MEMPROF_CLI, "flame", "--folded", p1, p1});
    REQUIRE(one.exit_code == 0);
    REQUIRE(two.exit_code == 0);
    auto first_count = [](const std::string& text) { return std::stoll(text.substr(text.find(' ') + 1)); };
    CHECK(first_count(two.out) == 2 * first_count(one.out));
  }
  SUBCASE("each option has its effect, checked against the fixture's sizes") {
    // heap_fixture: leak_site holds 10 x 4 KiB per phase (30 at phase 3), thread_site 12 x 32 KiB
    // allocated by the thread "worker pool 1", which allocates nothing else.
    auto flame = [&](std::vector<std::string> args) {
      args.insert(args.begin(), {MEMPROF_CLI, "flame"});
      test::CommandResult r = test::run_command(args);
      INFO(args[2] << " ... " << r.err);
      REQUIRE(r.exit_code == 0);
      check_well_formed(r.out);
      return r.out;
    };
    std::string plain = flame({p3});
    std::vector<SvgFrame> base_frames = parse_frames(plain);
    CHECK(exact_bytes(named(base_frames, "fixture::leak_site").title) == 30 * 4096);
    CHECK(depth_one_names(base_frames).count("fixture::leak_site") == 0);
    CHECK(named(base_frames, "all").y == max_y(base_frames));  // flame: root at the bottom

    // --reverse: allocation sites sit right on the root.
    std::string reversed = flame({"--reverse", p3});
    std::set<std::string> sites = depth_one_names(parse_frames(reversed));
    CHECK(sites.count("fixture::leak_site") == 1);
    CHECK(sites.count("fixture::thread_site") == 1);
    CHECK(sites.count("main") == 0);
    CHECK(reversed.find("(callers view)") != std::string::npos);
    // --icicle: the root at the top.
    std::vector<SvgFrame> icicle = parse_frames(flame({"--icicle", p3}));
    CHECK(named(icicle, "all").y == min_y(icicle));
    // --colors hot: flamegraph.pl's hot palette (red 205-255, blue <= 55) for every frame.
    for (const SvgFrame& f : parse_frames(flame({"--colors", "hot", p3}))) {
      INFO(f.title);
      if (f.title.starts_with("all\n") || f.title.find("small frames") != std::string::npos) continue;  // greys
      CHECK(std::stoi(f.fill.substr(1, 2), nullptr, 16) >= 205);
      CHECK(std::stoi(f.fill.substr(5, 2), nullptr, 16) <= 55);
    }
    // --title, --subtitle (escaped), --width.
    std::string titled = flame({"--title", "T & <b>", "--subtitle", "Sub line", "--width", "640", p3});
    CHECK(titled.find(">T &amp; &lt;b&gt;</text>") != std::string::npos);
    CHECK(titled.find(">Sub line</text>") != std::string::npos);
    CHECK(titled.find("Heap flame graph") == std::string::npos);
    CHECK(titled.find("width=\"640\"") != std::string::npos);
    for (const SvgFrame& f : parse_frames(titled)) CHECK(f.x + f.width <= 640);
    // --minwidth 5%: no single frame narrower than 5% of the 1200 px default (merged boxes aside).
    std::vector<SvgFrame> wide = parse_frames(flame({"--minwidth", "5%", p3}));
    CHECK(wide.size() < base_frames.size());
    for (const SvgFrame& f : wide)
      if (f.title.find("small frames") == std::string::npos) CHECK(f.width >= 0.05 * (1200 - 20) - 0.01);
    // --inuse-objects: values are object counts.
    std::vector<SvgFrame> objects = parse_frames(flame({"--inuse-objects", p3}));
    CHECK(exact_objects(named(objects, "fixture::leak_site").title) == 30);
    CHECK(exact_objects(named(objects, "fixture::thread_site").title) == 12);
    // --alloc-space --thread: only that thread's allocations, all it ever allocated.
    std::vector<SvgFrame> thread = parse_frames(flame({"--alloc-space", "--thread", "worker pool 1", p3}));
    CHECK(exact_bytes(named(thread, "all").title) == 12 * 32768);
    CHECK(exact_bytes(named(thread, "fixture::thread_site").title) == 12 * 32768);
    CHECK(std::ranges::none_of(thread, [](const SvgFrame& f) { return f.title.starts_with("fixture::leak_site\n"); }));

    // Differential: phase 1 -> 3, the leak grows by 20 x 4 KiB = 80 KiB, nothing else changes.
    std::vector<SvgFrame> diff = parse_frames(flame({"--base", p1, p3}));
    CHECK(named(diff, "fixture::leak_site").title.find("exact: 40960 -> 122880 bytes; 10 -> 30 objects") !=
          std::string::npos);
    CHECK(is_red(named(diff, "fixture::leak_site").fill));
    CHECK(is_red(named(diff, "main").fill));  // its subtree grew
    // --self-delta: only the frame whose own amount changed is coloured.
    std::vector<SvgFrame> self = parse_frames(flame({"--base", p1, "--self-delta", p3}));
    CHECK(is_red(named(self, "fixture::leak_site").fill));
    CHECK(named(self, "main").fill == std::string(kFloorColor));
    // --min-delta: 80 KiB of growth is above 64 KiB and below 100 KiB.
    CHECK(is_red(named(parse_frames(flame({"--base", p1, "--min-delta", "64KiB", p3})), "fixture::leak_site").fill));
    CHECK(named(parse_frames(flame({"--base", p1, "--min-delta", "100KiB", p3})), "fixture::leak_site").fill ==
          std::string(kFloorColor));
    // --alloc-objects in a diff: counts of objects ever allocated, 10 per phase at the leak.
    std::vector<SvgFrame> alloc = parse_frames(flame({"--base", p1, "--alloc-objects", p3}));
    CHECK(named(alloc, "fixture::leak_site").title.find("exact: 10 -> 30 objects") != std::string::npos);
    // --negate draws BASE's widths; --normalize scales BASE to NEW's total first.
    double total1 = exact_bytes(named(parse_frames(flame({p1})), "all").title);
    double total3 = exact_bytes(named(base_frames, "all").title);
    std::vector<SvgFrame> negated = parse_frames(flame({"--base", p1, "--negate", p3}));
    CHECK(named(negated, "all").title.find("exact: " + std::to_string(std::llround(total1)) + " -> ") !=
          std::string::npos);
    CHECK(named(negated, "all").title.find("of BASE") != std::string::npos);
    std::vector<SvgFrame> normalized = parse_frames(flame({"--base", p1, "--negate", "--normalize", p3}));
    CHECK(named(normalized, "all")
              .title.find("exact: " + std::to_string(std::llround(total3)) + " -> " +
                          std::to_string(std::llround(total3)) + " bytes") != std::string::npos);
  }
  SUBCASE("usage errors exit 2") {
    CHECK(test::run_command({MEMPROF_CLI, "flame", "--colors", "plaid", p1}).exit_code == 2);
    CHECK(test::run_command({MEMPROF_CLI, "flame", "--minwidth", "wide", p1}).exit_code == 2);
    CHECK(test::run_command({MEMPROF_CLI, "flame", "--inuse-space", "--alloc-space", p1}).exit_code == 2);
    CHECK(test::run_command({MEMPROF_CLI, "flame", "--thread", "no such thread", p1}).exit_code == 2);
  }
  SUBCASE("refuses to write an SVG into a terminal") {
    // script(1) gives the command a pseudo-terminal as stdout.
    test::CommandResult r =
        test::run_command({"script", "-qec", std::string(MEMPROF_CLI) + " flame " + p1, "/dev/null"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("refusing to write an SVG to a terminal") != std::string::npos);
    CHECK(r.out.find("<svg") == std::string::npos);
  }
}

TEST_CASE("SVG: nothing to draw is said, in the file and as a warning") {
  analyze::FrameProfile fp = make_profile({{{"main", "freed"}, 0, 0}});
  FlameSvg out = render_flame_svg(analyze::build_flame_tree(fp, {}), fixed_options());
  check_well_formed(out.svg);
  CHECK(out.boxes == 0);
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].find("nothing to draw") != std::string::npos);
  CHECK(out.svg.find("Nothing to draw") != std::string::npos);
}

TEST_CASE("SVG: header lines fit a narrow image") {
  FlameSvgOptions o = fixed_options();
  o.width = 400;
  o.inputs = {{std::string(300, 'd') + ".heap", "2026-01-02 03:04 UTC"}};
  FlameSvg out = render_flame_svg(analyze::build_flame_tree(sample_profile(), {}), o);
  check_well_formed(out.svg);
  static const std::regex info_re(R"re(<text class="info" [^>]*><title>[^<]*</title>([^<]*)</text>)re");
  size_t lines = 0;
  for (auto it = std::sregex_iterator(out.svg.begin(), out.svg.end(), info_re); it != std::sregex_iterator(); ++it) {
    ++lines;
    std::string text = unescape_xml((*it)[1].str());
    INFO(text);
    CHECK(text.size() * 6.7 <= 400 - 20 + 6.7 * 2);  // '·' counts two bytes
  }
  CHECK(lines >= 3);  // wrapped
}
