#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "memprof/analyze/filters.h"
#include "memprof/analyze/top.h"
#include "profile_builder.h"

using namespace memprof;
using namespace memprof::analyze;

namespace {

FrameProfile sample_profile() {
  return test::make_profile(
      {{"main;server::run;cache::put;alloc", 100}, {"main;server::run;log::write;alloc", 20}, {"main;init;alloc", 7}});
}

double total(const FrameProfile& p) { return p.total()[SampleType::inuse_space]; }

}  // namespace

TEST_CASE("focus keeps stacks with a match; ignore drops them") {
  CHECK(total(apply_filters(sample_profile(), {.focus = "^cache::"})) == 100);
  CHECK(total(apply_filters(sample_profile(), {.ignore = "log::"})) == 107);
  CHECK(total(apply_filters(sample_profile(), {.focus = "server", .ignore = "log"})) == 100);
}

TEST_CASE("hide removes frames but keeps the values") {
  FrameProfile p = apply_filters(sample_profile(), {.hide = "^alloc$"});
  CHECK(total(p) == 127);
  TopTable t = compute_top(p, SampleType::inuse_space);
  CHECK(t.rows.front().name == "cache::put");
}

TEST_CASE("show_from cuts the callers above the outermost match") {
  FrameProfile p = apply_filters(sample_profile(), {.show_from = "^server::run$"});
  CHECK(total(p) == 120);  // the init stack has no match and is dropped
  TopTable t = compute_top(p, SampleType::inuse_space, TopOrder::cum);
  CHECK(std::ranges::find(t.rows, std::string("server::run"), &TopRow::name)->cum == 120);
  CHECK(std::ranges::find(t.rows, std::string("main"), &TopRow::name) == t.rows.end());
}

TEST_CASE("a bad regular expression is reported as bad input, with the pattern") {
  CHECK_THROWS_WITH_AS(apply_filters(sample_profile(), {.focus = "("}),
                       "expected a regular expression (RE2 syntax), got '(': missing ): (", RegexError);
  // RegexError is an InputError: the CLI reports it once, exit 2.
  CHECK_THROWS_AS(apply_filters(sample_profile(), {.hide = "a{2,1}"}), InputError);
}

TEST_CASE("a pathological pattern on long names returns at once (RE2 is linear)") {
  // '(a|a)*c' backtracks exponentially in ECMAScript engines; a name of 100,000 'a's used to be
  // capped at 4096 bytes to keep std::regex off the stack.
  std::string long_name(100000, 'a');
  FrameProfile p = test::make_profile({{"main;" + long_name + "c", 5}, {"main;" + long_name, 7}});
  auto start = std::chrono::steady_clock::now();
  FrameProfile focused = apply_filters(p, {.focus = "(a|a)*c"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(total(focused) == 5);  // the whole name is matched: the 'c' sits after 100,000 bytes
  CHECK(seconds < 1.0);
}
