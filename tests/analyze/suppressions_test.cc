#include <doctest/doctest.h>

#include "memprof/analyze/suppressions.h"
#include "memprof/heapparse/parse_dump.h"

using namespace memprof;
using namespace memprof::analyze;

TEST_CASE("LSan patterns: substring, '*' wildcard, '^' and '$' anchors") {
  CHECK(suppression_matches("leak_site", "fixture::leak_site()"));
  CHECK(suppression_matches("fixture::*_site", "fixture::leak_site"));
  CHECK(suppression_matches("^fixture", "fixture::leak_site"));
  CHECK_FALSE(suppression_matches("^leak", "fixture::leak_site"));
  CHECK(suppression_matches("site$", "fixture::leak_site"));
  CHECK_FALSE(suppression_matches("leak$", "fixture::leak_site"));
  CHECK(suppression_matches("libfoo.so", "/usr/lib/libfoo.so.1"));
}

TEST_CASE("parsing: comments, other rule kinds warn, bad lines are errors") {
  Diagnostics diag;
  Suppressions s =
      parse_suppressions("# comment\n\nleak:foo\n  leak:^bar$  \ncalled_from_lib:libx.so\n", "s.supp", diag);
  CHECK(s.patterns == std::vector<std::string>{"foo", "^bar$"});
  REQUIRE(diag.warnings.size() == 1);
  CHECK(diag.warnings[0].starts_with("s.supp:5:"));
  CHECK_THROWS_WITH_AS(parse_suppressions("garbage\n", "s.supp", diag),
                       "s.supp:1:1: expected 'leak:<pattern>', got 'garbage'", InputError);
}

TEST_CASE("suppressions remove matching stacks (module paths match without symbols)") {
  Diagnostics diag;
  Profile p = heapparse::parse_dump(R"(heap_v2/1
  t*: 3: 24 [0: 0]
@ 0x1010 0x3010
  t*: 1: 8 [0: 0]
@ 0x2010 0x3010
  t*: 2: 16 [0: 0]

MAPPED_LIBRARIES:
00001000-00002000 r-xp 00000000 08:01 1 /usr/lib/libnoisy.so.3
00002000-00003000 r-xp 00000000 08:01 2 /usr/lib/libquiet.so
00003000-00004000 r-xp 00000000 08:01 3 /usr/bin/app
)",
                                    "s.heap", diag);
  Suppressions rules{{"libnoisy.so", "nothing-matches-this"}};
  SuppressionResult r = apply_suppressions(p, rules);
  CHECK(r.suppressed[SampleType::inuse_space] ==
        doctest::Approx(8).epsilon(0.001));  // period 1: unsampling adds ~0.03%
  CHECK(r.rules_matched() == 1);
  CHECK(p.total()[SampleType::inuse_space] == doctest::Approx(16).epsilon(0.001));
  CHECK(p.raw_total().cur_bytes == 16);
}
