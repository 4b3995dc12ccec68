// The series statistics against values computed by hand (the arithmetic is in the comments).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "memprof/series/statistics.h"

using namespace memprof::series;

TEST_CASE("Theil-Sen slope is the median of the pairwise slopes") {
  // Pairs of t = 0..3, y = 10,12,13,15: 2, 1.5, 5/3, 1, 1.5, 2 -> median (1.5 + 5/3) / 2.
  std::vector<double> t = {0, 1, 2, 3}, y = {10, 12, 13, 15};
  CHECK(theil_sen_slope(t, y) == doctest::Approx(1.5833333333));
  // One wild point does not move it: slopes 1 (x6), 24.75, 32.67, 48.5, 96 -> median 1.
  std::vector<double> t5 = {0, 1, 2, 3, 4}, y5 = {1, 2, 3, 4, 100};
  CHECK(theil_sen_slope(t5, y5) == doctest::Approx(1.0));
  // Uneven times: (0,0) (1,2) (3,6) (4,4): slopes 2, 2, 1, 2, 2/3, -2 -> median (1 + 2) / 2.
  std::vector<double> tu = {0, 1, 3, 4}, yu = {0, 2, 6, 4};
  CHECK(theil_sen_slope(tu, yu) == doctest::Approx(1.5));
  // Pairs with equal times are skipped; a single point has no slope.
  std::vector<double> tt = {0, 0, 1}, yt = {0, 5, 1};
  CHECK(theil_sen_slope(tt, yt) == doctest::Approx((1.0 - 4.0) / 2));
  std::vector<double> one = {3};
  CHECK(theil_sen_slope(one, one) == 0);
}

TEST_CASE("Theil-Sen on a long series samples pairs and stays close") {
  std::vector<double> t, y;
  for (int i = 0; i < 1000; ++i) {
    t.push_back(i);
    y.push_back(3.0 * i + ((i * 7919) % 13) - 6);  // slope 3 plus bounded wobble
  }
  double s = theil_sen_slope(t, y);
  CHECK(s == doctest::Approx(3.0).epsilon(0.01));
  CHECK(theil_sen_slope(t, y) == s);  // deterministic
}

TEST_CASE("Mann-Kendall without ties") {
  // n = 7 increasing: S = 21, Var = 7*6*19/18 = 44.33, Z = 20/sqrt(44.33) = 3.0038, p = 0.001333.
  std::vector<double> y = {1, 2, 3, 4, 5, 6, 7};
  MannKendall mk = mann_kendall(y);
  CHECK(mk.s == 21);
  CHECK(mk.variance == doctest::Approx(44.3333333));
  CHECK(mk.z == doctest::Approx(3.0037570459));
  CHECK(mk.p_up == doctest::Approx(0.0013333409).epsilon(1e-6));
  CHECK(mk.p_down > 0.99);
  // Reversed: S = -21, the same p for a downward trend.
  std::vector<double> down = {7, 6, 5, 4, 3, 2, 1};
  MannKendall d = mann_kendall(down);
  CHECK(d.s == -21);
  CHECK(d.p_down == doctest::Approx(0.0013333409).epsilon(1e-6));
  // 10, 12, 13, 15: S = 6, Var = 4*3*13/18 = 8.667, Z = 5/2.944 = 1.698, p = 0.0447.
  std::vector<double> four = {10, 12, 13, 15};
  CHECK(mann_kendall(four).s == 6);
  CHECK(mann_kendall(four).p_up == doctest::Approx(0.0447147).epsilon(1e-5));
}

TEST_CASE("Mann-Kendall with the tie correction") {
  // 1,2,2,3: S = 5 (one tied pair), Var = (4*3*13 - 2*1*9)/18 = 7.667, Z = 4/2.769 = 1.4446,
  // p = 0.07428.
  std::vector<double> y = {1, 2, 2, 3};
  MannKendall mk = mann_kendall(y);
  CHECK(mk.s == 5);
  CHECK(mk.variance == doctest::Approx(7.6666667));
  CHECK(mk.p_up == doctest::Approx(0.0742808874).epsilon(1e-6));
  // 3,1,2,2,4,4,4: S = 11; ties of 2 and of 3: Var = (7*6*19 - 2*1*9 - 3*2*11)/18 = 39.667,
  // Z = 10/6.298 = 1.5878, p = 0.05617.
  std::vector<double> z = {3, 1, 2, 2, 4, 4, 4};
  MannKendall t = mann_kendall(z);
  CHECK(t.s == 11);
  CHECK(t.variance == doctest::Approx(39.6666667));
  CHECK(t.p_up == doctest::Approx(0.0561693629).epsilon(1e-6));
  // All equal: no variance, no evidence.
  std::vector<double> flat = {5, 5, 5, 5};
  CHECK(mann_kendall(flat).s == 0);
  CHECK(mann_kendall(flat).p_up == 1);
}

TEST_CASE("median, MAD and robust z-scores") {
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 3, 2}) == 2.5);
  std::vector<double> v = {1, 2, 3, 4, 100};
  CHECK(median_absolute_deviation(v) == 1);  // deviations 2,1,0,1,97
  // Equal steps and one jump: MAD 0, so the floor sets the scale: (10 - 1) / 1 = 9.
  std::vector<double> d = {1, 1, 1, 1, 10};
  std::vector<double> z = robust_z_scores(d, 1.0);
  CHECK(z[0] == 0);
  CHECK(z[4] == doctest::Approx(9));
  // 1,2,3,4,100: median 3, MAD 1, scale 1.4826: (100 - 3) / 1.4826 = 65.43.
  CHECK(robust_z_scores(v, 0)[4] == doctest::Approx(65.4256));
}
