// A dump that carries its own symbols, in jeprof's symbolized form: a "--- symbol" section
// naming every address the stacks use, then "--- heap" and the profile, with stacks as memprof
// shows them (allocator frames trimmed unless kept) and each record's counts as dumped, so
// unsampling gives the same values. memprof (heapparse + symbolize_auto) and `jeprof --text`
// read it without any binary and print the same names.
//
//   Profile p = heapparse::parse_dump(text, path, diag);
//   symbolize::symbolize_profile(p, {.keep_allocator_frames = true}, diag);
//   RecordThreads threads = record_threads(p);        // before stacks change
//   symbolize::trim_allocator_stacks(p);
//   std::string out = render_symbolized_dump(p, threads, text);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/profile.h"

namespace memprof::exporter {

// For each sample (record) k, its per-thread lines are thread_samples[start[k], start[k + 1]).
// The parser keeps both in dump order and a record's thread lines share its stack; stacks are
// unique per record in jemalloc's dumps, which is what makes this recoverable before trimming.
struct RecordThreads {
  std::vector<uint32_t> start;  // samples.size() + 1 entries
};
RecordThreads record_threads(const Profile& profile);

// Names are the demangled full names, outermost first, joined by "--"; an address without a
// symbol is named as memprof names it ("libfoo.so+0x1a2b"). A leaf address is keyed as written,
// a caller's as address - 1 (jeprof looks callers up there). The MAPPED_LIBRARIES section is
// copied from `dump_text`, the text `profile` was parsed from.
std::string render_symbolized_dump(const Profile& profile, const RecordThreads& threads, std::string_view dump_text);

}  // namespace memprof::exporter
