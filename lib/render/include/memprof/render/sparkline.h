// A series as one line of block characters, for reports with too many steps to print as numbers:
// sparkline({0, 5, 10}) -> "▁▅█". Scaled from the series' minimum to its maximum; a flat series
// is a row of the lowest block. The full values go to JSON and CSV.
#pragma once

#include <string>
#include <vector>

namespace memprof::render {

std::string sparkline(const std::vector<double>& values);

}  // namespace memprof::render
