#include "memprof/render/stats_report.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/text_table.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {

std::string table_text(const TextTable& table, bool markdown) {
  return markdown ? table.render_markdown() : table.render(0, 2);
}

using jestats::BinStats;
using jestats::StatsAnalysis;
using jestats::StatsSnapshot;

constexpr size_t kTopBins = 10;

std::string bytes_cell(std::optional<uint64_t> v) {
  return v ? fmt::format("{} ({})", *v, format_bytes(static_cast<double>(*v))) : std::string("-");
}

std::string signed_bytes(int64_t d) {
  return fmt::format("{}{} ({}{})", d > 0 ? "+" : "", d, d > 0 ? "+" : "", format_bytes(static_cast<double>(d)));
}

std::string heading(bool md, int level, const std::string& title) {
  if (md)
    return fmt::format("{}{} {}\n\n", level <= 1 ? "" : "\n", std::string(static_cast<size_t>(level), '#'), title);
  return level <= 1 ? title + "\n" : fmt::format("\n{}:\n", title);
}

void append_snapshot(std::string& out, const StatsEntry& e, bool md) {
  const StatsSnapshot& s = e.snapshot;
  const StatsAnalysis& a = e.analysis;
  out += heading(md, 1, s.source);
  out += fmt::format("{}jemalloc {}, {} form, page size {}{}\n", md ? "" : "  ",
                     s.version.empty() ? "(version not printed)" : s.version, s.format, a.page_size,
                     s.narenas ? fmt::format(", {} arenas", *s.narenas) : std::string());

  TextTable summary({"", "bytes", "note"}, {Align::left, Align::right, Align::left});
  summary.add_row({"allocated", bytes_cell(a.allocated), "live allocations (usable size)"});
  summary.add_row({"active", bytes_cell(a.active), "pages backing allocations"});
  summary.add_row({"metadata", bytes_cell(a.metadata),
                   a.metadata_thp ? fmt::format("of which {} on transparent huge pages",
                                                format_bytes(static_cast<double>(*a.metadata_thp)))
                                  : std::string()});
  summary.add_row({"resident", bytes_cell(a.resident), "pages jemalloc has touched and not returned"});
  summary.add_row({"mapped", bytes_cell(a.mapped), "virtual, in active extents"});
  summary.add_row({"retained", bytes_cell(a.retained), "virtual, kept for reuse (not RSS)"});
  summary.add_row({"dirty", bytes_cell(a.dirty_bytes), "unused, not yet purged (counts as RSS)"});
  summary.add_row({"muzzy", bytes_cell(a.muzzy_bytes), "unused, MADV_FREE'd (RSS until reclaimed)"});
  summary.add_row({"tcache", bytes_cell(a.tcache_bytes), "cached in threads (counted as allocated)"});
  summary.add_row({"fragmentation", format_percent(a.fragmentation), "(active - allocated) / active"});
  summary.add_row(
      {"resident/active", a.resident_over_active ? fmt::format("{:.3f}", *a.resident_over_active) : "-", ""});
  summary.add_row(
      {"metadata share", a.metadata_share ? format_percent(*a.metadata_share) : "-", "metadata / resident"});
  out += heading(md, 2, "Summary");
  out += table_text(summary, md);

  if (!a.arenas.empty()) {
    TextTable arenas({"arena", "threads", "allocated", "active", "dirty", "muzzy", "tcache"},
                     {Align::left, Align::right, Align::right, Align::right, Align::right, Align::right, Align::right});
    for (const jestats::ArenaRow& r : a.arenas)
      arenas.add_row({r.name, r.nthreads ? std::to_string(*r.nthreads) : "-",
                      format_bytes(static_cast<double>(r.allocated)), format_bytes(static_cast<double>(r.active)),
                      format_bytes(static_cast<double>(r.dirty)), format_bytes(static_cast<double>(r.muzzy)),
                      r.tcache ? format_bytes(static_cast<double>(*r.tcache)) : "-"});
    out += heading(md, 2, "Arenas");
    out += table_text(arenas, md);
  }

  out += heading(md, 2,
                 fmt::format("Bins by wasted bytes ({} free in partly used slabs, top {})",
                             format_bytes(static_cast<double>(a.bins_wasted)), std::min(kTopBins, a.bins.size())));
  TextTable bins({"size", "nregs", "curslabs", "curregs", "util", "nonfull", "wasted"},
                 {Align::right, Align::right, Align::right, Align::right, Align::right, Align::right, Align::right});
  for (size_t i = 0; i < a.bins.size() && i < kTopBins; ++i) {
    const BinStats& b = a.bins[i];
    bins.add_row({std::to_string(b.size), std::to_string(b.nregs), std::to_string(b.curslabs),
                  std::to_string(b.curregs), fmt::format("{:.3f}", b.util()),
                  b.nonfull_slabs ? std::to_string(*b.nonfull_slabs) : "-",
                  fmt::format("{} ({})", b.wasted(), format_bytes(static_cast<double>(b.wasted())))});
  }
  out += bins.empty() ? std::string(md ? "No bins in use.\n" : "  no bins in use\n") : table_text(bins, md);

  out += heading(md, 2,
                 fmt::format("Large allocations ({} live extents, {})", a.large.live_extents,
                             format_bytes(static_cast<double>(a.large.live_bytes))));
  TextTable large({"size", "live", "bytes"}, {Align::right, Align::right, Align::right});
  for (const jestats::LargeStats& l : a.large.top)
    large.add_row({std::to_string(l.size), std::to_string(l.curlextents),
                   format_bytes(static_cast<double>(l.size * l.curlextents))});
  out += large.empty() ? std::string(md ? "None live.\n" : "  none live\n") : table_text(large, md);
  const jestats::ExtentSummary& x = a.extents;
  out += fmt::format("{}free extents: {} dirty ({}), {} muzzy ({}), {} retained ({})\n", md ? "\n" : "  ", x.ndirty,
                     format_bytes(static_cast<double>(x.dirty_bytes)), x.nmuzzy,
                     format_bytes(static_cast<double>(x.muzzy_bytes)), x.nretained,
                     format_bytes(static_cast<double>(x.retained_bytes)));

  out += heading(md, 2, "Tuning options");
  std::string opts;
  for (const auto& [k, v] : a.tuning) opts += fmt::format("{}{}:{}", opts.empty() ? "" : ", ", k, v);
  out += (md ? "`" + opts + "`" : "  " + (opts.empty() ? std::string("(no opt section)") : opts)) + "\n";

  if (a.profiling.compiled_in) {
    out += heading(md, 2, "Heap profiling");
    out += fmt::format("{}{}\n", md ? "" : "  ", a.profiling.note);
    if (a.profiling_cost && a.profiling.active)
      out += fmt::format("{}estimated cost: ~{} of allocated ({})\n", md ? "\n" : "  ",
                         format_bytes(a.profiling_cost->allocated_overhead()), a.profiling_cost->basis);
  }

  out += heading(md, 2, "Findings");
  if (a.findings.empty()) out += md ? "None: no rule fired.\n" : "  none: no rule fired\n";
  for (const jestats::Finding& f : a.findings) {
    if (md) out += fmt::format("- **{}**: {} (rule: {}). Try: {}\n", f.rule, f.measured, f.threshold, f.advice);
    else out += fmt::format("  [{}] {} (rule: {})\n      try: {}\n", f.rule, f.measured, f.threshold, f.advice);
  }
}

struct Metric {
  const char* name;
  int64_t before;
  int64_t after;
};

std::vector<Metric> compare_metrics(const StatsAnalysis& a, const StatsAnalysis& b) {
  auto i = [](uint64_t v) { return static_cast<int64_t>(v); };
  auto frag = [&](const StatsAnalysis& x) { return i(x.active) - i(x.allocated); };
  return {{"allocated", i(a.allocated), i(b.allocated)},
          {"active - allocated", frag(a), frag(b)},
          {"active", i(a.active), i(b.active)},
          {"dirty", i(a.dirty_bytes), i(b.dirty_bytes)},
          {"muzzy", i(a.muzzy_bytes), i(b.muzzy_bytes)},
          {"metadata", i(a.metadata.value_or(0)), i(b.metadata.value_or(0))},
          {"tcache", i(a.tcache_bytes.value_or(0)), i(b.tcache_bytes.value_or(0))},
          {"resident", i(a.resident.value_or(0)), i(b.resident.value_or(0))},
          {"mapped", i(a.mapped), i(b.mapped)},
          {"retained", i(a.retained.value_or(0)), i(b.retained.value_or(0))}};
}

// Names the component of resident growth that grew most: live data, fragmentation, unpurged
// pages or metadata.
std::string what_grew(const StatsAnalysis& a, const StatsAnalysis& b) {
  auto d = [](uint64_t x, uint64_t y) { return static_cast<int64_t>(y) - static_cast<int64_t>(x); };
  std::vector<std::pair<int64_t, std::string>> parts = {
      {d(a.allocated, b.allocated), "allocated (live data)"},
      {d(a.active - std::min(a.active, a.allocated), b.active - std::min(b.active, b.allocated)),
       "fragmentation (active - allocated)"},
      {d(a.dirty_bytes + a.muzzy_bytes, b.dirty_bytes + b.muzzy_bytes), "dirty and muzzy pages"},
      {d(a.metadata.value_or(0), b.metadata.value_or(0)), "metadata"}};
  auto top = std::max_element(parts.begin(), parts.end(), [](auto& x, auto& y) { return x.first < y.first; });
  if (top->first <= 0) return "nothing grew: every component stayed level or shrank";
  return fmt::format("{} grew most: {}", top->second, signed_bytes(top->first));
}

std::vector<std::pair<BinStats, int64_t>> bin_changes(const StatsAnalysis& a, const StatsAnalysis& b) {
  std::map<uint64_t, std::pair<BinStats, int64_t>> by_size;
  for (const BinStats& x : a.bins) by_size[x.size] = {x, -static_cast<int64_t>(x.wasted())};
  for (const BinStats& x : b.bins) {
    auto& slot = by_size[x.size];
    slot.first = x;
    slot.second += static_cast<int64_t>(x.wasted());
  }
  std::vector<std::pair<BinStats, int64_t>> out;
  for (auto& [size, v] : by_size)
    if (v.second != 0) out.push_back(v);
  std::stable_sort(out.begin(), out.end(),
                   [](auto& x, auto& y) { return std::llabs(x.second) > std::llabs(y.second); });
  if (out.size() > 5) out.resize(5);
  return out;
}

void append_comparison(std::string& out, const StatsEntry& a, const StatsEntry& b, bool md) {
  out += heading(md, 2, fmt::format("Comparison: {} -> {}", a.snapshot.source, b.snapshot.source));
  TextTable t({"", "before", "after", "change"}, {Align::left, Align::right, Align::right, Align::right});
  for (const Metric& m : compare_metrics(a.analysis, b.analysis))
    t.add_row({m.name, format_bytes(static_cast<double>(m.before)), format_bytes(static_cast<double>(m.after)),
               signed_bytes(m.after - m.before)});
  t.add_row({"fragmentation", format_percent(a.analysis.fragmentation), format_percent(b.analysis.fragmentation),
             fmt::format("{:+.2f} points", (b.analysis.fragmentation - a.analysis.fragmentation) * 100)});
  out += table_text(t, md);
  out += fmt::format("{}{}\n", md ? "\n" : "  ", what_grew(a.analysis, b.analysis));
  auto changes = bin_changes(a.analysis, b.analysis);
  if (!changes.empty()) {
    out += heading(md, 3, "Bins whose wasted bytes changed most");
    TextTable bt({"size", "wasted after", "change"}, {Align::right, Align::right, Align::right});
    for (auto& [bin, delta] : changes)
      bt.add_row({std::to_string(bin.size), format_bytes(static_cast<double>(bin.wasted())), signed_bytes(delta)});
    out += table_text(bt, md);
  }
}

void json_opt(JsonWriter& json, const char* key, const std::optional<uint64_t>& v) {
  json.key(key);
  if (v) json.value(*v);
  else json.null();
}

void write_snapshot_json(JsonWriter& json, const StatsEntry& e) {
  const StatsSnapshot& s = e.snapshot;
  const StatsAnalysis& a = e.analysis;
  json.begin_object();
  json.key("source").value(s.source);
  json.key("format").value(s.format);
  json.key("version").value(s.version);
  json.key("page_size").value(a.page_size);
  json.key("allocated").value(a.allocated);
  json.key("active").value(a.active);
  json_opt(json, "metadata", a.metadata);
  json_opt(json, "metadata_thp", a.metadata_thp);
  json_opt(json, "resident", a.resident);
  json.key("mapped").value(a.mapped);
  json_opt(json, "retained", a.retained);
  json.key("dirty_bytes").value(a.dirty_bytes);
  json.key("muzzy_bytes").value(a.muzzy_bytes);
  json_opt(json, "tcache_bytes", a.tcache_bytes);
  json.key("fragmentation").value(a.fragmentation);
  json.key("resident_over_active");
  if (a.resident_over_active) json.value(*a.resident_over_active);
  else json.null();
  json.key("metadata_share");
  if (a.metadata_share) json.value(*a.metadata_share);
  else json.null();
  json.key("arenas").begin_array();
  for (const jestats::ArenaRow& r : a.arenas) {
    json.begin_object();
    json.key("name").value(r.name);
    json_opt(json, "threads", r.nthreads);
    json.key("allocated").value(r.allocated);
    json.key("active").value(r.active);
    json.key("dirty_bytes").value(r.dirty);
    json.key("muzzy_bytes").value(r.muzzy);
    json_opt(json, "tcache_bytes", r.tcache);
    json.end_object();
  }
  json.end_array();
  json.key("bins_wasted").value(a.bins_wasted);
  json.key("bins").begin_array();
  for (const BinStats& b : a.bins) {
    json.begin_object();
    json.key("size").value(b.size);
    json.key("nregs").value(b.nregs);
    json.key("slab_size").value(b.slab_size);
    json.key("curregs").value(b.curregs);
    json.key("curslabs").value(b.curslabs);
    json_opt(json, "nonfull_slabs", b.nonfull_slabs);
    json.key("wasted").value(b.wasted());
    json.key("util").value(b.util());
    json.end_object();
  }
  json.end_array();
  json.key("large").begin_object();
  json.key("live_extents").value(a.large.live_extents);
  json.key("live_bytes").value(a.large.live_bytes);
  json.key("top").begin_array();
  for (const jestats::LargeStats& l : a.large.top) {
    json.begin_object();
    json.key("size").value(l.size);
    json.key("curlextents").value(l.curlextents);
    json.end_object();
  }
  json.end_array().end_object();
  const jestats::ExtentSummary& x = a.extents;
  json.key("extents").begin_object();
  json.key("ndirty").value(x.ndirty).key("dirty_bytes").value(x.dirty_bytes);
  json.key("nmuzzy").value(x.nmuzzy).key("muzzy_bytes").value(x.muzzy_bytes);
  json.key("nretained").value(x.nretained).key("retained_bytes").value(x.retained_bytes);
  json.end_object();
  json.key("opts").begin_object();
  for (const auto& [k, v] : a.tuning) json.key(k).value(v);
  json.end_object();
  json.key("findings").begin_array();
  for (const jestats::Finding& f : a.findings) {
    json.begin_object();
    json.key("rule").value(f.rule);
    json.key("value").value(f.value);
    json.key("measured").value(f.measured);
    json.key("threshold").value(f.threshold);
    json.key("advice").value(f.advice);
    json.end_object();
  }
  json.end_array();
  if (a.profiling.compiled_in) {
    json.key("profiling").begin_object();
    json.key("enabled").value(a.profiling.enabled);
    json.key("active").value(a.profiling.active);
    if (a.profiling.lg_sample) json.key("lg_sample").value(static_cast<uint64_t>(*a.profiling.lg_sample));
    json.key("note").value(a.profiling.note);
    if (a.profiling_cost) {
      json.key("estimated_overhead_bytes").value(round_to_int(a.profiling_cost->allocated_overhead()));
      json.key("estimated_sampled_small_objects").value(round_to_int(a.profiling_cost->sampled_small_objects));
    }
    json.end_object();
  }
  json.end_object();
}

std::string render_json(const std::vector<StatsEntry>& entries, const std::optional<Comparison>& compare) {
  JsonWriter json;
  json.begin_object().key("snapshots").begin_array();
  for (const StatsEntry& e : entries) write_snapshot_json(json, e);
  json.end_array();
  if (compare) {
    const StatsAnalysis& a = entries[compare->before].analysis;
    const StatsAnalysis& b = entries[compare->after].analysis;
    json.key("comparison").begin_object();
    json.key("before").value(entries[compare->before].snapshot.source);
    json.key("after").value(entries[compare->after].snapshot.source);
    json.key("changes").begin_object();
    for (const Metric& m : compare_metrics(a, b)) json.key(m.name).value(m.after - m.before);
    json.key("fragmentation").value(b.fragmentation - a.fragmentation);
    json.end_object();
    json.key("summary").value(what_grew(a, b));
    json.end_object();
  }
  json.end_object();
  return json.take();
}

}  // namespace

std::string render_stats(const std::vector<StatsEntry>& entries, const std::optional<Comparison>& compare,
                         Format format) {
  if (format == Format::json) return render_json(entries, compare);
  bool md = format == Format::markdown;
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) out += md ? "\n" : "\n";
    append_snapshot(out, entries[i], md);
  }
  if (compare) append_comparison(out, entries[compare->before], entries[compare->after], md);
  return out;
}

}  // namespace memprof::render
