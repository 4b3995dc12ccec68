// pprof-style stack filters on named frames. Each regular expression is evaluated once per
// unique frame name, not once per stack.
//   focus      keep only stacks with a frame matching
//   ignore     drop stacks with a frame matching
//   hide       remove matching frames from stacks (the stack stays)
//   show_from  drop the frames above (callers of) the outermost matching frame; stacks without
//              a match are dropped
//
//   FilterOptions f{.focus = "^myapp::", .hide = "^std::"};
//   FrameProfile filtered = apply_filters(profile, f);   // throws std::regex_error on a bad RE
#pragma once

#include <optional>
#include <string>

#include "memprof/analyze/frame_profile.h"

namespace memprof::analyze {

struct FilterOptions {
  std::optional<std::string> focus;
  std::optional<std::string> ignore;
  std::optional<std::string> hide;
  std::optional<std::string> show_from;

  bool any() const { return focus || ignore || hide || show_from; }
};

FrameProfile apply_filters(const FrameProfile& profile, const FilterOptions& options);

// One bit per frame of `profile`: does its name match `pattern` (ECMAScript syntax, search)?
// Only the first 4096 bytes of a name are matched.
std::vector<char> match_frames(const FrameProfile& profile, const std::string& pattern);

}  // namespace memprof::analyze
