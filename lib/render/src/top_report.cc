#include "memprof/render/top_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/text_table.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {


size_t shown_rows(const analyze::TopTable& table, const ReportStyle& style) {
  return style.max_rows ? std::min(style.max_rows, table.rows.size()) : table.rows.size();
}

std::string render_json(const analyze::TopTable& table, const ReportContext& ctx, const ReportStyle& style,
                        const GateResult& gates) {
  JsonWriter json;
  json.begin_object();
  write_context_json(json, ctx);
  json.key("total").value(round_to_int(table.total));
  json.key("total_objects").value(round_to_int(table.total_objects));
  json.key("violations").begin_array();
  for (const std::string& m : gates.messages) json.value(m);
  json.end_array();
  json.key("rows").begin_array();
  for (size_t i = 0; i < shown_rows(table, style); ++i) {
    const analyze::TopRow& r = table.rows[i];
    json.begin_object();
    json.key("name").value(r.name);
    json.key("flat").value(round_to_int(r.flat));
    json.key("cum").value(round_to_int(r.cum));
    json.key("flat_objects").value(round_to_int(r.flat_objects));
    json.key("cum_objects").value(round_to_int(r.cum_objects));
    json.key("violates").value(std::ranges::find(gates.violating_rows, i) != gates.violating_rows.end());
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.take();
}

std::string render_csv(const analyze::TopTable& table, const ReportStyle& style) {
  std::string out = "flat,flat_pct,sum_pct,cum,cum_pct,flat_objects,cum_objects,name\n";
  double sum = 0;
  for (size_t i = 0; i < shown_rows(table, style); ++i) {
    const analyze::TopRow& r = table.rows[i];
    sum += r.flat;
    fmt::format_to(std::back_inserter(out), "{},{:.4f},{:.4f},{},{:.4f},{},{},{}\n", round_to_int(r.flat),
                   100 * share(r.flat, table.total), 100 * share(sum, table.total), round_to_int(r.cum),
                   100 * share(r.cum, table.total), round_to_int(r.flat_objects), round_to_int(r.cum_objects),
                   csv_field(r.name));
  }
  return out;
}

TextTable make_table(const analyze::TopTable& table, const ReportContext& ctx, const ReportStyle& style) {
  bool objects_differ = is_bytes(table.sample_type);
  std::vector<std::string> headers = {"flat", "flat%", "sum%", "cum", "cum%"};
  std::vector<Align> aligns(5, Align::right);
  if (objects_differ) {
    headers.push_back("objects");
    aligns.push_back(Align::right);
  }
  headers.push_back(ctx.frame_label);
  aligns.push_back(Align::left);
  TextTable t(headers, aligns);
  double sum = 0;
  for (size_t i = 0; i < shown_rows(table, style); ++i) {
    const analyze::TopRow& r = table.rows[i];
    sum += r.flat;
    std::vector<std::string> cells = {format_value(r.flat, table.sample_type, style.exact_bytes),
                                      format_percent(share(r.flat, table.total)),
                                      format_percent(share(sum, table.total)),
                                      format_value(r.cum, table.sample_type, style.exact_bytes),
                                      format_percent(share(r.cum, table.total))};
    if (objects_differ) cells.push_back(format_count(r.flat_objects));
    cells.push_back(r.name);
    t.add_row(std::move(cells));
  }
  return t;
}

}  // namespace

std::string render_header(const ReportContext& ctx, double total, double total_objects) {
  std::string out;
  if (ctx.inputs.size() == 1) out += fmt::format("Dump: {}\n", ctx.inputs[0]);
  else out += fmt::format("Dumps: {} summed: {}\n", ctx.inputs.size(), fmt::join(ctx.inputs, ", "));
  std::string period = ctx.sample_period ? format_bytes(static_cast<double>(ctx.sample_period)) : std::string("none");
  std::string total_text = is_bytes(ctx.sample_type)
                               ? fmt::format("{} ({} bytes) in {} objects", format_bytes(total), round_to_int(total),
                                             format_count(total_objects))
                               : fmt::format("{} objects", format_count(total));
  out += fmt::format("Type: {}  Sample period: {}  Total: {}\n", sample_type_name(ctx.sample_type), period, total_text);
  return out;
}

std::string render_top(const analyze::TopTable& table, const ReportContext& ctx, const ReportStyle& style,
                       Format format, const GateResult& gates) {
  switch (format) {
    case Format::json: return render_json(table, ctx, style, gates);
    case Format::csv: return render_csv(table, style);
    case Format::markdown: {
      std::string out;
      for (const std::string& m : gates.messages) out += fmt::format("**LIMIT EXCEEDED:** {}\n\n", m);
      out += fmt::format("**{}** · total {} · {}\n\n", sample_type_name(table.sample_type),
                         format_value(table.total, table.sample_type, style.exact_bytes), fmt::join(ctx.inputs, ", "));
      return out + make_table(table, ctx, style).render_markdown();
    }
    case Format::text: break;
  }
  std::string out;
  for (const std::string& m : gates.messages) out += fmt::format("LIMIT EXCEEDED: {}\n", m);
  if (!gates.messages.empty()) out += '\n';
  out += render_header(ctx, table.total, table.total_objects);
  size_t shown = shown_rows(table, style);
  double shown_flat = 0;
  for (size_t i = 0; i < shown; ++i) shown_flat += table.rows[i].flat;
  out += fmt::format("Showing {} of {} rows, {} of the total\n\n", shown, table.rows.size(),
                     format_percent(share(shown_flat, table.total)));
  return out + make_table(table, ctx, style).render(style.width);
}

}  // namespace memprof::render
