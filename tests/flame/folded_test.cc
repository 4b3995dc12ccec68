#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <regex>
#include <sstream>

#include "flame_test_data.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/render/folded.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::render;
using memprof::test::make_profile;

namespace {

struct FoldedLine {
  std::string stack;
  int64_t count = 0;
};

// Checks one text against the folded format rules and returns its lines.
std::vector<FoldedLine> check_folded(const std::string& text) {
  static const std::regex line_re(R"(^([^;\n]+(?:;[^;\n]+)*) ([1-9][0-9]*)$)");
  std::vector<FoldedLine> lines;
  if (!text.empty()) CHECK(text.back() == '\n');
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    INFO("line: " << line);
    REQUIRE(std::regex_match(line, m, line_re));  // integer > 0, no empty frame, no trailing ';'
    CHECK(line.find("  ") == std::string::npos);
    lines.push_back({m[1].str(), std::stoll(m[2].str())});
  }
  for (size_t i = 1; i < lines.size(); ++i) CHECK(lines[i - 1].stack < lines[i].stack);  // sorted, unique
  return lines;
}

int64_t sum(const std::vector<FoldedLine>& lines) {
  int64_t s = 0;
  for (const FoldedLine& l : lines) s += l.count;
  return s;
}

// The totals jemalloc printed in a dump's header line "  t*: OBJECTS: BYTES [ACCUM_OBJECTS:
// ACCUM_BYTES]", read here by a regular expression, not by memprof's parser.
std::array<int64_t, 4> header_totals(const std::string& dump_path) {
  std::string text = test::read_file(dump_path);
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex(R"(\n  t\*: ([0-9]+): ([0-9]+) \[([0-9]+): ([0-9]+)\])")));
  return {std::stoll(m[1].str()), std::stoll(m[2].str()), std::stoll(m[3].str()), std::stoll(m[4].str())};
}

}  // namespace

TEST_CASE("folded lines of a hand-built profile") {
  analyze::FrameProfile fp = test::sample_profile();
  std::vector<FoldedLine> lines = check_folded(render_folded(fp, {}));
  REQUIRE(lines.size() == fp.samples.size());
  CHECK(lines.front().stack == "main;parse;lex;malloc");
  CHECK(lines.front().count == 4096);
  CHECK(sum(lines) == 15873);  // 4096 + 1024 + 8192 + 2048 + 512 + 1

  SUBCASE("objects") {
    auto objects = check_folded(render_folded(fp, {.sample_type = SampleType::inuse_objects}));
    CHECK(sum(objects) == 25);  // 4 + 1 + 2 + 16 + 1 + 1
  }
  SUBCASE("reverse puts the allocation site first") {
    auto rev = check_folded(render_folded(fp, {.reverse = true}));
    CHECK(rev.front().stack == "malloc;inl_helper;run;main");
  }
  SUBCASE("[inline] only with --mark-inline") {
    CHECK(render_folded(fp, {}).find("[inline]") == std::string::npos);
    std::string marked = render_folded(fp, {.mark_inline = true});
    CHECK(marked.find("main;run;inl_helper [inline];malloc 512\n") != std::string::npos);
  }
}

TEST_CASE("separators inside names are escaped, zero and negative stacks omitted") {
  analyze::FrameProfile fp = make_profile({
      {{"main", "std::map<int;int>", "a\nb"}, 10, 1},
      {{"main", "back\\slash"}, 5, 1},
      {{"main", "zero"}, 0, 0},
      {{"main", "negative"}, -7, -1},
  });
  std::string text = render_folded(fp, {});
  std::vector<FoldedLine> lines = check_folded(text);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].stack == "main;back\\\\slash");
  CHECK(lines[1].stack == "main;std::map<int\\x3bint>;a\\nb");
  CHECK(text.find("zero") == std::string::npos);
  CHECK(text.find("negative") == std::string::npos);
  CHECK(escape_folded_frame("a;b\nc\\") == "a\\x3bb\\nc\\\\");
}

TEST_CASE("fractional values round so counts still sum to the total") {
  analyze::FrameProfile fp =
      make_profile({{{"a"}, 0.4, 1}, {{"b"}, 0.4, 1}, {{"c"}, 0.4, 1}, {{"d"}, 1000.6, 1}, {{"e"}, 2.5, 1}});
  std::vector<FoldedLine> lines = check_folded(render_folded(fp, {}));
  CHECK(sum(lines) == 1004);  // 0.4 * 3 + 1000.6 + 2.5 = 1004.3
}

TEST_CASE("order does not depend on insertion order") {
  analyze::FrameProfile a = make_profile({{{"m", "x"}, 1, 1}, {{"m", "y"}, 2, 1}, {{"k"}, 3, 1}});
  analyze::FrameProfile b = make_profile({{{"k"}, 3, 1}, {{"m", "y"}, 2, 1}, {{"m", "x"}, 1, 1}});
  CHECK(render_folded(a, {}) == render_folded(b, {}));
}

TEST_CASE("differential folded: stack BEFORE AFTER over the union of stacks") {
  analyze::FrameProfile base = make_profile({{{"main", "leak"}, 100, 1}, {{"main", "old"}, 30, 1}});
  analyze::FrameProfile now = make_profile({{{"main", "leak"}, 300, 1}, {{"main", "new"}, 20, 1}});
  std::string text = render_folded_diff(base, now, {});
  CHECK(text == "main;leak 100 300\nmain;new 0 20\nmain;old 30 0\n");
}

TEST_CASE("memprof flame --folded on real dumps follows the format and sums to the total") {
  for (const std::string& dump : test::list_files(MEMPROF_FIXTURE_DUMPS, ".heap")) {
    INFO(dump);
    std::array<int64_t, 4> header = header_totals(dump);
    // Every allocation sampled (period 1): unsampling changes the totals by well under 0.1%.
    for (auto [flag, printed] : {std::pair{"--inuse-space", header[1]}, std::pair{"--alloc-objects", header[2]}}) {
      test::CommandResult r = test::run_command({MEMPROF_CLI, "flame", "--folded", flag, dump});
      REQUIRE(r.exit_code == 0);
      std::vector<FoldedLine> lines = check_folded(r.out);
      CHECK(!lines.empty());
      CHECK(static_cast<double>(sum(lines)) == doctest::Approx(static_cast<double>(printed)).epsilon(0.001));
      CHECK(test::run_command({MEMPROF_CLI, "flame", "--folded", flag, dump}).out == r.out);
    }
  }
}
