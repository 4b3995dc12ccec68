#include "memprof/heapparse/dump_order.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "memprof/heapparse/dump_name.h"
#include "memprof/profile/diagnostics.h"

namespace memprof::heapparse {

namespace fs = std::filesystem;

namespace {

struct Candidate {
  std::string path;
  std::optional<DumpName> name;
  fs::file_time_type mtime;
};

bool has_pid_seq(const std::optional<DumpName>& name) { return name && name->pid && name->seq; }

}  // namespace

SeriesOrder order_series(std::vector<std::string> paths) {
  std::vector<std::optional<DumpName>> names;
  for (const std::string& p : paths) names.push_back(p == "-" ? std::nullopt : parse_dump_name(p));
  if (paths.size() < 2 || !std::ranges::all_of(names, has_pid_seq)) return {std::move(paths), false};
  std::vector<size_t> index(paths.size());
  for (size_t i = 0; i < index.size(); ++i) index[i] = i;
  // Sequence numbers order one process; which process came first only the files' times tell.
  std::map<uint64_t, fs::file_time_type> first_mtime;
  for (size_t i = 0; i < paths.size(); ++i) {
    std::error_code ec;
    fs::file_time_type t = fs::last_write_time(paths[i], ec);
    if (ec) t = fs::file_time_type::min();
    auto [it, inserted] = first_mtime.try_emplace(*names[i]->pid, t);
    if (!inserted) it->second = std::min(it->second, t);
  }
  std::ranges::stable_sort(index, [&](size_t a, size_t b) {
    uint64_t pa = *names[a]->pid, pb = *names[b]->pid;
    return std::tie(first_mtime[pa], pa, *names[a]->seq) < std::tie(first_mtime[pb], pb, *names[b]->seq);
  });
  SeriesOrder order;
  for (size_t i = 0; i < index.size(); ++i) {
    order.paths.push_back(paths[index[i]]);
    order.reordered = order.reordered || index[i] != i;
  }
  return order;
}

std::string describe_series(const std::vector<std::string>& paths, size_t max_listed) {
  if (paths.size() <= std::max<size_t>(max_listed, 2)) return fmt::format("{}", fmt::join(paths, ", "));
  return fmt::format("{} dumps ({} \u2026 {})", paths.size(), paths.front(), paths.back());
}

std::vector<std::string> newest_series(const std::string& dir, size_t count) {
  std::vector<Candidate> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || !(file.ends_with(".heap") || file.ends_with(".heap.gz"))) continue;
    std::string path = dir == "." ? file : (fs::path(dir) / file).string();
    found.push_back({path, parse_dump_name(file), entry.last_write_time(ec)});
  }
  auto by_mtime = [](const Candidate& a, const Candidate& b) {
    return std::tie(a.mtime, a.path) < std::tie(b.mtime, b.path);
  };
  if (std::ranges::any_of(found, [](const Candidate& c) { return has_pid_seq(c.name); })) {
    // jemalloc's sequence numbers order the dumps of one process exactly; which process is the
    // newest only modification times can tell. A process with too few dumps is skipped: the
    // `time` wrapper of a program leaves one dump next to the program's many.
    std::erase_if(found, [](const Candidate& c) { return !has_pid_seq(c.name); });
    std::map<uint64_t, std::vector<Candidate>> by_pid;
    for (Candidate& c : found) by_pid[*c.name->pid].push_back(std::move(c));
    found.clear();
    for (auto& [pid, dumps] : by_pid) {
      if (dumps.size() < count) continue;
      if (found.empty() || std::ranges::max(dumps, by_mtime).mtime > std::ranges::max(found, by_mtime).mtime)
        found = std::move(dumps);
    }
    std::ranges::sort(found, [](const Candidate& a, const Candidate& b) {
      return std::tie(*a.name->seq, a.mtime, a.path) < std::tie(*b.name->seq, b.mtime, b.path);
    });
  } else {
    std::ranges::sort(found, by_mtime);
  }
  if (found.size() < count)
    throw InputError(fmt::format("no input given and no process with {} dump{} (*.heap, *.heap.gz) in {}", count,
                                 count == 1 ? "" : "s", dir == "." ? "the current directory" : dir));
  std::vector<std::string> chosen;
  for (size_t i = found.size() - count; i < found.size(); ++i) chosen.push_back(found[i].path);
  return chosen;
}

}  // namespace memprof::heapparse
