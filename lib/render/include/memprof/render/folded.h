// Brendan Gregg's folded stack format, as read by flamegraph.pl, inferno and speedscope: one line
// per unique stack, frames root to leaf joined by ';', one space, an integer count.
//
//   std::string text = render_folded(fp, {.sample_type = SampleType::inuse_space});
//   //  main;parse;operator new 4096
//   std::string diff = render_folded_diff(base, now, {});   // "stack BEFORE AFTER" (difffolded)
#pragma once

#include <string>
#include <string_view>

#include "memprof/analyze/frame_profile.h"

namespace memprof::render {

struct FoldedOptions {
  SampleType sample_type = SampleType::inuse_space;
  bool mark_inline = false;  // append " [inline]" to inlined frames, as jeprof does
  bool reverse = false;      // allocation site first (callers view)
  bool normalize = false;    // diff only: scale BASE to NEW's total
};

// Lines are sorted by stack, so output is deterministic. Counts are rounded cumulatively: they
// sum exactly to the rounded total of the positive stacks. Zero and negative stacks are omitted.
std::string render_folded(const analyze::FrameProfile& profile, const FoldedOptions& options);
// flamegraph.pl's differential input: "stack BEFORE AFTER", union of both profiles' stacks.
std::string render_folded_diff(const analyze::FrameProfile& base, const analyze::FrameProfile& now,
                               const FoldedOptions& options);

// ';' separates frames and '\n' lines, so names carrying them are escaped C-style: "\x3b", "\n";
// a backslash becomes "\\" so the escaping can be undone.
std::string escape_folded_frame(std::string_view name);

}  // namespace memprof::render
