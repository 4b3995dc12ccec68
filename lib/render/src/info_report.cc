#include "memprof/render/info_report.h"

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/symbols_report.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {

int64_t raw_value(const RawCounts& raw, SampleType type) {
  switch (type) {
    case SampleType::inuse_objects: return raw.cur_objects;
    case SampleType::inuse_space: return raw.cur_bytes;
    case SampleType::alloc_objects: return raw.accum_objects;
    case SampleType::alloc_space: return raw.accum_bytes;
  }
  return 0;
}

std::string describe_name(const DumpName& name) {
  if (!name.pid) return "not a jemalloc dump name";
  std::string text = fmt::format("pid {}, seq {}", *name.pid, name.seq.value_or(0));
  if (name.kind) {
    text += fmt::format(", {} dump", dump_kind_name(name.kind));
    if (name.kind_seq) text += fmt::format(" #{}", *name.kind_seq);
  }
  if (!name.prefix.empty()) text += fmt::format(", prefix '{}'", name.prefix);
  return text;
}

std::string format_value(double value, SampleType type) {
  return is_bytes(type) ? fmt::format("{} ({})", round_to_int(value), format_bytes(value)) : format_count(value);
}

void append_entry_text(std::string& out, const InfoEntry& e) {
  const analyze::DumpSummary& s = e.summary;
  auto line = [&](std::string_view label, const std::string& text) {
    fmt::format_to(std::back_inserter(out), "  {:<16}{}\n", label, text);
  };
  fmt::format_to(std::back_inserter(out), "{}\n", e.path);
  line("format", fmt::format("{} ({})", s.format, s.version_guess));
  if (e.name) line("file name", describe_name(*e.name));
  line("sample period", s.sample_period ? fmt::format("{} bytes ({})", s.sample_period,
                                                      format_bytes(static_cast<double>(s.sample_period)))
                                        : std::string("none (every allocation recorded)"));
  fmt::format_to(std::back_inserter(out), "  {:<16}{:>28}  {:>28}\n", "totals", "unsampled", "raw (as sampled)");
  for (SampleType t : kAllSampleTypes) {
    fmt::format_to(std::back_inserter(out), "    {:<14}{:>28}  {:>28}\n", sample_type_name(t),
                   format_value(s.totals[t], t), format_value(static_cast<double>(raw_value(s.raw_totals, t)), t));
  }
  if (!s.has_accum_data) out += "    (no cumulative data: the dump was written without prof_accum)\n";
  if (e.profiling_cost && s.sample_period > 0) {
    const jestats::ProfilingCost& c = *e.profiling_cost;
    // Three short lines: the figure, then how it is made up (fits 80 columns).
    line("profiling cost", fmt::format("~{} of allocated, ~{} of active (an estimate)",
                                       format_bytes(c.allocated_overhead()), format_bytes(c.active_overhead())));
    line("", fmt::format("{:.0f} sampled small objects x ({} - size): {}", c.sampled_small_objects,
                         format_bytes(static_cast<double>(c.geometry.large_min)), format_bytes(c.promotion_bytes)));
    line("", fmt::format("bookkeeping ~{}; assumes jemalloc 5.x, 4 KiB pages", format_bytes(c.bookkeeping_bytes)));
  }
  line("stacks",
       fmt::format("{} unique in {} records{}", s.stacks, s.records,
                   s.empty_stacks ? fmt::format(", {} empty (unwinding failed)", s.empty_stacks) : std::string()));
  line("addresses", fmt::format("{} unique", s.unique_addresses));
  line("stack depth", fmt::format("max {}, median {}", s.max_depth, s.median_depth));
  line("threads", fmt::format("{}", s.threads.size()));
  for (const analyze::ThreadSummary& t : s.threads) {
    fmt::format_to(std::back_inserter(out), "    t{:<6} {:>12} live in {:>8} objects{}\n", t.id,
                   format_bytes(t.totals[SampleType::inuse_space]), format_count(t.totals[SampleType::inuse_objects]),
                   t.name.empty() ? std::string() : fmt::format("  \"{}\"", t.name));
  }
  if (!s.has_maps_section) {
    line("mappings", "none (no MAPPED_LIBRARIES section: addresses cannot be symbolized)");
  } else {
    line("mappings", fmt::format("{}, {} executable file mappings:", s.mappings, s.executable_mappings.size()));
    for (const analyze::MappingSummary& m : s.executable_mappings)
      fmt::format_to(std::back_inserter(out), "    {:#014x}-{:#014x} {}{}\n", m.start, m.limit, m.path,
                     m.deleted ? " (deleted)" : "");
  }
}

void write_counts(JsonWriter& json, const analyze::DumpSummary& s, bool raw) {
  json.begin_object();
  for (SampleType t :
       {SampleType::inuse_space, SampleType::inuse_objects, SampleType::alloc_space, SampleType::alloc_objects}) {
    json.key(sample_type_name(t));
    json.value(raw ? raw_value(s.raw_totals, t) : round_to_int(s.totals[t]));
  }
  json.end_object();
}

}  // namespace

std::string render_info_text(const std::vector<InfoEntry>& entries) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) out += '\n';
    append_entry_text(out, entries[i]);
    if (entries[i].symbols) {
      out += '\n';
      out += render_symbols_text(entries[i].path, *entries[i].symbols);
    }
  }
  return out;
}

std::string render_info_json(const std::vector<InfoEntry>& entries) {
  JsonWriter json;
  json.begin_object().key("files").begin_array();
  for (const InfoEntry& e : entries) {
    const analyze::DumpSummary& s = e.summary;
    json.begin_object();
    json.key("path").value(e.path);
    json.key("format").value(s.format);
    json.key("version_guess").value(s.version_guess);
    json.key("sample_period").value(s.sample_period);
    json.key("totals");
    write_counts(json, s, false);
    json.key("raw_totals");
    write_counts(json, s, true);
    json.key("has_accum_data").value(s.has_accum_data);
    if (e.profiling_cost) {
      const jestats::ProfilingCost& c = *e.profiling_cost;
      json.key("profiling_cost").begin_object();
      json.key("allocated_bytes").value(round_to_int(c.allocated_overhead()));
      json.key("active_bytes").value(round_to_int(c.active_overhead()));
      json.key("sampled_small_objects").value(round_to_int(c.sampled_small_objects));
      json.key("promotion_bytes").value(round_to_int(c.promotion_bytes));
      json.key("pad_bytes").value(round_to_int(c.pad_bytes));
      json.key("bookkeeping_bytes").value(round_to_int(c.bookkeeping_bytes));
      json.key("large_min").value(c.geometry.large_min);
      json.end_object();
    }
    json.key("records").value(static_cast<uint64_t>(s.records));
    json.key("stacks").value(static_cast<uint64_t>(s.stacks));
    json.key("empty_stacks").value(static_cast<uint64_t>(s.empty_stacks));
    json.key("unique_addresses").value(static_cast<uint64_t>(s.unique_addresses));
    json.key("max_depth").value(static_cast<uint64_t>(s.max_depth));
    json.key("median_depth").value(s.median_depth);
    json.key("threads").begin_array();
    for (const analyze::ThreadSummary& t : s.threads) {
      json.begin_object();
      json.key("id").value(t.id);
      json.key("name").value(t.name);
      json.key("inuse_space").value(round_to_int(t.totals[SampleType::inuse_space]));
      json.key("inuse_objects").value(round_to_int(t.totals[SampleType::inuse_objects]));
      json.end_object();
    }
    json.end_array();
    json.key("mappings").value(static_cast<uint64_t>(s.mappings));
    json.key("has_maps_section").value(s.has_maps_section);
    json.key("executable_mappings").begin_array();
    for (const analyze::MappingSummary& m : s.executable_mappings) {
      json.begin_object();
      json.key("start").value(m.start);
      json.key("limit").value(m.limit);
      json.key("offset").value(m.offset);
      json.key("path").value(m.path);
      json.key("deleted").value(m.deleted);
      json.end_object();
    }
    json.end_array();
    if (e.symbols) {
      json.key("symbols");
      write_symbols_json(json, *e.symbols);
    }
    json.key("file_name");
    if (e.name && e.name->pid) {
      json.begin_object();
      json.key("prefix").value(e.name->prefix);
      json.key("pid").value(*e.name->pid);
      json.key("seq").value(e.name->seq.value_or(0));
      json.key("kind").value(dump_kind_name(e.name->kind));
      if (e.name->kind_seq) json.key("kind_seq").value(*e.name->kind_seq);
      json.end_object();
    } else {
      json.null();
    }
    json.end_object();
  }
  json.end_array().end_object();
  return json.take();
}

}  // namespace memprof::render
