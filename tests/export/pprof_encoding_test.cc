// The pprof encoder writes profile.proto's wire format by hand (lib/export/src/pprof.cc); here
// protobuf's generated classes, from the same .proto, read what it wrote and write it again:
// the bytes must come back unchanged (fields in number order, defaults omitted, scalars packed,
// as protobuf itself writes them), and the decoded message must hold the profile's numbers.
#include <doctest/doctest.h>

#include <zlib.h>

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

std::string gunzip(const std::string& gz) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    char chunk[1 << 16];
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs.avail_out);
  }
  inflateEnd(&zs);
  CHECK(rc == Z_STREAM_END);
  return out;
}

}  // namespace

// A profile whose message is several MB (the compressor takes it 1 MB at a time): 40,000 stacks
// of 40 frames over 5,000 unsymbolized addresses in one mapping.
Profile big_profile() {
  Profile p;
  Mapping m;
  m.start = 0x400000;
  m.limit = 0x800000;
  m.path = p.strings.intern("/usr/bin/big");
  m.executable = true;
  p.mappings.push_back(m);
  for (uint32_t i = 0; i < 5000; ++i) p.locations.push_back({0x400000 + 16ull * i, MappingId{0}, {}});
  uint64_t x = 1;
  std::vector<LocationId> frames(40);
  for (uint32_t s = 0; s < 40000; ++s) {
    for (LocationId& f : frames) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      f = LocationId{static_cast<uint32_t>((x >> 33) % 5000)};
    }
    Sample sample{p.stacks.intern(frames), {1, 64 + s, 2, 128 + s}, {}};
    sample.values[SampleType::inuse_objects] = 1;
    sample.values[SampleType::inuse_space] = 64 + s;
    p.samples.push_back(sample);
  }
  p.sample_period = 1;
  return p;
}

TEST_CASE("pprof encoding: the gzip stream (compressed beside the encoding, 1 MB at a time) holds the same bytes") {
  Profile one = symbolized(1), two = symbolized(2), big = big_profile();
  const Profile* all[] = {&one, &two, &big};
  std::string raw = exporter::render_pprof_uncompressed(all, {});
  CHECK(raw.size() > (3 << 20));  // several pieces
  for (int level : {1, 6}) {
    exporter::PprofOptions options{.gzip_level = level};
    std::string gz = exporter::render_pprof(all, options);
    CHECK(gz.substr(0, 2) == "\x1f\x8b");
    CHECK(gunzip(gz) == exporter::render_pprof_uncompressed(all, options));
  }
}

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
