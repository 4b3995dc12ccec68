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

// The stacked bands, bottom up: the largest sites by peak value, then "other" (the total minus
// them), and the scale that holds both the stack and the total line.
struct Bands {
  std::vector<std::vector<double>> values;
  std::vector<std::string> names;
  double ymax = 1;
};

Bands top_site_bands(const series::Series& s, size_t top_sites) {
  size_t n = s.dumps.size();
  std::vector<const series::SiteSeries*> order;
  for (const auto& site : s.sites) order.push_back(&site);
  auto peak = [](const series::SiteSeries* x) { return *std::ranges::max_element(x->values); };
  std::ranges::sort(order,
                    [&](auto* a, auto* b) { return peak(a) != peak(b) ? peak(a) > peak(b) : a->name < b->name; });
  if (order.size() > top_sites) order.resize(top_sites);
  Bands bands;
  std::vector<double> rest = s.totals;
  for (auto* site : order) {
    std::vector<double> v(n);
    for (size_t i = 0; i < n; ++i) {
      v[i] = std::max(0.0, site->values[i]);
      rest[i] -= site->values[i];
    }
    bands.values.push_back(std::move(v));
    bands.names.push_back(site->name);
  }
  for (double& x : rest) x = std::max(0.0, x);
  bands.values.push_back(rest);
  bands.names.push_back("other");
  for (size_t i = 0; i < n; ++i) {
    double stacked = 0;
    for (const auto& b : bands.values) stacked += b[i];
    bands.ymax = std::max({bands.ymax, stacked, s.totals[i]});
  }
  return bands;
}

const char* band_color(const Bands& bands, size_t b) {
  return b + 1 == bands.values.size() ? "#cccccc" : kPalette[b % std::size(kPalette)];
}

// Plot coordinates: step i and value v to pixels.
struct Plot {
  double left = 90, right = 300, top = 40, bottom = 50;
  double w, h, pw, ph, ymax;
  size_t n;
  Plot(const TrendSvgOptions& o, size_t steps, double y_max)
      : w(static_cast<double>(o.width)), h(static_cast<double>(o.height)), ymax(y_max), n(steps) {
    pw = w - left - right;
    ph = h - top - bottom;
  }
  double x(size_t i) const {
    return left + (n > 1 ? pw * static_cast<double>(i) / static_cast<double>(n - 1) : pw / 2);
  }
  double y(double v) const { return top + ph - ph * v / ymax; }
};

void draw_axes(std::string& out, const Plot& p, SampleType type) {
  for (int k = 0; k <= 4; ++k) {
    double v = p.ymax * k / 4, y = p.y(v);
    out += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", p.left,
                       p.left + p.pw, y, y);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", p.left - 6, y + 4,
                       xml(format_value(v, type, false)));
  }
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">dump (step 0 to {})</text>\n",
                     p.left + p.pw / 2, p.h - 15, p.n ? p.n - 1 : 0);
}

void draw_bands(std::string& out, const Plot& p, const Bands& bands, SampleType type) {
  std::vector<double> base(p.n, 0);
  for (size_t b = 0; b < bands.values.size(); ++b) {
    const std::vector<double>& v = bands.values[b];
    std::string points;
    for (size_t i = 0; i < p.n; ++i) points += fmt::format("{:.1f},{:.1f} ", p.x(i), p.y(base[i] + v[i]));
    for (size_t i = p.n; i-- > 0;) points += fmt::format("{:.1f},{:.1f} ", p.x(i), p.y(base[i]));
    out += fmt::format("<polygon id=\"band{}\" class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.85\">", b,
                       points, band_color(bands, b));
    out += fmt::format("<title>{}: {} -> {}</title></polygon>\n", xml(bands.names[b]),
                       xml(format_value(v.front(), type, false)), xml(format_value(v.back(), type, false)));
    for (size_t i = 0; i < p.n; ++i) base[i] += v[i];
  }
}

// The total line with a hover point per dump.
void draw_total(std::string& out, const Plot& p, const series::Series& s) {
  std::string line;
  for (size_t i = 0; i < p.n; ++i) line += fmt::format("{:.1f},{:.1f} ", p.x(i), p.y(s.totals[i]));
  out +=
      fmt::format("<polyline id=\"total\" points=\"{}\" fill=\"none\" stroke=\"black\" stroke-width=\"2\"/>\n", line);
  for (size_t i = 0; i < p.n; ++i)
    out += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"black\" fill-opacity=\"0.01\"><title>step {} "
        "({}): total {}</title></circle>\n",
        p.x(i), p.y(s.totals[i]), i, xml(s.dumps[i].path), xml(format_value(s.totals[i], s.type, false)));
}

void draw_anomalies(std::string& out, const Plot& p, const series::TrendReport& r, SampleType type) {
  for (const auto& a : r.anomalies) {
    // A site's anomaly names the site and its change; the total's gives the total's.
    std::string what =
        a.scope == "site" && !a.sites.empty()
            ? fmt::format("in {} {}", a.sites.front().name, format_value(std::fabs(a.sites.front().delta), type, false))
            : format_value(a.delta, type, false);
    out += fmt::format(
        "<g class=\"anomaly\"><line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#d62728\" stroke-dasharray=\"4 3\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" "
        "text-anchor=\"middle\" fill=\"#d62728\">{4}</text><title>step {5}: {4} {6}</title></g>\n",
        p.x(a.step), p.top, p.top + p.ph, p.top - 4, a.kind, a.step, xml(what));
  }
}

// Click to hide a band; leak suspects say so.
void draw_legend(std::string& out, const Plot& p, const Bands& bands, const series::TrendReport& r) {
  double ly = p.top + 10;
  for (size_t b = bands.values.size(); b-- > 0;) {
    const std::string& name = bands.names[b];
    bool leak = std::ranges::any_of(r.rows, [&](const series::TrendRow& row) { return row.leak && row.name == name; });
    std::string label = name.size() > 38 ? name.substr(0, 37) + "..." : name;
    out += fmt::format(
        "<g class=\"legend\" data-band=\"band{}\" style=\"cursor:pointer\"><rect x=\"{:.1f}\" "
        "y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\"{}>{}{}"
        "</text><title>{}</title></g>\n",
        b, p.left + p.pw + 16, ly, band_color(bands, b), p.left + p.pw + 34, ly + 10,
        leak ? " font-weight=\"bold\" fill=\"#d62728\"" : "", leak ? "LEAK " : "", xml(label), xml(name));
    ly += 20;
  }
}

}  // namespace

std::string render_trend_svg(const series::Series& s, const series::TrendReport& r, const TrendSvgOptions& o) {
  Bands bands = top_site_bands(s, o.top_sites);
  Plot plot(o, s.dumps.size(), bands.ymax);
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      o.width, o.height);
  out += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"15\">memprof trend: {} over {} dumps</text>\n", plot.left,
                     xml(sample_type_name(s.type)), s.dumps.size());
  draw_axes(out, plot, s.type);
  draw_bands(out, plot, bands, s.type);
  draw_total(out, plot, s);
  draw_anomalies(out, plot, r, s.type);
  draw_legend(out, plot, bands, r);
  out += kScript;
  out += "</svg>\n";
  return out;
}

}  // namespace memprof::render
