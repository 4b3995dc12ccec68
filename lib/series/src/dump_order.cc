#include "memprof/series/dump_order.h"

#include <sys/stat.h>

#include <ctime>
#include <fstream>

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "memprof/heapparse/dump_name.h"
#include "memprof/heapparse/dump_order.h"

namespace memprof::series {

std::string_view time_source_name(TimeSource source) {
  switch (source) {
    case TimeSource::manifest: return "manifest";
    case TimeSource::mtime: return "mtime";
    case TimeSource::sequence: return "sequence";
  }
  return "sequence";
}

std::vector<SeriesDump> order_dumps(const std::vector<std::string>& paths, bool keep_order, bool* reordered) {
  heapparse::SeriesOrder order = keep_order ? heapparse::SeriesOrder{paths} : heapparse::order_series(paths);
  if (reordered) *reordered = order.reordered;
  std::vector<SeriesDump> dumps;
  for (std::string& path : order.paths) {
    SeriesDump d{.path = std::move(path)};
    if (auto name = heapparse::parse_dump_name(d.path)) {
      d.pid = name->pid;
      d.seq = name->seq;
    }
    struct stat st {};
    if (d.path != "-" && ::stat(d.path.c_str(), &st) == 0)
      d.mtime = static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9;
    dumps.push_back(std::move(d));
  }
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

// The value of `"key": "value"` in one line of JSON written by `memprof record` (plain file names
// and times, no escapes); nullopt when the line has no such field.
std::optional<std::string> string_field(std::string_view line, std::string_view key) {
  std::string quoted = fmt::format("\"{}\"", key);
  size_t at = line.find(quoted);
  if (at == std::string_view::npos) return std::nullopt;
  at = line.find_first_not_of(" \t", at + quoted.size());
  if (at == std::string_view::npos || line[at] != ':') return std::nullopt;
  at = line.find_first_not_of(" \t", at + 1);
  if (at == std::string_view::npos || line[at] != '"') return std::nullopt;
  size_t end = line.find('"', at + 1);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(line.substr(at + 1, end - at - 1));
}

// Times from the manifest.jsonl `memprof record` writes next to its dumps (one JSON object a
// line with "file" and "time"), when it names every dump.
bool times_from_manifest(std::vector<SeriesDump>& dumps) {
  std::map<std::string, std::map<std::string, double>> by_dir;  // dir -> file -> time
  std::vector<double> times;
  for (const SeriesDump& d : dumps) {
    std::string dir = directory_of(d.path);
    auto [it, inserted] = by_dir.try_emplace(dir);
    if (inserted) {
      std::ifstream in(dir + "/manifest.jsonl");
      std::string line;
      while (std::getline(in, line)) {
        auto file = string_field(line, "file"), time = string_field(line, "time");
        if (!file || !time) continue;
        if (auto when = parse_utc(*time)) it->second[file_of(*file)] = *when;
      }
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
