// Allocation wrappers on a real program: Debian's redis-server (linked against libjemalloc)
// under a short redis-benchmark load, dumped at exit. Its allocations all go through zmalloc.c,
// so unless the wrappers are trimmed every top row is a z*alloc* function.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "cli_json.h"
#include "memprof/jestats/json_reader.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::test;
using jestats::JsonValue;

namespace {

bool have_redis() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"})
    if (std::filesystem::exists(std::string(dir) + "/redis-server") &&
        std::filesystem::exists(std::string(dir) + "/redis-benchmark"))
      return true;
  return false;
}

// Starts redis-server with jemalloc profiling, loads it, shuts it down; returns the final dump.
std::string make_redis_dump(const std::string& dir) {
  std::string port = std::to_string(20000 + getpid() % 30000);
  std::vector<std::string> env = {"MALLOC_CONF=prof:true,prof_final:true,lg_prof_sample:12,prof_prefix:" + dir +
                                  "/jeprof"};
  CommandResult start = run_command(
      {"redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "yes",
       "--dir", dir, "--logfile", dir + "/redis.log", "--pidfile", dir + "/redis.pid"},
      env);
  REQUIRE(start.exit_code == 0);
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    up = run_command({"redis-cli", "-p", port, "ping"}).out.starts_with("PONG");
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(read_file(dir + "/redis.log"));
  REQUIRE(up);
  CommandResult bench = run_command(
      {"redis-benchmark", "-p", port, "-q", "-n", "20000", "-r", "10000", "-d", "128", "-t", "set,lpush,sadd,hset"});
  CHECK(bench.exit_code == 0);
  run_command({"redis-cli", "-p", port, "shutdown", "nosave"});
  for (int i = 0; i < 100; ++i) {
    std::vector<std::string> dumps = list_files(dir, ".f.heap");
    // Written at exit; wait for the server to be gone so the file is complete.
    if (!dumps.empty() && !run_command({"redis-cli", "-p", port, "ping"}).out.starts_with("PONG")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return dumps.front();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("redis-server wrote no final dump in " << dir);
  return {};
}

std::vector<std::string> row_names(const JsonValue& top) {
  std::vector<std::string> names;
  for (const JsonValue& r : top.find("rows")->items) names.push_back(r.find("name")->text);
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::ranges::find(names, name) != names.end();
}

const std::regex kZmalloc("^z(try)?(malloc|calloc|realloc)");

}  // namespace

TEST_CASE("redis-server: top names Redis functions, not its zmalloc wrappers") {
  if (!have_redis()) {
    MESSAGE("SKIPPED: redis-server/redis-benchmark not installed (scripts/install-deps installs them)");
    return;
  }
  TempDir dir;
  std::string dump = make_redis_dump(dir.path());

  std::vector<std::string> top = row_names(run_json({"top", "-n", "0", dump}));
  INFO("rows: " << [&] {
    std::string s;
    for (auto& n : top) s += n + ", ";
    return s;
  }());
  REQUIRE(top.size() >= 5);
  for (const std::string& name : top) CHECK_FALSE(std::regex_search(name, kZmalloc));
  // sds strings, dict entries and objects are what a SET/LPUSH/SADD/HSET load allocates.
  CHECK(has(top, "_sdsnewlen"));
  CHECK(has(top, "dictAddRaw"));
  for (size_t i = 0; i < 5; ++i) {
    bool named_alloc = top[i].find("alloc") != std::string::npos && top[i] != "dictAddRaw";
    CHECK_MESSAGE(!named_alloc, top[i]);
  }

  // The wrappers were there: kept on request, they have rows of their own.
  std::vector<std::string> kept = row_names(run_json({"top", "-n", "0", "--keep-allocator-frames", dump}));
  bool zmalloc_row = false;
  for (const std::string& name : kept) zmalloc_row |= std::regex_search(name, kZmalloc);
  CHECK(zmalloc_row);

  // A project-specific wrapper: _sdsnewlen trimmed too, its callers take its bytes.
  std::vector<std::string> more = row_names(run_json({"top", "-n", "0", "--alloc-wrapper", "^_sdsnewlen$", dump}));
  CHECK_FALSE(has(more, "_sdsnewlen"));
  CHECK(has(more, "dictAddRaw"));

  // info --symbols says what was trimmed and how often.
  JsonValue info = run_json({"info", "--symbols", "--alloc-wrapper", "^_sdsnewlen$", dump});
  REQUIRE(info.find("files"));
  REQUIRE(info.find("files")->items.size() == 1);
  const JsonValue* symbols = info.find("files")->items[0].find("symbols");
  REQUIRE(symbols);
  size_t zmalloc_frames = 0, user_frames = 0;
  for (const JsonValue& t : symbols->find("trimmed")->items) {
    if (t.find("kind")->text == "Redis/Valkey/KeyDB zmalloc") zmalloc_frames += t.find("frames")->as_i64().value_or(0);
    if (t.find("kind")->text == "--alloc-wrapper") {
      CHECK(t.find("function")->text == "_sdsnewlen");
      user_frames += t.find("frames")->as_i64().value_or(0);
    }
  }
  CHECK(zmalloc_frames > 0);
  CHECK(user_frames > 0);
}

TEST_CASE("--alloc-wrapper with a pattern RE2 rejects exits 2 and names the pattern") {
  CommandResult r = run_command({MEMPROF_CLI, "top", "--alloc-wrapper", "(unclosed", "x.heap"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("(unclosed") != std::string::npos);
}
