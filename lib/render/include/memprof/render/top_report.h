// Renders `memprof top`: the flat/cum table, as text, JSON, CSV or Markdown. Rows whose index is
// in `violations` are marked (CI gates) and, in text, listed first with `gate_messages`.
//
//   std::string out = render_top(table, context, style, Format::text, {});
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/top.h"
#include "memprof/render/gates.h"
#include "memprof/render/report_options.h"

namespace memprof::render {

std::string render_top(const analyze::TopTable& table, const ReportContext& context, const ReportStyle& style,
                       Format format, const GateResult& gates);

// The header lines shared by text reports: inputs, sample type, period, total.
std::string render_header(const ReportContext& context, double total, double total_objects);

}  // namespace memprof::render
