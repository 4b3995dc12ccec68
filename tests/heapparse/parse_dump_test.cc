// Format variants of jemalloc heap dumps, written by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "memprof/heapparse/parse_dump.h"
#include "memprof/heapparse/unsample.h"

using namespace memprof;
using heapparse::parse_dump;

namespace {

Profile parse(std::string_view text, Diagnostics* diag_out = nullptr) {
  Diagnostics diag;
  Profile p = parse_dump(text, "test.heap", diag);
  if (diag_out) *diag_out = diag;
  return p;
}

constexpr std::string_view kJemalloc53 = R"(heap_v2/524288
  t*: 3: 12288 [0: 0]
  t0: 2: 8192 [0: 0] main thread
  t7: 1: 4096 [0: 0]
@ 0x55f6bd46ed27 0x55f6bd46ece4 0x7f0000001000
  t*: 2: 8192 [0: 0]
  t0: 2: 8192 [0: 0]
@ 0x55f6bd46ed27 0x55f6bd46ecff
  t*: 1: 4096 [0: 0]
  t7: 1: 4096 [0: 0]

MAPPED_LIBRARIES:
55f6bd400000-55f6bd46e000 r--p 00000000 fe:00 100 /usr/bin/app
55f6bd46e000-55f6bd470000 r-xp 0006e000 fe:00 100 /usr/bin/app
7f0000000000-7f0000002000 r-xp 00000000 fe:00 200 /usr/lib/libfoo.so (deleted)
7ffc00000000-7ffc00001000 r-xp 00000000 00:00 0 [vdso]
)";

}  // namespace

TEST_CASE("jemalloc 5.3 dump: records, threads with names, mappings") {
  Profile p = parse(kJemalloc53);
  CHECK(p.format == DumpFormat::heap_v2);
  CHECK(p.sample_period == 524288);
  CHECK(p.samples.size() == 2);
  CHECK(p.stacks.size() == 2);
  CHECK(p.locations.size() == 4);  // 0x55f6bd46ed27 is shared by both stacks
  CHECK(p.raw_total().cur_objects == 3);
  CHECK(p.raw_total().cur_bytes == 12288);
  REQUIRE(p.threads.size() == 2);
  CHECK(p.threads[0].id == 0);
  CHECK(p.threads[0].name == "main thread");
  CHECK(p.threads[1].id == 7);
  CHECK(p.threads[1].name.empty());
  CHECK(p.thread_samples.size() == 2);
  CHECK(p.thread_samples[1].thread.value() == 1);

  REQUIRE(p.mappings.size() == 4);
  CHECK(p.str(p.mappings[2].path) == "/usr/lib/libfoo.so");
  CHECK(p.mappings[2].deleted);
  CHECK(p.mappings[1].executable);
  CHECK_FALSE(p.mappings[0].executable);
  CHECK(p.str(p.mappings[3].path) == "[vdso]");
  // The leaf of stack 1 lies in the executable's text mapping; file offset = addr - start + offset.
  const Location& leaf = p.locations[p.stacks.frames(p.samples[0].stack)[0].value()];
  REQUIRE(leaf.mapping.valid());
  CHECK(p.unsymbolized_name(leaf) == "app+0x6ed27");
  const Location& lib = p.locations[p.stacks.frames(p.samples[0].stack)[2].value()];
  CHECK(p.unsymbolized_name(lib) == "libfoo.so(deleted)+0x1000");
}

TEST_CASE("unsampling follows jemalloc's formula record by record") {
  Profile p = parse(kJemalloc53);
  // 2 objects of 4096 bytes sampled every 512 KiB: scale = 1 / (1 - exp(-4096/524288))
  double scale = 1 / (1 - std::exp(-4096.0 / 524288));
  CHECK(p.samples[0].values[SampleType::inuse_space] == doctest::Approx(8192 * scale));
  CHECK(p.samples[0].values[SampleType::inuse_objects] == doctest::Approx(2 * scale));
  CHECK(p.total()[SampleType::inuse_space] == doctest::Approx(12288 * scale));
  // Raw counts stay available.
  CHECK(p.samples[0].raw.cur_bytes == 8192);
}

TEST_CASE("unsample: period 0 means unsampled; zero objects are left alone") {
  RawCounts raw{.cur_objects = 4, .cur_bytes = 400, .accum_objects = 0, .accum_bytes = 0};
  Values v = heapparse::unsample(raw, 0);
  CHECK(v[SampleType::inuse_space] == 400);
  Values w = heapparse::unsample(raw, 100);
  CHECK(w[SampleType::inuse_space] == doctest::Approx(400 / (1 - std::exp(-1.0))));
  CHECK(w[SampleType::alloc_space] == 0);
}

TEST_CASE("accum fields and stacks with no live objects") {
  Profile p = parse(R"(heap_v2/1024
  t*: 1: 64 [10: 640]
  t0: 1: 64 [10: 640]
@ 0x1000
  t*: 0: 0 [9: 576]
  t0: 0: 0 [9: 576]
@ 0x2000
  t*: 1: 64 [1: 64]
  t0: 1: 64 [1: 64]
)");
  CHECK(p.has_accum_data());
  CHECK(p.raw_total().accum_objects == 10);
  CHECK(p.samples[0].values[SampleType::inuse_space] == 0);
  CHECK(p.samples[0].values[SampleType::alloc_space] > 576);
  CHECK_FALSE(p.has_maps_section);
}

TEST_CASE("bare '@' record: the unwinder found no frames") {
  Profile p = parse("heap_v2/1\n  t*: 1: 8 [0: 0]\n@\n  t*: 1: 8 [0: 0]\n");
  REQUIRE(p.samples.size() == 1);
  CHECK(p.stacks.frames(p.samples[0].stack).empty());
}

TEST_CASE("jemalloc 4.x: four-space per-thread lines, no thread names, CRLF tolerated") {
  Profile p = parse(
      "heap_v2/524288\r\n  t*: 1: 32 [0: 0]\r\n  t3: 1: 32 [0: 0]\r\n@ 0xabc 0xdef\r\n  t*: 1: 32 [0: 0]\r\n    t3: 1: "
      "32 [0: 0]\r\n");
  CHECK(p.samples.size() == 1);
  CHECK(p.thread_samples.size() == 1);
  CHECK(p.threads[0].id == 3);
}

TEST_CASE("legacy jemalloc 3.x text: 'heap profile: ... @ heap_v2/R'") {
  Profile p = parse(R"(heap profile: 3: 3072 [ 0: 0] @ heap_v2/524288
1: 1024 [0: 0] @ 0x4006a1 0x4007b2
   2:   2048 [   0:     0] @ 0x4006a1 0x4008c3

MAPPED_LIBRARIES:
00400000-00401000 r-xp 00000000 08:01 123 /usr/bin/old
)");
  CHECK(p.format == DumpFormat::legacy_heap_v2);
  CHECK(p.sample_period == 524288);
  CHECK(p.samples.size() == 2);
  CHECK(p.raw_total().cur_bytes == 3072);
  CHECK(p.header_counts.cur_objects == 3);
  CHECK(p.mappings.size() == 1);
}

TEST_CASE("gperftools heapprofile: not sampled, so values are the raw counts") {
  Profile p = parse(R"(heap profile:    2:   200 [    2:   200] @ heapprofile
     2:      200 [     2:      200] @ 0x00000000004006a1 0x00000000004007b2

--- Memory map: ---
00400000-00401000 r-xp 00000000 08:01 123 /usr/bin/gp
)");
  CHECK(p.format == DumpFormat::legacy_heapprofile);
  CHECK(p.sample_period == 0);
  CHECK(p.total()[SampleType::inuse_space] == 200);
  CHECK(p.mappings.size() == 1);
}

TEST_CASE("legacy counts may be signed") {
  Profile p = parse("heap profile: -1: -64 [0: 0] @ heap_v2/1\n-1: -64 [0: 0] @ 0x10\n");
  CHECK(p.raw_total().cur_bytes == -64);
}

TEST_CASE("FreeBSD and macOS style MAPPED_LIBRARIES") {
  Profile freebsd = parse(R"(heap_v2/1
  t*: 1: 8 [0: 0]
@ 0x800600010
  t*: 1: 8 [0: 0]

MAPPED_LIBRARIES:
0x800600000 0x80061a000 26 0 0xfffff800035a0000 r-x 75 33 0x1004 COW NC vnode /libexec/ld-elf.so.1 NCH -1
)");
  REQUIRE(freebsd.mappings.size() == 1);
  CHECK(freebsd.str(freebsd.mappings[0].path) == "/libexec/ld-elf.so.1");
  CHECK(freebsd.mappings[0].executable);
  CHECK(freebsd.locations[0].mapping.valid());

  Profile mac = parse(R"(heap_v2/1
  t*: 1: 8 [0: 0]
@ 0x100000010
  t*: 1: 8 [0: 0]

MAPPED_LIBRARIES:
0000000100000000-0000000100004000: /Users/me/app
00007ff800000000-00007ff800100000: /usr/lib/libc++.1.dylib
)");
  REQUIRE(mac.mappings.size() == 2);
  CHECK(mac.str(mac.mappings[0].path) == "/Users/me/app");
  CHECK(mac.unsymbolized_name(mac.locations[0]) == "app+0x10");
}

TEST_CASE("paths with spaces and anonymous mappings") {
  Profile p = parse(R"(heap_v2/1
  t*: 1: 8 [0: 0]
@ 0x1010 0x2010
  t*: 1: 8 [0: 0]

MAPPED_LIBRARIES:
00001000-00002000 r-xp 00000000 08:01 1 /opt/my app/lib x.so
00002000-00003000 rwxp 00000000 00:00 0
)");
  REQUIRE(p.mappings.size() == 2);
  CHECK(p.str(p.mappings[0].path) == "/opt/my app/lib x.so");
  CHECK(p.unsymbolized_name(p.locations[1]) == "[anon]+0x10");
}

TEST_CASE("an unknown trailing section is a warning, not a failure") {
  Diagnostics diag;
  Profile p = parse(
      "heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10\n  t*: 1: 8 [0: 0]\n\nEXTRA_STUFF:\nwhatever 1 2 "
      "3\n\nMAPPED_LIBRARIES:\n00000000-00001000 r-xp 00000000 00:00 0 /bin/x\n",
      &diag);
  CHECK(p.samples.size() == 1);
  CHECK(p.mappings.size() == 1);
  REQUIRE(diag.warnings.size() == 1);
  CHECK(diag.warnings[0] == "test.heap:6:1: ignored unknown section 'EXTRA_STUFF:'");
}

TEST_CASE("identical stacks are stored once") {
  Profile p = parse("heap_v2/1\n  t*: 2: 16 [0: 0]\n@ 0x10 0x20\n  t*: 1: 8 [0: 0]\n@ 0x10 0x20\n  t*: 1: 8 [0: 0]\n");
  CHECK(p.samples.size() == 2);
  CHECK(p.stacks.size() == 1);
}

TEST_CASE("addresses: 1 to 16 digits, any case, with or without 0x, near the end of the buffer") {
  std::string text =
      "heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x0 0xABCDEF 0xffffffffffffffff 0x00000000004006a1 7f0bfe6a2630 "
      "0x123456789aBcDeF0 0x1\n  t*: 1: 8 [0: 0]\n@ 0x12345678 0x9\n  t*: 1: 8 [0: 0]";
  Profile p = parse(text + "\n");
  std::vector<uint64_t> expected = {0x0, 0xabcdef, 0xffffffffffffffff, 0x4006a1, 0x7f0bfe6a2630, 0x123456789abcdef0,
                                    0x1};
  auto frames = p.stacks.frames(p.samples[0].stack);
  REQUIRE(frames.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) CHECK(p.locations[frames[i].value()].address == expected[i]);
  // The same addresses parsed digit by digit (fewer than 16 bytes left in the buffer).
  Profile tail = parse("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x12345678 0x9\n  t*: 1: 8 [0: 0]\n");
  auto tail_frames = tail.stacks.frames(tail.samples[0].stack);
  CHECK(tail.locations[tail_frames[0].value()].address == 0x12345678);
  CHECK(tail.locations[tail_frames[1].value()].address == 0x9);
}
