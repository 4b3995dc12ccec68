// How the CLI talks: results to stdout, diagnostics to stderr, always prefixed "memprof:".
#pragma once

#include <string_view>

#include "memprof/profile/diagnostics.h"

namespace memprof::cli {

void write_stdout(std::string_view text);
void print_warning(std::string_view message);
void print_error(std::string_view message);
// Prints and clears the collected warnings.
void flush_warnings(Diagnostics& diag);

}  // namespace memprof::cli
