#include "memprof/analyze/frame_profile.h"

#include <algorithm>
#include <charconv>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "memprof/profile/diagnostics.h"

namespace memprof::analyze {

FrameId FrameProfile::intern_frame(std::string_view text, bool inlined, bool symbolized) {
  StringId name = strings.intern(text);
  uint32_t id = frame_index_.find_or_insert((uint64_t{name.value()} << 1) | (inlined ? 1 : 0), [&] {
    frames.push_back({name, inlined, symbolized});
    return frames.size() - 1;
  });
  return FrameId{id};
}

Values sampled_values(const RawCounts& raw) {
  Values v;
  v[SampleType::inuse_objects] = static_cast<double>(raw.cur_objects);
  v[SampleType::inuse_space] = static_cast<double>(raw.cur_bytes);
  v[SampleType::alloc_objects] = static_cast<double>(raw.accum_objects);
  v[SampleType::alloc_space] = static_cast<double>(raw.accum_bytes);
  return v;
}

void FrameProfile::add_sample(std::span<const FrameId> stack, const Values& values, const Values& sampled) {
  StackId id = stacks.intern(stack);
  if (id.value() >= sample_of_stack_.size()) sample_of_stack_.resize(id.value() + 1, UINT32_MAX);
  uint32_t& index = sample_of_stack_[id.value()];
  if (index == UINT32_MAX) {
    index = static_cast<uint32_t>(samples.size());
    samples.push_back({id, {}, {}});
  }
  samples[index].values += values;
  samples[index].sampled += sampled;
}

Values FrameProfile::total() const {
  Values sum;
  for (const FrameSample& s : samples) sum += s.values;
  return sum;
}

std::vector<FrameId> FrameProfile::import_frames(const FrameProfile& other) {
  std::vector<FrameId> remap(other.frames.size());
  for (uint32_t i = 0; i < other.frames.size(); ++i) {
    const Frame& f = other.frames[i];
    remap[i] = intern_frame(other.strings.view(f.name), f.inlined, f.symbolized);
  }
  return remap;
}

namespace {

std::string_view module_name(const Profile& p, const Location& loc) {
  if (!loc.mapping.valid()) return "[unknown]";
  std::string_view path = p.str(p.mappings[loc.mapping.value()].path);
  if (path.empty()) return "[anon]";
  return path.substr(path.rfind('/') + 1);
}

// Names the frames of one location (innermost first) at the requested granularity.
class FrameNamer {
 public:
  FrameNamer(const Profile& profile, const FrameOptions& options, FrameProfile& out)
      : p_(profile), options_(options), out_(out), expansion_(profile.locations.size()) {}

  // The frames of a location, innermost (inlined callee) first, computed once per location.
  std::span<const FrameId> frames_of(LocationId id) {
    std::vector<FrameId>& frames = expansion_[id.value()];
    if (frames.empty()) expand(p_.locations[id.value()], frames);
    return frames;
  }

 private:
  void expand(const Location& loc, std::vector<FrameId>& frames) {
    if (loc.lines.empty()) {
      bool by_module = options_.granularity == Granularity::modules || options_.granularity == Granularity::files;
      std::string name = by_module ? std::string(module_name(p_, loc))
                         : options_.granularity == Granularity::addresses
                             ? fmt::format("{:#x} {}", loc.address, p_.unsymbolized_name(loc))
                             : p_.unsymbolized_name(loc);
      frames.push_back(out_.intern_frame(name, false, false));
      return;
    }
    for (size_t i = 0; i < loc.lines.size(); ++i) {
      bool inlined = i + 1 < loc.lines.size();  // every frame but the outermost was inlined
      frames.push_back(out_.intern_frame(line_name(loc, loc.lines[i]), inlined, true));
    }
  }

  std::string line_name(const Location& loc, const Line& line) {
    const Function& f = p_.functions[line.function.value()];
    std::string_view function = p_.str(options_.full_names || !f.short_name.valid() ? f.name : f.short_name);
    std::string_view file = p_.str(f.file);
    switch (options_.granularity) {
      case Granularity::functions: return std::string(function);
      case Granularity::lines:
        return file.empty() ? std::string(function) : fmt::format("{} {}:{}", function, file, line.line);
      case Granularity::files: return file.empty() ? std::string(module_name(p_, loc)) : std::string(file);
      case Granularity::modules: return std::string(module_name(p_, loc));
      case Granularity::addresses: return fmt::format("{:#x} {}", loc.address, function);
    }
    return std::string(function);
  }

  const Profile& p_;
  const FrameOptions& options_;
  FrameProfile& out_;
  std::vector<std::vector<FrameId>> expansion_;
};

std::optional<ThreadIndex> find_thread(const Profile& p, const std::string& wanted) {
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(wanted.data(), wanted.data() + wanted.size(), number);
  bool is_number = ec == std::errc{} && end == wanted.data() + wanted.size();
  for (uint32_t i = 0; i < p.threads.size(); ++i) {
    if ((is_number && p.threads[i].id == number) || p.threads[i].name == wanted) return ThreadIndex{i};
  }
  return std::nullopt;
}

}  // namespace

FrameProfile build_frame_profile(const Profile& profile, const FrameOptions& options,
                                 std::vector<StackId>* stack_of_sample) {
  FrameProfile out;
  out.inputs.push_back(profile.path);
  out.sample_period = profile.sample_period;
  out.sample_periods = {profile.sample_period};
  out.has_accum_data = profile.has_accum_data();
  FrameNamer namer(profile, options, out);
  if (stack_of_sample) stack_of_sample->clear();
  std::vector<FrameId> stack;
  auto add = [&](StackId id, const Values& values, const RawCounts& raw) {
    stack.clear();
    for (LocationId loc : profile.stacks.frames(id)) {
      std::span<const FrameId> frames = namer.frames_of(loc);
      stack.insert(stack.end(), frames.begin(), frames.end());
    }
    // A bare "@" record (the unwinder failed) still holds memory: give it a row of its own.
    if (stack.empty()) stack.push_back(out.intern_frame(kNoStackFrame, false, false));
    out.add_sample(stack, values, sampled_values(raw));
    if (stack_of_sample) stack_of_sample->push_back(out.stacks.intern(stack));
  };
  if (options.thread) {
    std::optional<ThreadIndex> thread = find_thread(profile, *options.thread);
    if (!thread) {
      std::vector<std::string> known;
      for (const auto& t : profile.threads)
        known.push_back(t.name.empty() ? fmt::format("{}", t.id) : fmt::format("{} ({})", t.id, t.name));
      throw InputError(
          fmt::format("{}: no thread '{}' in the dump; its threads: {}", profile.path, *options.thread,
                      known.empty() ? std::string("none recorded") : fmt::format("{}", fmt::join(known, ", "))));
    }
    for (const ThreadSample& s : profile.thread_samples)
      if (s.thread == *thread) add(s.stack, s.values, s.raw);
  } else {
    for (const Sample& s : profile.samples) add(s.stack, s.values, s.raw);
  }
  return out;
}

void merge_into(FrameProfile& into, const FrameProfile& from, double factor) {
  if (&into == &from) throw std::logic_error("merge_into: a profile cannot be merged into itself");
  into.inputs.insert(into.inputs.end(), from.inputs.begin(), from.inputs.end());
  if (!into.sample_period) into.sample_period = from.sample_period;
  for (uint64_t period : from.sample_periods)
    if (std::ranges::find(into.sample_periods, period) == into.sample_periods.end())
      into.sample_periods.push_back(period);
  into.has_accum_data = into.has_accum_data || from.has_accum_data;
  std::vector<FrameId> remap = into.import_frames(from);
  std::vector<FrameId> stack;
  for (const FrameSample& s : from.samples) {
    stack.clear();
    for (FrameId f : from.stacks.frames(s.stack)) stack.push_back(remap[f.value()]);
    into.add_sample(stack, s.values.scaled(factor), s.sampled);
  }
}

}  // namespace memprof::analyze
