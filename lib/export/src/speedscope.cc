#include "memprof/export/speedscope.h"

#include <cmath>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"

namespace memprof::exporter {

namespace {

// Written compactly by hand: the samples arrays hold one number per frame of every stack, and
// one per line (as the pretty JsonWriter does) made a 30 MB dump's file 53 MB instead of 12.
// Weights are rounded cumulatively (as folded stacks are): they add up to the rounded total of
// the positive stacks, instead of drifting by up to half a unit per stack.
std::vector<int64_t> weights(const analyze::FrameProfile& profile, SampleType type) {
  std::vector<int64_t> w;
  w.reserve(profile.samples.size());
  double running = 0;
  int64_t emitted = 0;
  for (const analyze::FrameSample& s : profile.samples) {
    running += std::max(0.0, s.values[type]);
    int64_t next = std::llround(running);
    w.push_back(next - emitted);
    emitted = next;
  }
  return w;
}

void write_profile(std::string& out, const analyze::FrameProfile& profile, SampleType type) {
  std::vector<int64_t> w = weights(profile, type);
  int64_t total = 0;
  for (int64_t x : w) total += x;
  out += "{\"type\":\"sampled\",\"name\":";
  render::append_json_string(out, sample_type_name(type));
  fmt::format_to(std::back_inserter(out), ",\"unit\":\"{}\",\"startValue\":0,\"endValue\":{},\n\"samples\":[",
                 is_bytes(type) ? "bytes" : "none", total);
  // Stacks whose weight rounds to nothing are left out (speedscope draws weight only).
  bool first = true;
  for (size_t i = 0; i < profile.samples.size(); ++i) {
    const analyze::FrameSample& s = profile.samples[i];
    if (w[i] <= 0) continue;
    out += first ? "\n[" : ",\n[";
    first = false;
    auto frames = profile.stacks.frames(s.stack);
    for (auto f = frames.rbegin(); f != frames.rend(); ++f)  // root first
      fmt::format_to(std::back_inserter(out), "{}{}", f == frames.rbegin() ? "" : ",", f->value());
    out += ']';
  }
  out += "],\n\"weights\":[";
  first = true;
  for (int64_t x : w) {
    if (x <= 0) continue;
    fmt::format_to(std::back_inserter(out), "{}{}", first ? "" : ",", x);
    first = false;
  }
  out += "]}";
}

}  // namespace

std::string render_speedscope(const analyze::FrameProfile& profile, std::string_view name) {
  std::string out =
      "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"exporter\":\"memprof\",\"name\":";
  render::append_json_string(out, name);
  out += ",\"activeProfileIndex\":0,\n\"shared\":{\"frames\":[";
  for (size_t i = 0; i < profile.frames.size(); ++i) {
    out += i ? ",\n{\"name\":" : "\n{\"name\":";
    render::append_json_string(out, profile.strings.view(profile.frames[i].name));
    out += '}';
  }
  out += "]},\n\"profiles\":[";
  std::vector<SampleType> types = {SampleType::inuse_space, SampleType::inuse_objects};
  if (profile.has_accum_data) {
    types.push_back(SampleType::alloc_space);
    types.push_back(SampleType::alloc_objects);
  }
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) out += ",\n";
    write_profile(out, profile, types[i]);
  }
  out += "]}\n";
  return out;
}

}  // namespace memprof::exporter
