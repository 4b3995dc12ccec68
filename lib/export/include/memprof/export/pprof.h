// pprof's profile.proto, gzip-compressed: what `pprof`, Pyroscope, Parca and Grafana read.
// Heap profiles are written as pprof's own legacy reader and Go's runtime write them: sample
// types alloc_objects/count, alloc_space/bytes (only when the dump has cumulative data),
// inuse_objects/count, inuse_space/bytes; values unsampled; period_type space/bytes; a numeric
// label "bytes" (average object size) per sample. Caller frames' addresses are the return
// address minus one, as pprof's legacy reader stores them.
//
//   Profile p = heapparse::read_dump("app.heap", diag);
//   symbolize::symbolize_profile(p, {}, diag);
//   std::string gz = render_pprof({&p}, {});      // write it to app.pb.gz
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "memprof/profile/profile.h"

namespace memprof::exporter {

struct PprofOptions {
  // One sample per thread and stack, with a "thread" label; dumps without per-thread lines
  // (legacy formats) keep their per-stack samples.
  bool threads = false;
  // Locations without a symbol get a function named as memprof names them ("libfoo.so+0x1a2b"),
  // so pprof's rows match memprof's; off for --no-symbolize, where pprof resolves addresses.
  bool name_unsymbolized = true;
  // zlib level. 1 because it is the fastest: on the clang dump's 4.7 MB message level 1 takes
  // 32 ms for 949 KB, level 6 (gzip's default) 89 ms for 786 KB, and Z_RLE / Huffman-only are
  // both slower and 3.6 MB; pprof reads any level.
  int gzip_level = 1;
  int64_t time_nanos = 0;  // when the profile was taken (the dump's mtime), 0 if unknown
};

// Several profiles (several dumps) become one pprof profile; pprof sums samples by name.
std::string render_pprof(std::span<const Profile* const> profiles, const PprofOptions& options);

// The uncompressed message, for tests and for callers that compress themselves.
std::string render_pprof_uncompressed(std::span<const Profile* const> profiles, const PprofOptions& options);

}  // namespace memprof::exporter
