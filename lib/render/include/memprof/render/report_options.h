// What every report shares: where it came from, how numbers are written, how wide it may be.
//
//   ReportContext ctx{.inputs = {"app.heap"}, .sample_period = 524288};
//   ReportStyle style{.width = 80, .exact_bytes = false, .max_rows = 20};
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memprof/profile/values.h"
#include "memprof/render/format.h"
#include "memprof/render/json_writer.h"

namespace memprof::render {

struct ReportContext {
  std::vector<std::string> inputs;
  uint64_t sample_period = 0;
  std::vector<uint64_t> sample_periods;  // when dumps with different periods were summed
  SampleType sample_type = SampleType::inuse_space;
  std::optional<double> unfiltered_total;  // when filters removed stacks: the dumps' own total
  std::string frame_label = "function";    // what a row names: function, line, file, module, address
};

struct ReportStyle {
  size_t width = 0;          // terminal columns; 0 = no limit
  bool exact_bytes = false;  // --bytes: integers instead of KiB/MiB/GiB
  size_t max_rows = 20;      // 0 = all
};

// A value of the report's sample type: "1.5 MiB" / "1572864" for bytes, "12" for objects.
std::string format_value(double value, SampleType type, bool exact_bytes);
std::string unit_name(SampleType type);  // "bytes" or "objects"
// part / whole, 0 when whole is 0 (an empty profile has no shares).
inline double share(double part, double whole) { return whole != 0 ? part / whole : 0; }

// A row's name split into what it is made of, for JSON: "function", "file", "line" for --lines
// ("f a.cc:12"), "address" and "function" for --addresses ("0x4011d6 f"). Writes nothing for
// the other granularities, where the name is the one field.
void write_frame_fields_json(JsonWriter& json, std::string_view name, std::string_view frame_label);

// The keys every JSON report opens with: "inputs", "sample_type", "unit", "sample_period".
void write_context_json(JsonWriter& json, const ReportContext& context);

}  // namespace memprof::render
