#include "memprof/render/hist_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hist_svg.h"
#include "memprof/render/json_writer.h"
#include "memprof/render/units.h"
#include "xml_text.h"

namespace memprof::render {

namespace {

using analyze::Bucketing;
using analyze::SizeBucket;
using analyze::SizeHistogram;

std::string size_label(const SizeBucket& b, Bucketing bucketing) {
  auto human = [](uint64_t v) { return v < 1024 ? fmt::format("{} B", v) : format_bytes(static_cast<double>(v)); };
  if (bucketing == Bucketing::size_class) return human(b.size_max);
  return b.size_min == b.size_max
             ? human(b.size_max)
             : fmt::format("{}-{}", b.size_min < 1024 ? std::to_string(b.size_min) : human(b.size_min),
                           human(b.size_max));
}

const char* bucketing_name(Bucketing b) { return b == Bucketing::size_class ? "size_class" : "pow2"; }

std::string repeat(std::string_view glyph, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += glyph;
  return out;
}

void append_text_histogram(std::string& out, const SizeHistogram& h, size_t width, std::string_view indent) {
  double max = 0;
  for (const SizeBucket& b : h.buckets) max = std::max(max, b.bytes);
  // size 12, bytes 10, share 7, objects 12, separators: the bar gets the rest, 10 to 40 cells.
  size_t fixed = indent.size() + 12 + 10 + 7 + 12 + 5;
  size_t bar_width = width == 0 ? 40 : std::clamp<size_t>(width > fixed ? width - fixed : 0, 10, 40);
  fmt::format_to(std::back_inserter(out), "{}{:>12} {:>10} {:>7} {:>12}  {}\n", indent, "size", "bytes", "share",
                 "objects", h.mixed_bytes > 0 ? "█ one size  ▒ mixed sizes" : "");
  for (const SizeBucket& b : h.buckets) {
    size_t total_cells =
        max > 0 ? static_cast<size_t>(std::llround(b.bytes / max * static_cast<double>(bar_width))) : 0;
    size_t mixed_cells =
        max > 0 ? static_cast<size_t>(std::llround(b.mixed_bytes / max * static_cast<double>(bar_width))) : 0;
    mixed_cells = std::min(mixed_cells, total_cells);
    std::string bar = repeat("█", total_cells - mixed_cells) + repeat("▒", mixed_cells);
    if (bar.empty() && b.bytes > 0) bar = "▏";  // visible, however small
    fmt::format_to(std::back_inserter(out), "{}{:>12} {:>10} {:>7} {:>12}  {}\n", indent, size_label(b, h.bucketing),
                   format_bytes(b.bytes), format_percent(h.total_bytes > 0 ? b.bytes / h.total_bytes : 0),
                   format_count(b.objects), bar);
  }
}

std::string render_text(const HistReport& r, size_t width) {
  const SizeHistogram& h = r.total;
  std::string out =
      fmt::format("Live memory by allocation size ({}): {}\n",
                  h.bucketing == Bucketing::size_class ? "jemalloc size classes" : "powers of two", h.source);
  out += fmt::format("{} in {} objects", format_bytes(h.total_bytes), format_count(h.total_objects));
  if (h.mixed_bytes > 0)
    out +=
        fmt::format("; {} ({}) in records of several sizes, counted by their average (▒)", format_bytes(h.mixed_bytes),
                    format_percent(h.total_bytes > 0 ? h.mixed_bytes / h.total_bytes : 0));
  out += "\n\n";
  if (r.sites.empty()) {
    append_text_histogram(out, h, width, "");
  } else {
    for (const analyze::SiteHistogram& s : r.sites) {
      out += fmt::format("{}  ({}, {} objects, {} of the total)\n", s.site, format_bytes(s.histogram.total_bytes),
                         format_count(s.histogram.total_objects),
                         format_percent(h.total_bytes > 0 ? s.histogram.total_bytes / h.total_bytes : 0));
      append_text_histogram(out, s.histogram, width, "  ");
      out += "\n";
    }
  }
  for (const std::string& n : r.notes) out += fmt::format("{}note: {}\n", r.sites.empty() ? "\n" : "", n);
  return out;
}

void write_buckets(JsonWriter& json, const SizeHistogram& h) {
  json.key("buckets").begin_array();
  for (const SizeBucket& b : h.buckets) {
    json.begin_object();
    json.key("size_min").value(b.size_min);
    json.key("size_max").value(b.size_max);
    json.key("bytes").value(round_to_int(b.bytes));
    json.key("objects").value(round_to_int(b.objects));
    json.key("mixed_bytes").value(round_to_int(b.mixed_bytes));
    json.key("mixed_objects").value(round_to_int(b.mixed_objects));
    json.end_object();
  }
  json.end_array();
  json.key("total_bytes").value(round_to_int(h.total_bytes));
  json.key("total_objects").value(round_to_int(h.total_objects));
  json.key("mixed_bytes").value(round_to_int(h.mixed_bytes));
}

std::string render_json(const HistReport& r) {
  JsonWriter json;
  json.begin_object();
  json.key("source").value(r.total.source);
  json.key("kind").value(r.kind);
  json.key("bucketing").value(bucketing_name(r.total.bucketing));
  write_buckets(json, r.total);
  if (!r.sites.empty()) {
    json.key("sites").begin_array();
    for (const analyze::SiteHistogram& s : r.sites) {
      json.begin_object();
      json.key("site").value(s.site);
      write_buckets(json, s.histogram);
      json.end_object();
    }
    json.end_array();
  }
  json.key("notes").begin_array();
  for (const std::string& n : r.notes) json.value(n);
  json.end_array();
  json.end_object();
  return json.take() + "\n";
}

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string render_csv(const HistReport& r) {
  bool by_site = !r.sites.empty();
  std::string out = by_site ? "site," : "";
  out += "size_min,size_max,bytes,objects,mixed_bytes,mixed_objects\n";
  auto rows = [&](const SizeHistogram& h, std::string_view site) {
    for (const SizeBucket& b : h.buckets) {
      if (by_site) {
        append_csv_field(out, site);
        out += ',';
      }
      out += fmt::format("{},{},{},{},{},{}\n", b.size_min, b.size_max, round_to_int(b.bytes), round_to_int(b.objects),
                         round_to_int(b.mixed_bytes), round_to_int(b.mixed_objects));
    }
  };
  if (by_site)
    for (const analyze::SiteHistogram& s : r.sites) rows(s.histogram, s.site);
  else rows(r.total, "");
  return out;
}

}  // namespace

std::string render_hist(const HistReport& report, Format format, size_t width) {
  switch (format) {
    case Format::json: return render_json(report);
    case Format::csv: return render_csv(report);
    case Format::svg: return render_hist_svg(report);
    default: break;  // text
  }
  return render_text(report, width);
}

}  // namespace memprof::render
