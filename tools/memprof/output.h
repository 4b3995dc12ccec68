// How the CLI talks: results to stdout, diagnostics to stderr, always prefixed "memprof:".
// run_cli() points these at the streams it was given for the duration of one command line, so
// the same code prints to the terminal from main() and to strings in the tests.
//
//   write_stdout(report);            // throws InputError when the write fails (disk full, ...)
//   print_warning("no input given; using a.heap");
//   print_gates(gates);              // "memprof: limit exceeded: ..." on stderr, every format
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/diagnostics.h"
#include "memprof/render/gates.h"

namespace memprof::cli {

struct CliStreams {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool out_is_terminal = false;                    // refuse binary output and SVG to a terminal
  const std::vector<std::string>* args = nullptr;  // the command line being run, for checks on it
};

// Installs `streams` until destroyed (restoring the previous ones).
class ScopedStreams {
 public:
  explicit ScopedStreams(const CliStreams& streams);
  ~ScopedStreams();
  ScopedStreams(const ScopedStreams&) = delete;
  ScopedStreams& operator=(const ScopedStreams&) = delete;

 private:
  CliStreams saved_;
};

const CliStreams& streams();

void write_stdout(std::string_view text);
// Flushes stdout; a write that failed is an InputError ("standard output: cannot write").
void finish_stdout();
void print_warning(std::string_view message);
void print_error(std::string_view message);
// Every exceeded limit, one line each, and the warnings of limits that could not be checked.
void print_gates(const render::GateResult& gates);
// Prints and clears the collected warnings.
void flush_warnings(Diagnostics& diag);

}  // namespace memprof::cli
