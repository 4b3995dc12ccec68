#include "memprof/render/peek_report.h"

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/text_table.h"
#include "memprof/render/top_report.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {

void write_edges(JsonWriter& json, const std::vector<analyze::PeekEdge>& edges) {
  json.begin_array();
  for (const analyze::PeekEdge& e : edges) {
    json.begin_object();
    json.key("name").value(e.name);
    json.key("value").value(round_to_int(e.value));
    json.end_object();
  }
  json.end_array();
}

}  // namespace

std::string render_peek(const std::vector<analyze::PeekEntry>& entries, const std::string& pattern, double total,
                        double total_objects, const ReportContext& ctx, const ReportStyle& style, Format format) {
  SampleType type = ctx.sample_type;
  if (format == Format::json) {
    JsonWriter json;
    json.begin_object();
    write_context_json(json, ctx);
    json.key("pattern").value(pattern);
    json.key("total").value(round_to_int(total));
    json.key("entries").begin_array();
    for (const analyze::PeekEntry& e : entries) {
      json.begin_object();
      json.key("name").value(e.name);
      json.key("cum").value(round_to_int(e.cum));
      json.key("flat").value(round_to_int(e.flat));
      json.key("callers");
      write_edges(json, e.callers);
      json.key("callees");
      write_edges(json, e.callees);
      json.end_object();
    }
    json.end_array();
    json.end_object();
    return json.take();
  }
  std::string out = render_header(ctx, total, total_objects);
  out +=
      fmt::format("Peek: {} function(s) matching '{}'; callers above each, callees below\n\n", entries.size(), pattern);
  if (entries.empty()) return out;
  TextTable table({"value", "share", "", ctx.frame_label}, {Align::right, Align::right, Align::left, Align::left});
  auto edge_rows = [&](const std::vector<analyze::PeekEdge>& edges, double whole) {
    size_t shown = 0;
    for (const analyze::PeekEdge& e : edges) {
      if (style.max_rows && shown++ >= style.max_rows) break;
      table.add_row(
          {format_value(e.value, type, style.exact_bytes), format_percent(share(e.value, whole)), "", "    " + e.name});
    }
  };
  for (const analyze::PeekEntry& e : entries) {
    edge_rows(e.callers, e.cum);
    table.add_row({format_value(e.cum, type, style.exact_bytes), format_percent(share(e.cum, total)), "|",
                   fmt::format("{} (flat {})", e.name, format_value(e.flat, type, style.exact_bytes))});
    edge_rows(e.callees, e.cum);
    table.add_row({"", "", "", ""});
  }
  return out + (format == Format::markdown ? table.render_markdown() : table.render(style.width));
}

}  // namespace memprof::render
