#include "memprof/series/dump_order.h"

#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <regex>

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

namespace {

// "2026-12-02T10:50:33.123Z" -> seconds since the epoch; nullopt when it is not that form.
std::optional<double> parse_utc(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) < 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm)) + ms / 1000.0;
}

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string file_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Times from the manifest.jsonl `memprof record` writes next to its dumps (one JSON object a
// line with "file" and "time"), when it names every dump.
bool times_from_manifest(std::vector<SeriesDump>& dumps) {
  std::map<std::string, std::map<std::string, double>> by_dir;  // dir -> file -> time
  static const std::regex kFile(R"re("file"\s*:\s*"([^"]*)")re"), kTime(R"re("time"\s*:\s*"([^"]*)")re");
  std::vector<double> times;
  for (const SeriesDump& d : dumps) {
    std::string dir = directory_of(d.path);
    auto [it, inserted] = by_dir.try_emplace(dir);
    if (inserted) {
      std::ifstream in(dir + "/manifest.jsonl");
      std::string line;
      std::smatch f, t;
      while (std::getline(in, line))
        if (std::regex_search(line, f, kFile) && std::regex_search(line, t, kTime))
          if (auto when = parse_utc(t[1].str())) it->second[file_of(f[1].str())] = *when;
    }
    auto found = it->second.find(file_of(d.path));
    if (found == it->second.end()) return false;
    times.push_back(found->second);
  }
  for (size_t i = 0; i < dumps.size(); ++i) dumps[i].time = times[i];
  return !dumps.empty();
}

}  // namespace

TimeSource assign_times(std::vector<SeriesDump>& dumps) {
  if (times_from_manifest(dumps)) return TimeSource::manifest;
  // Less than a second in all is the time it took to write the files, not the process's time.
  bool usable = dumps.size() >= 2 && dumps.front().mtime > 0 && dumps.back().mtime >= dumps.front().mtime + 1;
  for (size_t i = 1; usable && i < dumps.size(); ++i)
    usable = dumps[i].mtime >= dumps[i - 1].mtime && dumps[i].mtime > 0;
  for (size_t i = 0; i < dumps.size(); ++i) dumps[i].time = usable ? dumps[i].mtime : static_cast<double>(i);
  return usable ? TimeSource::mtime : TimeSource::sequence;
}

}  // namespace memprof::series
