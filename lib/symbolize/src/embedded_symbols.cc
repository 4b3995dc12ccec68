#include "memprof/symbolize/embedded_symbols.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "allocator_frames.h"
#include "demangle.h"

namespace memprof::symbolize {

namespace {

const EmbeddedSymbol* find_symbol(const EmbeddedSymbols& section, uint64_t key) {
  auto it = std::ranges::lower_bound(section.symbols, key, {}, &EmbeddedSymbol::address);
  return it != section.symbols.end() && it->address == key ? &*it : nullptr;
}

}  // namespace

SymbolizeReport symbolize_from_embedded(Profile& p, const SymbolizeOptions& options, Diagnostics& diag) {
  SymbolizeReport report;
  const EmbeddedSymbols& section = *p.embedded_symbols;
  p.functions.clear();
  std::vector<uint8_t> is_leaf(p.locations.size(), 0);
  for (size_t s = 0; s < p.stacks.size(); ++s) {
    auto frames = p.stacks.frames(StackId{static_cast<uint32_t>(s)});
    if (!frames.empty()) is_leaf[frames.front().value()] = 1;
  }
  std::unordered_map<uint32_t, FunctionId> function_of_name;  // StringId -> FunctionId
  for (size_t i = 0; i < p.locations.size(); ++i) {
    Location& loc = p.locations[i];
    loc.lines.clear();
    ++report.addresses;
    // A location that is a leaf in one stack and a caller in another is named under both keys.
    const EmbeddedSymbol* symbol = find_symbol(section, lookup_key(loc.address, is_leaf[i]));
    if (!symbol) symbol = find_symbol(section, lookup_key(loc.address, !is_leaf[i]));
    if (!symbol || symbol->names.empty()) continue;
    ++report.resolved;
    for (auto name = symbol->names.rbegin(); name != symbol->names.rend(); ++name) {  // innermost first
      auto [it, inserted] = function_of_name.try_emplace(name->value());
      if (inserted) {
        std::string_view full = p.str(*name);
        // The section has no mangled names and no files: "" (string id 0), never an invalid id.
        Function f{.name = *name,
                   .short_name = p.strings.intern(short_function_name(full)),
                   .system_name = *name,
                   .file = StringId{0}};
        it->second = FunctionId{static_cast<uint32_t>(p.functions.size())};
        p.functions.push_back(f);
      }
      loc.lines.push_back({it->second, 0, 0});
    }
  }
  ModuleReport module;
  module.dump_path = section.binary.empty() ? "[symbol section]" : section.binary;
  module.symbol_source = "symbol section";
  module.used_path = p.path;  // the dump itself is what names the addresses
  module.addresses = report.addresses;
  module.resolved = report.resolved;
  report.modules.push_back(std::move(module));
  if (size_t missing = report.addresses - report.resolved)
    diag.warn(p.path + ": " + std::to_string(missing) + " of " + std::to_string(report.addresses) +
              " addresses have no name in the dump's symbol section");
  if (!options.keep_allocator_frames)
    report.trimmed_frames = trim_allocator_frames(p, AllocatorMatcher(options.alloc_wrappers), &report.trimmed);
  return report;
}

size_t trim_allocator_stacks(Profile& profile, const SymbolizeOptions& options) {
  return trim_allocator_frames(profile, AllocatorMatcher(options.alloc_wrappers));
}

SymbolizeReport symbolize_auto(Profile& profile, const SymbolizeOptions& options, Diagnostics& diag) {
  if (profile.embedded_symbols) return symbolize_from_embedded(profile, options, diag);
  return symbolize_profile(profile, options, diag);
}

}  // namespace memprof::symbolize
