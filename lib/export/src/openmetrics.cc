#include "memprof/export/openmetrics.h"

#include <cmath>

#include <fmt/format.h>

namespace memprof::exporter {

namespace {

class Exposition {
 public:
  void family(std::string_view name, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  }
  void sample(std::string_view name, double value, std::string_view labels = {}) {
    if (labels.empty()) fmt::format_to(std::back_inserter(out_), "{} {}\n", name, format_number(value));
    else fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, format_number(value));
  }
  void gauge(std::string_view name, std::string_view help, double value) {
    family(name, help);
    sample(name, value);
  }
  std::string finish() {
    out_ += "# EOF\n";
    return std::move(out_);
  }

 private:
  // Integers as integers (byte counts up to 2^53 are exact in a double), others shortest form.
  static std::string format_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (v == std::trunc(v) && std::fabs(v) < 9.007199254740992e15) return fmt::format("{}", static_cast<int64_t>(v));
    return fmt::format("{}", v);
  }
  std::string out_;
};

std::string_view unit_suffix(SampleType type) { return is_bytes(type) ? "_bytes" : ""; }

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_stats_openmetrics(const jestats::StatsAnalysis& a) {
  Exposition e;
  e.gauge("jemalloc_allocated_bytes", "Bytes allocated by the application (stats.allocated).",
          static_cast<double>(a.allocated));
  e.gauge("jemalloc_active_bytes", "Bytes in active pages (stats.active).", static_cast<double>(a.active));
  e.gauge("jemalloc_mapped_bytes", "Bytes in extents mapped by the allocator (stats.mapped).",
          static_cast<double>(a.mapped));
  if (a.resident)
    e.gauge("jemalloc_resident_bytes", "Bytes in physically resident data pages (stats.resident).",
            static_cast<double>(*a.resident));
  if (a.metadata)
    e.gauge("jemalloc_metadata_bytes", "Bytes of allocator metadata (stats.metadata).",
            static_cast<double>(*a.metadata));
  if (a.retained)
    e.gauge("jemalloc_retained_bytes", "Bytes retained in virtual memory, not returned to the OS (stats.retained).",
            static_cast<double>(*a.retained));
  e.gauge("jemalloc_fragmentation_ratio", "(active - allocated) / active.", a.fragmentation);
  e.gauge("jemalloc_dirty_bytes", "Bytes in dirty pages not yet purged, over all arenas.",
          static_cast<double>(a.dirty_bytes));
  e.gauge("jemalloc_muzzy_bytes", "Bytes in muzzy pages not yet purged, over all arenas.",
          static_cast<double>(a.muzzy_bytes));
  if (a.tcache_bytes)
    e.gauge("jemalloc_tcache_bytes", "Bytes cached in thread caches.", static_cast<double>(*a.tcache_bytes));
  e.gauge("jemalloc_bins_wasted_bytes", "Free regions in in-use slabs over all small size classes, in bytes.",
          static_cast<double>(a.bins_wasted));
  bool any_bin = false;
  for (const jestats::BinStats& bin : a.bins) {
    if (!bin.wasted()) continue;
    if (!any_bin) e.family("jemalloc_bin_wasted_bytes", "Free regions in in-use slabs of one size class, in bytes.");
    any_bin = true;
    e.sample("jemalloc_bin_wasted_bytes", static_cast<double>(bin.wasted()), fmt::format("size=\"{}\"", bin.size));
  }
  return e.finish();
}

std::string render_top_openmetrics(const analyze::TopTable& table, size_t rows) {
  Exposition e;
  std::string type(sample_type_name(table.sample_type));
  std::string suffix(unit_suffix(table.sample_type));
  std::string what = is_bytes(table.sample_type) ? "bytes" : "objects";
  bool live = table.sample_type == SampleType::inuse_space || table.sample_type == SampleType::inuse_objects;
  std::string total_name = fmt::format("memprof_heap_{}{}", type, suffix);
  e.gauge(total_name,
          fmt::format("Estimated {} {} in the heap profile (unsampled).", live ? "live" : "allocated", what),
          std::round(table.total));
  std::string site_name = fmt::format("memprof_site_{}{}", type, suffix);
  e.family(site_name, fmt::format("Estimated {} {} whose allocation site (top frame) is the site label.",
                                  live ? "live" : "allocated", what));
  size_t n = rows ? std::min(rows, table.rows.size()) : table.rows.size();
  for (size_t i = 0; i < n && table.rows[i].flat > 0; ++i)  // rows that are never a top frame say nothing here
    e.sample(site_name, std::round(table.rows[i].flat),
             fmt::format("site=\"{}\"", escape_label_value(table.rows[i].name)));
  return e.finish();
}

}  // namespace memprof::exporter
