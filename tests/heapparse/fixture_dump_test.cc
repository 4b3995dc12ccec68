// Real dumps written by jemalloc from testdata/src/heap_fixture.cc (every allocation sampled).
// The fixture's constants are the truth: the records of its allocation sites must carry exactly
// the objects and bytes it allocated.
#include <doctest/doctest.h>

#include <algorithm>

#include "memprof/analyze/dump_summary.h"
#include "memprof/heapparse/parse_dump.h"
#include "test_support.h"

using namespace memprof;

namespace {

Profile load(int phase) {
  Diagnostics diag;
  return heapparse::read_dump(std::string(MEMPROF_FIXTURE_DUMPS) + "/phase" + std::to_string(phase) + ".heap", diag);
}

bool has_record(const Profile& p, int64_t objects, int64_t bytes) {
  return std::ranges::any_of(p.samples,
                             [&](const Sample& s) { return s.raw.cur_objects == objects && s.raw.cur_bytes == bytes; });
}

}  // namespace

TEST_CASE("fixture phase 1: every known site is one record with its exact counts") {
  Profile p = load(1);
  CHECK(p.format == DumpFormat::heap_v2);
  CHECK(p.sample_period == 1);
  CHECK(has_record(p, 10, 10 * 4096));   // leak_site
  CHECK(has_record(p, 8, 8 * 16384));    // churn_site
  CHECK(has_record(p, 5, 5 * 65536));    // stable_site (calloc)
  CHECK(has_record(p, 12, 12 * 32768));  // thread_site
  CHECK(has_record(p, 7, 7 * 2048));     // Cache::fill (operator new[])
  // The three inline_outer calls come from three call sites in run_phase: one object each.
  CHECK(std::ranges::count_if(
            p.samples, [](const Sample& s) { return s.raw.cur_objects == 1 && s.raw.cur_bytes == 131072; }) == 3);
  // With lg_prof_sample:0 and these sizes, unsampling changes nothing measurable.
  CHECK(p.total()[SampleType::inuse_space] == doctest::Approx(static_cast<double>(p.raw_total().cur_bytes)));
}

TEST_CASE("fixture: the named thread holds exactly what it allocated") {
  Profile p = load(1);
  auto s = analyze::summarize(p);
  auto worker = std::ranges::find(s.threads, std::string("worker pool 1"), &analyze::ThreadSummary::name);
  REQUIRE(worker != s.threads.end());
  CHECK(worker->raw_totals.cur_objects == 12);
  CHECK(worker->raw_totals.cur_bytes == 12 * 32768);
}

TEST_CASE("fixture phases: the leak grows by 40 KiB per phase, the churn stays") {
  Profile p1 = load(1), p2 = load(2), p3 = load(3);
  CHECK(has_record(p2, 20, 20 * 4096));
  CHECK(has_record(p3, 30, 30 * 4096));
  CHECK(has_record(p3, 8, 8 * 16384));
  CHECK(p3.raw_total().cur_bytes - p2.raw_total().cur_bytes == 40960);
  CHECK(p2.raw_total().cur_bytes - p1.raw_total().cur_bytes == 40960);
  // Cumulative counts include the churn batches freed since.
  CHECK(p3.raw_total().accum_bytes - p3.raw_total().cur_bytes >= 2 * 8 * 16384);
}

TEST_CASE("fixture: mappings name the fixture binary; the header total matches the records") {
  Profile p = load(1);
  bool found = std::ranges::any_of(
      p.mappings, [&](const Mapping& m) { return m.executable && p.str(m.path).ends_with("/heap_fixture"); });
  CHECK(found);
  CHECK(p.header_counts.cur_bytes == p.raw_total().cur_bytes);
}
