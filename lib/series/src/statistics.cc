#include "memprof/series/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace memprof::series {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  double upper = v[mid];
  if (v.size() % 2) return upper;
  double lower = *std::max_element(v.begin(), v.begin() + static_cast<long>(mid));
  return (lower + upper) / 2;
}

double median_absolute_deviation(std::span<const double> values) {
  double m = median({values.begin(), values.end()});
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double x : values) dev.push_back(std::fabs(x - m));
  return median(std::move(dev));
}

double theil_sen_slope(std::span<const double> t, std::span<const double> y, size_t max_pairs) {
  size_t n = std::min(t.size(), y.size());
  std::vector<double> slopes;
  auto add = [&](size_t i, size_t j) {
    if (t[j] != t[i]) slopes.push_back((y[j] - y[i]) / (t[j] - t[i]));
  };
  if (n < 2) return 0;
  if (n * (n - 1) / 2 <= max_pairs) {
    slopes.reserve(n * (n - 1) / 2);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) add(i, j);
  } else {
    // A fixed-seed generator (splitmix64): the same input always gives the same slope.
    uint64_t state = 0x9e3779b97f4a7c15ULL ^ n;
    auto next = [&] {
      uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      return z ^ (z >> 31);
    };
    slopes.reserve(max_pairs);
    while (slopes.size() < max_pairs) {
      size_t i = next() % n, j = next() % n;
      if (i == j) continue;
      add(std::min(i, j), std::max(i, j));
    }
  }
  return median(std::move(slopes));
}

double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

MannKendall mann_kendall(std::span<const double> y) {
  MannKendall r;
  size_t n = y.size();
  if (n < 2) return r;
  // Ranks of the distinct values; ties share a rank.
  std::vector<double> sorted(y.begin(), y.end());
  std::ranges::sort(sorted);
  std::vector<size_t> rank(n);
  for (size_t i = 0; i < n; ++i)
    rank[i] = static_cast<size_t>(std::ranges::lower_bound(sorted, y[i]) - sorted.begin()) + 1;
  // Fenwick tree of how many earlier values have each rank: later greater minus later smaller.
  std::vector<int64_t> tree(n + 1, 0);
  auto prefix = [&](size_t k) {
    int64_t sum = 0;
    for (; k > 0; k -= k & -k) sum += tree[k];
    return sum;
  };
  int64_t s = 0;
  for (size_t j = 0; j < n; ++j) {
    int64_t smaller = prefix(rank[j] - 1);                       // earlier values below y[j]
    int64_t larger = static_cast<int64_t>(j) - prefix(rank[j]);  // earlier values above y[j]
    s += smaller - larger;
    for (size_t k = rank[j]; k <= n; k += k & -k) ++tree[k];
  }
  double dn = static_cast<double>(n);
  double var = dn * (dn - 1) * (2 * dn + 5);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && sorted[j] == sorted[i]) ++j;
    double g = static_cast<double>(j - i);
    var -= g * (g - 1) * (2 * g + 5);
    i = j;
  }
  var /= 18;
  r.s = static_cast<double>(s);
  r.variance = var;
  if (var > 0) r.z = s > 0 ? (r.s - 1) / std::sqrt(var) : s < 0 ? (r.s + 1) / std::sqrt(var) : 0;
  r.p_up = normal_upper_tail(r.z);
  r.p_down = normal_upper_tail(-r.z);
  if (var <= 0) r.p_up = r.p_down = 1;  // all values equal: no evidence either way
  return r;
}

std::vector<double> robust_z_scores(std::span<const double> d, double floor) {
  double m = median({d.begin(), d.end()});
  double scale = std::max(1.4826 * median_absolute_deviation(d), floor);
  std::vector<double> z;
  z.reserve(d.size());
  for (double x : d) z.push_back(scale > 0 ? (x - m) / scale : 0);
  return z;
}

}  // namespace memprof::series
