// Renders `memprof top --tree`: the call tree from the roots (callers above callees), each line
// with its cumulative and self values, children below --min-percent of the total folded into
// one "N more" line per parent.
//
//   std::string out = render_tree(tree, context, style, 0.5, Format::text);
#pragma once

#include <string>

#include "memprof/analyze/flame_tree.h"
#include "memprof/render/report_options.h"

namespace memprof::render {

std::string render_tree(const analyze::FlameTree& tree, const ReportContext& context, const ReportStyle& style,
                        double min_percent, Format format);

}  // namespace memprof::render
