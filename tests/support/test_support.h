// Helpers shared by the tests: running the memprof binary and the fixture programs, reading
// files, making temporary directories.
//
//   CommandResult r = run_command({MEMPROF_CLI, "info", path});
//   CHECK(r.exit_code == 0);
//   TempDir dir;  std::string dump = dir.path() + "/x.heap";
#pragma once

#include <string>
#include <vector>

namespace memprof::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv directly (no shell) with extra environment entries ("NAME=value"), optional stdin.
CommandResult run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                          const std::string& stdin_text = {});

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Lists files in `dir` whose names end with `suffix`, sorted.
std::vector<std::string> list_files(const std::string& dir, const std::string& suffix);

}  // namespace memprof::test
