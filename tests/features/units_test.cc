// The small formatters and parsers every report goes through, against values worked out by hand
// (binary units: 1 KiB = 1024 B).
#include <doctest/doctest.h>

#include "memprof/profile/values.h"
#include "memprof/render/text_table.h"
#include "memprof/render/units.h"

using namespace memprof::render;

TEST_CASE("format_bytes: bytes below 1 KiB exactly, one decimal above, binary units") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1000) == "1000 B");
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(2000) == "2.0 KiB");  // 1.953
  CHECK(format_bytes(3000) == "2.9 KiB");  // 2.930
  CHECK(format_bytes(10 * 1048576.0) == "10.0 MiB");
  CHECK(format_bytes(-2097152) == "-2.0 MiB");
  CHECK(format_bytes(3.5 * 1073741824.0) == "3.5 GiB");
  CHECK(format_signed_bytes(1536) == "+1.5 KiB");
  CHECK(format_signed_bytes(-1536) == "-1.5 KiB");
  CHECK(format_signed_bytes(0) == "0 B");
}

TEST_CASE("format_percent and round_to_int at the edges") {
  CHECK(format_percent(0.1234) == "12.34%");
  CHECK(format_percent(1) == "100.00%");
  CHECK(format_percent(0.0 / 0.0) == "-");
  CHECK(round_to_int(2.5) == 3);
  CHECK(round_to_int(-2.5) == -3);
  CHECK(round_to_int(1e30) == INT64_MAX);
  CHECK(round_to_int(-1e30) == INT64_MIN);
  CHECK(round_to_int(0.0 / 0.0) == 0);
}

TEST_CASE("parse_size: plain bytes, K/M/G/T with or without iB, fractions; junk refused") {
  CHECK(parse_size("1048576") == 1048576u);
  CHECK(parse_size("10MiB") == 10485760u);
  CHECK(parse_size("10M") == 10485760u);
  CHECK(parse_size("10MB") == 10485760u);  // binary, like jemalloc's and pprof's
  CHECK(parse_size("1.5KiB") == 1536u);
  CHECK(parse_size("2 GiB") == 2147483648u);
  CHECK(parse_size("1T") == 1099511627776u);
  CHECK(parse_size("64k") == 65536u);
  CHECK(parse_size("0") == 0u);
  CHECK(parse_size("16000000T") == 17592186044416000000u);  // above INT64_MAX, below UINT64_MAX
  for (const char* junk : {"", "lots", "-1", "-1K", "10X", "10 KiBB", "K", "nan", "inf", "1e300", "17000000T"}) {
    INFO(junk);
    CHECK_FALSE(parse_size(junk).has_value());
  }
}

TEST_CASE("elide_middle: keeps both ends, counts columns not bytes") {
  CHECK(elide_middle("abcdefghij", 7) == "abc\xe2\x80\xa6hij");
  CHECK(elide_middle("abcdefghij", 10) == "abcdefghij");
  CHECK(elide_middle("abcdefghij", 20) == "abcdefghij");
  CHECK(elide_middle("abcdefghij", 2) == "a\xe2\x80\xa6");
  CHECK(elide_middle("abcdefghij", 1) == "\xe2\x80\xa6");
  CHECK(elide_middle("abcdefghij", 0) == "");
  // Two-byte characters are never cut in half; the result is as wide as asked.
  std::string accents = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";  // six 'é'
  std::string five = elide_middle(accents, 5);
  CHECK(five == "\xc3\xa9\xc3\xa9\xe2\x80\xa6\xc3\xa9\xc3\xa9");
  CHECK(display_width(five) == 5);
  CHECK(display_width("\xe2\x80\xa6") == 1);
  CHECK(display_width("fixture::leak_site") == 18);
}

TEST_CASE("raw counts saturate at the int64 limits instead of wrapping") {
  memprof::RawCounts sum{.cur_objects = 1, .cur_bytes = INT64_MAX - 10};
  sum += memprof::RawCounts{.cur_objects = 1, .cur_bytes = 11};
  CHECK(sum.cur_bytes == INT64_MAX);
  CHECK(sum.cur_objects == 2);
  memprof::RawCounts negative{.accum_bytes = INT64_MIN + 5};
  negative += memprof::RawCounts{.accum_bytes = -6};
  CHECK(negative.accum_bytes == INT64_MIN);
  negative += memprof::RawCounts{.accum_bytes = 1};  // and count again from there
  CHECK(negative.accum_bytes == INT64_MIN + 1);
}
