// Bad input gives one precise message: PATH:LINE:COL: expected X, got 'Y'.
#include <doctest/doctest.h>

#include "error_of.h"
#include "memprof/heapparse/parse_dump.h"

using namespace memprof;
using memprof::test::error_of;

TEST_CASE("empty file") {
  CHECK(error_of("") == "bad.heap:1:1: expected a 'heap_v2/<period>' or 'heap profile:' header, got end of file");
}

TEST_CASE("wrong header") {
  CHECK(error_of("hello world\n") ==
        "bad.heap:1:1: expected a 'heap_v2/<period>' or 'heap profile:' header, got 'hello'");
  CHECK(error_of("heap_v2/abc\n") == "bad.heap:1:9: expected a positive sample period in bytes, got 'abc'");
  CHECK(error_of("heap_v2/0\n") == "bad.heap:1:9: expected a positive sample period in bytes, got '0'");
  CHECK(error_of("heap profile: 1: 2 [0: 0] @ contentionz\n") ==
        "bad.heap:1:29: expected 'heap_v2/<period>', 'heapz_v2/<period>', 'heapprofile', 'heap', 'growthz' or "
        "'fragmentationz', got 'contentionz'");
}

TEST_CASE("binary file: bytes are escaped in the message") {
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01\0\0\0",
      10);
  CHECK(error_of(elf) ==
        "bad.heap:1:1: expected a 'heap_v2/<period>' or 'heap profile:' header, got "
        "'\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00'");
}

TEST_CASE("non-hex address") {
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10 0xZZ 0x30\n  t*: 1: 8 [0: 0]\n") ==
        "bad.heap:3:8: expected a hex address, got '0xZZ'");
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10g\n  t*: 1: 8 [0: 0]\n") ==
        "bad.heap:3:3: expected a hex address, got '0x10g'");
}

TEST_CASE("address that does not fit in 64 bits") {
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x1ffffffffffffffff\n  t*: 1: 8 [0: 0]\n") ==
        "bad.heap:3:3: expected a 64-bit hex address, got '0x1ffffffffffffffff'");
}

TEST_CASE("counts that overflow") {
  CHECK(error_of("heap_v2/1\n  t*: 99999999999999999999: 8 [0: 0]\n") ==
        "bad.heap:2:7: expected a count that fits in 64 bits, got '99999999999999999999:'");
}

TEST_CASE("truncated files") {
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10 0x20\n") ==
        "bad.heap:4:1: expected 't*:' counts for the stack above, got end of file");
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10 0x2") ==
        "bad.heap:3:11: expected the end of the stack line and its 't*:' counts, got end of file");
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10\n  t*: 1: 8 [0:") ==
        "bad.heap:4:15: expected a count, got end of line");
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10\n  t*: 1: 8") ==
        "bad.heap:4:11: expected '[' before the cumulative counts, got end of line");
  CHECK(error_of("heap_v2/1\n") == "bad.heap:2:1: expected the header's 't*:' line, got end of file");
}

TEST_CASE("garbage between records") {
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10\n  t*: 1: 8 [0: 0]\nbogus line here\n") ==
        "bad.heap:5:1: expected a '@ <addresses>' stack record or 'MAPPED_LIBRARIES:', got 'bogus'");
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10\n  tx: 1: 8 [0: 0]\n") ==
        "bad.heap:4:4: expected a thread number or '*' after 't', got 'x:'");
}

TEST_CASE("a file cut inside MAPPED_LIBRARIES is truncated, not a shorter map") {
  CHECK(error_of("heap_v2/1\n  t*: 1: 8 [0: 0]\n@ 0x10\n  t*: 1: 8 [0: 0]\n\nMAPPED_LIBRARIES:\n"
                 "00001000-00002000 r-xp 00000000 08:01 1 /usr/li") ==
        "bad.heap:7:48: expected the end of the last MAPPED_LIBRARIES line (truncated file?), got end of file");
}
