// A profile whose stacks are made of named frames instead of addresses: the common input of
// top, diff, tree, peek and flame graphs. Building it expands each symbolized location into its
// inline chain and names every frame at the chosen granularity; addresses and ASLR are gone, so
// profiles of different processes can be merged and diffed by name.
//
//   FrameProfile fp = build_frame_profile(profile, {.granularity = Granularity::functions});
//   for (const FrameSample& s : fp.samples)
//     for (FrameId f : fp.stacks.frames(s.stack))              // leaf first
//       fmt::print("{}\n", fp.name(f));
//   merge_into(total, fp);                                     // sum several dumps
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "memprof/profile/profile.h"

namespace memprof::analyze {

enum class Granularity : uint8_t { functions, lines, files, modules, addresses };

struct FrameOptions {
  Granularity granularity = Granularity::functions;
  bool full_names = false;  // parameter lists and template arguments kept
  // Only this thread's samples: a jemalloc thread number ("3") or a thread name.
  std::optional<std::string> thread;
};

// Names of the frames that stand in for stacks without frames, so their values stay visible.
inline constexpr std::string_view kNoStackFrame = "[no stack]";
inline constexpr std::string_view kAllHiddenFrame = "[all frames hidden]";

struct Frame {
  StringId name;
  bool inlined = false;  // inlined into the frame below it (its caller)
  bool symbolized = false;
};

struct FrameSample {
  StackId stack;
  Values values;
  // The counts as sampled, before unsampling (objects and bytes the dump wrote), never scaled:
  // how many samples an estimate rests on (raw counts are Poisson).
  Values sampled;
};

// A dump record's raw counts as Values, by sample type.
Values sampled_values(const RawCounts& raw);

struct FrameProfile {
  std::vector<std::string> inputs;  // dump paths, for headers
  uint64_t sample_period = 0;
  std::vector<uint64_t> sample_periods;  // the distinct periods of the dumps merged, in input order
  bool has_accum_data = false;

  StringTable strings;
  std::vector<Frame> frames;  // unique (name, inlined) pairs
  BasicStackTable<FrameId> stacks;
  std::vector<FrameSample> samples;  // one per unique stack

  std::string_view name(FrameId id) const { return strings.view(frames[id.value()].name); }
  FrameId intern_frame(std::string_view name, bool inlined, bool symbolized);
  // Adds `values` to the sample of `stack`, creating it when new.
  void add_sample(std::span<const FrameId> stack, const Values& values, const Values& sampled = {});
  Values total() const;
  // Interns every frame of `other` here; the result maps other's FrameIds to this profile's.
  std::vector<FrameId> import_frames(const FrameProfile& other);

 private:
  IdMap<uint64_t> frame_index_;            // (name id << 1 | inlined) -> FrameId
  std::vector<uint32_t> sample_of_stack_;  // stack id -> index into samples
};

// Throws InputError when a --thread filter names no thread of the dump. With `stack_of_sample`,
// also says which frame stack each of the profile's samples (or the thread's samples) went to.
FrameProfile build_frame_profile(const Profile& profile, const FrameOptions& options,
                                 std::vector<StackId>* stack_of_sample = nullptr);

// Adds `from` scaled by `factor` into `into` (factor -1 subtracts: pprof's diff).
void merge_into(FrameProfile& into, const FrameProfile& from, double factor = 1.0);

}  // namespace memprof::analyze
