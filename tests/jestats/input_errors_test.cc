// Every reader of untrusted text reports "PATH:LINE:COL: expected X, got 'Y'" with the same
// escaping (TextCursor, quote_token): stats text, stats JSON, smaps, suppressions.
#include <doctest/doctest.h>

#include <string>

#include "memprof/analyze/suppressions.h"
#include "memprof/jestats/json_reader.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/jestats/waterfall.h"

using namespace memprof;

namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("stats text: line, column and escaped bytes") {
  Diagnostics diag;
  std::string text =
      "log prefix\n___ Begin jemalloc statistics ___\nAllocated: x\x01y, active: 2\n"
      "--- End jemalloc statistics ---\n";
  CHECK(error_of([&] { jestats::parse_stats(text, "s.txt", diag); }) ==
        "s.txt:3:12: expected a number after 'allocated:', got 'x\\x01y, active: 2'");
  std::string arena =
      "___ Begin jemalloc statistics ___\nAllocated: 1, active: 2\n  arenas[\xff]:\n"
      "--- End jemalloc statistics ---\n";
  CHECK(error_of([&] { jestats::parse_stats(arena, "a.txt", diag); }) ==
        "a.txt:3:3: expected an arena index in 'arenas[N]:', got 'arenas[\\xff]:'");
}

TEST_CASE("stats JSON: line, column, escaped bytes, end of input") {
  Diagnostics diag;
  CHECK(error_of([&] { jestats::parse_stats("{\"jemalloc\":\n  {\"a\": \x01}}", "j.json", diag); }) ==
        "j.json:2:9: expected a JSON value, got '\\x01}}'");
  CHECK(error_of([&] { jestats::parse_stats("{\"jemalloc\": {", "j.json", diag); }) ==
        "j.json:1:15: expected '\"', got end of input");
}

TEST_CASE("JSON strings: surrogate pairs decode to one code point, lone halves to U+FFFD") {
  jestats::JsonReader reader(R"(["\ud83d\ude00", "\ud83d", "\ude00x", "\ud83d\u0041"])", "t");
  jestats::JsonValue v = reader.next();
  REQUIRE(v.items.size() == 4);
  CHECK(v.items[0].text == "\xf0\x9f\x98\x80");  // U+1F600
  CHECK(v.items[1].text == "\xef\xbf\xbd");      // lone high half
  CHECK(v.items[2].text == "\xef\xbf\xbdx");     // lone low half
  CHECK(v.items[3].text ==
        "\xef\xbf\xbd"
        "A");  // high half followed by a non-surrogate
}

TEST_CASE("smaps: the column of the bad value") {
  CHECK(error_of([] { jestats::parse_smaps_rss("Size: 4 kB\nRss:   12 MB\n", "smaps"); }) ==
        "smaps:2:8: expected 'Rss: N kB', got '12 MB'");
}

TEST_CASE("suppressions: columns after indentation, escaped rule kinds") {
  Diagnostics diag;
  CHECK(error_of([&] { analyze::parse_suppressions("# rules\n   garbage here\n", "s.supp", diag); }) ==
        "s.supp:2:4: expected 'leak:<pattern>', got 'garbage here'");
  CHECK(error_of([&] { analyze::parse_suppressions("\n  leak:\n", "s.supp", diag); }) ==
        "s.supp:2:8: expected a pattern after 'leak:', got end of line");
  analyze::parse_suppressions("  ra\x1b[31mce:foo\nleak:bar\n", "s.supp", diag);
  REQUIRE(diag.warnings.size() == 1);
  CHECK(diag.warnings[0] == "s.supp:1:3: ignored 'ra\\x1b[31mce:' rule (only 'leak:' rules apply to heap profiles)");
}
