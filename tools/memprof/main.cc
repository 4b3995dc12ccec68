// memprof: jemalloc heap profiles into answers. Everything happens in run_cli(); main only hands
// it the process's arguments and streams, and checks that stdout was really written.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
  // Own buffers for std::cout: a failed write (a full disk, a closed pipe) then shows on the stream.
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  int status = memprof::cli::run_cli(args, std::cout, std::cerr, ::isatty(STDOUT_FILENO) != 0);
  std::cout.flush();
  if ((!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) && status != 2) {
    std::cerr << "memprof: error: standard output: cannot write\n";
    return 2;
  }
  return status;
}
