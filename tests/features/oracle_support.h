// What the feature tests share: the fixture dumps, memprof's JSON reports, jeprof's text reports
// and the totals jemalloc printed in a dump's header, each read independently of memprof's parser.
//
//   Report top = memprof_report({"top", "-n", "0", dump(3)});
//   Report jeprof = jeprof_text({"--inuse_space"}, dump(3));
//   CHECK(top.flat["fixture::leak_site"] == jeprof.flat["fixture::leak_site"]);
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli_json.h"
#include "memprof/jestats/json_reader.h"

namespace memprof::test {

std::string fixture_dump(int phase, const char* dir = MEMPROF_FIXTURE_DUMPS);

// Rows by name from `memprof top/diff --format json` (flat, cum; diff: delta as flat).
struct Report {
  int64_t total = 0;
  std::map<std::string, int64_t> flat, cum;
};

Report memprof_report(std::vector<std::string> args);

// `jeprof --text --show_bytes ARGS BINARY DUMP`: "Total: N B" and rows "flat % % cum % name".
// Inlined frames keep jeprof's " (inline)" mark. Empty when jeprof is not installed.
bool have_jeprof();
Report jeprof_text(const std::vector<std::string>& args, const std::string& dump);

// The header line "  t*: OBJECTS: BYTES [ACCUM_OBJECTS: ACCUM_BYTES]" jemalloc wrote.
std::array<int64_t, 4> header_totals(const std::string& dump_path);

}  // namespace memprof::test
