#include "memprof/render/top_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/text_table.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {

size_t shown_rows(const analyze::TopTable& table, const ReportStyle& style) {
  return style.max_rows ? std::min(style.max_rows, table.rows.size()) : table.rows.size();
}

// Below this many sampled objects a row's estimate has a relative standard error above ~18%
// (raw counts are Poisson: 1/sqrt(30)); such rows are marked "~".
constexpr double kFewSamples = 30;

bool few_samples(const analyze::TopTable& table, const analyze::TopRow& row) {
  // total_samples is 0 when the profile carries no sampled counts (nothing to say then).
  return table.sample_period > 1 && table.total_samples > 0 && row.flat_samples < kFewSamples;
}

// "±0.4% sampling error (61234 sampled objects)", for sampled dumps.
std::string sampling_error_text(const analyze::TopTable& table) {
  if (table.sample_period <= 1 || table.total_samples <= 0) return {};
  return fmt::format("Sampling error of the total: \u00b1{:.1f}% ({} sampled objects)\n",
                     100 / std::sqrt(table.total_samples), round_to_int(table.total_samples));
}

// Flat values rounded so that all rows add up to the printed totals exactly (unsampled estimates
// are fractional; rounding each row alone left the sum a byte or more off the header).
struct RoundedFlat {
  std::vector<int64_t> flat, objects;
};

RoundedFlat round_flat(const analyze::TopTable& table) {
  std::vector<double> flat, objects;
  double flat_sum = 0, objects_sum = 0;
  for (const analyze::TopRow& r : table.rows) {
    flat.push_back(r.flat);
    objects.push_back(r.flat_objects);
    flat_sum += r.flat;
    objects_sum += r.flat_objects;
  }
  // The rows cover the total up to floating-point error; if not (they always should), round
  // them to their own sum rather than push a real difference into them.
  auto target = [](double sum, double total) { return round_to_int(std::fabs(sum - total) < 1 ? total : sum); };
  return {round_to_total(flat, target(flat_sum, table.total)),
          round_to_total(objects, target(objects_sum, table.total_objects))};
}

std::string render_json(const analyze::TopTable& table, const ReportContext& ctx, const ReportStyle& style,
                        const GateResult& gates) {
  JsonWriter json;
  json.begin_object();
  write_context_json(json, ctx);
  json.key("total").value(round_to_int(table.total));
  json.key("total_objects").value(round_to_int(table.total_objects));
  if (table.sample_period > 1 && table.total_samples > 0) {
    json.key("total_samples").value(round_to_int(table.total_samples));
    json.key("relative_standard_error").value(1 / std::sqrt(table.total_samples));
  }
  json.key("violations").begin_array();
  for (const std::string& m : gates.messages) json.value(m);
  json.end_array();
  json.key("rows").begin_array();
  RoundedFlat rounded = round_flat(table);
  for (size_t i = 0; i < shown_rows(table, style); ++i) {
    const analyze::TopRow& r = table.rows[i];
    json.begin_object();
    json.key("name").value(r.name);
    write_frame_fields_json(json, r.name, ctx.frame_label);
    json.key("flat").value(rounded.flat[i]);
    json.key("cum").value(round_to_int(r.cum));
    json.key("flat_objects").value(rounded.objects[i]);
    json.key("cum_objects").value(round_to_int(r.cum_objects));
    if (table.sample_period > 1) json.key("samples").value(round_to_int(r.flat_samples));
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
  RoundedFlat rounded = round_flat(table);
  for (size_t i = 0; i < shown_rows(table, style); ++i) {
    const analyze::TopRow& r = table.rows[i];
    sum += r.flat;
    fmt::format_to(std::back_inserter(out), "{},{:.4f},{:.4f},{},{:.4f},{},{},{}\n", rounded.flat[i],
                   100 * share(r.flat, table.total), 100 * share(sum, table.total), round_to_int(r.cum),
                   100 * share(r.cum, table.total), rounded.objects[i], round_to_int(r.cum_objects), csv_field(r.name));
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
    std::vector<std::string> cells = {
        (few_samples(table, r) ? "~" : "") + format_value(r.flat, table.sample_type, style.exact_bytes),
        format_percent(share(r.flat, table.total)), format_percent(share(sum, table.total)),
        format_value(r.cum, table.sample_type, style.exact_bytes), format_percent(share(r.cum, table.total))};
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
  else if (ctx.inputs.size() <= 4)
    out += fmt::format("Dumps: {} summed: {}\n", ctx.inputs.size(), fmt::join(ctx.inputs, ", "));
  else
    out += fmt::format("Dumps: {} summed ({} \u2026 {})\n", ctx.inputs.size(), ctx.inputs.front(), ctx.inputs.back());
  auto period_text = [](uint64_t p) { return p ? format_bytes(static_cast<double>(p)) : std::string("none"); };
  std::string period = period_text(ctx.sample_period);
  if (ctx.sample_periods.size() > 1) {
    std::vector<std::string> periods;
    for (uint64_t p : ctx.sample_periods) periods.push_back(period_text(p));
    period = fmt::format("mixed: {}", fmt::join(periods, ", "));
  }
  std::string total_text = is_bytes(ctx.sample_type) ? fmt::format("{} ({} bytes) in {} objects", format_bytes(total),
                                                                   round_to_int(total), format_count(total_objects))
                                                     : fmt::format("{} objects", format_count(total));
  if (ctx.unfiltered_total && round_to_int(*ctx.unfiltered_total) != round_to_int(total))
    total_text +=
        fmt::format(" (filtered; {} in the dump{})", format_value(*ctx.unfiltered_total, ctx.sample_type, false),
                    ctx.inputs.size() == 1 ? "" : "s");
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
    default: break;  // text
  }
  std::string out;
  for (const std::string& m : gates.messages) out += fmt::format("LIMIT EXCEEDED: {}\n", m);
  if (!gates.messages.empty()) out += '\n';
  out += render_header(ctx, table.total, table.total_objects);
  out += sampling_error_text(table);
  size_t shown = shown_rows(table, style);
  double shown_flat = 0;
  for (size_t i = 0; i < shown; ++i) shown_flat += table.rows[i].flat;
  out += fmt::format("Showing {} of {} rows, {} of the total\n\n", shown, table.rows.size(),
                     format_percent(share(shown_flat, table.total)));
  out += make_table(table, ctx, style).render(style.width);
  bool marked = false;
  for (size_t i = 0; i < shown; ++i) marked = marked || few_samples(table, table.rows[i]);
  if (marked)
    out += fmt::format("~ estimated from fewer than {:.0f} sampled objects: the value may be off by 18% or more\n",
                       kFewSamples);
  return out;
}

}  // namespace memprof::render
