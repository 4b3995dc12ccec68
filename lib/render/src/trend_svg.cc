// The trend chart: the largest sites (by their peak) as stacked areas with the rest as "other",
// the total as a line on top, leak suspects marked in the legend, anomalous steps as vertical
// markers. Hovering a band or a point shows its values (SVG <title>); clicking a legend entry
// hides or shows its band. Self-contained: no external scripts or fonts.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "memprof/render/trend_report.h"
#include "memprof/render/units.h"
#include "xml_text.h"

namespace memprof::render {

namespace {

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
                                    "#edc948", "#ff9da7", "#9c755f", "#e15759", "#bab0ac"};

constexpr const char* kScript = R"(<script><![CDATA[
document.querySelectorAll('.legend').forEach(function (g) {
  g.addEventListener('click', function () {
    var band = document.getElementById(g.getAttribute('data-band'));
    var hidden = band.getAttribute('visibility') === 'hidden';
    band.setAttribute('visibility', hidden ? 'visible' : 'hidden');
    g.setAttribute('opacity', hidden ? '1' : '0.4');
  });
});
]]></script>
)";

}  // namespace

std::string render_trend_svg(const series::Series& s, const series::TrendReport& r, const TrendSvgOptions& o) {
  size_t n = s.dumps.size();
  double left = 90, right = 300, top = 40, bottom = 50;
  double w = static_cast<double>(o.width), h = static_cast<double>(o.height);
  double pw = w - left - right, ph = h - top - bottom;

  // Bands: the top sites by peak value, then "other" (the total minus them).
  std::vector<const series::SiteSeries*> order;
  for (const auto& site : s.sites) order.push_back(&site);
  auto peak = [](const series::SiteSeries* x) { return *std::ranges::max_element(x->values); };
  std::ranges::sort(order,
                    [&](auto* a, auto* b) { return peak(a) != peak(b) ? peak(a) > peak(b) : a->name < b->name; });
  if (order.size() > o.top_sites) order.resize(o.top_sites);
  std::vector<std::vector<double>> bands;
  std::vector<std::string> names;
  std::vector<double> rest = s.totals;
  for (auto* site : order) {
    std::vector<double> v(n);
    for (size_t i = 0; i < n; ++i) {
      v[i] = std::max(0.0, site->values[i]);
      rest[i] -= site->values[i];
    }
    bands.push_back(std::move(v));
    names.push_back(site->name);
  }
  for (double& x : rest) x = std::max(0.0, x);
  bands.push_back(rest);
  names.push_back("other");

  double ymax = 1;
  for (size_t i = 0; i < n; ++i) {
    double stacked = 0;
    for (const auto& b : bands) stacked += b[i];
    ymax = std::max({ymax, stacked, s.totals[i]});
  }
  auto X = [&](size_t i) { return left + (n > 1 ? pw * static_cast<double>(i) / static_cast<double>(n - 1) : pw / 2); };
  auto Y = [&](double v) { return top + ph - ph * v / ymax; };

  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      o.width, o.height);
  out += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"15\">memprof trend: {} over {} dumps</text>\n", left,
                     xml(sample_type_name(s.type)), n);
  // Axes and grid.
  for (int k = 0; k <= 4; ++k) {
    double v = ymax * k / 4, y = Y(v);
    out += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left,
                       left + pw, y, y);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, y + 4,
                       xml(format_value(v, s.type, false)));
  }
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">dump (step 0 to {})</text>\n",
                     left + pw / 2, h - 15, n ? n - 1 : 0);
  // Stacked areas, bottom up.
  std::vector<double> base(n, 0);
  for (size_t b = 0; b < bands.size(); ++b) {
    std::string points;
    for (size_t i = 0; i < n; ++i) points += fmt::format("{:.1f},{:.1f} ", X(i), Y(base[i] + bands[b][i]));
    for (size_t i = n; i-- > 0;) points += fmt::format("{:.1f},{:.1f} ", X(i), Y(base[i]));
    const char* color = b + 1 == bands.size() ? "#cccccc" : kPalette[b % std::size(kPalette)];
    out += fmt::format("<polygon id=\"band{}\" class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.85\">", b,
                       points, color);
    out += fmt::format("<title>{}: {} -> {}</title></polygon>\n", xml(names[b]),
                       xml(format_value(bands[b].front(), s.type, false)),
                       xml(format_value(bands[b].back(), s.type, false)));
    for (size_t i = 0; i < n; ++i) base[i] += bands[b][i];
  }
  // The total line with a hover point per dump.
  std::string line;
  for (size_t i = 0; i < n; ++i) line += fmt::format("{:.1f},{:.1f} ", X(i), Y(s.totals[i]));
  out +=
      fmt::format("<polyline id=\"total\" points=\"{}\" fill=\"none\" stroke=\"black\" stroke-width=\"2\"/>\n", line);
  for (size_t i = 0; i < n; ++i)
    out += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"black\" fill-opacity=\"0.01\"><title>step {} "
        "({}): total {}</title></circle>\n",
        X(i), Y(s.totals[i]), i, xml(s.dumps[i].path), xml(format_value(s.totals[i], s.type, false)));
  // Anomalies.
  for (const auto& a : r.anomalies) {
    double x = X(a.step);
    // A site's anomaly names the site and its change; the total's gives the total's.
    std::string what = a.scope == "site" && !a.sites.empty()
                           ? fmt::format("in {} {}", a.sites.front().name,
                                         format_value(std::fabs(a.sites.front().delta), s.type, false))
                           : format_value(a.delta, s.type, false);
    out += fmt::format(
        "<g class=\"anomaly\"><line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#d62728\" stroke-dasharray=\"4 3\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" "
        "text-anchor=\"middle\" fill=\"#d62728\">{4}</text><title>step {5}: {4} {6}</title></g>\n",
        x, top, top + ph, top - 4, a.kind, a.step, xml(what));
  }
  // Legend: click to hide a band; leak suspects say so.
  double ly = top + 10;
  for (size_t b = bands.size(); b-- > 0;) {
    bool leak =
        std::ranges::any_of(r.rows, [&](const series::TrendRow& row) { return row.leak && row.name == names[b]; });
    const char* color = b + 1 == bands.size() ? "#cccccc" : kPalette[b % std::size(kPalette)];
    std::string label = names[b].size() > 38 ? names[b].substr(0, 37) + "..." : names[b];
    out += fmt::format(
        "<g class=\"legend\" data-band=\"band{}\" style=\"cursor:pointer\"><rect x=\"{:.1f}\" "
        "y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\"{}>{}{}"
        "</text><title>{}</title></g>\n",
        b, left + pw + 16, ly, color, left + pw + 34, ly + 10, leak ? " font-weight=\"bold\" fill=\"#d62728\"" : "",
        leak ? "LEAK " : "", xml(label), xml(names[b]));
    ly += 20;
  }
  out += kScript;
  out += "</svg>\n";
  return out;
}

}  // namespace memprof::render
