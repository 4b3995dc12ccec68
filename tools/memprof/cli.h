// The one entry point of the command line: parses argv, runs the subcommand, and reports any
// error once ("memprof: error: ...", exit status 2). main() calls it with the process's streams;
// tests and the argument-vector fuzz target call it in-process with string streams.
//
//   std::ostringstream out, err;
//   int status = run_cli({"top", "--format", "json", "app.heap"}, out, err);
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace memprof::cli {

// `args` are the words after the program name. `out_is_terminal` tells commands that refuse to
// write binary data or SVG to a terminal whether `out` is one.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool out_is_terminal = false);

}  // namespace memprof::cli
