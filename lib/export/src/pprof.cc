#include "memprof/export/pprof.h"

#include <zlib.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "proto/profile.pb.h"  // generated from lib/export/proto/profile.proto

namespace memprof::exporter {

namespace {

namespace pb = perftools::profiles;

int64_t rounded(double v) { return static_cast<int64_t>(std::llround(v)); }

// Strings of the output: each input profile's table is copied whole (its ids become indices
// plus an offset, no hashing per reference); the few strings of our own are interned.
class OutputStrings {
 public:
  explicit OutputStrings(pb::Profile& out) : out_(out) { out_.add_string_table(""); }

  int64_t copy_table(const StringTable& table) {
    int64_t offset = out_.string_table_size();
    for (size_t i = 0; i < table.size(); ++i)
      out_.add_string_table(std::string(table.view(StringId{static_cast<uint32_t>(i)})));
    return offset;
  }
  int64_t intern(const std::string& s) {
    auto [it, inserted] = own_.try_emplace(s, out_.string_table_size());
    if (inserted) out_.add_string_table(s);
    return it->second;
  }

 private:
  pb::Profile& out_;
  std::unordered_map<std::string, int64_t> own_;
};

class PprofBuilder {
 public:
  PprofBuilder(pb::Profile& out, const PprofOptions& options) : out_(out), strings_(out), options_(options) {}

  void build(std::span<const Profile* const> profiles) {
    bool accum = false;
    uint64_t period = 0;
    for (const Profile* p : profiles) {
      accum = accum || p->has_accum_data();
      if (!period) period = p->sample_period;
    }
    if (accum) types_ = {SampleType::alloc_objects, SampleType::alloc_space};
    types_.push_back(SampleType::inuse_objects);
    types_.push_back(SampleType::inuse_space);
    for (SampleType t : types_) {
      pb::ValueType* vt = out_.add_sample_type();
      vt->set_type(strings_.intern(std::string(sample_type_name(t))));
      vt->set_unit(strings_.intern(is_bytes(t) ? "bytes" : "count"));
    }
    out_.mutable_period_type()->set_type(strings_.intern("space"));
    out_.mutable_period_type()->set_unit(strings_.intern("bytes"));
    out_.set_period(static_cast<int64_t>(period));
    out_.set_default_sample_type(strings_.intern("inuse_space"));
    if (options_.time_nanos) out_.set_time_nanos(options_.time_nanos);
    for (const Profile* p : profiles) out_.add_comment(strings_.intern("memprof convert " + p->path));
    bytes_key_ = strings_.intern("bytes");
    thread_key_ = strings_.intern("thread");
    for (const Profile* p : profiles) add_profile(*p);
  }

 private:
  struct ProfileIds {
    int64_t strings = 0;           // offset of the profile's string table
    uint64_t first_mapping = 0;    // pprof id of mappings[0]
    uint64_t unknown_mapping = 0;  // the mapping made up for addresses outside every mapping
    uint64_t first_function = 0;
    std::vector<uint64_t> location_ids;  // 2 per location: as leaf, as caller; 0 = not yet written
  };

  void add_profile(const Profile& p) {
    ProfileIds ids;
    ids.strings = strings_.copy_table(p.strings);
    add_mappings(p, ids);
    ids.first_function = next_function_id_;
    for (const Function& f : p.functions) {
      pb::Function* fn = out_.add_function();
      fn->set_id(next_function_id_++);
      fn->set_name(ids.strings + (f.short_name.valid() ? f.short_name : f.name).value());
      fn->set_system_name(ids.strings + (f.system_name.valid() ? f.system_name : f.name).value());
      if (f.file.valid()) fn->set_filename(ids.strings + f.file.value());
    }
    ids.location_ids.assign(p.locations.size() * 2, 0);
    if (options_.threads && !p.thread_samples.empty()) {
      for (const ThreadSample& s : p.thread_samples) {
        pb::Sample* sample = add_sample(p, ids, s.stack, s.raw, s.values);
        const Thread& t = p.threads[s.thread.value()];
        pb::Label* label = sample->add_label();
        label->set_key(thread_key_);
        label->set_str(
            strings_.intern(t.name.empty() ? fmt::format("t{}", t.id) : fmt::format("t{} {}", t.id, t.name)));
      }
    } else {
      for (const Sample& s : p.samples) add_sample(p, ids, s.stack, s.raw, s.values);
    }
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
      pb::Mapping* pm = out_.add_mapping();
      pm->set_id(next_mapping_id_++);
      pm->set_memory_start(m.start);
      pm->set_memory_limit(m.limit);
      pm->set_file_offset(m.offset);
      if (m.path.valid()) pm->set_filename(ids.strings + m.path.value());
      if (m.build_id.valid()) pm->set_build_id(ids.strings + m.build_id.value());
      pm->set_has_functions(symbolized[i]);
      pm->set_has_filenames(has_files[i]);
      pm->set_has_line_numbers(has_files[i]);
      pm->set_has_inline_frames(has_files[i]);
    }
    // Addresses outside every mapping (a dump without MAPPED_LIBRARIES, JIT code) still get a
    // mapping, so every location is mapped; pprof shows its name instead of an empty one.
    if (unknown_low <= unknown_high) {
      pb::Mapping* pm = out_.add_mapping();
      ids.unknown_mapping = next_mapping_id_++;
      pm->set_id(ids.unknown_mapping);
      pm->set_memory_start(unknown_low);
      pm->set_memory_limit(unknown_high + 1);
      pm->set_filename(strings_.intern("[unknown]"));
    }
  }

  uint64_t location_id(const Profile& p, ProfileIds& ids, LocationId id, bool caller) {
    uint64_t& slot = ids.location_ids[id.value() * 2 + (caller ? 1 : 0)];
    if (slot) return slot;
    const Location& loc = p.locations[id.value()];
    pb::Location* pl = out_.add_location();
    slot = next_location_id_++;
    pl->set_id(slot);
    pl->set_mapping_id(loc.mapping.valid() ? ids.first_mapping + loc.mapping.value() : ids.unknown_mapping);
    pl->set_address(caller && loc.address ? loc.address - 1 : loc.address);
    for (const Line& line : loc.lines) {
      pb::Line* pline = pl->add_line();
      pline->set_function_id(ids.first_function + line.function.value());
      pline->set_line(line.line);
    }
    if (loc.lines.empty() && options_.name_unsymbolized) {
      pb::Function* fn = out_.add_function();
      fn->set_id(next_function_id_++);
      fn->set_name(strings_.intern(p.unsymbolized_name(loc)));
      fn->set_system_name(fn->name());
      pl->add_line()->set_function_id(fn->id());
    }
    return slot;
  }

  pb::Sample* add_sample(const Profile& p, ProfileIds& ids, StackId stack, const RawCounts& raw, const Values& values) {
    pb::Sample* sample = out_.add_sample();
    auto frames = p.stacks.frames(stack);
    for (size_t i = 0; i < frames.size(); ++i) sample->add_location_id(location_id(p, ids, frames[i], i > 0));
    for (size_t i = 0; i < types_.size(); ++i) sample->add_value(round_cumulatively(i, values[types_[i]]));
    int64_t objects = raw.cur_objects > 0 ? raw.cur_objects : raw.accum_objects;
    int64_t bytes = raw.cur_objects > 0 ? raw.cur_bytes : raw.accum_bytes;
    if (objects > 0) {
      pb::Label* label = sample->add_label();
      label->set_key(bytes_key_);
      label->set_num(bytes / objects);
    }
    return sample;
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

  pb::Profile& out_;
  std::array<double, 4> running_{};
  std::array<int64_t, 4> emitted_{};
  OutputStrings strings_;
  const PprofOptions& options_;
  std::vector<SampleType> types_;
  int64_t bytes_key_ = 0, thread_key_ = 0;
  uint64_t next_mapping_id_ = 1, next_location_id_ = 1, next_function_id_ = 1;
};

std::string gzip(const std::string& data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  out.resize(zs.total_out);
  return out;
}

}  // namespace

std::string render_pprof_uncompressed(std::span<const Profile* const> profiles, const PprofOptions& options) {
  google::protobuf::Arena arena;
  auto* out = google::protobuf::Arena::CreateMessage<pb::Profile>(&arena);
  PprofBuilder(*out, options).build(profiles);
  std::string bytes;
  if (!out->SerializeToString(&bytes)) throw std::runtime_error("pprof: the profile is too large to serialize");
  return bytes;
}

std::string render_pprof(std::span<const Profile* const> profiles, const PprofOptions& options) {
  return gzip(render_pprof_uncompressed(profiles, options), options.gzip_level);
}

}  // namespace memprof::exporter
