// The symbolization options every command that prints function names shares: --binary,
// --search-path, --debug-dir, --keep-allocator-frames, plus MEMPROF_BINARY_PATH.
//
//   symbolize::SymbolizeOptions symbols;
//   add_symbol_options(*cmd, symbols);
//   ... after parsing:
//   add_symbol_paths_from_env(symbols);
#pragma once

#include <CLI/CLI.hpp>

#include "memprof/symbolize/symbolize.h"

namespace memprof::cli {

void add_symbol_options(CLI::App& cmd, symbolize::SymbolizeOptions& options);

// Appends the ':'-separated entries of MEMPROF_BINARY_PATH to options.search_paths (after the
// --search-path ones, so the command line wins).
void add_symbol_paths_from_env(symbolize::SymbolizeOptions& options);

}  // namespace memprof::cli
