// The gperftools/Google legacy heap profiles pprof reads (google/pprof profile/legacy_profile.go),
// written by hand in testdata/legacy/. Every expected total is what the real pprof printed for
// the same file: `pprof -raw -symbolize=none FILE`, values summed over samples. pprof scales each
// record and truncates it to an integer, so the checks truncate memprof's per-record values the
// same way before summing.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <string>

#include "error_of.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/profile/diagnostics.h"

using namespace memprof;
using memprof::test::error_of;

namespace {

Profile read_fixture(const std::string& name, Diagnostics* diag_out = nullptr) {
  Diagnostics diag;
  Profile p = heapparse::read_dump(std::string(MEMPROF_SOURCE_DIR) + "/testdata/legacy/" + name, diag);
  if (diag_out) *diag_out = diag;
  return p;
}

// {inuse_objects, inuse_space, alloc_objects, alloc_space}, each record truncated as pprof does.
std::array<int64_t, 4> pprof_totals(const Profile& p) {
  std::array<int64_t, 4> sum{};
  for (const Sample& s : p.samples) {
    sum[0] += static_cast<int64_t>(s.values[SampleType::inuse_objects]);
    sum[1] += static_cast<int64_t>(s.values[SampleType::inuse_space]);
    sum[2] += static_cast<int64_t>(s.values[SampleType::alloc_objects]);
    sum[3] += static_cast<int64_t>(s.values[SampleType::alloc_space]);
  }
  return sum;
}

}  // namespace

TEST_CASE("heapz_v2: sampled like heap_v2, comments skipped, Google memory map with $attributes") {
  Diagnostics diag;
  Profile p = read_fixture("heapz_v2.heap", &diag);
  CHECK(p.format == DumpFormat::legacy_heapz_v2);
  CHECK(p.sample_period == 524288);
  CHECK(p.samples.size() == 4);
  // pprof: alloc 33630 objects / 23421275 bytes, inuse 33056 objects / 7628695 bytes.
  auto t = pprof_totals(p);
  CHECK(t[0] == 33056);
  CHECK(t[1] == 7628695);
  CHECK(t[2] == 33630);
  CHECK(t[3] == 23421275);
  REQUIRE(p.mappings.size() == 2);
  CHECK(p.str(p.mappings[0].path) == "/opt/app/server_main");  // "$source/server_main"
  CHECK(p.str(p.mappings[1].path) == "/lib/libc-2.15.so");
  CHECK(p.unsymbolized_name(p.locations[0]) == "server_main+0x6a1");
  CHECK(diag.warnings.empty());
}

TEST_CASE("growthz: exact counts (pprof's period 1), brief memory map") {
  Profile p = read_fixture("growthz.heap");
  CHECK(p.format == DumpFormat::legacy_growthz);
  CHECK(p.sample_period == 0);
  // pprof: 4 objects, 6291456 bytes.
  auto t = pprof_totals(p);
  CHECK(t[0] == 4);
  CHECK(t[1] == 6291456);
  REQUIRE(p.mappings.size() == 2);
  CHECK(p.str(p.mappings[0].path) == "cppbench_server_main");
}

TEST_CASE("bare 'heap': no period, so pprof leaves the counts unscaled") {
  Profile p = read_fixture("heap.heap");
  CHECK(p.format == DumpFormat::legacy_heap);
  // pprof: alloc 5 objects / 5120 bytes, inuse 3 objects / 3072 bytes.
  auto t = pprof_totals(p);
  CHECK(t == std::array<int64_t, 4>{3, 3072, 5, 5120});
}

TEST_CASE("jemalloc 3.x heap_v2 with comment lines, also in MAPPED_LIBRARIES") {
  Diagnostics diag;
  Profile p = read_fixture("heap_v2_comments.heap", &diag);
  CHECK(p.format == DumpFormat::legacy_heap_v2);
  CHECK(p.samples.size() == 3);
  // pprof: 1539 objects, 5859510 bytes (512 + 1025 + 2; 524800 + 1049600 + 4285110).
  auto t = pprof_totals(p);
  CHECK(t[0] == 1539);
  CHECK(t[1] == 5859510);
  CHECK(p.mappings.size() == 1);
  CHECK(diag.warnings.empty());
}

TEST_CASE("fragmentationz: exact counts") {
  Profile p = read_fixture("fragmentationz.heap");
  CHECK(p.format == DumpFormat::legacy_fragmentationz);
  // pprof: 3 objects, 12288 bytes.
  auto t = pprof_totals(p);
  CHECK(t[0] == 3);
  CHECK(t[1] == 12288);
}

TEST_CASE("'growth' is read like 'growthz', 'fragmentation' like 'fragmentationz'") {
  Diagnostics diag;
  Profile g = heapparse::parse_dump("heap profile: 1: 64 [1: 64] @ growth\n1: 64 [1: 64] @ 0x10\n", "g", diag);
  CHECK(g.format == DumpFormat::legacy_growthz);
  Profile f = heapparse::parse_dump("heap profile: 1: 64 [1: 64] @ fragmentation\n1: 64 [1: 64] @ 0x10\n", "f", diag);
  CHECK(f.format == DumpFormat::legacy_fragmentationz);
}

TEST_CASE("comments, blank lines and <jemalloc>: messages anywhere in a heap_v2 dump") {
  Diagnostics diag;
  Profile p = heapparse::parse_dump(R"(# captured by hand
<jemalloc>: Leak approximation summary: ~64 bytes, ~1 object, >= 1 context

heap_v2/1
  t*: 2: 72 [0: 0]
# between the header and a thread line
  t0: 2: 72 [0: 0] main
@ 0x10 0x20
# between a record and its thread lines
  t*: 1: 64 [0: 0]
    # indented
  t0: 1: 64 [0: 0]
<jemalloc>: a message in the middle
@ 0x30
  t*: 1: 8 [0: 0]
  t0: 1: 8 [0: 0]

MAPPED_LIBRARIES:
# comment
00000000-00001000 r-xp 00000000 00:00 0 /bin/x
)",
                                    "c.heap", diag);
  CHECK(p.samples.size() == 2);
  CHECK(p.thread_samples.size() == 2);
  CHECK(p.raw_total().cur_bytes == 72);
  CHECK(p.threads.size() == 1);
  CHECK(p.threads[0].name == "main");
  CHECK(p.mappings.size() == 1);
  CHECK(diag.warnings.empty());
}

TEST_CASE("Go and Java heap profiles are refused with what they are") {
  CHECK(error_of("heap profile: 13: 1595680 [47130736: 2584596557304] @ heap/1048576\n") ==
        "bad.heap:1:55: expected 'heap_v2/<period>', 'heapz_v2/<period>', 'heapprofile', 'heap', 'growthz' or "
        "'fragmentationz', got 'heap/1048576' (a Go runtime heap profile: read it with 'go tool pprof')");
  CHECK(error_of("--- heapz 1 ---\nformat = java\n") ==
        "bad.heap:1:1: expected a jemalloc or gperftools heap profile, got '--- heapz 1 ---' (a Java heap profile: "
        "read it with pprof)");
  CHECK(error_of("heap profile: 1: 2 [0: 0] @ heapz_v2\n") ==
        "bad.heap:1:29: expected '/<period>' after the profile kind, got 'heapz_v2'");
  CHECK(error_of("heap profile: 1: 2 [0: 0] @ growthz/5\n") ==
        "bad.heap:1:29: expected 'heap_v2/<period>', 'heapz_v2/<period>', 'heapprofile', 'heap', 'growthz' or "
        "'fragmentationz', got 'growthz/5'");
}

TEST_CASE("pprof's brief memory-map forms") {
  Diagnostics diag;
  Profile p = heapparse::parse_dump(R"(heap profile: 1: 8 [0: 0] @ heapprofile
1: 8 [0: 0] @ 0x40010 0x90010 0xa0010

--- Memory map: ---
build=/usr/bin
0x40000-0x80000 $build/binary (@1000) abc123456
0x90000 0x98000 r-xp /lib/liba.so
a0000-a8000 /lib/libb.so
)",
                                    "b.heap", diag);
  REQUIRE(p.mappings.size() == 3);
  CHECK(p.str(p.mappings[0].path) == "/usr/bin/binary");
  CHECK(p.mappings[0].offset == 0x1000);
  CHECK(p.str(p.mappings[1].path) == "/lib/liba.so");
  CHECK(p.mappings[1].executable);
  CHECK(p.str(p.mappings[2].path) == "/lib/libb.so");
  CHECK(diag.warnings.empty());
}
