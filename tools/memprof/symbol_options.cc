#include "symbol_options.h"

#include <cstdlib>
#include <string_view>

namespace memprof::cli {

void add_symbol_options(CLI::App& cmd, symbolize::SymbolizeOptions& options) {
  cmd.add_option("--binary", options.binary, "The main executable, if it moved since the dump was written")
      ->option_text("PATH");
  cmd.add_option("--search-path", options.search_paths,
                 "Directory to look for binaries in, by the dump's path and by basename (repeatable; "
                 "also MEMPROF_BINARY_PATH)")
      ->option_text("DIR")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd.add_option("--debug-dir", options.debug_dirs,
                 "Directory with separate debug files (.build-id/xx/yyyy.debug or debuglink names), "
                 "besides /usr/lib/debug (repeatable)")
      ->option_text("DIR")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd.add_flag("--keep-allocator-frames", options.keep_allocator_frames,
               "Keep malloc, operator new, jemalloc internals and allocation wrappers (zmalloc, "
               "__rust_alloc, std::allocator, strdup, PyMem_Malloc, ...) at the top of stacks");
  cmd.add_option("--alloc-wrapper", options.alloc_wrappers,
                 "Also trim functions whose short name this RE2 pattern finds, like the built-in "
                 "allocation wrappers (repeatable), e.g. '^xmalloc$'")
      ->option_text("RE")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false)  // one pattern per --alloc-wrapper: the next word is an input
      ->check([](const std::string& pattern) {
        std::string error = symbolize::check_alloc_wrapper(pattern);
        return error.empty() ? error : "bad pattern '" + pattern + "': " + error;
      });
}

void add_symbol_paths_from_env(symbolize::SymbolizeOptions& options) {
  const char* env = std::getenv("MEMPROF_BINARY_PATH");
  if (!env) return;
  std::string_view rest = env;
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    std::string_view entry = rest.substr(0, colon);
    if (!entry.empty()) options.search_paths.emplace_back(entry);
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
}

}  // namespace memprof::cli
