#include "output.h"

#include <cerrno>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

namespace memprof::cli {

namespace {

CliStreams& current() {
  static CliStreams streams{&std::cout, &std::cerr, false};
  return streams;
}

}  // namespace

ScopedStreams::ScopedStreams(const CliStreams& streams) : saved_(current()) { current() = streams; }
ScopedStreams::~ScopedStreams() { current() = saved_; }

const CliStreams& streams() { return current(); }

void write_stdout(std::string_view text) {
  std::ostream& out = *current().out;
  errno = 0;
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    int error = errno;
    throw InputError(
        fmt::format("standard output: cannot write{}", error ? std::string(": ") + std::strerror(error) : ""));
  }
}

void finish_stdout() {
  std::ostream& out = *current().out;
  errno = 0;
  if (!out.flush()) {
    int error = errno;
    throw InputError(
        fmt::format("standard output: cannot write{}", error ? std::string(": ") + std::strerror(error) : ""));
  }
}

void print_warning(std::string_view message) { *current().err << "memprof: warning: " << message << '\n'; }

void print_error(std::string_view message) { *current().err << "memprof: error: " << message << '\n'; }

void print_gates(const render::GateResult& gates) {
  for (const std::string& w : gates.warnings) print_warning(w);
  for (const std::string& m : gates.messages) *current().err << "memprof: " << render::gate_line(m) << '\n';
}

void flush_warnings(Diagnostics& diag) {
  for (const std::string& w : diag.warnings) print_warning(w);
  diag.warnings.clear();
}

}  // namespace memprof::cli
