// memprof record's reading of how a program gets jemalloc, on the real fixture builds, with nm
// as the cross-check for the static case's symbol address.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "memprof/live/jemalloc_probe.h"
#include "memprof/live/record.h"
#include "memprof/profile/diagnostics.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::live;

namespace {
std::string fixture(const char* name) { return std::string(MEMPROF_BINARY_DIR) + "/tests/fixtures/" + name; }
}  // namespace

TEST_CASE("a program linked with libjemalloc.so is dynamic, options in MALLOC_CONF") {
  JemallocProbe p = probe_jemalloc(fixture("service_fixture"));
  CHECK(p.link == JemallocLink::dynamic);
  CHECK(p.needed == "libjemalloc.so.2");
  CHECK(p.conf_env == "MALLOC_CONF");
}

TEST_CASE("a static jemalloc is found in .symtab at nm's address") {
  JemallocProbe p = probe_jemalloc(fixture("service_fixture_static"));
  CHECK(p.link == JemallocLink::static_symbols);
  CHECK_FALSE(p.exported);
  CHECK(p.prefix.empty());
  auto nm = test::run_command(
      {"sh", "-c", "nm \"$0\" | awk '$3 == \"mallctl\" { print $1 }'", fixture("service_fixture_static")});
  REQUIRE(nm.exit_code == 0);
  CHECK(std::stoull(nm.out, nullptr, 16) == p.mallctl);
  CHECK(p.stats_print != 0);
  CHECK_FALSE(p.file_id.empty());
}

TEST_CASE("a prefixed build's options go into the prefixed variable") {
  JemallocProbe p = probe_jemalloc(fixture("prefixed_symbols"));
  CHECK(p.link == JemallocLink::static_symbols);
  CHECK(p.prefix == "_rjem_");
  CHECK(p.conf_env == "_RJEM_MALLOC_CONF");
  CHECK(p.stats_print != 0);
}

TEST_CASE("glibc programs and scripts have no jemalloc") {
  CHECK(probe_jemalloc(fixture("service_fixture_glibc")).link == JemallocLink::none);
  test::TempDir dir;
  test::write_file(dir.path() + "/script.sh", "#!/bin/sh\necho hi\n");
  CHECK(probe_jemalloc(dir.path() + "/script.sh").link == JemallocLink::none);
  CHECK_THROWS_AS(probe_jemalloc(dir.path() + "/missing"), InputError);
}

TEST_CASE("the user's jemalloc options come first, memprof's win") {
  CHECK(merge_malloc_conf("", "prof:true") == "prof:true");
  CHECK(merge_malloc_conf("narenas:2,lg_prof_sample:10", "prof:true,lg_prof_sample:19") ==
        "narenas:2,lg_prof_sample:10,prof:true,lg_prof_sample:19");
}

TEST_CASE("commands are found on PATH") {
  CHECK(resolve_command("sh").find("/sh") != std::string::npos);
  CHECK_THROWS_AS(resolve_command("no-such-command-memprof"), InputError);
}

TEST_CASE("finish_manifest adds jemalloc's own dumps in time order and keeps the library's lines") {
  test::TempDir dir;
  test::write_file(
      dir.path() + "/manifest.jsonl",
      R"({"file":"jeprof.7.1.m0.heap","seq":1,"time":"2000-01-01T00:00:00.000Z","trigger":"ctl","bytes":10})"
      "\n");
  test::write_file(dir.path() + "/jeprof.7.1.m0.heap", "x");
  test::write_file(dir.path() + "/jeprof.7.2.f.heap", "heap");
  test::write_file(dir.path() + "/notes.txt", "not a dump");
  std::vector<ManifestEntry> entries = finish_manifest(dir.path());
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].trigger == "ctl");
  CHECK(entries[0].bytes == 10);
  CHECK(entries[1].file == "jeprof.7.2.f.heap");
  CHECK(entries[1].trigger == "final");
  CHECK(entries[1].seq == 2);
  CHECK(entries[1].bytes == 4);
  CHECK(test::read_file(dir.path() + "/manifest.jsonl").find("\"trigger\":\"final\"") != std::string::npos);
}
