// Symbolization of a parsed profile, in process: for each unique address, its module from the
// dump's mappings, the function from .symtab/.dynsym (by symbol size, never "nearest preceding"),
// and file:line plus the inline chain from DWARF (LLVM's DebugInfo/Symbolize). Afterwards the
// leading allocator frames (malloc, operator new, jemalloc internals, ...) are trimmed so the top
// frame of each stack is the allocation site in user code.
//
//   SymbolizeOptions options;
//   options.search_paths = {"/srv/app/bin"};
//   Diagnostics diag;
//   SymbolizeReport report = symbolize_profile(profile, options, diag);
//   // profile.locations[i].lines now hold the inline chain (innermost first);
//   // addresses without a symbol keep empty lines: Profile::unsymbolized_name() names them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"

namespace memprof::symbolize {

struct SymbolizeOptions {
  std::string binary;                     // --binary: the main executable, wherever it is now
  std::vector<std::string> search_paths;  // --search-path and MEMPROF_BINARY_PATH
  std::vector<std::string> debug_dirs;    // --debug-dir, besides /usr/lib/debug
  bool keep_allocator_frames = false;     // --keep-allocator-frames
  bool use_dwarf = true;                  // file:line and inline chains (slower on huge DWARF)
  unsigned threads = 0;                   // DWARF lookup threads; 0: up to 2 (hardware permitting)
};

// Per module, for `memprof info --symbols`.
struct ModuleReport {
  std::string dump_path;    // as named in the dump
  std::string used_path;    // the file actually read, empty when none was found or it did not match
  std::string build_id;     // hex
  std::string symbol_source;  // "symtab", "dynsym", "symtab+DWARF", "debug file ...", "none"
  size_t addresses = 0;     // unique addresses of the dump inside this module
  size_t resolved = 0;      // of those, with a function name
  std::vector<std::string> problems;  // "not found", "does not match the dump", ...
};

struct SymbolizeReport {
  std::vector<ModuleReport> modules;
  size_t addresses = 0;
  size_t resolved = 0;
  size_t trimmed_frames = 0;  // allocator frames removed from stacks
};

SymbolizeReport symbolize_profile(Profile& profile, const SymbolizeOptions& options, Diagnostics& diag);

}  // namespace memprof::symbolize
