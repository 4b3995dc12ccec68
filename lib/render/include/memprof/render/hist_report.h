// Renders `memprof hist`: live memory by allocation size as text bars, JSON, CSV, or a
// self-contained SVG bar chart over a log size axis (bytes and objects; one bytes panel per
// site with --by-site).
//
//   HistReport r{size_histogram(profile, Bucketing::size_class), {}, "dump", {}};
//   std::string text = render_hist(r, Format::text, 80);
//   std::string svg = render_hist(r, Format::svg, 0);
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/size_hist.h"
#include "memprof/render/format.h"

namespace memprof::render {

struct HistReport {
  analyze::SizeHistogram total;
  std::vector<analyze::SiteHistogram> sites;  // --by-site, largest first
  std::string kind;                           // "dump" or "stats"
  std::vector<std::string> notes;             // caveats for people (also in JSON)
};

// `width`: terminal columns for text (0: no limit).
std::string render_hist(const HistReport& report, Format format, size_t width);

}  // namespace memprof::render
