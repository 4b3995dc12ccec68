// Robust statistics for short time series of heap sizes: the Theil–Sen slope, the Mann–Kendall
// trend test (with the tie correction), and robust z-scores of step changes. Textbook forms; the
// unit tests check them against values computed by hand.
//
//   std::vector<double> t = {0, 1, 2, 3}, y = {10, 12, 13, 15};
//   double slope = theil_sen_slope(t, y);                  // 1.583 (median of the 6 pair slopes)
//   MannKendall mk = mann_kendall(y);                       // S = 6, p_up ~ 0.021
//   std::vector<double> z = robust_z_scores(steps, floor);  // (d - median) / (1.4826 MAD)
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace memprof::series {

// Median of (y[j] - y[i]) / (t[j] - t[i]) over pairs i < j with t[j] != t[i]; 0 with no pair.
// Exact up to `max_pairs` pairs; longer series use that many pairs drawn deterministically at
// random (the median of a large sample of the slopes, within a fraction of a percent of it).
double theil_sen_slope(std::span<const double> t, std::span<const double> y, size_t max_pairs = 20000);

struct MannKendall {
  double s = 0;         // sum over i < j of sign(y[j] - y[i])
  double variance = 0;  // of S under no trend, corrected for ties
  double z = 0;         // with continuity correction
  double p_up = 1;      // one-sided p-value of an upward trend
  double p_down = 1;    // one-sided p-value of a downward trend
};
// Values are taken in series order (time order). O(n log n): S from a Fenwick tree over ranks.
MannKendall mann_kendall(std::span<const double> y);

// Upper tail of the standard normal distribution, P(Z > z).
double normal_upper_tail(double z);

double median(std::vector<double> values);
// Median absolute deviation from the median (unscaled).
double median_absolute_deviation(std::span<const double> values);

// (d - median(d)) / max(1.4826 * MAD(d), floor): how unusual each value is among its peers.
// `floor` keeps a series of many equal steps (MAD 0) from calling every small change infinite.
std::vector<double> robust_z_scores(std::span<const double> d, double floor);

}  // namespace memprof::series
