// Builds small FrameProfiles by hand: stacks written root-first "main;a;b" like folded output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memprof/analyze/frame_profile.h"

namespace memprof::test {

inline analyze::FrameProfile make_profile(const std::vector<std::pair<std::string, double>>& stacks,
                                          std::string input = "hand.heap") {
  analyze::FrameProfile p;
  p.inputs.push_back(std::move(input));
  for (const auto& [folded, bytes] : stacks) {
    std::vector<FrameId> frames;
    size_t start = 0;
    std::string_view text = folded;
    while (start <= text.size()) {
      size_t semi = text.find(';', start);
      std::string_view name =
          text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
      frames.insert(frames.begin(), p.intern_frame(name, false, true));  // leaf first
      if (semi == std::string_view::npos) break;
      start = semi + 1;
    }
    Values v;
    v[SampleType::inuse_space] = bytes;
    v[SampleType::inuse_objects] = bytes / 16;
    p.add_sample(frames, v);
  }
  return p;
}

}  // namespace memprof::test
