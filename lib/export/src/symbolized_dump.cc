#include "memprof/export/symbolized_dump.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace memprof::exporter {

namespace {

// The main executable for the "binary=" line: the first file mapping, as jeprof's own guess.
std::string_view main_binary(const Profile& p) {
  for (const Mapping& m : p.mappings) {
    std::string_view path = p.str(m.path);
    if (m.executable && path.starts_with('/')) return path;
  }
  return {};
}

// A name on one line of the section: newlines would end the entry, "--" would split it.
void append_name(std::string& out, std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '\n' || c == '\r') c = ' ';
    if (c == '-' && i + 1 < name.size() && name[i + 1] == '-') {
      out += "-\\-";  // operator-- and friends: keep the two characters apart
      ++i;
      continue;
    }
    out += c;
  }
}

void write_symbol_section(std::string& out, const Profile& p) {
  std::vector<uint8_t> role(p.locations.size(), 0);  // bit 0: a leaf somewhere, bit 1: a caller somewhere
  for (size_t s = 0; s < p.stacks.size(); ++s) {
    auto frames = p.stacks.frames(StackId{static_cast<uint32_t>(s)});
    for (size_t i = 0; i < frames.size(); ++i) role[frames[i].value()] |= i == 0 ? 1 : 2;
  }
  struct Entry {
    uint64_t key;
    uint32_t location;
  };
  std::vector<Entry> entries;
  for (uint32_t i = 0; i < p.locations.size(); ++i) {
    uint64_t address = p.locations[i].address;
    if (role[i] & 1) entries.push_back({address, i});
    if ((role[i] & 2) && address) entries.push_back({address - 1, i});
  }
  std::ranges::sort(entries, {}, &Entry::key);

  out += "--- symbol\n";
  if (std::string_view binary = main_binary(p); !binary.empty())
    fmt::format_to(std::back_inserter(out), "binary={}\n", binary);
  for (size_t e = 0; e < entries.size(); ++e) {
    if (e && entries[e].key == entries[e - 1].key) continue;
    const Location& loc = p.locations[entries[e].location];
    fmt::format_to(std::back_inserter(out), "0x{:016x} ", entries[e].key);
    if (loc.lines.empty()) append_name(out, p.unsymbolized_name(loc));
    for (size_t i = loc.lines.size(); i-- > 0;) {  // outermost first
      append_name(out, p.str(p.functions[loc.lines[i].function.value()].name));
      if (i) out += "--";
    }
    out += '\n';
  }
  out += "---\n--- heap\n";
}

void append_counts(std::string& out, const RawCounts& c) {
  fmt::format_to(std::back_inserter(out), "{}: {} [{}: {}]", c.cur_objects, c.cur_bytes, c.accum_objects,
                 c.accum_bytes);
}

void append_stack(std::string& out, const Profile& p, StackId stack) {
  for (LocationId loc : p.stacks.frames(stack))
    fmt::format_to(std::back_inserter(out), " 0x{:x}", p.locations[loc.value()].address);
}

void write_v2_body(std::string& out, const Profile& p, const RecordThreads& threads) {
  fmt::format_to(std::back_inserter(out), "heap_v2/{}\n  t*: ", p.sample_period);
  append_counts(out, p.header_counts);
  out += '\n';
  for (const Thread& t : p.threads) {
    fmt::format_to(std::back_inserter(out), "  t{}: ", t.id);
    append_counts(out, t.header_counts);
    if (!t.name.empty()) out += ' ' + t.name;
    out += '\n';
  }
  for (size_t k = 0; k < p.samples.size(); ++k) {
    out += '@';
    append_stack(out, p, p.samples[k].stack);
    out += "\n  t*: ";
    append_counts(out, p.samples[k].raw);
    out += '\n';
    for (uint32_t i = threads.start[k]; i < threads.start[k + 1]; ++i) {
      const ThreadSample& ts = p.thread_samples[i];
      fmt::format_to(std::back_inserter(out), "  t{}: ", p.threads[ts.thread.value()].id);
      append_counts(out, ts.raw);
      out += '\n';
    }
  }
}

void write_legacy_body(std::string& out, const Profile& p) {
  out += "heap profile: ";
  append_counts(out, p.header_counts);
  switch (p.format) {
    case DumpFormat::legacy_heapprofile: out += " @ heapprofile\n"; break;
    case DumpFormat::legacy_heapz_v2:
      fmt::format_to(std::back_inserter(out), " @ heapz_v2/{}\n", p.sample_period);
      break;
    case DumpFormat::legacy_heap: out += " @ heap\n"; break;
    case DumpFormat::legacy_growthz: out += " @ growthz\n"; break;
    case DumpFormat::legacy_fragmentationz: out += " @ fragmentationz\n"; break;
    default: fmt::format_to(std::back_inserter(out), " @ heap_v2/{}\n", p.sample_period); break;
  }
  for (const Sample& s : p.samples) {
    append_counts(out, s.raw);
    out += " @";
    append_stack(out, p, s.stack);
    out += '\n';
  }
}

// From the maps header to the end of the original text.
std::string_view maps_section(std::string_view text) {
  for (std::string_view header : {"\nMAPPED_LIBRARIES:", "\n--- Memory map:"}) {
    size_t at = text.find(header);
    if (at != std::string_view::npos) return text.substr(at + 1);
  }
  return {};
}

}  // namespace

RecordThreads record_threads(const Profile& p) {
  RecordThreads r;
  r.start.reserve(p.samples.size() + 1);
  uint32_t next = 0;
  for (const Sample& s : p.samples) {
    r.start.push_back(next);
    while (next < p.thread_samples.size() && p.thread_samples[next].stack == s.stack) ++next;
  }
  r.start.push_back(next);
  return r;
}

std::string render_symbolized_dump(const Profile& p, const RecordThreads& threads, std::string_view dump_text) {
  std::string out;
  out.reserve(dump_text.size() + dump_text.size() / 8);
  write_symbol_section(out, p);
  if (p.format == DumpFormat::heap_v2) write_v2_body(out, p, threads);
  else write_legacy_body(out, p);
  std::string_view maps = maps_section(dump_text);
  if (!maps.empty()) {
    out += maps;
    if (maps.back() != '\n') out += '\n';
  }
  return out;
}

}  // namespace memprof::exporter
