// The driver: group the dump's addresses by module, find and verify each module's files, look up
// symbols and DWARF (DWARF on up to two threads, one LLVM context per thread), intern functions
// and lines into the profile, then trim allocator frames.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "allocator_frames.h"
#include "demangle.h"
#include "dwarf_lookup.h"
#include "function_ranges.h"
#include "memprof/profile/id_map.h"
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
  std::vector<uint64_t> lookup_addresses;                  // sorted, unique (DWARF work list)
  std::vector<std::vector<InlineFrame>> chains;            // parallel to lookup_addresses
  std::vector<std::shared_ptr<const void>> chain_strings;  // what the chains' views point into
  std::optional<FunctionRanges> functions;                 // FDE ranges, read when an address has no name
};

std::string basename_of(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

std::string_view str_or_empty(const Profile& p, StringId id) { return id.valid() ? p.str(id) : std::string_view(); }

bool is_special_path(std::string_view path) { return path.empty() || path.front() == '['; }

// Tries the candidates in order; the first regular ELF file whose layout matches wins.
void locate_binary(Module& m, const std::string& explicit_binary, const SymbolizeOptions& options, Diagnostics& diag) {
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

// Runs DWARF lookups for all modules on `threads` threads. A big module is split across the
// threads by compilation unit, never by address range: LLVM parses a unit's DIEs and line table
// on the first lookup in it, per DWARFContext, so two threads touching the same unit would each
// pay that (the dominant cost). Units go to threads by address count, largest first.
void run_dwarf(std::vector<Module>& modules, unsigned threads, size_t min_split, Diagnostics& diag) {
  // Each task is written by the one worker that claimed it; the module's shared fields are
  // written only after the join (chains by disjoint index), so workers never share a write.
  struct Task {
    Module* module;
    std::vector<uint32_t> indices;        // into lookup_addresses; empty means all of them
    std::unique_ptr<DwarfLookup> opened;  // the context used to split the module, reused
    std::shared_ptr<const void> strings;  // of the lookup that ran the task
    std::string error;                    // the first problem this task saw
    size_t size() const { return indices.empty() ? module->lookup_addresses.size() : indices.size(); }
  };
  std::vector<Task> tasks;
  for (Module& m : modules) {
    if (!m.dwarf_file || m.lookup_addresses.empty()) continue;
    m.chains.resize(m.lookup_addresses.size());
    size_t n = m.lookup_addresses.size();
    m.report.dwarf_parts = 1;
    if (threads < 2 || n < std::max<size_t>(min_split, 1)) {
      tasks.push_back({&m, {}, nullptr});
      continue;
    }
    std::string error;
    auto dwarf = DwarfLookup::open(m.dwarf_file->file->bytes().data(), m.dwarf_file->file->bytes().size(),
                                   m.dwarf_file->path(), m.dwp_path, error);
    if (!dwarf) {  // the worker reopens it and reports the error
      tasks.push_back({&m, {}, nullptr});
      continue;
    }
    std::unordered_map<uint64_t, std::vector<uint32_t>> by_unit;
    for (size_t i = 0; i < n; ++i) by_unit[dwarf->unit_of(m.lookup_addresses[i])].push_back(static_cast<uint32_t>(i));
    std::vector<std::vector<uint32_t>*> units;
    for (auto& [unit, indices] : by_unit) units.push_back(&indices);
    std::ranges::sort(units, [](auto* a, auto* b) {
      return a->size() != b->size() ? a->size() > b->size() : a->front() < b->front();
    });
    std::vector<std::vector<uint32_t>> parts(std::min<size_t>(threads, units.size()));
    for (auto* unit : units) {
      auto lightest = std::ranges::min_element(parts, {}, &std::vector<uint32_t>::size);
      lightest->insert(lightest->end(), unit->begin(), unit->end());
    }
    for (std::vector<uint32_t>& part : parts) {
      std::ranges::sort(part);  // address order: line-table and DIE lookups stay local
      tasks.push_back({&m, std::move(part), nullptr});
    }
    tasks[tasks.size() - parts.size()].opened = std::move(dwarf);
    m.report.dwarf_parts = parts.size();
  }
  // Biggest first, so a long task does not start last.
  std::ranges::stable_sort(tasks, [](const Task& a, const Task& b) { return a.size() > b.size(); });
  if (tasks.empty()) return;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    Module* current = nullptr;
    std::unique_ptr<DwarfLookup> dwarf;
    for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
      Task& task = tasks[t];
      if (task.opened) {
        current = task.module;
        dwarf = std::move(task.opened);
      } else if (task.module != current) {
        current = task.module;
        std::string error;
        dwarf = DwarfLookup::open(current->dwarf_file->file->bytes().data(), current->dwarf_file->file->bytes().size(),
                                  current->dwarf_file->path(), current->dwp_path, error);
        if (!dwarf) task.error = error;
      }
      if (!dwarf) continue;
      task.strings = dwarf->strings();
      if (task.indices.empty())
        for (size_t i = 0; i < current->lookup_addresses.size(); ++i)
          current->chains[i] = dwarf->lookup(current->lookup_addresses[i]);
      for (uint32_t i : task.indices) current->chains[i] = dwarf->lookup(current->lookup_addresses[i]);
      task.error = dwarf->first_error();
    }
  };
  unsigned n_threads = std::min<unsigned>(threads, tasks.size());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < n_threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  // One problem per module: the first task's (in task order, so the report does not depend on
  // which thread finished first).
  std::vector<std::string> errors(modules.size());
  for (Task& task : tasks) {
    if (task.strings) task.module->chain_strings.push_back(std::move(task.strings));
    std::string& error = errors[task.module - modules.data()];
    if (error.empty()) error = std::move(task.error);
  }
  for (size_t i = 0; i < modules.size(); ++i)
    if (!errors[i].empty()) {
      std::string problem = "DWARF of " + modules[i].dwarf_file->path() + ": " + errors[i];
      modules[i].report.problems.push_back(problem);
      diag.warn(problem);
    }
}

// Identity of a view (pointer, length): equal identities are equal strings, and hashing them
// does not read the (often kilobyte-long template) names. The symbol tables and DWARF lookups
// hand out one pointer per distinct string, so identity catches nearly all repeats cheaply.
struct ViewIdentity {
  const char* data = nullptr;
  size_t size = 0;
  ViewIdentity() = default;
  explicit ViewIdentity(std::string_view v) : data(v.data()), size(v.size()) {}
  bool operator==(const ViewIdentity&) const = default;
};
struct ViewIdentityHash {
  size_t operator()(const ViewIdentity& v) const noexcept { return std::hash<const void*>{}(v.data) * 31u + v.size; }
};

struct ViewPairHash {
  size_t operator()(const std::pair<std::string_view, std::string_view>& k) const noexcept {
    return std::hash<std::string_view>{}(k.first) * 1000003u ^ std::hash<std::string_view>{}(k.second);
  }
};

// Numbers distinct strings densely, so later passes index vectors instead of hashing the
// strings per frame. Content is hashed once per distinct identity, not once per use.
class ViewNumbering {
 public:
  uint32_t id(std::string_view v) {
    return by_identity_.find_or_insert(ViewIdentity(v), [&] {
      auto [it, inserted] = by_content_.try_emplace(v, static_cast<uint32_t>(views_.size()));
      if (inserted) views_.push_back(v);
      return it->second;
    });
  }
  const std::vector<std::string_view>& views() const { return views_; }

 private:
  std::vector<std::string_view> views_;
  IdMap<ViewIdentity, ViewIdentityHash> by_identity_;
  std::unordered_map<std::string_view, uint32_t> by_content_;
};

// Demangles each distinct name once, on up to `threads` threads (demangling tens of thousands
// of template names is a large share of the work on big binaries). Parallel to `names`.
std::vector<DemangledName> demangle_all(const std::vector<std::string_view>& names, unsigned threads) {
  std::vector<DemangledName> results(names.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    constexpr size_t kChunk = 256;
    for (size_t begin; (begin = next.fetch_add(kChunk)) < names.size();)
      for (size_t i = begin; i < std::min(begin + kChunk, names.size()); ++i) results[i] = demangle_symbol(names[i]);
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads && names.size() > 1024; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return results;
}

// Interns functions by (demangled name, file): clones ("f.isra.0") and the DWARF name ("f") of
// one function share a Function. Names and files come as ViewNumbering ids.
class FunctionInterner {
 public:
  FunctionInterner(Profile& p, const std::vector<std::string_view>& names, const std::vector<DemangledName>& demangled,
                   const std::vector<std::string_view>& files, const std::vector<uint8_t>& no_symbol)
      : p_(p), names_(names), demangled_(demangled), files_(files), no_symbol_(no_symbol), file_ids_(files.size()) {}
  FunctionId intern(uint32_t name, uint32_t file) {
    return FunctionId{ids_.find_or_insert(uint64_t{name} << 32 | file, [&] { return by_content(name, file).value(); })};
  }

 private:
  FunctionId by_content(uint32_t name, uint32_t file) {
    const DemangledName& dm = demangled_[name];
    auto [fit, finserted] = by_name_.try_emplace({dm.name, files_[file]});
    if (finserted) {
      if (!file_ids_[file].valid()) file_ids_[file] = p_.strings.intern(files_[file]);
      Function f;
      f.name = p_.strings.intern(dm.name);
      f.short_name = p_.strings.intern(dm.short_name);
      // No symbol: an empty system name says the name was made from the address.
      f.system_name = no_symbol_[name] ? StringId{0} : p_.strings.intern(names_[name]);
      f.file = file_ids_[file];
      fit->second = FunctionId{static_cast<uint32_t>(p_.functions.size())};
      p_.functions.push_back(f);
    }
    return fit->second;
  }

  Profile& p_;
  const std::vector<std::string_view>& names_;
  const std::vector<DemangledName>& demangled_;
  const std::vector<std::string_view>& files_;
  const std::vector<uint8_t>& no_symbol_;  // per name id
  std::vector<StringId> file_ids_;         // interned lazily
  IdMap<uint64_t> ids_;                    // (name id << 32 | file id) -> FunctionId
  // Keys view strings that outlive the interner (chains, symbol tables, demangled_).
  std::unordered_map<std::pair<std::string_view, std::string_view>, FunctionId, ViewPairHash> by_name_;
};

struct RawFrame {
  uint32_t name, file;  // ViewNumbering ids
  uint32_t line = 0, column = 0;
};

// Frames named after the start of their function (no symbol, no DWARF): their names, which
// the interner gives an empty system name so trimming still treats them as unknown code.
struct Unnamed {
  std::deque<std::string> names;  // stable storage for the views
  std::vector<uint32_t> ids;      // ViewNumbering ids of those names
};

// Step 1: the locations that are a stack's leaf (their address is the PC, not a return address).
std::vector<uint8_t> leaf_locations(const Profile& p) {
  std::vector<uint8_t> is_leaf(p.locations.size(), 0);
  for (size_t s = 0; s < p.stacks.size(); ++s) {
    auto frames = p.stacks.frames(StackId{static_cast<uint32_t>(s)});
    if (!frames.empty()) is_leaf[frames.front().value()] = 1;
  }
  return is_leaf;
}

// Step 2: group locations by module (path, deleted), with the mappings that matter for matching
// its file: those holding addresses, and the executable ones of the same file.
std::vector<Module> group_by_module(const Profile& p) {
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
  for (size_t i = 0; i < p.locations.size(); ++i)
    if (p.locations[i].mapping.valid())
      module_for_mapping(p.locations[i].mapping.value()).locations.push_back(static_cast<uint32_t>(i));
  for (size_t mi = 0; mi < p.mappings.size(); ++mi)
    if (p.mappings[mi].executable && mapping_module[mi] == UINT32_MAX &&
        module_index.contains({str_or_empty(p, p.mappings[mi].path), p.mappings[mi].deleted}))
      module_for_mapping(static_cast<uint32_t>(mi));
  for (Module& m : modules) m.report.addresses = m.locations.size();
  return modules;
}

// The module --binary stands for: the one with its basename, else the lowest file mapping's.
const Module* find_main_module(const Profile& p, const std::vector<Module>& modules, const std::string& binary) {
  if (binary.empty()) return nullptr;
  for (const Module& m : modules)
    if (!m.locations.empty() && basename_of(m.dump_path) == basename_of(binary)) return &m;
  for (const Mapping& mapping : p.mappings) {
    if (!mapping.executable || is_special_path(str_or_empty(p, mapping.path)) || mapping.deleted) continue;
    for (const Module& m : modules)
      if (!m.deleted && m.dump_path == str_or_empty(p, mapping.path)) return &m;
    return nullptr;
  }
  return nullptr;
}

// Step 3: find and verify each module's file, then read its symbols (step 4) and note whether
// it has DWARF.
void locate_files(std::vector<Module>& modules, const Module* main_module, const SymbolizeOptions& options,
                  Diagnostics& diag) {
  for (Module& m : modules) {
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
  }
}

// Step 5a: each module's DWARF work list, the unique lookup addresses in address order.
void collect_dwarf_addresses(const Profile& p, std::vector<Module>& modules, const std::vector<uint8_t>& is_leaf) {
  for (Module& m : modules) {
    if (!m.dwarf_file) continue;
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

// An address without a symbol or DWARF name: `module+0xSTART`, START being the file offset of
// its function's start (from the FDEs), so every address of one unnamed function shares one
// name, stable across processes and builds. Nothing when no FDE covers it.
void name_by_function_start(const Profile& p, Module& m, const Location& location, uint64_t a, Unnamed& unnamed,
                            ViewNumbering& names, ViewNumbering& files, std::vector<RawFrame>& frames) {
  if (!m.functions) {
    std::string error;  // a file without usable FDEs just leaves its addresses unnamed
    m.functions =
        FunctionRanges::read(m.binary->file->bytes().data(), m.binary->file->bytes().size(), m.binary->path(), error);
  }
  const FunctionRange* f = m.functions->find(a);
  if (!f) return;
  const Mapping& mapping = p.mappings[location.mapping.value()];
  uint64_t offset = location.address - mapping.start + mapping.offset;
  auto vaddr = m.binary->elf.file_offset_to_vaddr(offset);
  if (!vaddr || *vaddr < f->start) return;
  char buf[32];
  std::snprintf(buf, sizeof buf, "+0x%llx", static_cast<unsigned long long>(offset - (*vaddr - f->start)));
  std::string_view name = unnamed.names.emplace_back(basename_of(m.dump_path) + buf);
  uint32_t id = names.id(name);
  unnamed.ids.push_back(id);
  frames.push_back({id, files.id({}), 0, 0});
}

// Step 6 for one location: its frames as views into the DWARF chain and the symbol table.
void resolve_location(const Profile& p, Module& m, uint32_t loc, const std::vector<uint8_t>& is_leaf,
                      std::deque<std::string>& fallback_names, Unnamed& unnamed, ViewNumbering& names,
                      ViewNumbering& files, std::vector<RawFrame>& frames) {
  const Location& location = p.locations[loc];
  bool ok;
  uint64_t a = lookup_address(p, p.mappings[location.mapping.value()], m.binary->elf, loc, is_leaf, ok);
  if (!ok) return;
  const SymbolTable::Entry* symbol = m.symbols.lookup(a);
  const std::vector<InlineFrame>* chain = nullptr;
  if (m.dwarf_file) {
    auto it = std::ranges::lower_bound(m.lookup_addresses, a);
    if (it != m.lookup_addresses.end() && *it == a) chain = &m.chains[it - m.lookup_addresses.begin()];
  }
  if (chain && !chain->empty()) {
    // Neither DWARF nor a symbol naming the function means unknown, whatever the line table says.
    if (chain->back().function.empty() && !symbol)
      return name_by_function_start(p, m, location, a, unnamed, names, files, frames);
    for (size_t i = 0; i < chain->size(); ++i) {
      const InlineFrame& f = (*chain)[i];
      std::string_view name = f.function;
      // The outermost frame takes the symbol table's name when there is one, as llvm-symbolizer
      // does: DWARF's linkage name can be a local alias (glibc's __GI_setlocale for setlocale),
      // while the table's canonical name prefers global, default-visibility symbols.
      if (i + 1 == chain->size() && symbol) name = symbol->name;
      if (name.empty()) name = fallback_names.emplace_back(p.unsymbolized_name(location));
      frames.push_back({names.id(name), files.id(f.file), f.line, f.column});
    }
  } else if (symbol) {
    frames.push_back({names.id(symbol->name), files.id({}), 0, 0});
  } else {
    return name_by_function_start(p, m, location, a, unnamed, names, files, frames);
  }
  if (!frames.empty()) ++m.report.resolved;
}

// Step 5c: the FDE ranges of each module without DWARF that has an address no symbol names,
// read ahead of step 6 (which would read them on first need; the result is the same).
void read_function_ranges(const Profile& p, std::vector<Module>& modules, const std::vector<uint8_t>& is_leaf) {
  for (Module& m : modules) {
    if (!m.binary || m.dwarf_file || m.functions) continue;
    for (uint32_t loc : m.locations) {
      bool ok;
      uint64_t a = lookup_address(p, p.mappings[p.locations[loc].mapping.value()], m.binary->elf, loc, is_leaf, ok);
      if (!ok || m.symbols.lookup(a)) continue;
      std::string error;  // as in name_by_function_start: unusable FDEs leave addresses unnamed
      m.functions =
          FunctionRanges::read(m.binary->file->bytes().data(), m.binary->file->bytes().size(), m.binary->path(), error);
      break;
    }
  }
}

// Steps 5b and 5c at once: DWARF lookups (inflating a compressed debug file alone took 50 ms on
// the clang dump's libc) on worker threads while this thread reads the FDEs of libLLVM and the
// like. They write disjoint fields (chains and reports of DWARF modules; `functions` of the
// others) and only run_dwarf writes `diag`.
void run_dwarf_beside_fde_reads(const Profile& p, std::vector<Module>& modules, const std::vector<uint8_t>& is_leaf,
                                unsigned threads, size_t min_split, Diagnostics& diag) {
  if (threads < 2) {
    run_dwarf(modules, threads, min_split, diag);
    return;
  }
  std::exception_ptr failed;
  std::thread dwarf([&] {
    try {
      run_dwarf(modules, threads, min_split, diag);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  try {
    read_function_ranges(p, modules, is_leaf);
  } catch (...) {
    dwarf.join();
    throw;
  }
  dwarf.join();
  if (failed) std::rethrow_exception(failed);
}

// Steps 6 and 7: resolve every location to raw frames, then demangle the distinct names (in
// parallel) and intern functions into the profile.
void resolve_and_intern(Profile& p, std::vector<Module>& modules, const std::vector<uint8_t>& is_leaf,
                        unsigned threads) {
  std::vector<std::vector<RawFrame>> raw(p.locations.size());
  std::deque<std::string> fallback_names;  // stable storage for the views
  Unnamed unnamed;
  ViewNumbering names, files;  // hashed, not sorted: names share long prefixes
  for (Module& m : modules)
    if (m.binary)
      for (uint32_t loc : m.locations)
        resolve_location(p, m, loc, is_leaf, fallback_names, unnamed, names, files, raw[loc]);
  std::vector<DemangledName> demangled = demangle_all(names.views(), threads);
  std::vector<uint8_t> no_symbol(names.views().size(), 0);
  for (uint32_t id : unnamed.ids) no_symbol[id] = 1;
  FunctionInterner functions(p, names.views(), demangled, files.views(), no_symbol);
  for (size_t i = 0; i < raw.size(); ++i)
    for (const RawFrame& f : raw[i])
      p.locations[i].lines.push_back({functions.intern(f.name, f.file), f.line, f.column});
}

// Step 8: module reports into the summary, and one warning for everything that stays
// unsymbolized for lack of a binary.
void report_modules(std::vector<Module>& modules, SymbolizeReport& report, Diagnostics& diag) {
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
}

}  // namespace

SymbolizeReport symbolize_profile(Profile& p, const SymbolizeOptions& options, Diagnostics& diag) {
  SymbolizeReport report;
  report.addresses = p.locations.size();
  // Symbolizing again starts over: every location's lines are rebuilt.
  p.functions.clear();
  for (Location& location : p.locations) location.lines.clear();

  std::vector<uint8_t> is_leaf = leaf_locations(p);
  std::vector<Module> modules = group_by_module(p);
  locate_files(modules, find_main_module(p, modules, options.binary), options, diag);
  collect_dwarf_addresses(p, modules, is_leaf);
  unsigned threads =
      options.threads ? options.threads : std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  run_dwarf_beside_fde_reads(p, modules, is_leaf, threads, options.parallel_min_addresses, diag);
  resolve_and_intern(p, modules, is_leaf, threads);
  report_modules(modules, report, diag);
  if (!options.keep_allocator_frames)
    report.trimmed_frames = trim_allocator_frames(p, AllocatorMatcher(options.alloc_wrappers), &report.trimmed);
  return report;
}

}  // namespace memprof::symbolize
