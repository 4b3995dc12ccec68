#include <doctest/doctest.h>

#include <regex>

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

TEST_CASE("a bad regular expression is reported") {
  CHECK_THROWS_AS(apply_filters(sample_profile(), {.focus = "("}), std::regex_error);
}
