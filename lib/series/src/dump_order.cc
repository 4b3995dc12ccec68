#include "memprof/series/dump_order.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "memprof/heapparse/dump_name.h"

namespace memprof::series {

std::string_view time_source_name(TimeSource source) {
  switch (source) {
    case TimeSource::manifest: return "manifest";
    case TimeSource::mtime: return "mtime";
    case TimeSource::sequence: return "sequence";
  }
  return "sequence";
}

std::vector<SeriesDump> order_dumps(const std::vector<std::string>& paths, bool keep_order) {
  std::vector<SeriesDump> dumps;
  for (const std::string& path : paths) {
    SeriesDump d{.path = path};
    if (auto name = heapparse::parse_dump_name(path)) {
      d.pid = name->pid;
      d.seq = name->seq;
    }
    struct stat st {};
    if (path != "-" && ::stat(path.c_str(), &st) == 0)
      d.mtime = static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9;
    dumps.push_back(std::move(d));
  }
  if (keep_order) return dumps;
  bool all_named = std::ranges::all_of(dumps, [](const SeriesDump& d) { return d.pid && d.seq; });
  if (!all_named) {
    std::ranges::stable_sort(dumps, {}, &SeriesDump::mtime);
    return dumps;
  }
  std::map<uint64_t, double> first_mtime;  // per pid
  for (const SeriesDump& d : dumps) {
    auto [it, inserted] = first_mtime.try_emplace(*d.pid, d.mtime);
    if (!inserted) it->second = std::min(it->second, d.mtime);
  }
  std::ranges::stable_sort(dumps, [&](const SeriesDump& a, const SeriesDump& b) {
    return std::tuple(first_mtime[*a.pid], *a.pid, *a.seq) < std::tuple(first_mtime[*b.pid], *b.pid, *b.seq);
  });
  return dumps;
}

TimeSource assign_times(std::vector<SeriesDump>& dumps) {
  // Less than a second in all is the time it took to write the files, not the process's time.
  bool usable = dumps.size() >= 2 && dumps.front().mtime > 0 && dumps.back().mtime >= dumps.front().mtime + 1;
  for (size_t i = 1; usable && i < dumps.size(); ++i) usable = dumps[i].mtime >= dumps[i - 1].mtime && dumps[i].mtime > 0;
  for (size_t i = 0; i < dumps.size(); ++i) dumps[i].time = usable ? dumps[i].mtime : static_cast<double>(i);
  return usable ? TimeSource::mtime : TimeSource::sequence;
}

}  // namespace memprof::series
