// The time order of a series of dumps. jemalloc names its dumps <prefix>.<pid>.<seq>.<kind><N>.heap
// and <seq> counts every dump of the process, so the names carry the order; the shell's `*.heap`
// sorts `.10.` before `.2.`. diff, trend and anything else that reads a series orders it here.
//
//   SeriesOrder o = order_series({"jeprof.7.10.i10.heap", "jeprof.7.2.i2.heap"});
//   o.paths      // {"jeprof.7.2.i2.heap", "jeprof.7.10.i10.heap"}; o.reordered == true
//   std::vector<std::string> last_two = newest_series(".", 2);  // for `memprof diff` typed alone
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace memprof::heapparse {

struct SeriesOrder {
  std::vector<std::string> paths;
  bool reordered = false;  // paths differ from the order given
};

// Sorts by (pid, seq) when every path has both in its name, several processes by their first
// file's modification time; otherwise keeps the given order (files renamed by hand, '-' for
// stdin: only the user knows their order). diff, trend and the series engine all order here.
SeriesOrder order_series(std::vector<std::string> paths);

// "a.heap, b.heap, c.heap", or "159 dumps (first.heap … last.heap)" past `max_listed` names.
std::string describe_series(const std::vector<std::string>& paths, size_t max_listed = 4);

// With no dump named: the newest `count` dumps (*.heap, *.heap.gz) in `dir`, oldest first. Among
// jemalloc-named dumps, of the newest process that has at least `count` of them (by pid and seq,
// then modification time); otherwise by modification time. Throws InputError when there are
// fewer than `count`.
std::vector<std::string> newest_series(const std::string& dir, size_t count);

}  // namespace memprof::heapparse
