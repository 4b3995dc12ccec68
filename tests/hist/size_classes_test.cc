// Size classes against jemalloc 5.3's own table (arenas.bin[].size and arenas.lextent[].size as
// malloc_stats_print prints them with 4 KiB pages), and the histogram builder's rules.
#include <doctest/doctest.h>

#include <vector>

#include "memprof/analyze/size_hist.h"
#include "memprof/profile/size_classes.h"

using namespace memprof;

TEST_CASE("size classes are jemalloc's") {
  // The first 44 classes jemalloc 5.3 prints (36 bins, then the first large extents).
  const std::vector<uint64_t> classes = {8,     16,    32,    48,    64,    80,    96,    112,   128,   160,   192,
                                         224,   256,   320,   384,   448,   512,   640,   768,   896,   1024,  1280,
                                         1536,  1792,  2048,  2560,  3072,  3584,  4096,  5120,  6144,  7168,  8192,
                                         10240, 12288, 14336, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344};
  uint64_t prev = 0;
  for (uint64_t c : classes) {
    CHECK(size_class_of(c) == c);
    CHECK(size_class_of(prev + 1) == c);
    CHECK(previous_size_class(c) == prev);
    CHECK(is_size_class(c));
    prev = c;
  }
  CHECK(size_class_of(100000) == 114688);
  CHECK_FALSE(is_size_class(288));
  CHECK(size_class_of(0) == 0);
}

TEST_CASE("geometry: small/large boundary and padding follow the page size") {
  SizeClassGeometry g = SizeClassGeometry::for_page(4096);
  CHECK(g.small_max == 14336);
  CHECK(g.large_min == 16384);
  CHECK(g.large_pad == 4096);
  SizeClassGeometry big = SizeClassGeometry::for_page(65536, false);
  CHECK(big.large_min == 262144);
  CHECK(big.small_max == 229376);
  CHECK(big.large_pad == 0);
}

TEST_CASE("a record's average: a class within tolerance, else mixed in the bucket of its average") {
  CHECK(nearest_size_class(48.0, kExactClassTolerance) == 48);
  CHECK(nearest_size_class(288.0, kSampledClassTolerance) == 0);
  // jemalloc 5.3's rounded counts: 14 KiB objects at lg_prof_sample:12 average 14786 in the dump.
  CHECK(nearest_size_class(14786.0, kSampledClassTolerance) == 14336);
  CHECK(nearest_size_class(14786.0, kExactClassTolerance) == 0);

  analyze::SizeHistogramBuilder b(analyze::Bucketing::size_class);
  b.add_record(10, 480);  // 10 x 48
  b.add_record(4, 1152);  // average 288: mixed, bucket 320
  b.add_exact(48, 5);
  analyze::SizeHistogram h = b.finish("t");
  REQUIRE(h.buckets.size() == 2);
  CHECK(h.buckets[0].size_min == 33);
  CHECK(h.buckets[0].size_max == 48);
  CHECK(h.buckets[0].objects == 15);
  CHECK(h.buckets[0].bytes == 720);
  CHECK(h.buckets[1].size_max == 320);
  CHECK(h.buckets[1].mixed_bytes == 1152);
  CHECK(h.total_bytes == 1872);
  CHECK(h.mixed_objects == 4);

  analyze::SizeHistogramBuilder p(analyze::Bucketing::pow2);
  p.add_exact(48, 1);
  p.add_exact(64, 1);
  p.add_exact(65, 1);
  analyze::SizeHistogram hp = p.finish("t");
  REQUIRE(hp.buckets.size() == 2);
  CHECK(hp.buckets[0].size_min == 33);
  CHECK(hp.buckets[0].size_max == 64);
  CHECK(hp.buckets[0].objects == 2);
  CHECK(hp.buckets[1].size_max == 128);
}
