#include "memprof/render/report_options.h"

#include "memprof/render/units.h"

namespace memprof::render {

std::string format_value(double value, SampleType type, bool exact_bytes) {
  if (!is_bytes(type) || exact_bytes) return std::to_string(round_to_int(value));
  return format_bytes(value);
}

std::string unit_name(SampleType type) { return is_bytes(type) ? "bytes" : "objects"; }

}  // namespace memprof::render
