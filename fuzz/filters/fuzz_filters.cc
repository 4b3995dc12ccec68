// Fuzz target for the stack filters: the first line of the input is a pattern (as a user would
// type after --focus), the rest are frame names from a dump. Compiling must succeed or throw
// RegexError; matching must be linear (RE2), so libFuzzer's -timeout catches any regression to
// a backtracking engine.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/analyze/filters.h"

using namespace memprof;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string pattern(text.substr(0, nl));
  std::vector<std::pair<std::string, double>> stacks;
  if (nl != std::string_view::npos) {
    std::string_view rest = text.substr(nl + 1);
    // Frames separated by ';' as in folded stacks; one stack per remaining line.
    while (!rest.empty()) {
      size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      if (!line.empty()) stacks.emplace_back(std::string(line), 1.0 + static_cast<double>(stacks.size()));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
  }
  analyze::FrameProfile profile;
  for (const auto& [stack, value] : stacks) {
    std::vector<FrameId> frames;
    std::string_view s = stack;
    while (true) {
      size_t semi = s.find(';');
      frames.push_back(profile.intern_frame(s.substr(0, semi), false, false));
      if (semi == std::string_view::npos) break;
      s.remove_prefix(semi + 1);
    }
    Values v;
    v[SampleType::inuse_space] = value;
    profile.add_sample(frames, v);
  }
  try {
    for (int kind = 0; kind < 4; ++kind) {
      analyze::FilterOptions options;
      (kind == 0 ? options.focus : kind == 1 ? options.ignore : kind == 2 ? options.hide : options.show_from) = pattern;
      analyze::FrameProfile out = analyze::apply_filters(profile, options);
      if (out.total()[SampleType::inuse_space] > profile.total()[SampleType::inuse_space]) __builtin_trap();
    }
  } catch (const analyze::RegexError& e) {
    if (std::string_view(e.what()).find('\n') != std::string_view::npos) __builtin_trap();
  }
  return 0;
}
