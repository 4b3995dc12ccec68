#include "memprof/render/report_options.h"

#include "memprof/render/units.h"

namespace memprof::render {

std::string format_value(double value, SampleType type, bool exact_bytes) {
  if (!is_bytes(type) || exact_bytes) return std::to_string(round_to_int(value));
  return format_bytes(value);
}

std::string unit_name(SampleType type) { return is_bytes(type) ? "bytes" : "objects"; }

void write_context_json(JsonWriter& json, const ReportContext& context) {
  json.key("inputs").begin_array();
  for (const std::string& input : context.inputs) json.value(input);
  json.end_array();
  json.key("sample_type").value(sample_type_name(context.sample_type));
  json.key("unit").value(unit_name(context.sample_type));
  json.key("sample_period").value(context.sample_period);
}

}  // namespace memprof::render
