// The pprof encoder writes profile.proto's wire format by hand (lib/export/src/pprof.cc); here
// protobuf's generated classes, from the same .proto, read what it wrote and write it again:
// the bytes must come back unchanged (fields in number order, defaults omitted, scalars packed,
// as protobuf itself writes them), and the decoded message must hold the profile's numbers.
#include <doctest/doctest.h>

#include <cmath>

#include "memprof/export/pprof.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/symbolize/symbolize.h"
#include "proto/profile.pb.h"
#include "test_support.h"

using namespace memprof;

namespace {

Profile symbolized(int phase) {
  Diagnostics diag;
  Profile p =
      heapparse::read_dump(std::string(MEMPROF_FIXTURE_DUMPS) + "/phase" + std::to_string(phase) + ".heap", diag);
  symbolize::symbolize_profile(p, {}, diag);
  return p;
}

int64_t sum_of(const perftools::profiles::Profile& pb, const std::string& type) {
  int index = -1;
  for (int i = 0; i < pb.sample_type_size(); ++i)
    if (pb.string_table(static_cast<int>(pb.sample_type(i).type())) == type) index = i;
  REQUIRE(index >= 0);
  int64_t total = 0;
  for (const auto& s : pb.sample()) total += s.value(index);
  return total;
}

}  // namespace

TEST_CASE("pprof encoding: protobuf reads the bytes back and writes the same bytes") {
  Profile one = symbolized(1), two = symbolized(2);
  const Profile* both[] = {&one, &two};
  for (bool threads : {false, true})
    for (bool named : {true, false}) {
      INFO("threads " << threads << ", name_unsymbolized " << named);
      exporter::PprofOptions options{.threads = threads, .name_unsymbolized = named, .time_nanos = 1764000000123456789};
      std::string bytes = exporter::render_pprof_uncompressed(both, options);
      perftools::profiles::Profile pb;
      REQUIRE(pb.ParseFromString(bytes));
      std::string again;
      REQUIRE(pb.SerializeToString(&again));
      CHECK(again == bytes);

      CHECK(pb.string_table(0).empty());
      CHECK(pb.time_nanos() == 1764000000123456789);
      CHECK(pb.period() == static_cast<int64_t>(one.sample_period));
      CHECK(pb.string_table(static_cast<int>(pb.default_sample_type())) == "inuse_space");
      CHECK(pb.comment_size() == 2);
      size_t samples =
          threads ? one.thread_samples.size() + two.thread_samples.size() : one.samples.size() + two.samples.size();
      CHECK(static_cast<size_t>(pb.sample_size()) == samples);
      double live = 0;
      for (const Profile* p : both)
        for (const Sample& s : p->samples) live += s.values[SampleType::inuse_space];
      CHECK(sum_of(pb, "inuse_space") == std::llround(live));
      for (const auto& location : pb.location()) CHECK(location.mapping_id() > 0);
    }
}
