#include "memprof/export/pprof.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace memprof::exporter {

namespace {

int64_t rounded(double v) { return static_cast<int64_t>(std::llround(v)); }

// protobuf's wire format for profile.proto, written directly: building the message objects and
// serializing them took 40 ms of the clang dump's 300 (most of it the 34,517 samples, each
// allocated, sized, then written). The bytes are what protobuf writes for the same message
// (fields in number order, proto3 defaults omitted, repeated scalars packed); export_test
// parses and re-serializes them with the generated classes to check.
class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  void varint(uint64_t v) {
    char buf[10];
    size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
  }
  void tag(uint32_t field, uint32_t wire_type) { varint(field << 3 | wire_type); }
  // Scalars: absent when zero, as proto3 writes them. int64 goes as its two's complement.
  void scalar(uint32_t field, uint64_t v) {
    if (!v) return;
    tag(field, 0);
    varint(v);
  }
  void bytes(uint32_t field, std::string_view s) {
    tag(field, 2);
    varint(s.size());
    out_.append(s);
  }
  template <class Range>
  void packed(uint32_t field, const Range& values, std::string& scratch) {
    if (values.empty()) return;
    scratch.clear();
    Encoder body(scratch);
    for (auto v : values) body.varint(static_cast<uint64_t>(v));
    bytes(field, scratch);
  }

 private:
  std::string& out_;
};

// The Profile message's fields, by number. Sample types and samples (fields 1 and 2) go straight
// into the output; mappings, locations, functions and strings (3 to 6) get buffers of their own,
// since they are made while samples are written, and are appended after them.
struct Sections {
  std::string& head;  // the output: sample_type, then sample
  std::string mappings, locations, functions, strings;
  // When set, takes the head whenever it holds `chunk` bytes or more (to compress it while the
  // rest is encoded); the head then starts again empty.
  std::function<void(std::string&&)> take_head;
  size_t chunk = SIZE_MAX;
};

// Strings of the output: each input profile's table is copied whole (its ids become indices
// plus an offset, no hashing per reference); the few strings of our own are interned.
class OutputStrings {
 public:
  explicit OutputStrings(std::string& out) : out_(out) { add(""); }

  int64_t copy_table(const StringTable& table) {
    int64_t offset = count_;
    for (size_t i = 0; i < table.size(); ++i) add(table.view(StringId{static_cast<uint32_t>(i)}));
    return offset;
  }
  int64_t intern(const std::string& s) {
    auto [it, inserted] = own_.try_emplace(s, count_);
    if (inserted) add(s);
    return it->second;
  }

 private:
  void add(std::string_view s) {
    Encoder(out_).bytes(6, s);  // Profile.string_table
    ++count_;
  }
  std::string& out_;
  int64_t count_ = 0;
  std::unordered_map<std::string, int64_t> own_;
};

class PprofBuilder {
 public:
  PprofBuilder(Sections& out, const PprofOptions& options) : out_(out), strings_(out.strings), options_(options) {}

  // Returns the Profile fields after string_table (numbers 7 and up), written last.
  std::string build(std::span<const Profile* const> profiles) {
    bool accum = false;
    uint64_t period = 0;
    size_t samples = 0, refs = 0, locations = 0;
    for (const Profile* p : profiles) {
      accum = accum || p->has_accum_data();
      if (!period) period = p->sample_period;
      bool per_thread = options_.threads && !p->thread_samples.empty();
      samples += per_thread ? p->thread_samples.size() : p->samples.size();
      auto count = [&](StackId stack) { refs += p->stacks.frames(stack).size(); };
      if (per_thread) std::ranges::for_each(p->thread_samples, count, &ThreadSample::stack);
      else std::ranges::for_each(p->samples, count, &Sample::stack);
      locations += p->locations.size();
    }
    // Reserved generously from the input (a location id takes 1 to 3 bytes, a sample's values
    // and labels under 64), so the big buffers never move: pages never written are never touched.
    // In pieces, the head holds one piece and a sample at most.
    size_t head = samples * 64 + refs * 4;
    out_.head.reserve(out_.chunk == SIZE_MAX ? head : std::min(head, out_.chunk + (64 << 10)));
    out_.locations.reserve(locations * 2 * 48);
    if (accum) types_ = {SampleType::alloc_objects, SampleType::alloc_space};
    types_.push_back(SampleType::inuse_objects);
    types_.push_back(SampleType::inuse_space);
    for (SampleType t : types_) {
      int64_t type = strings_.intern(std::string(sample_type_name(t)));  // numbered in this order
      value_type(out_.head, 1, type, strings_.intern(is_bytes(t) ? "bytes" : "count"));
    }
    std::string tail;
    Encoder e(tail);
    int64_t space = strings_.intern("space"), bytes_unit = strings_.intern("bytes");
    int64_t default_type = strings_.intern("inuse_space");
    std::vector<int64_t> comments;
    for (const Profile* p : profiles) comments.push_back(strings_.intern("memprof convert " + p->path));
    bytes_key_ = strings_.intern("bytes");
    thread_key_ = strings_.intern("thread");
    for (const Profile* p : profiles) add_profile(*p);
    e.scalar(9, static_cast<uint64_t>(options_.time_nanos));
    value_type(tail, 11, space, bytes_unit);  // period_type: set, so written even if it were empty
    e.scalar(12, period);
    e.packed(13, comments, scratch_);
    e.scalar(14, static_cast<uint64_t>(default_type));
    return tail;
  }

 private:
  struct ProfileIds {
    int64_t strings = 0;           // offset of the profile's string table
    uint64_t first_mapping = 0;    // pprof id of mappings[0]
    uint64_t unknown_mapping = 0;  // the mapping made up for addresses outside every mapping
    uint64_t first_function = 0;
    std::vector<uint64_t> location_ids;  // 2 per location: as leaf, as caller; 0 = not yet written
  };

  void value_type(std::string& out, uint32_t field, int64_t type, int64_t unit) {
    std::string body;
    Encoder b(body);
    b.scalar(1, static_cast<uint64_t>(type));
    b.scalar(2, static_cast<uint64_t>(unit));
    Encoder(out).bytes(field, body);
  }

  void function(uint64_t id, int64_t name, int64_t system_name, int64_t filename) {
    scratch_.clear();
    Encoder b(scratch_);
    b.scalar(1, id);
    b.scalar(2, static_cast<uint64_t>(name));
    b.scalar(3, static_cast<uint64_t>(system_name));
    b.scalar(4, static_cast<uint64_t>(filename));
    Encoder(out_.functions).bytes(5, scratch_);
  }

  void add_profile(const Profile& p) {
    ProfileIds ids;
    ids.strings = strings_.copy_table(p.strings);
    add_mappings(p, ids);
    ids.first_function = next_function_id_;
    for (const Function& f : p.functions)
      function(next_function_id_++, ids.strings + (f.short_name.valid() ? f.short_name : f.name).value(),
               ids.strings + (f.system_name.valid() ? f.system_name : f.name).value(),
               f.file.valid() ? ids.strings + f.file.value() : 0);
    ids.location_ids.assign(p.locations.size() * 2, 0);
    if (options_.threads && !p.thread_samples.empty()) {
      for (const ThreadSample& s : p.thread_samples)
        add_sample(p, ids, s.stack, s.raw, s.values, &p.threads[s.thread.value()]);
    } else {
      for (const Sample& s : p.samples) add_sample(p, ids, s.stack, s.raw, s.values, nullptr);
    }
  }

  void add_mapping(uint64_t id, uint64_t start, uint64_t limit, uint64_t offset, int64_t filename, int64_t build_id,
                   std::array<bool, 4> flags) {
    scratch_.clear();
    Encoder b(scratch_);
    b.scalar(1, id);
    b.scalar(2, start);
    b.scalar(3, limit);
    b.scalar(4, offset);
    b.scalar(5, static_cast<uint64_t>(filename));
    b.scalar(6, static_cast<uint64_t>(build_id));
    for (uint32_t i = 0; i < flags.size(); ++i) b.scalar(7 + i, flags[i]);
    Encoder(out_.mappings).bytes(3, scratch_);
  }

  void add_mappings(const Profile& p, ProfileIds& ids) {
    // pprof's flags say what it need not look up itself: set them for modules we resolved.
    std::vector<uint8_t> symbolized(p.mappings.size(), 0), has_files(p.mappings.size(), 0);
    uint64_t unknown_low = UINT64_MAX, unknown_high = 0;
    for (const Location& loc : p.locations) {
      if (!loc.mapping.valid()) {
        unknown_low = std::min(unknown_low, loc.address);
        unknown_high = std::max(unknown_high, loc.address);
        continue;
      }
      if (loc.lines.empty()) continue;
      symbolized[loc.mapping.value()] = 1;
      if (p.functions[loc.lines.front().function.value()].file.valid()) has_files[loc.mapping.value()] = 1;
    }
    ids.first_mapping = next_mapping_id_;
    for (size_t i = 0; i < p.mappings.size(); ++i) {
      const Mapping& m = p.mappings[i];
      bool files = has_files[i];
      add_mapping(next_mapping_id_++, m.start, m.limit, m.offset, m.path.valid() ? ids.strings + m.path.value() : 0,
                  m.build_id.valid() ? ids.strings + m.build_id.value() : 0, {symbolized[i] != 0, files, files, files});
    }
    // Addresses outside every mapping (a dump without MAPPED_LIBRARIES, JIT code) still get a
    // mapping, so every location is mapped; pprof shows its name instead of an empty one.
    if (unknown_low <= unknown_high) {
      ids.unknown_mapping = next_mapping_id_++;
      add_mapping(ids.unknown_mapping, unknown_low, unknown_high + 1, 0, strings_.intern("[unknown]"), 0, {});
    }
  }

  uint64_t location_id(const Profile& p, ProfileIds& ids, LocationId id, bool caller) {
    uint64_t& slot = ids.location_ids[id.value() * 2 + (caller ? 1 : 0)];
    if (slot) return slot;
    const Location& loc = p.locations[id.value()];
    slot = next_location_id_++;
    std::string& body = location_scratch_;
    body.clear();
    Encoder b(body);
    b.scalar(1, slot);
    b.scalar(2, loc.mapping.valid() ? ids.first_mapping + loc.mapping.value() : ids.unknown_mapping);
    b.scalar(3, caller && loc.address ? loc.address - 1 : loc.address);
    auto line = [&](uint64_t function_id, int64_t number) {
      line_scratch_.clear();
      Encoder l(line_scratch_);
      l.scalar(1, function_id);
      l.scalar(2, static_cast<uint64_t>(number));
      b.bytes(4, line_scratch_);
    };
    for (const Line& l : loc.lines) line(ids.first_function + l.function.value(), l.line);
    if (loc.lines.empty() && options_.name_unsymbolized) {
      uint64_t fn = next_function_id_++;
      int64_t name = strings_.intern(p.unsymbolized_name(loc));
      function(fn, name, name, 0);
      line(fn, 0);
    }
    Encoder(out_.locations).bytes(4, body);
    return slot;
  }

  void add_sample(const Profile& p, ProfileIds& ids, StackId stack, const RawCounts& raw, const Values& values,
                  const Thread* thread) {
    auto frames = p.stacks.frames(stack);
    location_buf_.clear();
    for (size_t i = 0; i < frames.size(); ++i) location_buf_.push_back(location_id(p, ids, frames[i], i > 0));
    value_buf_.clear();
    for (size_t i = 0; i < types_.size(); ++i) value_buf_.push_back(round_cumulatively(i, values[types_[i]]));
    sample_scratch_.clear();
    Encoder b(sample_scratch_);
    b.packed(1, location_buf_, scratch_);
    b.packed(2, value_buf_, scratch_);
    int64_t objects = raw.cur_objects > 0 ? raw.cur_objects : raw.accum_objects;
    int64_t bytes = raw.cur_objects > 0 ? raw.cur_bytes : raw.accum_bytes;
    auto label = [&](int64_t key, int64_t str, int64_t num) {
      scratch_.clear();
      Encoder l(scratch_);
      l.scalar(1, static_cast<uint64_t>(key));
      l.scalar(2, static_cast<uint64_t>(str));
      l.scalar(3, static_cast<uint64_t>(num));
      b.bytes(3, scratch_);
    };
    if (objects > 0) label(bytes_key_, 0, bytes / objects);
    if (thread)  // interned after the sample's locations, as strings are numbered in order of use
      label(thread_key_,
            strings_.intern(thread->name.empty() ? fmt::format("t{}", thread->id)
                                                 : fmt::format("t{} {}", thread->id, thread->name)),
            0);
    Encoder(out_.head).bytes(2, sample_scratch_);
    if (out_.head.size() >= out_.chunk) {
      size_t capacity = out_.head.capacity();
      out_.take_head(std::move(out_.head));
      out_.head = std::string();
      out_.head.reserve(capacity);
    }
  }

  // pprof sums integers: rounding each sample on its own would drift the total by up to half a
  // unit per sample; rounding the running sum keeps every total equal to memprof's.
  int64_t round_cumulatively(size_t type_index, double value) {
    running_[type_index] += value;
    int64_t next = rounded(running_[type_index]);
    int64_t step = next - emitted_[type_index];
    emitted_[type_index] = next;
    return step;
  }

  Sections& out_;
  std::array<double, 4> running_{};
  std::array<int64_t, 4> emitted_{};
  OutputStrings strings_;
  const PprofOptions& options_;
  std::vector<SampleType> types_;
  int64_t bytes_key_ = 0, thread_key_ = 0;
  uint64_t next_mapping_id_ = 1, next_location_id_ = 1, next_function_id_ = 1;
  // Reused per sample and location, so writing them allocates nothing.
  std::string scratch_, sample_scratch_, location_scratch_, line_scratch_;
  std::vector<uint64_t> location_buf_;
  std::vector<int64_t> value_buf_;
};

// gzip, fed piece by piece: deflate's output does not depend on how its input is split, so the
// bytes are those of one call on the whole message. The output grows as it comes: a
// deflateBound()-sized buffer was zero-filled, 4.7 MB of memset and page faults for 1 MB.
class Gzip {
 public:
  explicit Gzip(int level, size_t expected) {
    if (deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("zlib: deflateInit2 failed");
    out_.reserve(expected / 4 + 64);  // heap profiles compress 4-5x at level 1
  }
  ~Gzip() { deflateEnd(&zs_); }
  Gzip(const Gzip&) = delete;
  Gzip& operator=(const Gzip&) = delete;

  void write(std::string_view data, bool finish) {
    // zlib counts input in 32-bit uInt: a larger piece goes in parts.
    constexpr size_t kMaxIn = size_t{1} << 30;
    while (data.size() > kMaxIn) {
      write_part(data.substr(0, kMaxIn), false);
      data.remove_prefix(kMaxIn);
    }
    write_part(data, finish);
  }
  std::string take() { return std::move(out_); }

 private:
  void write_part(std::string_view data, bool finish) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs_.avail_in = static_cast<uInt>(data.size());
    int flush = finish ? Z_FINISH : Z_NO_FLUSH;
    int rc = Z_OK;
    do {
      std::array<char, 1 << 16> chunk;
      zs_.next_out = reinterpret_cast<Bytef*>(chunk.data());
      zs_.avail_out = static_cast<uInt>(chunk.size());
      rc = deflate(&zs_, flush);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("zlib: deflate failed");
      out_.append(chunk.data(), chunk.size() - zs_.avail_out);
    } while (zs_.avail_out == 0 || (finish && rc != Z_STREAM_END));
  }

  z_stream zs_{};
  std::string out_;
};

// Compresses on a thread of its own the pieces it is given, in order, while the caller encodes
// the next ones: on the clang dump encoding (20 ms) then compressing (32 ms) became ~35 ms.
class BackgroundGzip {
 public:
  BackgroundGzip(int level, size_t expected) : gzip_(level, expected), thread_([this] { run(); }) {}
  ~BackgroundGzip() {
    if (!thread_.joinable()) return;
    finish();
    thread_.join();
  }
  BackgroundGzip(const BackgroundGzip&) = delete;
  BackgroundGzip& operator=(const BackgroundGzip&) = delete;

  void push(std::string&& piece) {
    std::lock_guard lock(mutex_);
    pieces_.push_back(std::move(piece));
    ready_.notify_one();
  }
  // The compressed stream; rethrows what the compressing thread threw.
  std::string result() {
    finish();
    thread_.join();
    if (failed_) std::rethrow_exception(failed_);
    return gzip_.take();
  }

 private:
  void finish() {
    std::lock_guard lock(mutex_);
    done_ = true;
    ready_.notify_one();
  }
  void run() {
    try {
      for (;;) {
        std::string piece;
        bool last;
        {
          std::unique_lock lock(mutex_);
          ready_.wait(lock, [&] { return done_ || !pieces_.empty(); });
          if (pieces_.empty()) break;  // done_, with everything compressed
          piece = std::move(pieces_.front());
          pieces_.pop_front();
          last = done_ && pieces_.empty();
        }
        gzip_.write(piece, last);
        if (last) return;
      }
      gzip_.write({}, true);  // finished after the last piece had been written
    } catch (...) {
      failed_ = std::current_exception();
    }
  }

  Gzip gzip_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> pieces_;
  bool done_ = false;
  std::exception_ptr failed_;
  std::thread thread_;  // last: started once the rest is constructed
};

std::string gzip(const std::string& data, const PprofOptions& options) {
  Gzip gzip(options.gzip_level, data.size());
  gzip.write(data, true);
  return gzip.take();
}

// Profile fields after samples, in field order.
std::vector<const std::string*> rest_of(const Sections& sections, const std::string& tail) {
  return {&sections.mappings, &sections.locations, &sections.functions, &sections.strings, &tail};
}

}  // namespace

std::string render_pprof_uncompressed(std::span<const Profile* const> profiles, const PprofOptions& options) {
  std::string out;
  Sections sections{out, {}, {}, {}, {}, {}, SIZE_MAX};
  std::string tail = PprofBuilder(sections, options).build(profiles);
  size_t rest = 0;
  for (const std::string* part : rest_of(sections, tail)) rest += part->size();
  out.reserve(out.size() + rest);
  for (const std::string* part : rest_of(sections, tail)) out += *part;
  return out;
}

std::string render_pprof(std::span<const Profile* const> profiles, const PprofOptions& options) {
  if (std::thread::hardware_concurrency() < 2) return gzip(render_pprof_uncompressed(profiles, options), options);
  std::string head;
  BackgroundGzip gzip(options.gzip_level, 4 << 20);
  Sections sections{head, {}, {}, {}, {}, [&](std::string&& piece) { gzip.push(std::move(piece)); }, 1 << 20};
  std::string tail = PprofBuilder(sections, options).build(profiles);
  gzip.push(std::move(head));
  for (const std::string* part : rest_of(sections, tail)) gzip.push(std::string(*part));
  return gzip.result();
}

}  // namespace memprof::exporter
