#include "memprof/analyze/diff.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "memprof/analyze/top.h"

namespace memprof::analyze {

namespace {

// Values below half a unit round to zero in every report: not a change.
bool is_change(double delta) { return std::fabs(delta) >= 0.5; }

}  // namespace

DiffTable compute_diff(const std::vector<const FrameProfile*>& series, SampleType type, const DiffOptions& options) {
  if (series.size() < 2) throw std::invalid_argument("compute_diff needs at least two profiles");
  size_t n = series.size();
  std::vector<TopTable> tops;
  for (const FrameProfile* p : series) tops.push_back(compute_top(*p, type));
  std::vector<double> totals;
  for (const TopTable& t : tops) totals.push_back(t.total);
  // name -> values per dump; std::map keeps the join deterministic before sorting.
  std::map<std::string, std::vector<double>> by_name;
  for (size_t i = 0; i < n; ++i) {
    for (const TopRow& r : tops[i].rows) {
      if (r.flat == 0 && !by_name.contains(r.name)) continue;  // only a caller: not a site here
      by_name.try_emplace(r.name, std::vector<double>(n, 0.0)).first->second[i] = r.flat;
    }
  }
  std::vector<SiteValues> sites;
  for (auto& [name, values] : by_name) sites.push_back({name, std::move(values)});
  return diff_from_sites(std::move(sites), std::move(totals), type, options);
}

DiffTable diff_from_sites(std::vector<SiteValues> sites, std::vector<double> totals, SampleType type,
                          const DiffOptions& options) {
  size_t n = totals.size();
  if (n < 2) throw std::invalid_argument("a diff needs at least two profiles");
  DiffTable table;
  table.sample_type = type;
  std::vector<double> scale(n, 1.0);
  if (options.normalize) {
    double latest = totals.back();
    for (size_t i = 0; i + 1 < n; ++i)
      if (totals[i] != 0) scale[i] = latest / totals[i];
  }
  for (size_t i = 0; i < n; ++i) table.totals.push_back(totals[i] * scale[i]);
  table.base_total = table.totals.front();
  table.new_total = table.totals.back();
  table.delta = table.new_total - table.base_total;

  for (auto& [name, values] : sites) {
    bool in_base = values.front() != 0;
    for (size_t i = 0; i < n; ++i) values[i] *= scale[i];
    bool changed = false, grew_every_step = n >= 3;
    for (size_t i = 1; i < n; ++i) {
      double step = values[i] - values[i - 1];
      changed = changed || is_change(step);
      grew_every_step = grew_every_step && step >= 0.5;
    }
    if (!changed) continue;
    DiffRow row{.name = name, .values = values, .before = values.front(), .after = values.back()};
    row.delta = row.after - row.before;
    row.is_new = !in_base && row.after != 0;
    row.grew_every_step = grew_every_step;
    if (!in_base && row.after == 0) table.transient.push_back(std::move(row));
    else table.rows.push_back(std::move(row));
  }
  auto peak = [](const DiffRow& r) { return std::ranges::max(r.values); };
  std::ranges::sort(table.transient, [&](const DiffRow& a, const DiffRow& b) {
    return peak(a) != peak(b) ? peak(a) > peak(b) : a.name < b.name;
  });
  auto rank = [](const DiffRow& r) { return r.grew_every_step ? 0 : r.delta > 0 ? 1 : 2; };
  std::ranges::sort(table.rows, [&](const DiffRow& a, const DiffRow& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (a.delta != b.delta) return rank(a) == 2 ? a.delta < b.delta : a.delta > b.delta;
    return a.name < b.name;
  });
  return table;
}

}  // namespace memprof::analyze
