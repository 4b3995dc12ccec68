// memprof run as a subprocess with `--format json` and its output parsed: for tests that check
// what a script reading memprof's JSON would see. The test target defines MEMPROF_CLI (the
// memprof binary) and links memprof_jestats.
//
//   JsonValue doc = run_json({"top", "app.heap"});
//   CHECK(doc.find("total")->as_i64() == 4096);
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "memprof/jestats/json_reader.h"
#include "test_support.h"

namespace memprof::test {

inline jestats::JsonValue run_json(std::vector<std::string> args, int expected_status = 0) {
  args.insert(args.begin(), MEMPROF_CLI);
  args.insert(args.end(), {"--format", "json"});
  CommandResult r = run_command(args);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == expected_status);
  jestats::JsonReader reader(r.out, "stdout");
  return reader.next();
}

}  // namespace memprof::test
