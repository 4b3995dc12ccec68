// The driver: group the dump's addresses by module, find and verify each module's files, look up
// symbols and DWARF (DWARF on up to two threads, one LLVM context per thread), intern functions
// and lines into the profile, then trim allocator frames.
#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "allocator_frames.h"
#include "demangle.h"
#include "dwarf_lookup.h"
#include "memprof/symbolize/symbolize.h"
#include "module_locator.h"
#include "symbol_table.h"

namespace memprof::symbolize {

namespace {

struct Module {
  std::string dump_path;
  bool deleted = false;
  std::vector<const Mapping*> mappings;  // executable ones and those holding addresses
  std::vector<uint32_t> locations;
  ModuleReport report;

  std::optional<LoadedElf> binary;
  std::optional<LoadedElf> debug;
  SymbolTable symbols;
  const LoadedElf* dwarf_file = nullptr;  // binary or debug file, when it has DWARF
  std::string dwp_path;
  std::vector<uint64_t> lookup_addresses;  // sorted, unique (DWARF work list)
  std::vector<std::vector<InlineFrame>> chains;  // parallel to lookup_addresses
};

std::string basename_of(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

std::string_view str_or_empty(const Profile& p, StringId id) { return id.valid() ? p.str(id) : std::string_view(); }

bool is_special_path(std::string_view path) { return path.empty() || path.front() == '['; }

// Tries the candidates in order; the first regular ELF file whose layout matches wins.
void locate_binary(Module& m, const std::string& explicit_binary, const SymbolizeOptions& options,
                   Diagnostics& diag) {
  for (const std::string& path : candidate_paths(m.dump_path, explicit_binary, options.search_paths)) {
    if (!is_regular_file(path)) continue;
    std::string error;
    auto elf = load_elf(path, error);
    if (!elf) {
      std::string problem = path + ": " + error;
      m.report.problems.push_back(problem);
      diag.warn(problem);
      continue;
    }
    std::string why;
    if (!layout_matches(elf->elf, m.mappings, why)) {
      std::string problem = path + " does not match the dump (" + why + ")";
      m.report.problems.push_back(problem);
      diag.warn(problem);
      continue;
    }
    m.binary = std::move(elf);
    return;
  }
}

void load_symbols(Module& m, const SymbolizeOptions& options) {
  const ElfFile& bin = m.binary->elf;
  m.debug = find_debug_file(*m.binary, options.debug_dirs);
  std::string source;
  if (bin.has_symbols(SymbolSource::symtab)) {
    m.symbols = SymbolTable(bin.symbols(SymbolSource::symtab), bin);
    source = "symtab";
  } else if (m.debug && m.debug->elf.has_symbols(SymbolSource::symtab)) {
    // A debug file's section headers keep the binary's flags, so executable sections still count.
    m.symbols = SymbolTable(m.debug->elf.symbols(SymbolSource::symtab), m.debug->elf);
    source = "symtab";
  } else if (bin.has_symbols(SymbolSource::dynsym)) {
    m.symbols = SymbolTable(bin.symbols(SymbolSource::dynsym), bin);
    source = "dynsym";
  } else {
    source = "none";
  }
  if (options.use_dwarf) {
    if (bin.has_dwarf()) m.dwarf_file = &*m.binary;
    else if (m.debug && m.debug->elf.has_dwarf()) m.dwarf_file = &*m.debug;
    if (m.dwarf_file) {
      source += "+DWARF";
      std::string dwp = m.binary->path() + ".dwp";
      if (is_regular_file(dwp)) m.dwp_path = dwp;
    }
  }
  if (m.debug) source += " (debug file " + m.debug->path() + ")";
  m.report.symbol_source = source;
}

uint64_t lookup_address(const Profile& p, const Mapping& mapping, const ElfFile& elf, uint32_t loc,
                        const std::vector<uint8_t>& is_leaf, bool& ok) {
  uint64_t offset = p.locations[loc].address - mapping.start + mapping.offset;
  auto vaddr = elf.file_offset_to_vaddr(offset);
  ok = vaddr.has_value();
  if (!ok) return 0;
  // Stack entries are return addresses: the call is the byte before. The leaf is the PC itself.
  return is_leaf[loc] || *vaddr == 0 ? *vaddr : *vaddr - 1;
}

// Runs DWARF lookups for all modules on `threads` threads. Big modules are split into two
// address-contiguous halves so both threads work on the same binary, each touching about half
// of its compilation units.
void run_dwarf(std::vector<Module>& modules, unsigned threads, Diagnostics& diag) {
  struct Task {
    Module* module;
    size_t begin, end;
  };
  std::vector<Task> tasks;
  for (Module& m : modules) {
    if (!m.dwarf_file || m.lookup_addresses.empty()) continue;
    m.chains.resize(m.lookup_addresses.size());
    size_t n = m.lookup_addresses.size();
    if (threads > 1 && n >= 512) {
      tasks.push_back({&m, 0, n / 2});
      tasks.push_back({&m, n / 2, n});
    } else {
      tasks.push_back({&m, 0, n});
    }
  }
  if (tasks.empty()) return;
  std::atomic<size_t> next{0};
  std::vector<std::string> errors(modules.size());
  auto worker = [&] {
    Module* current = nullptr;
    std::unique_ptr<DwarfLookup> dwarf;
    for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
      Task& task = tasks[t];
      if (task.module != current) {
        current = task.module;
        std::string error;
        dwarf = DwarfLookup::open(current->dwarf_file->file->bytes().data(), current->dwarf_file->file->bytes().size(),
                                  current->dwarf_file->path(),
                                  current->dwp_path, error);
        if (!dwarf) errors[current - modules.data()] = error;
      }
      if (!dwarf) continue;
      for (size_t i = task.begin; i < task.end; ++i) current->chains[i] = dwarf->lookup(current->lookup_addresses[i]);
      std::string error = dwarf->first_error();
      if (!error.empty() && errors[current - modules.data()].empty()) errors[current - modules.data()] = error;
    }
  };
  unsigned n_threads = std::min<unsigned>(threads, tasks.size());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < n_threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (size_t i = 0; i < modules.size(); ++i)
    if (!errors[i].empty()) {
      std::string problem = "DWARF of " + modules[i].dwarf_file->path() + ": " + errors[i];
      modules[i].report.problems.push_back(problem);
      diag.warn(problem);
    }
}

// Interns functions by (demangled name, file); demangles each system name once.
class FunctionInterner {
 public:
  explicit FunctionInterner(Profile& p) : p_(p) {}
  FunctionId intern(std::string_view system_name, std::string_view file) {
    std::string key(system_name);
    key += '\0';
    key += file;
    auto [it, inserted] = ids_.try_emplace(std::move(key));
    if (!inserted) return it->second;
    auto dm = demangled_.find(std::string(system_name));
    if (dm == demangled_.end()) dm = demangled_.emplace(std::string(system_name), demangle_symbol(system_name)).first;
    // Clones ("f.isra.0") and the DWARF name ("f") share one Function per file.
    std::string folded_key = dm->second.name + '\0' + std::string(file);
    auto [fit, finserted] = by_name_.try_emplace(folded_key);
    if (finserted) {
      Function f;
      f.name = p_.strings.intern(dm->second.name);
      f.short_name = p_.strings.intern(dm->second.short_name);
      f.system_name = p_.strings.intern(system_name);
      f.file = p_.strings.intern(file);
      fit->second = FunctionId{static_cast<uint32_t>(p_.functions.size())};
      p_.functions.push_back(f);
    }
    it->second = fit->second;
    return fit->second;
  }

 private:
  Profile& p_;
  std::unordered_map<std::string, FunctionId> ids_;
  std::unordered_map<std::string, DemangledName> demangled_;
  std::unordered_map<std::string, FunctionId> by_name_;
};

}  // namespace

SymbolizeReport symbolize_profile(Profile& p, const SymbolizeOptions& options, Diagnostics& diag) {
  SymbolizeReport report;
  p.functions.clear();  // symbolizing again starts over; every location's lines are rebuilt below
  std::vector<uint8_t> is_leaf(p.locations.size(), 0);
  for (size_t s = 0; s < p.stacks.size(); ++s) {
    auto frames = p.stacks.frames(StackId{static_cast<uint32_t>(s)});
    if (!frames.empty()) is_leaf[frames.front().value()] = 1;
  }

  // Group locations by module (path, deleted); remember which mappings matter for matching.
  std::vector<Module> modules;
  std::map<std::pair<std::string_view, bool>, size_t> module_index;
  std::vector<uint32_t> mapping_module(p.mappings.size(), UINT32_MAX);
  auto module_for_mapping = [&](uint32_t mi) -> Module& {
    if (mapping_module[mi] == UINT32_MAX) {
      const Mapping& m = p.mappings[mi];
      auto key = std::make_pair(str_or_empty(p, m.path), m.deleted);
      auto [it, inserted] = module_index.try_emplace(key, modules.size());
      if (inserted) {
        Module& mod = modules.emplace_back();
        mod.dump_path = std::string(key.first);
        mod.deleted = m.deleted;
        mod.report.dump_path = mod.dump_path.empty() ? "[anon]" : mod.dump_path;
        mod.report.build_id = std::string(str_or_empty(p, m.build_id));
      }
      mapping_module[mi] = static_cast<uint32_t>(it->second);
      modules[it->second].mappings.push_back(&m);
    }
    return modules[mapping_module[mi]];
  };
  for (size_t i = 0; i < p.locations.size(); ++i) {
    p.locations[i].lines.clear();
    ++report.addresses;
    if (!p.locations[i].mapping.valid()) continue;
    module_for_mapping(p.locations[i].mapping.value()).locations.push_back(static_cast<uint32_t>(i));
  }
  for (size_t mi = 0; mi < p.mappings.size(); ++mi)
    if (p.mappings[mi].executable && mapping_module[mi] == UINT32_MAX &&
        module_index.contains({str_or_empty(p, p.mappings[mi].path), p.mappings[mi].deleted}))
      module_for_mapping(static_cast<uint32_t>(mi));

  // The main executable: the module --binary names by basename, else the lowest file mapping.
  const Module* main_module = nullptr;
  if (!options.binary.empty()) {
    for (const Module& m : modules)
      if (!m.locations.empty() && basename_of(m.dump_path) == basename_of(options.binary)) main_module = &m;
    if (!main_module)
      for (const Mapping& m : p.mappings)
        if (m.executable && !is_special_path(str_or_empty(p, m.path)) && !m.deleted) {
          auto it = module_index.find({str_or_empty(p, m.path), false});
          if (it != module_index.end()) main_module = &modules[it->second];
          break;
        }
  }

  for (Module& m : modules) {
    m.report.addresses = m.locations.size();
    if (m.locations.empty()) continue;
    if (is_special_path(m.dump_path)) {
      m.report.symbol_source = "none";
      continue;
    }
    if (m.deleted) {
      m.report.problems.push_back("deleted while the process ran");
      m.report.symbol_source = "none";
      continue;
    }
    locate_binary(m, &m == main_module ? options.binary : std::string(), options, diag);
    if (!m.binary) {
      m.report.problems.push_back("not found");
      m.report.symbol_source = "none";
      continue;
    }
    m.report.used_path = m.binary->path();
    if (!m.binary->elf.build_id().empty()) m.report.build_id = m.binary->elf.build_id();
    load_symbols(m, options);
    if (m.dwarf_file) {
      for (uint32_t loc : m.locations) {
        bool ok;
        uint64_t a = lookup_address(p, p.mappings[p.locations[loc].mapping.value()], m.binary->elf, loc, is_leaf, ok);
        if (ok) m.lookup_addresses.push_back(a);
      }
      std::ranges::sort(m.lookup_addresses);
      m.lookup_addresses.erase(std::unique(m.lookup_addresses.begin(), m.lookup_addresses.end()),
                               m.lookup_addresses.end());
    }
  }

  unsigned threads = options.threads ? options.threads : std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  run_dwarf(modules, threads, diag);

  FunctionInterner functions(p);
  for (Module& m : modules) {
    if (!m.binary) continue;
    for (uint32_t loc : m.locations) {
      Location& location = p.locations[loc];
      bool ok;
      uint64_t a = lookup_address(p, p.mappings[location.mapping.value()], m.binary->elf, loc, is_leaf, ok);
      if (!ok) continue;
      const SymbolTable::Entry* symbol = m.symbols.lookup(a);
      const std::vector<InlineFrame>* chain = nullptr;
      if (m.dwarf_file) {
        auto it = std::ranges::lower_bound(m.lookup_addresses, a);
        if (it != m.lookup_addresses.end() && *it == a) chain = &m.chains[it - m.lookup_addresses.begin()];
      }
      if (chain && !chain->empty()) {
        const std::vector<InlineFrame>& frames = *chain;
        bool outer_named = !frames.back().function.empty() || symbol;
        if (!outer_named) continue;  // neither DWARF nor a symbol names the function: unknown
        for (size_t i = 0; i < frames.size(); ++i) {
          const InlineFrame& f = frames[i];
          std::string_view name = f.function;
          std::string fallback;
          if (name.empty()) {
            if (i + 1 == frames.size()) name = symbol->name;
            else name = fallback = p.unsymbolized_name(location);
          }
          location.lines.push_back({functions.intern(name, f.file), f.line, f.column});
        }
      } else if (symbol) {
        location.lines.push_back({functions.intern(symbol->name, {}), 0, 0});
      }
      if (!location.lines.empty()) ++m.report.resolved;
    }
  }

  // One summary warning for everything that stays unsymbolized for lack of a binary.
  std::string missing;
  size_t missing_count = 0;
  for (Module& m : modules) {
    report.resolved += m.report.resolved;
    if (!m.locations.empty() && !m.binary && !is_special_path(m.dump_path)) {
      missing += (missing_count++ ? ", " : "") + m.dump_path + (m.deleted ? " (deleted)" : "") + " (" +
                 std::to_string(m.locations.size()) + (m.locations.size() == 1 ? " address)" : " addresses)");
    }
    if (!m.locations.empty()) report.modules.push_back(std::move(m.report));
  }
  if (missing_count)
    diag.warn("no symbols for " + std::to_string(missing_count) + (missing_count == 1 ? " module: " : " modules: ") +
              missing + "; use --search-path or --binary to point at the binaries");

  if (!options.keep_allocator_frames) report.trimmed_frames = trim_allocator_frames(p);
  return report;
}

}  // namespace memprof::symbolize
