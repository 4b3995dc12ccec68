#include "memprof/analyze/filters.h"

#include <re2/re2.h>

#include <fmt/format.h>

#include "memprof/profile/text_cursor.h"

namespace memprof::analyze {

std::unique_ptr<RE2> compile_regex(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);  // libraries never print; the error goes into the exception
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok())
    throw RegexError(
        fmt::format("expected a regular expression (RE2 syntax), got '{}': {}", quote_token(pattern), re->error()));
  return re;
}

std::vector<char> match_frames(const FrameProfile& profile, const std::string& pattern) {
  std::unique_ptr<RE2> re = compile_regex(pattern);
  // Frames sharing a name (inlined or not) share the answer; names are few compared to frames.
  std::vector<signed char> by_name(profile.strings.size(), -1);
  std::vector<char> matches(profile.frames.size());
  for (size_t i = 0; i < profile.frames.size(); ++i) {
    signed char& known = by_name[profile.frames[i].name.value()];
    if (known < 0) {
      // RE2 runs in time linear in the name, so names from untrusted dumps need no cap.
      known = RE2::PartialMatch(profile.strings.view(profile.frames[i].name), *re) ? 1 : 0;
    }
    matches[i] = known;
  }
  return matches;
}

FrameProfile apply_filters(const FrameProfile& in, const FilterOptions& options) {
  std::vector<char> focus, ignore, hide, show_from;
  if (options.focus) focus = match_frames(in, *options.focus);
  if (options.ignore) ignore = match_frames(in, *options.ignore);
  if (options.hide) hide = match_frames(in, *options.hide);
  if (options.show_from) show_from = match_frames(in, *options.show_from);
  auto any_match = [](const std::vector<char>& bits, std::span<const FrameId> stack) {
    for (FrameId f : stack)
      if (bits[f.value()]) return true;
    return false;
  };

  FrameProfile out;
  out.inputs = in.inputs;
  out.sample_period = in.sample_period;
  out.has_accum_data = in.has_accum_data;
  std::vector<FrameId> remap = out.import_frames(in);
  std::vector<FrameId> stack;
  for (const FrameSample& s : in.samples) {
    std::span<const FrameId> frames = in.stacks.frames(s.stack);
    if (options.focus && !any_match(focus, frames)) continue;
    if (options.ignore && any_match(ignore, frames)) continue;
    if (options.show_from) {
      // Leaf first: the outermost match has the highest index.
      size_t keep = frames.size();
      for (size_t i = frames.size(); i-- > 0;) {
        if (show_from[frames[i].value()]) {
          keep = i + 1;
          break;
        }
      }
      if (keep == frames.size() && !any_match(show_from, frames)) continue;
      frames = frames.first(keep);
    }
    stack.clear();
    for (FrameId f : frames)
      if (!options.hide || !hide[f.value()]) stack.push_back(remap[f.value()]);
    if (stack.empty()) stack.push_back(out.intern_frame(kAllHiddenFrame, false, false));
    out.add_sample(stack, s.values, s.sampled);
  }
  return out;
}

}  // namespace memprof::analyze
