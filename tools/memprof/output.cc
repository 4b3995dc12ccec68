#include "output.h"

#include <cstdio>

#include <fmt/core.h>

namespace memprof::cli {

void write_stdout(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void print_warning(std::string_view message) { fmt::print(stderr, "memprof: warning: {}\n", message); }

void print_error(std::string_view message) { fmt::print(stderr, "memprof: error: {}\n", message); }

void flush_warnings(Diagnostics& diag) {
  for (const std::string& w : diag.warnings) print_warning(w);
  diag.warnings.clear();
}

}  // namespace memprof::cli
