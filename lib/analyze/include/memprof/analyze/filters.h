// pprof-style stack filters on named frames. Each regular expression is evaluated once per
// unique frame name, not once per stack.
//   focus      keep only stacks with a frame matching
//   ignore     drop stacks with a frame matching
//   hide       remove matching frames from stacks (the stack stays)
//   show_from  drop the frames above (callers of) the outermost matching frame; stacks without
//              a match are dropped
//
//   FilterOptions f{.focus = "^myapp::", .hide = "^std::"};
//   FrameProfile filtered = apply_filters(profile, f);   // throws RegexError on a bad RE
//
// Expressions are RE2's (the syntax of Go's regexp, so pprof's --focus patterns mean the same):
// matching takes time linear in the name, whatever the pattern, e.g. '(a|a)*c'.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "memprof/analyze/frame_profile.h"
#include "memprof/profile/diagnostics.h"

namespace re2 {
class RE2;
}

namespace memprof::analyze {

// A pattern RE2 does not accept: "expected a regular expression (RE2 syntax), got 'PAT': why".
// An InputError, so the CLI reports it like any other bad input (exit 2).
class RegexError : public InputError {
 public:
  using InputError::InputError;
};

// Compiles `pattern` (unanchored search) or throws RegexError.
std::unique_ptr<re2::RE2> compile_regex(std::string_view pattern);

struct FilterOptions {
  std::optional<std::string> focus;
  std::optional<std::string> ignore;
  std::optional<std::string> hide;
  std::optional<std::string> show_from;

  bool any() const { return focus || ignore || hide || show_from; }
};

FrameProfile apply_filters(const FrameProfile& profile, const FilterOptions& options);

// One bit per frame of `profile`: does its name match `pattern` (RE2 syntax, search)?
std::vector<char> match_frames(const FrameProfile& profile, const std::string& pattern);

}  // namespace memprof::analyze
