#include "memprof/render/folded.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace memprof::render {

using analyze::FrameProfile;

std::string escape_folded_frame(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    switch (c) {
      case ';': out += "\\x3b"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string folded_stack(const FrameProfile& fp, StackId stack, const FoldedOptions& options,
                         std::vector<std::string>& escaped) {
  std::span<const FrameId> frames = fp.stacks.frames(stack);
  auto name = [&](FrameId f) -> const std::string& {
    std::string& e = escaped[f.value()];
    if (e.empty()) {
      e = escape_folded_frame(fp.name(f));
      if (e.empty()) e = "[unnamed]";  // an empty frame would read as a doubled ';'
      if (options.mark_inline && fp.frames[f.value()].inlined) e += " [inline]";
    }
    return e;
  };
  std::string line;
  auto append = [&](FrameId f) {
    if (!line.empty()) line += ';';
    line += name(f);
  };
  if (options.reverse) {
    for (FrameId f : frames) append(f);
  } else {
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) append(*it);
  }
  return line;
}

// Stack text -> value per side; std::map keeps the output sorted.
using FoldedMap = std::map<std::string, std::array<double, 2>>;

void collect(const FrameProfile& fp, const FoldedOptions& options, double scale, size_t side, FoldedMap& out) {
  std::vector<std::string> escaped(fp.frames.size());
  for (const analyze::FrameSample& s : fp.samples) {
    double v = s.values[options.sample_type] * scale;
    if (!(v > 0) || fp.stacks.frames(s.stack).empty()) continue;
    out[folded_stack(fp, s.stack, options, escaped)][side] += v;
  }
}

// Rounds a running sum so the rounded counts add up to the rounded total.
class CumulativeRounder {
 public:
  int64_t next(double value) {
    sum_ += value;
    int64_t rounded = std::llround(sum_);
    int64_t count = rounded - emitted_;
    emitted_ = rounded;
    return count;
  }

 private:
  double sum_ = 0;
  int64_t emitted_ = 0;
};

double positive_total(const FrameProfile& fp, SampleType type) {
  double sum = 0;
  for (const analyze::FrameSample& s : fp.samples) sum += std::max(0.0, s.values[type]);
  return sum;
}

}  // namespace

std::string render_folded(const FrameProfile& profile, const FoldedOptions& options) {
  FoldedMap lines;
  collect(profile, options, 1.0, 0, lines);
  std::string out;
  CumulativeRounder rounder;
  for (const auto& [stack, values] : lines) {
    int64_t count = rounder.next(values[0]);
    if (count > 0) fmt::format_to(std::back_inserter(out), "{} {}\n", stack, count);
  }
  return out;
}

std::string render_folded_diff(const FrameProfile& base, const FrameProfile& now, const FoldedOptions& options) {
  double scale = 1.0;
  if (options.normalize) {
    double b = positive_total(base, options.sample_type);
    double n = positive_total(now, options.sample_type);
    if (b > 0 && n > 0) scale = n / b;
  }
  FoldedMap lines;
  collect(base, options, scale, 0, lines);
  collect(now, options, 1.0, 1, lines);
  std::string out;
  CumulativeRounder before, after;
  for (const auto& [stack, values] : lines) {
    int64_t b = before.next(values[0]);
    int64_t a = after.next(values[1]);
    if (b > 0 || a > 0) fmt::format_to(std::back_inserter(out), "{} {} {}\n", stack, b, a);
  }
  return out;
}

}  // namespace memprof::render
