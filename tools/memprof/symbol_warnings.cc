#include "symbol_warnings.h"

#include <fmt/format.h>

#include "memprof/heapparse/dump_order.h"

namespace memprof::cli {

namespace {

constexpr double kMaterialShare = 0.01;

ModuleShares leaf_module_shares(const Profile& p) {
  ModuleShares shares;
  for (const Sample& s : p.samples) {
    double value = s.values[SampleType::inuse_space];
    shares.total += value;
    auto frames = p.stacks.frames(s.stack);
    if (frames.empty()) continue;
    const Location& leaf = p.locations[frames[0].value()];
    if (leaf.mapping.valid()) shares.bytes[std::string(p.str(p.mappings[leaf.mapping.value()].path))] += value;
  }
  return shares;
}

}  // namespace

void warn_missing_maps(std::string_view dump_path, Diagnostics& diag) {
  diag.warn(fmt::format(
      "{}: no MAPPED_LIBRARIES section (the dump was cut short?): addresses cannot be resolved to names", dump_path));
}

void warn_missing_maps(const std::vector<std::string>& dump_paths, Diagnostics& diag) {
  if (dump_paths.size() == 1) return warn_missing_maps(dump_paths.front(), diag);
  if (dump_paths.empty()) return;
  diag.warn(
      fmt::format("{} dumps have no MAPPED_LIBRARIES section (cut short?): {}; their addresses cannot be "
                  "resolved to names",
                  dump_paths.size(), heapparse::describe_series(dump_paths)));
}

void warn_unresolved_modules(const symbolize::SymbolizeReport& report, const ModuleShares& shares, Diagnostics& diag) {
  if (shares.total <= 0) return;
  for (const symbolize::ModuleReport& m : report.modules) {
    if (m.addresses == 0 || m.resolved > 0 || m.used_path.empty()) continue;  // "not found" is warned elsewhere
    auto it = shares.bytes.find(m.dump_path);
    double share = it == shares.bytes.end() ? 0 : it->second / shares.total;
    if (share < kMaterialShare) continue;
    diag.warn(
        fmt::format("{}: no symbols resolved, and {:.1f}% of the {} bytes are allocated in it (build id {}); "
                    "install its debug symbols (the distribution's -dbgsym or -dbg package), point --debug-dir "
                    "at a directory with .build-id/xx/yyyy.debug files, or provide the file its .gnu_debuglink "
                    "names",
                    m.dump_path, 100 * share, shares.kind, m.build_id.empty() ? std::string("unknown") : m.build_id));
  }
}

void warn_unresolved_modules(const Profile& p, const symbolize::SymbolizeReport& report, Diagnostics& diag) {
  if (p.embedded_symbols || p.samples.empty()) return;
  if (!p.has_maps_section) return warn_missing_maps(p.path, diag);
  warn_unresolved_modules(report, leaf_module_shares(p), diag);
}

}  // namespace memprof::cli
