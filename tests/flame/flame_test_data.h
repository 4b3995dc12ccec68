// Small hand-built profiles shared by the flame tests, so expected numbers are visible in code.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "memprof/analyze/frame_profile.h"

namespace memprof::test {

struct StackSpec {
  std::vector<std::string_view> frames;  // root first, as people read stacks
  double bytes = 0;
  double objects = 0;
};

// A FrameProfile with inuse_space = bytes, inuse_objects = objects (alloc_* twice those).
inline analyze::FrameProfile make_profile(std::initializer_list<StackSpec> stacks, std::string_view input = "t.heap") {
  analyze::FrameProfile fp;
  fp.inputs.emplace_back(input);
  fp.sample_period = 524288;
  for (const StackSpec& s : stacks) {
    std::vector<FrameId> leaf_first;
    for (auto it = s.frames.rbegin(); it != s.frames.rend(); ++it) {
      bool inlined = it->starts_with("inl_");
      leaf_first.push_back(fp.intern_frame(*it, inlined, true));
    }
    Values v;
    v[SampleType::inuse_space] = s.bytes;
    v[SampleType::inuse_objects] = s.objects;
    v[SampleType::alloc_space] = 2 * s.bytes;
    v[SampleType::alloc_objects] = 2 * s.objects;
    fp.add_sample(leaf_first, v);
  }
  return fp;
}

// main -> {parse -> {lex -> malloc, malloc}, run -> {malloc, cache -> new}}, plus a tiny stack.
inline analyze::FrameProfile sample_profile() {
  return make_profile({
      {{"main", "parse", "lex", "malloc"}, 4096, 4},
      {{"main", "parse", "malloc"}, 1024, 1},
      {{"main", "run", "malloc"}, 8192, 2},
      {{"main", "run", "cache", "operator new"}, 2048, 16},
      {{"main", "run", "inl_helper", "malloc"}, 512, 1},
      {{"main", "tiny"}, 1, 1},
  });
}

}  // namespace memprof::test
