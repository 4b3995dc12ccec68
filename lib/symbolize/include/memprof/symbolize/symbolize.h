// Symbolization of a parsed profile, in process: for each unique address, its module from the
// dump's mappings, the function from .symtab/.dynsym (by symbol size, never "nearest preceding"),
// and file:line plus the inline chain from DWARF (LLVM's DebugInfo/Symbolize). Afterwards the
// leading allocator frames (malloc, operator new, jemalloc internals, ...) and well-known
// allocation wrappers (zmalloc, __rust_alloc, std::allocator, strdup, PyMem_Malloc, ...) are
// trimmed so the top frame of each stack is the code that asked for memory.
//
//   SymbolizeOptions options;
//   options.search_paths = {"/srv/app/bin"};
//   Diagnostics diag;
//   SymbolizeReport report = symbolize_profile(profile, options, diag);
//   // profile.locations[i].lines now hold the inline chain (innermost first);
//   // addresses without a symbol keep empty lines: Profile::unsymbolized_name() names them.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"

namespace memprof::symbolize {

struct SymbolizeOptions {
  std::string binary;                     // --binary: the main executable, wherever it is now
  std::vector<std::string> search_paths;  // --search-path and MEMPROF_BINARY_PATH
  std::vector<std::string> debug_dirs;    // --debug-dir, besides /usr/lib/debug
  bool keep_allocator_frames = false;     // --keep-allocator-frames: allocator and wrappers stay
  // --alloc-wrapper: RE2 patterns searched in short function names ("^xmalloc$"); frames they
  // match are trimmed like the built-in wrappers (builtin_alloc_wrappers()).
  std::vector<std::string> alloc_wrappers;
  bool use_dwarf = true;  // file:line and inline chains (slower on huge DWARF)
  unsigned threads = 0;   // DWARF lookup threads; 0: up to 2 (hardware permitting)
  // A module's DWARF work is split across threads from this many unique addresses on (below it,
  // opening a second DWARF context costs more than it saves). Tests lower it.
  size_t parallel_min_addresses = 512;
};

// A well-known allocation wrapper family trimmed by default: `pattern` (RE2) is searched in the
// short function name; `example` is a frame it was checked against on a real stack.
struct WrapperFamily {
  std::string_view project;
  std::string_view pattern;
  std::string_view example;
};
std::span<const WrapperFamily> builtin_alloc_wrappers();

// "" when RE2 accepts an --alloc-wrapper pattern, else why not.
std::string check_alloc_wrapper(const std::string& pattern);

// Frames trimmed off the top of stacks, per function, for `memprof info --symbols`.
struct TrimmedFunction {
  std::string name;    // short name, or "MODULE (no symbol)" for unnamed allocator frames
  std::string family;  // "allocator", a WrapperFamily's project, or "--alloc-wrapper"
  size_t frames = 0;   // frames removed over all unique stacks
};

// Per module, for `memprof info --symbols`.
struct ModuleReport {
  std::string dump_path;              // as named in the dump
  std::string used_path;              // the file actually read, empty when none was found or it did not match
  std::string build_id;               // hex
  std::string symbol_source;          // "symtab", "dynsym", "symtab+DWARF", "debug file ...", "none"
  size_t addresses = 0;               // unique addresses of the dump inside this module
  size_t resolved = 0;                // of those, with a function name
  size_t dwarf_parts = 0;             // threads' shares of its DWARF lookups (0: no DWARF, 1: not split)
  std::vector<std::string> problems;  // "not found", "does not match the dump", ...
};

struct SymbolizeReport {
  std::vector<ModuleReport> modules;
  size_t addresses = 0;
  size_t resolved = 0;
  size_t trimmed_frames = 0;             // allocator and wrapper frames removed from stacks
  std::vector<TrimmedFunction> trimmed;  // the same frames by function, most first
};

SymbolizeReport symbolize_profile(Profile& profile, const SymbolizeOptions& options, Diagnostics& diag);

}  // namespace memprof::symbolize
