#include "memprof/render/report_options.h"

#include "memprof/render/units.h"

namespace memprof::render {

std::string format_value(double value, SampleType type, bool exact_bytes) {
  if (!is_bytes(type) || exact_bytes) return std::to_string(round_to_int(value));
  return format_bytes(value);
}

std::string unit_name(SampleType type) { return is_bytes(type) ? "bytes" : "objects"; }

void write_frame_fields_json(JsonWriter& json, std::string_view name, std::string_view frame_label) {
  if (frame_label == "line") {
    // "function file:line": the last word is file:line when it ends in ':' and digits.
    size_t space = name.rfind(' ');
    size_t colon = name.rfind(':');
    bool has_place = space != std::string_view::npos && colon != std::string_view::npos && colon > space + 1 &&
                     colon + 1 < name.size() &&
                     name.find_first_not_of("0123456789", colon + 1) == std::string_view::npos;
    json.key("function").value(has_place ? name.substr(0, space) : name);
    if (!has_place) return;
    json.key("file").value(name.substr(space + 1, colon - space - 1));
    uint64_t line = 0;
    for (char c : name.substr(colon + 1)) line = line * 10 + static_cast<uint64_t>(c - '0');
    json.key("line").value(line);
  } else if (frame_label == "address" && name.starts_with("0x")) {
    size_t space = name.find(' ');
    json.key("address").value(name.substr(0, space));
    if (space != std::string_view::npos) json.key("function").value(name.substr(space + 1));
  }
}

void write_context_json(JsonWriter& json, const ReportContext& context) {
  json.key("inputs").begin_array();
  for (const std::string& input : context.inputs) json.value(input);
  json.end_array();
  json.key("sample_type").value(sample_type_name(context.sample_type));
  json.key("unit").value(unit_name(context.sample_type));
  json.key("sample_period").value(context.sample_period);
  if (context.unfiltered_total) json.key("unfiltered_total").value(round_to_int(*context.unfiltered_total));
  if (context.sample_periods.size() > 1) {  // dumps with different periods were summed
    json.key("sample_periods").begin_array();
    for (uint64_t p : context.sample_periods) json.value(p);
    json.end_array();
  }
}

}  // namespace memprof::render
