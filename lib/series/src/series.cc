#include "memprof/series/series.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "memprof/heapparse/dump_name.h"
#include "memprof/heapparse/dump_scan.h"
#include "memprof/heapparse/input.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/profile/id_map.h"
#include "memprof/symbolize/embedded_symbols.h"
#include "union_space.h"

namespace memprof::series {

namespace {

// One stack's values in one dump. The stack is a series-wide location stack, or (for dumps that
// carry their own symbols) a named-frame stack, marked by kFrameSpace.
struct Record {
  uint32_t stack;
  uint32_t count;  // raw sampled objects, for the sampling noise
  double bytes;
  double objects;
};
constexpr uint32_t kFrameSpace = uint32_t{1} << 31;

std::optional<ThreadIndex> find_thread(const Profile& p, const std::string& wanted) {
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(wanted.data(), wanted.data() + wanted.size(), number);
  bool is_number = ec == std::errc{} && end == wanted.data() + wanted.size();
  for (uint32_t i = 0; i < p.threads.size(); ++i)
    if ((is_number && p.threads[i].id == number) || p.threads[i].name == wanted) return ThreadIndex{i};
  return std::nullopt;
}

bool is_alloc(SampleType t) { return t == SampleType::alloc_space || t == SampleType::alloc_objects; }

using heapparse::ScannedDump;
using heapparse::TextHash;

struct TextHashHash {
  size_t operator()(const TextHash& h) const noexcept { return static_cast<size_t>(h.lo); }
};

// One dump as a worker thread read it: scanned (the common case), or parsed into a profile.
struct LoadedDump {
  std::vector<char> buffer;     // regular files, reused from dump to dump
  heapparse::InputBytes other;  // stdin, pipes, gzip
  std::string_view text;
  ScannedDump scan;
  bool scanned = false;
  Profile profile;  // when not scanned
  Diagnostics diag;
  std::exception_ptr error;
};

// Regular files are read into a buffer that is reused: a fresh mapping per dump costs page faults
// and, with threads, TLB shootdowns at munmap, more than the copy.
constexpr size_t kMaxBuffered = size_t{64} << 20;

void load_text(const std::string& path, LoadedDump& d) {
  d.other = heapparse::InputBytes{};
  if (path != "-") {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      struct stat st {};
      // Dumps above kMaxBuffered are mapped instead (read_input), so that a series of huge dumps
      // holds no copy of them: the scan drops the pages it has read.
      bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                     static_cast<size_t>(st.st_size) <= kMaxBuffered;
      size_t size = regular ? static_cast<size_t>(st.st_size) : 0, got = 0;
      if (regular) {
        d.buffer.resize(size);
        while (got < size) {
          ssize_t n = ::pread(fd, d.buffer.data() + got, size - got, static_cast<off_t>(got));
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) break;
          got += static_cast<size_t>(n);
        }
      }
      ::close(fd);
      if (regular && got == size) {
        std::string_view text(d.buffer.data(), size);
        if (!heapparse::is_gzip(text)) {
          d.text = text;
          return;
        }
        d.other = heapparse::InputBytes(heapparse::gunzip(text, path));
        d.text = d.other.text();
        return;
      }
    }
  }
  d.other = heapparse::read_input(path);  // and its errors, worded as everywhere else
  d.text = d.other.text();
}

void load_dump(const std::string& path, bool scan, LoadedDump& d) {
  d.scanned = false;
  d.profile = Profile{};
  d.error = nullptr;
  try {
    load_text(path, d);
    if (scan) d.scanned = heapparse::scan_dump(d.text, d.scan);
    // A mapped file's pages come back from the file if the few new stack lines are read again.
    if (d.scanned) d.other.release_before(d.text.size());
    if (!d.scanned) {
      d.profile = heapparse::parse_dump(d.text, heapparse::input_name(path), d.diag,
                                        [&](size_t offset) { d.other.release_before(offset); });
      if (path != "-") d.profile.name = heapparse::parse_dump_name(path);
    }
  } catch (...) {
    d.error = std::current_exception();
  }
}

class SeriesBuilder {
 public:
  SeriesBuilder(const SeriesOptions& options, Series& out) : options_(options), out_(out) {
    records_.resize(out.dumps.size());
  }

  void add_dump(size_t index, Profile& p, Diagnostics& diag) {
    if (p.sample_period > 1) out_.sampled = true;
    out_.sample_period = p.sample_period;
    out_.has_accum_data = out_.has_accum_data || p.has_accum_data();
    std::optional<ThreadIndex> thread;
    if (options_.frames.thread) {
      thread = find_thread(p, *options_.frames.thread);
      if (!thread) return;  // this dump has no such thread (yet): it holds nothing of it
      thread_found_ = true;
    }
    if (p.embedded_symbols) add_symbolized(index, p, thread, diag);
    else add_raw(index, p, thread);
    if (!p.embedded_symbols && !p.samples.empty() && !p.has_maps_section) out_.dumps_without_maps.push_back(p.path);
  }

  // A dump from a worker thread: scanned dumps go through the stack-line cache; a stack line
  // that parse_dump reads differently or rejects sends the dump through the parser, which
  // reports the error or reads it.
  void add_loaded(size_t index, LoadedDump& d, const std::string& path, Diagnostics& diag) {
    if (d.scanned && add_scanned(index, d.scan, d.text)) {
      if (!d.scan.records.empty() && !d.scan.has_maps_section)
        out_.dumps_without_maps.push_back(heapparse::input_name(path));
      return;
    }
    if (d.scanned) {
      d.profile = heapparse::parse_dump(d.text, heapparse::input_name(path), diag);
      d.scanned = false;
    }
    add_dump(index, d.profile, diag);
  }

  void finish(Diagnostics& diag) {
    // The stack-line cache is done with.
    epochs_ = {};
    epoch_ids_ = {};
    addresses_ = {};
    line_addresses_ = {};
    address_mappings_ = {};
    line_of_ = {};
    spans_ = {};
    if (options_.frames.thread && !thread_found_)
      throw InputError(
          fmt::format("no thread '{}' in any of the {} dumps", *options_.frames.thread, out_.dumps.size()));
    Profile u = space_.take_profile();
    out_.unique_addresses = u.locations.size();
    u.path = "series";
    u.sample_period = out_.sample_period;
    u.stacks = std::move(stacks_);
    out_.unique_stacks = u.stacks.size();
    for (uint32_t s = 0; s < u.stacks.size(); ++s)
      u.samples.push_back({StackId{s}, {}, options_.merged ? stack_values_[s] : Values{}});
    std::vector<StackId> frame_stack_of;
    if (!u.samples.empty()) {
      if (!u.locations.empty()) {
        out_.symbols = symbolize::symbolize_profile(u, options_.symbols, diag);
        count_last_dump_module_bytes(u);
      }
      analyze::FrameOptions frame_options = options_.frames;
      frame_options.thread.reset();  // chosen while reading
      analyze::FrameProfile f = analyze::build_frame_profile(u, frame_options, &frame_stack_of);
      if (frames_.samples.empty() && frames_.frames.empty()) {
        frames_ = std::move(f);
      } else {
        // Mixed series: bring the binaries' frames into the frame space of the symbolized dumps.
        std::vector<FrameId> remap = frames_.import_frames(f);
        std::vector<StackId> stack_remap(f.stacks.size());
        std::vector<FrameId> stack;
        for (uint32_t s = 0; s < f.stacks.size(); ++s) {
          stack.clear();
          for (FrameId id : f.stacks.frames(StackId{s})) stack.push_back(remap[id.value()]);
          stack_remap[s] = frames_.stacks.intern(stack);
        }
        for (const analyze::FrameSample& s : f.samples) {
          stack.clear();
          for (FrameId id : f.stacks.frames(s.stack)) stack.push_back(remap[id.value()]);
          frames_.add_sample(stack, s.values);
        }
        for (StackId& id : frame_stack_of) id = stack_remap[id.value()];
      }
    }
    u = Profile{};
    if (options_.sites) build_sites(frame_stack_of);
    records_.clear();
    records_.shrink_to_fit();
    out_.modules = space_modules_;
    if (options_.merged) {
      frames_.inputs.clear();
      for (const SeriesDump& d : out_.dumps) frames_.inputs.push_back(d.path);
      frames_.sample_period = out_.sample_period;
      frames_.has_accum_data = out_.has_accum_data;
      out_.merged = std::move(frames_);
    }
  }

 private:
  // By the leaf of each stack (after trimming, so sample s holds stack s's trimmed form): the
  // module where the allocation was made.
  void count_last_dump_module_bytes(const Profile& u) {
    if (records_.empty()) return;
    for (const Record& r : records_.back()) {
      if (r.stack & kFrameSpace) continue;
      out_.last_dump_bytes += r.bytes;
      auto frames = u.stacks.frames(u.samples[r.stack].stack);
      if (frames.empty()) continue;
      const Location& leaf = u.locations[frames[0].value()];
      if (leaf.mapping.valid())
        out_.last_dump_module_bytes[std::string(u.str(u.mappings[leaf.mapping.value()].path))] += r.bytes;
    }
  }

  // What is placed with the mappings a dump's addresses fall in: the executable mappings of the
  // same module (the symbolizer checks a binary against them), and all pathless mappings (heap
  // arenas, JIT code) once one is used: they are one module of the union space, placed against
  // each other, so placing only some of them would depend on which addresses came first.
  static void mark_companions(const Profile& p, std::vector<char>& used) {
    auto anonymous = [&](const Mapping& m) { return !m.path.valid() || p.str(m.path).empty(); };
    std::vector<char> module_used(p.strings.size());
    bool any_anonymous = false;
    for (size_t i = 0; i < used.size(); ++i)
      if (used[i]) {
        if (anonymous(p.mappings[i])) any_anonymous = true;
        else module_used[p.mappings[i].path.value()] = 1;
      }
    for (size_t i = 0; i < used.size(); ++i) {
      const Mapping& m = p.mappings[i];
      if (anonymous(m) ? any_anonymous : m.executable && module_used[m.path.value()]) used[i] = 1;
    }
  }

  Record record(uint32_t stack, const RawCounts& raw, const Values& v) const {
    bool alloc = is_alloc(options_.type);
    int64_t count = alloc ? raw.accum_objects : raw.cur_objects;
    return {stack, static_cast<uint32_t>(std::clamp<int64_t>(count, 0, UINT32_MAX)),
            v[alloc ? SampleType::alloc_space : SampleType::inuse_space],
            v[alloc ? SampleType::alloc_objects : SampleType::inuse_objects]};
  }

  template <class Fn>
  void for_each_sample(const Profile& p, std::optional<ThreadIndex> thread, Fn&& fn) {
    if (thread) {
      for (const ThreadSample& s : p.thread_samples)
        if (s.thread == *thread) fn(s.stack, s.raw, s.values);
    } else {
      for (const Sample& s : p.samples) fn(s.stack, s.raw, s.values);
    }
  }

  void add_raw(size_t index, const Profile& p, std::optional<ThreadIndex> thread) {
    std::vector<char> used(p.mappings.size());
    for (const Location& loc : p.locations)
      if (loc.mapping.valid()) used[loc.mapping.value()] = 1;
    mark_companions(p, used);
    std::vector<MappingPlacement> placed = space_.place(p, used);
    std::vector<LocationId> loc_of(p.locations.size());
    for (size_t i = 0; i < p.locations.size(); ++i) loc_of[i] = space_.location(placed, p, p.locations[i]);
    space_modules_ = space_.modules();

    std::vector<StackId> stack_of(p.stacks.size(), StackId{});
    std::vector<LocationId> frames;
    auto& records = records_[index];
    for_each_sample(p, thread, [&](StackId s, const RawCounts& raw, const Values& v) {
      StackId& g = stack_of[s.value()];
      if (!g.valid()) {
        frames.clear();
        for (LocationId l : p.stacks.frames(s)) frames.push_back(loc_of[l.value()]);
        g = stacks_.intern(frames);
        if (options_.merged && g.value() >= stack_values_.size()) stack_values_.resize(g.value() + 1);
      }
      if (options_.merged) stack_values_[g.value()] += v;
      records.push_back(record(g.value(), raw, v));
    });
  }

  // The stack-line cache. Dumps of one process repeat most of their stack lines, and a line
  // means the same stack in every dump whose executable mappings are the same (its "code
  // epoch"): such a line is parsed and its addresses placed once, later dumps only hash it. A
  // line with an address outside executable mappings (a corrupt frame in a heap or stack
  // mapping, which move between dumps) is resolved again in each dump.
  static constexpr uint32_t kUnresolved = UINT32_MAX - 1, kVolatile = UINT32_MAX - 2;
  struct CodeEpoch {
    IdMap<uint64_t> locations;            // address in an executable mapping -> LocationId
    IdMap<TextHash, TextHashHash> lines;  // stack line -> index into line_stacks
    std::vector<uint32_t> line_stacks;    // a series StackId, kUnresolved or kVolatile
  };

  bool add_scanned(size_t index, const ScannedDump& scan, std::string_view text) {
    uint32_t epoch_id = epoch_ids_.find_or_insert(scan.code_key, [&] {
      epochs_.emplace_back();
      return epochs_.size() - 1;
    });
    CodeEpoch& e = epochs_[epoch_id];
    // Parse every line still to be resolved before changing anything, so that falling back to
    // parse_dump leaves no trace of this dump.
    line_of_.resize(scan.records.size());
    spans_.resize(scan.records.size());
    addresses_.clear();
    for (size_t k = 0; k < scan.records.size(); ++k) {
      const heapparse::ScannedRecord& r = scan.records[k];
      uint32_t line = e.lines.find_or_insert(r.stack_hash, [&] {
        e.line_stacks.push_back(kUnresolved);
        return e.line_stacks.size() - 1;
      });
      line_of_[k] = line;
      uint32_t st = e.line_stacks[line];
      if (st != kUnresolved && st != kVolatile) continue;
      if (!heapparse::parse_stack_addresses(scan.stack_line(text, r), line_addresses_)) return false;
      spans_[k] = {static_cast<uint32_t>(addresses_.size()), static_cast<uint32_t>(line_addresses_.size())};
      addresses_.insert(addresses_.end(), line_addresses_.begin(), line_addresses_.end());
    }
    const Profile& maps = scan.maps;
    // Every mapping the lines to resolve use is placed in one call, as the full parse does for
    // all of a dump's (place() gives a module one delta per call, so one call per mapping could
    // place them differently).
    placed_used_.assign(maps.mappings.size(), 0);
    address_mappings_.resize(addresses_.size());
    for (size_t a = 0; a < addresses_.size(); ++a) {
      address_mappings_[a] = maps.mapping_for(addresses_[a]);
      if (address_mappings_[a].valid()) placed_used_[address_mappings_[a].value()] = 1;
    }
    mark_companions(maps, placed_used_);
    placed_ = space_.place(maps, placed_used_);
    if (scan.sample_period > 1) out_.sampled = true;
    out_.sample_period = scan.sample_period;
    auto& records = records_[index];
    records.reserve(scan.records.size());
    std::vector<LocationId> frames;
    for (size_t k = 0; k < scan.records.size(); ++k) {
      const heapparse::ScannedRecord& r = scan.records[k];
      uint32_t& st = e.line_stacks[line_of_[k]];
      StackId g{st};
      if (st == kUnresolved || st == kVolatile) {
        frames.clear();
        bool stable = true;
        for (uint32_t a = spans_[k].first; a < spans_[k].first + spans_[k].second; ++a) {
          uint64_t address = addresses_[a];
          MappingId m = address_mappings_[a];
          bool code = !scan.has_maps_section || (m.valid() && maps.mappings[m.value()].executable);
          stable = stable && code;
          frames.push_back(
              code ? LocationId{e.locations.find_or_insert(address, [&] { return locate(maps, m, address).value(); })}
                   : locate(maps, m, address));
        }
        g = stacks_.intern(frames);
        if (options_.merged && g.value() >= stack_values_.size()) stack_values_.resize(g.value() + 1);
        if (st == kUnresolved) st = stable ? g.value() : kVolatile;
      }
      if (options_.merged) stack_values_[g.value()] += r.values;
      out_.has_accum_data = out_.has_accum_data || r.raw.accum_objects != 0 || r.raw.accum_bytes != 0;
      records.push_back(record(g.value(), r.raw, r.values));
    }
    space_modules_ = space_.modules();
    return true;
  }

  // The series location of an address of this dump (its mapping was placed by add_scanned).
  LocationId locate(const Profile& maps, MappingId m, uint64_t address) {
    return space_.location(placed_, maps, Location{.address = address, .mapping = m});
  }

  // A dump that carries its own names: symbolized alone, its frame stacks join the frame space.
  void add_symbolized(size_t index, Profile& p, std::optional<ThreadIndex> thread, Diagnostics& diag) {
    symbolize::symbolize_auto(p, options_.symbols, diag);
    analyze::FrameOptions frame_options = options_.frames;
    frame_options.thread.reset();
    std::vector<StackId> frame_stack;
    analyze::FrameProfile f = analyze::build_frame_profile(p, frame_options, &frame_stack);
    std::vector<FrameId> remap = frames_.import_frames(f);
    std::vector<FrameId> stack;
    auto& records = records_[index];
    auto add = [&](size_t i, const RawCounts& raw, const Values& v) {
      stack.clear();
      for (FrameId id : f.stacks.frames(frame_stack[i])) stack.push_back(remap[id.value()]);
      StackId g = frames_.stacks.intern(stack);
      if (options_.merged) frames_.add_sample(stack, v);
      records.push_back(record(g.value() | kFrameSpace, raw, v));
    };
    for (size_t i = 0; i < p.samples.size(); ++i)
      if (!thread) add(i, p.samples[i].raw, p.samples[i].values);
    if (thread) {
      // Thread samples share the stacks of the all-thread samples.
      std::vector<uint32_t> sample_of(p.stacks.size(), UINT32_MAX);
      for (uint32_t i = 0; i < p.samples.size(); ++i) sample_of[p.samples[i].stack.value()] = i;
      for (const ThreadSample& s : p.thread_samples)
        if (s.thread == *thread && sample_of[s.stack.value()] != UINT32_MAX)
          add(sample_of[s.stack.value()], s.raw, s.values);
    }
  }

  // The filters of analyze::apply_filters, applied per stack; the leaf that is left names the site.
  std::vector<uint32_t> site_of_frame_stacks() {
    const analyze::FilterOptions& fo = options_.filters;
    std::vector<char> focus, ignore, hide, show_from;
    // A bad pattern throws analyze::RegexError, an InputError the CLI reports.
    if (fo.focus) focus = analyze::match_frames(frames_, *fo.focus);
    if (fo.ignore) ignore = analyze::match_frames(frames_, *fo.ignore);
    if (fo.hide) hide = analyze::match_frames(frames_, *fo.hide);
    if (fo.show_from) show_from = analyze::match_frames(frames_, *fo.show_from);
    auto matched = [&](const std::optional<std::string>& pattern, const std::vector<char>& bits) {
      return !pattern || std::ranges::find(bits, 1) != bits.end();
    };
    out_.filter_matches = {.focus = matched(fo.focus, focus),
                           .ignore = matched(fo.ignore, ignore),
                           .hide = matched(fo.hide, hide),
                           .show_from = matched(fo.show_from, show_from)};
    auto any = [](const std::vector<char>& bits, std::span<const FrameId> s) {
      for (FrameId f : s)
        if (bits[f.value()]) return true;
      return false;
    };
    std::vector<char> suppressed;
    if (!options_.suppressions.patterns.empty()) {
      suppressed.assign(frames_.frames.size(), 0);
      for (size_t f = 0; f < frames_.frames.size(); ++f)
        for (const std::string& rule : options_.suppressions.patterns)
          if (analyze::suppression_matches(rule, frames_.name(FrameId{static_cast<uint32_t>(f)}))) suppressed[f] = 1;
    }
    std::vector<uint32_t> site_of(frames_.stacks.size(), UINT32_MAX);
    std::vector<uint32_t> site_of_name;
    auto site = [&](std::string_view name) {
      StringId id = frames_.strings.intern(name);
      if (id.value() >= site_of_name.size()) site_of_name.resize(id.value() + 1, UINT32_MAX);
      uint32_t& s = site_of_name[id.value()];
      if (s == UINT32_MAX) {
        s = static_cast<uint32_t>(out_.sites.size());
        out_.sites.push_back({.name = std::string(name)});
      }
      return s;
    };
    for (uint32_t i = 0; i < frames_.stacks.size(); ++i) {
      std::span<const FrameId> s = frames_.stacks.frames(StackId{i});
      if (fo.focus && !any(focus, s)) continue;
      if (fo.ignore && any(ignore, s)) continue;
      if (!suppressed.empty() && any(suppressed, s)) continue;
      if (fo.show_from) {
        size_t keep = s.size();
        for (size_t k = s.size(); k-- > 0;)
          if (show_from[s[k].value()]) {
            keep = k + 1;
            break;
          }
        if (keep == s.size() && !any(show_from, s)) continue;
        s = s.first(keep);
      }
      std::string_view leaf = s.empty() ? analyze::kNoStackFrame : analyze::kAllHiddenFrame;
      for (FrameId f : s)
        if (!fo.hide || !hide[f.value()]) {
          leaf = frames_.name(f);
          break;
        }
      site_of[i] = site(leaf);
    }
    return site_of;
  }

  void build_sites(const std::vector<StackId>& frame_stack_of) {
    std::vector<uint32_t> site_of = site_of_frame_stacks();
    size_t n = out_.dumps.size();
    for (SiteSeries& s : out_.sites) {
      s.values.assign(n, 0);
      s.bytes.assign(n, 0);
      s.objects.assign(n, 0);
      s.variance.assign(n, 0);
    }
    out_.totals.assign(n, 0);
    out_.total_bytes.assign(n, 0);
    out_.total_objects.assign(n, 0);
    out_.total_variance.assign(n, 0);
    bool objects = options_.type == SampleType::inuse_objects || options_.type == SampleType::alloc_objects;
    for (size_t d = 0; d < n; ++d) {
      for (const Record& r : records_[d]) {
        uint32_t frame_stack = r.stack & kFrameSpace ? r.stack & ~kFrameSpace : frame_stack_of[r.stack].value();
        uint32_t site = site_of[frame_stack];
        if (site == UINT32_MAX) continue;
        SiteSeries& s = out_.sites[site];
        double value = objects ? r.objects : r.bytes;
        // An estimate from c sampled objects has a standard error of about value / sqrt(c).
        double var = out_.sampled && r.count > 0 ? value * value / r.count : 0;
        s.values[d] += value;
        s.bytes[d] += r.bytes;
        s.objects[d] += r.objects;
        s.variance[d] += var;
        out_.totals[d] += value;
        out_.total_bytes[d] += r.bytes;
        out_.total_objects[d] += r.objects;
        out_.total_variance[d] += var;
      }
    }
  }

  const SeriesOptions& options_;
  Series& out_;
  UnionSpace space_;
  size_t space_modules_ = 0;
  StackTable stacks_;                         // series-wide location stacks
  std::vector<Values> stack_values_;          // summed over dumps (options.merged)
  analyze::FrameProfile frames_;              // named-frame stacks (symbolized dumps, then all)
  std::vector<std::vector<Record>> records_;  // per dump
  bool thread_found_ = false;
  std::vector<CodeEpoch> epochs_;
  IdMap<TextHash, TextHashHash> epoch_ids_;
  // Scratch of add_scanned, kept to reuse their storage.
  std::vector<uint32_t> line_of_;
  std::vector<std::pair<uint32_t, uint32_t>> spans_;  // records' addresses in addresses_
  std::vector<uint64_t> addresses_, line_addresses_;
  std::vector<MappingId> address_mappings_;  // the mapping of each of addresses_
  std::vector<MappingPlacement> placed_;
  std::vector<char> placed_used_;
};

}  // namespace

Series load_series(std::vector<SeriesDump> dumps, const SeriesOptions& options, Diagnostics& diag) {
  Series out;
  out.dumps = std::move(dumps);
  out.type = options.type;
  SeriesBuilder builder(options, out);
  // Reading is most of the work: dumps are read and scanned (or parsed) a few at a time in
  // parallel, then reduced in order on this thread (so ids, and thus the output, do not depend on
  // timing). Only a batch of dumps is in memory at once.
  unsigned threads =
      options.parse_threads ? options.parse_threads : std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  bool scan = options.scan_dumps && !options.frames.thread;  // one thread's counts need the whole parser
  size_t n = out.dumps.size();
  std::vector<LoadedDump> slots(threads);
  for (size_t begin = 0; begin < n; begin += threads) {
    size_t m = std::min<size_t>(threads, n - begin);
    auto load = [&](size_t k) { load_dump(out.dumps[begin + k].path, scan, slots[k]); };
    std::vector<std::thread> pool;
    for (size_t k = 1; k < m; ++k) pool.emplace_back(load, k);
    load(0);
    for (std::thread& t : pool) t.join();
    for (size_t k = 0; k < m; ++k) {
      LoadedDump& d = slots[k];
      if (d.error) std::rethrow_exception(d.error);
      for (std::string& w : d.diag.warnings) diag.warn(std::move(w));
      d.diag.warnings.clear();
      builder.add_loaded(begin + k, d, out.dumps[begin + k].path, diag);
      d.profile = Profile{};
    }
  }
  std::vector<LoadedDump>().swap(slots);  // the buffers go before symbolization, the hungriest step
  builder.finish(diag);
  return out;
}

}  // namespace memprof::series
