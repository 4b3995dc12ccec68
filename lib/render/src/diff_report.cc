#include "memprof/render/diff_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/sparkline.h"
#include "memprof/render/text_table.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {

std::string signed_value(double value, SampleType type, bool exact) {
  std::string text = format_value(std::fabs(value), type, exact);
  if (std::fabs(value) < 0.5) return text;
  return (value < 0 ? "-" : "+") + text;
}

std::string change_percent(double before, double after) {
  if (before == 0) return after == 0 ? "0%" : "new";
  return fmt::format("{:+.1f}%", 100 * (after - before) / before);
}

// Rows shown: --growth-only drops shrinking sites; -n limits, but violating rows always show.
std::vector<size_t> shown_rows(const DiffReportInput& in, const ReportStyle& style, const GateResult& gates) {
  std::vector<size_t> rows;
  for (size_t i = 0; i < in.table.rows.size(); ++i) {
    bool violating = std::ranges::find(gates.violating_rows, i) != gates.violating_rows.end();
    if (in.growth_only && in.table.rows[i].delta < 0 && !violating) continue;
    if (style.max_rows && rows.size() >= style.max_rows && !violating) continue;
    rows.push_back(i);
  }
  return rows;
}

// Past this many steps a row's steps no longer fit a line: a sparkline of its values instead.
constexpr size_t kMaxStepsShown = 8;

std::string values_text(const analyze::DiffRow& r, std::string_view separator) {
  std::vector<int64_t> values;
  for (double v : r.values) values.push_back(round_to_int(v));
  return fmt::format("{}", fmt::join(values, separator));
}

std::string steps_text(const analyze::DiffRow& r, SampleType type, bool exact) {
  if (r.values.size() - 1 > kMaxStepsShown) return sparkline(r.values);
  std::vector<std::string> steps;
  for (size_t i = 1; i < r.values.size(); ++i)
    steps.push_back(signed_value(r.values[i] - r.values[i - 1], type, exact));
  return fmt::format("{}", fmt::join(steps, " "));
}

std::string render_json(const DiffReportInput& in, const ReportStyle& style, const GateResult& gates) {
  const analyze::DiffTable& t = in.table;
  JsonWriter json;
  json.begin_object();
  json.key("base").begin_array().value(in.dumps.front()).end_array();
  json.key("middle").begin_array();
  for (size_t i = 1; i + 1 < in.dumps.size(); ++i) json.value(in.dumps[i]);
  json.end_array();
  json.key("new").begin_array().value(in.dumps.back()).end_array();
  json.key("sample_type").value(sample_type_name(t.sample_type));
  json.key("unit").value(unit_name(t.sample_type));
  json.key("normalized").value(in.normalized);
  json.key("base_total").value(round_to_int(t.base_total));
  json.key("new_total").value(round_to_int(t.new_total));
  json.key("delta").value(round_to_int(t.delta));
  json.key("totals").begin_array();
  for (double v : t.totals) json.value(round_to_int(v));
  json.end_array();
  json.key("suppressed").value(round_to_int(in.suppressed));
  json.key("suppression_rules_matched").value(static_cast<uint64_t>(in.suppression_rules));
  json.key("violations").begin_array();
  for (const std::string& m : gates.messages) json.value(m);
  json.end_array();
  json.key("transient").begin_array();
  for (const analyze::DiffRow& r : t.transient) {
    json.begin_object();
    json.key("name").value(r.name);
    json.key("peak").value(round_to_int(std::ranges::max(r.values)));
    json.key("values").begin_array();
    for (double v : r.values) json.value(round_to_int(v));
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.key("rows").begin_array();
  for (size_t i : shown_rows(in, style, gates)) {
    const analyze::DiffRow& r = t.rows[i];
    json.begin_object();
    json.key("name").value(r.name);
    write_frame_fields_json(json, r.name, in.frame_label);
    json.key("before").value(round_to_int(r.before));
    json.key("after").value(round_to_int(r.after));
    json.key("delta").value(round_to_int(r.delta));
    json.key("new").value(r.is_new);
    json.key("grew_every_step").value(r.grew_every_step);
    json.key("values").begin_array();
    for (double v : r.values) json.value(round_to_int(v));
    json.end_array();
    json.key("violates").value(std::ranges::find(gates.violating_rows, i) != gates.violating_rows.end());
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.take();
}

std::string render_csv(const DiffReportInput& in, const ReportStyle& style, const GateResult& gates) {
  std::string out = "delta,before,after,change_pct,new,grew_every_step,values,name\n";
  for (size_t i : shown_rows(in, style, gates)) {
    const analyze::DiffRow& r = in.table.rows[i];
    std::string pct = r.before != 0 ? fmt::format("{:.2f}", 100 * r.delta / r.before) : "";
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{}\n", round_to_int(r.delta), round_to_int(r.before),
                   round_to_int(r.after), pct, r.is_new, r.grew_every_step, values_text(r, ";"), csv_field(r.name));
  }
  return out;
}

TextTable make_table(const DiffReportInput& in, const ReportStyle& style, const GateResult& gates) {
  SampleType type = in.table.sample_type;
  bool series = in.dumps.size() >= 3;
  std::vector<std::string> headers = {"delta", "before", "after", "change", "note"};
  std::vector<Align> aligns = {Align::right, Align::right, Align::right, Align::right, Align::left};
  if (series) {
    headers.push_back(in.dumps.size() - 1 > kMaxStepsShown ? "series" : "steps");
    aligns.push_back(Align::right);
  }
  headers.push_back("site");
  aligns.push_back(Align::left);
  TextTable table(headers, aligns);
  for (size_t i : shown_rows(in, style, gates)) {
    const analyze::DiffRow& r = in.table.rows[i];
    std::string note = r.grew_every_step ? "LEAK?" : r.is_new ? "NEW" : "";
    if (std::ranges::find(gates.violating_rows, i) != gates.violating_rows.end())
      note += note.empty() ? "LIMIT" : " LIMIT";
    std::vector<std::string> cells = {
        signed_value(r.delta, type, style.exact_bytes), format_value(r.before, type, style.exact_bytes),
        format_value(r.after, type, style.exact_bytes), change_percent(r.before, r.after), note};
    if (series) cells.push_back(steps_text(r, type, style.exact_bytes));
    cells.push_back(r.name);
    table.add_row(std::move(cells));
  }
  return table;
}

std::string summary_lines(const DiffReportInput& in, const ReportStyle& style, bool markdown) {
  const analyze::DiffTable& t = in.table;
  SampleType type = t.sample_type;
  std::string out;
  std::string bold = markdown ? "**" : "";
  out += fmt::format("{}Base:{} {}\n", bold, bold, in.dumps.front());
  size_t middle = in.dumps.size() > 2 ? in.dumps.size() - 2 : 0;
  if (middle > 4)  // a long series in one line, not a screen of names
    out += fmt::format("{}Then:{} {} dumps ({} \u2026 {})\n", bold, bold, middle, in.dumps[1],
                       in.dumps[in.dumps.size() - 2]);
  else
    for (size_t i = 1; i + 1 < in.dumps.size(); ++i) out += fmt::format("{}Then:{} {}\n", bold, bold, in.dumps[i]);
  out += fmt::format("{}New:{}  {}\n", bold, bold, in.dumps.back());
  if (markdown) out += "\n";
  out += fmt::format("Type: {}{}  Total: {} -> {} ({}, {})\n", sample_type_name(type),
                     in.normalized ? " (earlier dumps normalized to the newest total)" : "",
                     format_value(t.base_total, type, style.exact_bytes),
                     format_value(t.new_total, type, style.exact_bytes), signed_value(t.delta, type, style.exact_bytes),
                     change_percent(t.base_total, t.new_total));
  if (in.suppression_rules || in.suppressed != 0)
    out += fmt::format("{} suppressed by {} rule{}\n", format_value(in.suppressed, type, style.exact_bytes),
                       in.suppression_rules, in.suppression_rules == 1 ? "" : "s");
  size_t suspects = static_cast<size_t>(std::ranges::count_if(t.rows, &analyze::DiffRow::grew_every_step));
  if (in.dumps.size() >= 3)
    out += fmt::format("Leak suspects (grew in each of {} steps): {}\n", in.dumps.size() - 1, suspects);
  if (!t.transient.empty()) {
    const analyze::DiffRow& top = t.transient.front();
    out += fmt::format(
        "Transient (absent in Base and New, present in between; not counted as changes): {} site{}, "
        "largest {} at its peak: {}\n",
        t.transient.size(), t.transient.size() == 1 ? "" : "s",
        format_value(std::ranges::max(top.values), type, style.exact_bytes), top.name);
  }
  return out;
}

}  // namespace

std::string render_diff(const DiffReportInput& in, const ReportStyle& style, Format format, const GateResult& gates) {
  switch (format) {
    case Format::json: return render_json(in, style, gates);
    case Format::csv: return render_csv(in, style, gates);
    case Format::markdown: {
      std::string out;
      for (const std::string& m : gates.messages) out += fmt::format("**LIMIT EXCEEDED:** {}\n\n", m);
      out += summary_lines(in, style, true) + "\n";
      TextTable table = make_table(in, style, gates);
      return out + (table.empty() ? std::string("No site changed.\n") : table.render_markdown());
    }
    default: break;  // text
  }
  std::string out;
  for (const std::string& m : gates.messages) out += fmt::format("LIMIT EXCEEDED: {}\n", m);
  if (!gates.messages.empty()) out += '\n';
  out += summary_lines(in, style, false);
  TextTable table = make_table(in, style, gates);
  if (table.empty()) return out + "\nNo site changed.\n";
  size_t shown = table.rows();
  out += fmt::format("Showing {} of {} changed sites\n\n", shown, in.table.rows.size());
  return out + table.render(style.width);
}

}  // namespace memprof::render
