#include "memprof/render/symbols_report.h"

#include <algorithm>
#include <iterator>

#include <fmt/core.h>

namespace memprof::render {

std::string render_symbols_text(const std::string& dump_path, const symbolize::SymbolizeReport& report) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "symbols of {}: {} of {} addresses resolved, {} allocator frames trimmed\n", dump_path,
                 report.resolved, report.addresses, report.trimmed_frames);
  // Most addresses first: the modules that matter for the report come on top.
  std::vector<const symbolize::ModuleReport*> modules;
  for (const auto& m : report.modules) modules.push_back(&m);
  std::ranges::stable_sort(modules, [](auto* a, auto* b) { return a->addresses > b->addresses; });
  fmt::format_to(it, "  {:>15}  {:<16}  {:<12}  {}\n", "resolved", "source", "build id", "module -> file used");
  for (const auto* m : modules) {
    std::string resolved = fmt::format("{}/{}", m->resolved, m->addresses);
    std::string used = m->used_path.empty() ? "not found" : m->used_path == m->dump_path ? "(same)" : m->used_path;
    std::string source = m->symbol_source;
    std::string debug_note;
    if (size_t at = source.find(" (debug file "); at != std::string::npos) {
      debug_note = source.substr(at + 2, source.size() - at - 3);
      source.resize(at);
    }
    std::string id = m->build_id.empty() ? "-" : m->build_id.substr(0, 12);
    fmt::format_to(it, "  {:>15}  {:<16}  {:<12}  {} -> {}\n", resolved, source, id, m->dump_path, used);
    if (!debug_note.empty()) fmt::format_to(it, "  {:>15}  {}\n", "", debug_note);
    for (const std::string& problem : m->problems) fmt::format_to(it, "  {:>15}  problem: {}\n", "", problem);
  }
  // What trimming took off the top of stacks, so no frame disappears without a trace.
  if (!report.trimmed.empty()) {
    fmt::format_to(it, "trimmed from the top of stacks (--keep-allocator-frames keeps them):\n");
    fmt::format_to(it, "  {:>15}  {:<28}  {}\n", "frames", "kind", "function");
    for (const symbolize::TrimmedFunction& t : report.trimmed)
      fmt::format_to(it, "  {:>15}  {:<28}  {}\n", t.frames, t.family, t.name);
  }
  return out;
}

void write_symbols_json(JsonWriter& json, const symbolize::SymbolizeReport& report) {
  json.begin_object();
  json.key("addresses").value(static_cast<uint64_t>(report.addresses));
  json.key("resolved").value(static_cast<uint64_t>(report.resolved));
  json.key("trimmed_frames").value(static_cast<uint64_t>(report.trimmed_frames));
  json.key("trimmed").begin_array();
  for (const symbolize::TrimmedFunction& t : report.trimmed) {
    json.begin_object();
    json.key("function").value(t.name);
    json.key("kind").value(t.family);
    json.key("frames").value(static_cast<uint64_t>(t.frames));
    json.end_object();
  }
  json.end_array();
  json.key("modules").begin_array();
  for (const symbolize::ModuleReport& m : report.modules) {
    json.begin_object();
    json.key("path").value(m.dump_path);
    json.key("used_path");
    if (m.used_path.empty()) json.null();
    else json.value(m.used_path);
    json.key("build_id").value(m.build_id);
    json.key("symbol_source").value(m.symbol_source);
    json.key("addresses").value(static_cast<uint64_t>(m.addresses));
    json.key("resolved").value(static_cast<uint64_t>(m.resolved));
    json.key("problems").begin_array();
    for (const std::string& problem : m.problems) json.value(problem);
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

}  // namespace memprof::render
