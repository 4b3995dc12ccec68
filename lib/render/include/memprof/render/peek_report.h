// Renders `memprof top --peek RE`: each matching function between its callers (above) and its
// callees (below), with values and shares of the function's cumulative value.
//
//   std::string out = render_peek(entries, "Allocate", total, context, style, Format::text);
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/peek.h"
#include "memprof/render/report_options.h"

namespace memprof::render {

std::string render_peek(const std::vector<analyze::PeekEntry>& entries, const std::string& pattern, double total,
                        double total_objects, const ReportContext& context, const ReportStyle& style, Format format);

}  // namespace memprof::render
