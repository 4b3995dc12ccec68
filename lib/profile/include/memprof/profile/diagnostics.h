// How libraries report problems without printing: malformed input throws InputError (its
// message is "PATH:LINE:COL: expected X, got 'Y'" or "PATH: <OS error>"), recoverable problems
// are collected as warnings for the CLI to print once.
//
//   Diagnostics diag;
//   try { Profile p = read_dump(path, diag); } catch (const InputError& e) { ... exit 2 ... }
//   for (const std::string& w : diag.warnings) ...
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace memprof {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Diagnostics {
  std::vector<std::string> warnings;
  void warn(std::string message) { warnings.push_back(std::move(message)); }
};

}  // namespace memprof
