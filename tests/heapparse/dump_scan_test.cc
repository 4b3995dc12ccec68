// The quick pass of the series engine (dump_scan.h) against the full parser: on real fixture
// dumps every record, count and mapping must agree with parse_dump; anything outside the plain
// form must be refused, so that parse_dump reads it (or reports its error).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "memprof/heapparse/dump_scan.h"
#include "memprof/heapparse/input.h"
#include "memprof/heapparse/parse_dump.h"

using namespace memprof;
using namespace memprof::heapparse;

TEST_CASE("scan_dump reads a real dump as parse_dump does") {
  for (int phase = 1; phase <= 3; ++phase) {
    std::string path = std::string(MEMPROF_FIXTURE_DUMPS) + "/phase" + std::to_string(phase) + ".heap";
    InputBytes in = read_input(path);
    Diagnostics diag;
    Profile p = parse_dump(in.text(), path, diag);
    ScannedDump s;
    REQUIRE(scan_dump(in.text(), s));
    CHECK(s.sample_period == p.sample_period);
    REQUIRE(s.records.size() == p.samples.size());
    std::vector<uint64_t> addresses;
    for (size_t k = 0; k < s.records.size(); ++k) {
      const ScannedRecord& r = s.records[k];
      CHECK(r.raw.cur_bytes == p.samples[k].raw.cur_bytes);
      CHECK(r.raw.accum_objects == p.samples[k].raw.accum_objects);
      CHECK(r.values[SampleType::inuse_space] == p.samples[k].values[SampleType::inuse_space]);
      CHECK(r.stack_hash == hash_text(s.stack_line(in.text(), r)));  // hashed while its end was found
      REQUIRE(parse_stack_addresses(s.stack_line(in.text(), r), addresses));
      auto frames = p.stacks.frames(p.samples[k].stack);
      REQUIRE(addresses.size() == frames.size());
      for (size_t f = 0; f < frames.size(); ++f) CHECK(addresses[f] == p.locations[frames[f].value()].address);
    }
    CHECK(s.has_maps_section);
    REQUIRE(s.maps.mappings.size() == p.mappings.size());
    for (size_t m = 0; m < p.mappings.size(); ++m) {
      CHECK(s.maps.mappings[m].start == p.mappings[m].start);
      CHECK(s.maps.mappings[m].executable == p.mappings[m].executable);
      CHECK(s.maps.str(s.maps.mappings[m].path) == p.str(p.mappings[m].path));
    }
  }
}

TEST_CASE("equal stack lines hash equal; the code key ignores data mappings") {
  std::string a =
      "heap_v2/524288\n  t*: 2: 64 [0: 0]\n  t0: 2: 64 [0: 0]\n"
      "@ 0x401000 0x401100\n  t*: 1: 32 [0: 0]\n  t0: 1: 32 [0: 0]\n"
      "@ 0x401000 0x401200\n  t*: 1: 32 [0: 0]\n"
      "MAPPED_LIBRARIES:\n00400000-00402000 r-xp 00000000 fe:00 1 /bin/app\n"
      "7f0000000000-7f0000100000 rw-p 00000000 00:00 0\n";
  std::string b = a;
  b.replace(b.find("7f0000100000"), 12, "7f0000200000");  // the heap grew: same code
  ScannedDump sa, sb;
  REQUIRE(scan_dump(a, sa));
  REQUIRE(scan_dump(b, sb));
  REQUIRE(sa.records.size() == 2);
  CHECK(sa.records[0].stack_hash == sb.records[0].stack_hash);
  CHECK(!(sa.records[0].stack_hash == sa.records[1].stack_hash));
  CHECK(sa.records[0].raw.cur_bytes == 32);
  CHECK(sa.stack_line(a, sa.records[1]) == " 0x401000 0x401200");
  // Lines of every length around the 16-byte blocks the hash reads, each ending a text or not.
  for (size_t n = 0; n <= 40; ++n) {
    std::string line(n, '7');
    for (const std::string& text :
         {"heap_v2/1\n  t*: 1: 8 [0: 0]\n@" + line + "\n  t*: 1: 8 [0: 0]\n",
          "heap_v2/1\n  t*: 1: 8 [0: 0]\n@" + line + "\n  t*: 1: 8 [0: 0]\n" + std::string(40, '\n')}) {
      ScannedDump s;
      REQUIRE(scan_dump(text, s));
      REQUIRE(s.records.size() == 1);
      CHECK(s.stack_line(text, s.records[0]) == line);
      CHECK(s.records[0].stack_hash == hash_text(line));
    }
  }
  CHECK(sa.code_key == sb.code_key);
  std::string c = a;
  c.replace(c.find("00400000-00402000"), 17, "00500000-00502000");  // the code moved
  ScannedDump sc;
  REQUIRE(scan_dump(c, sc));
  CHECK(!(sa.code_key == sc.code_key));
}

TEST_CASE("scan_dump refuses what only the full parser reads") {
  std::string plain = "heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x1\n  t*: 1: 8 [0: 0]\n";
  ScannedDump s;
  CHECK(scan_dump(plain, s));
  for (std::string text : {
           std::string("heap_v2/1\n  t*: 1: 8 [0: 0]\n# comment\n@ 0x1\n  t*: 1: 8 [0: 0]\n"),  // comment
           std::string("heap_v2/1\r\n  t*: 1: 8 [0: 0]\r\n@ 0x1\r\n  t*: 1: 8 [0: 0]\r\n"),     // CRLF
           std::string("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x1\n  t*: 1: 8 [0: 0]"),               // cut off
           std::string("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x1\n  t*: x: 8 [0: 0]\n"),             // bad count
           std::string("heap_v2/1\n  t*: 1: 8 [0: 0]\nEXTRA:\n@ 0x1\n  t*: 1: 8 [0: 0]\n"),     // section
           std::string("heap profile: 1: 8 [0: 0] @ heapprofile\n1: 8 [0: 0] @ 0x1\n"),         // legacy
       })
    CHECK_MESSAGE(!scan_dump(text, s), text);
  std::vector<uint64_t> a;
  CHECK(parse_stack_addresses(" 0x10 20\t0X30", a));
  CHECK(a == std::vector<uint64_t>{0x10, 0x20, 0x30});
  CHECK(!parse_stack_addresses(" 0x10 0xzz", a));
  CHECK(!parse_stack_addresses(" 0x10\r", a));
  CHECK(!parse_stack_addresses(" 0x", a));
  CHECK(!parse_stack_addresses(" 0x11112222333344445", a));  // 17 digits
}
