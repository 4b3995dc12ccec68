// Renders `memprof diff`: totals before and after, then the sites that changed (leak suspects
// first), as text, JSON, CSV or Markdown.
//
//   DiffReportInput in{.table = d, .base = {"a.heap"}, .middle = {}, .latest = {"b.heap"}};
//   std::string out = render_diff(in, style, Format::text, gates);
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/diff.h"
#include "memprof/render/report_options.h"
#include "memprof/render/top_report.h"

namespace memprof::render {

struct DiffReportInput {
  const analyze::DiffTable& table;
  std::vector<std::string> dumps;  // in series order: BASE [MID...] NEW
  uint64_t sample_period = 0;
  bool normalized = false;
  bool growth_only = false;
  double suppressed = 0;  // of the report's sample type, summed over all dumps
  size_t suppression_rules = 0;
  std::string frame_label = "function";  // what a row names: function, line, file, module, address
};

std::string render_diff(const DiffReportInput& in, const ReportStyle& style, Format format, const GateResult& gates);

}  // namespace memprof::render
