// memprof top and diff against jeprof run on the same dump and binary: jeprof symbolizes with
// addr2line and adds up the stacks itself, so agreement checks parsing, symbolization, allocator
// frame trimming and the arithmetic at once. Compared on the names jeprof gets right: it names
// operator new[] "malloc_usable_size" (libjemalloc is stripped) and shifts inline names by one.
#include <doctest/doctest.h>

#include <cmath>

#include "oracle_support.h"
#include "test_support.h"

using memprof::jestats::JsonValue;

using namespace memprof::test;

namespace {

// Sites whose flat value jeprof attributes like memprof, and callers whose cum it does.
const char* const kSites[] = {"fixture::leak_site", "fixture::churn_site", "fixture::stable_site",
                              "fixture::thread_site"};
const char* const kCallers[] = {"fixture::run_phase", "fixture::worker", "fixture::inline_outer", "main"};

void check_agree(const Report& memprof, const Report& jeprof) {
  // Both unsample every record; at period 1 only sub-40-byte objects scale, by < 0.04%.
  CHECK(std::llabs(memprof.total - jeprof.total) <= std::max<int64_t>(2, jeprof.total / 10000));
  for (const char* site : kSites) {
    INFO(site);
    REQUIRE(memprof.flat.count(site));
    REQUIRE(jeprof.flat.count(site));
    CHECK(memprof.flat.at(site) == jeprof.flat.at(site));
  }
  for (const char* caller : kCallers) {
    INFO(caller);
    REQUIRE(memprof.cum.count(caller));
    REQUIRE(jeprof.cum.count(caller));
    CHECK(memprof.cum.at(caller) == jeprof.cum.at(caller));
  }
}

// jeprof is slow (it runs addr2line and nm per module): one live-bytes report for every test.
const Report& jeprof_inuse_phase3() {
  static const Report report = jeprof_text({"--inuse_space"}, fixture_dump(3));
  return report;
}

const JsonValue* child(const JsonValue& node, std::string_view name) {
  for (const JsonValue& c : node.find("children")->items)
    if (c.find("name")->text == name) return &c;
  return nullptr;
}

// Depth-first search for a node by name; the first found.
const JsonValue* find_node(const JsonValue& node, std::string_view name) {
  for (const JsonValue& c : node.find("children")->items) {
    if (c.find("name")->text == name) return &c;
    if (const JsonValue* found = find_node(c, name)) return found;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("top: the same totals, sites and callers as jeprof --text, for live bytes and allocated objects") {
  if (!have_jeprof()) {
    MESSAGE("jeprof not installed: skipped");
    return;
  }
  Report space = memprof_report({"top", "-n", "0", "--inuse-space", fixture_dump(3)});
  const Report& jeprof_space = jeprof_inuse_phase3();
  check_agree(space, jeprof_space);
  // And both against the fixture's sizes: 30 x 4 KiB leaked by phase 3.
  CHECK(jeprof_space.flat.at("fixture::leak_site") == 30 * 4096);

  Report objects = memprof_report({"top", "-n", "0", "--alloc-objects", fixture_dump(3)});
  Report jeprof_objects = jeprof_text({"--alloc_objects"}, fixture_dump(3));
  check_agree(objects, jeprof_objects);
  CHECK(jeprof_objects.flat.at("fixture::churn_site") == 3 * 8);  // every churn batch ever allocated
}

TEST_CASE("diff: the same delta and rows as jeprof --base") {
  if (!have_jeprof()) {
    MESSAGE("jeprof not installed: skipped");
    return;
  }
  Report d = memprof_report({"diff", "-n", "0", fixture_dump(1), fixture_dump(3)});
  Report jeprof = jeprof_text({"--base=" + fixture_dump(1)}, fixture_dump(3));
  CHECK(d.total == jeprof.total);
  CHECK(d.total == 20 * 4096);  // the leak's two phases, nothing else
  // jeprof prints every frame of the changed stacks; the changed allocation sites are memprof's rows.
  std::map<std::string, int64_t> jeprof_sites;
  for (const auto& [name, flat] : jeprof.flat)
    if (flat != 0) jeprof_sites[name] = flat;
  std::map<std::string, int64_t> memprof_sites;
  for (const auto& [name, delta] : d.flat)
    if (delta != 0) memprof_sites[name] = delta;
  CHECK(memprof_sites == jeprof_sites);
}

TEST_CASE("top --tree: each caller's cumulative bytes as jeprof counts them, each site under its caller") {
  if (!have_jeprof()) {
    MESSAGE("jeprof not installed: skipped");
    return;
  }
  const Report& jeprof = jeprof_inuse_phase3();
  JsonValue tree = run_json({"top", "--tree", "--min-percent", "0", fixture_dump(3)});
  CHECK(tree.find("total")->as_i64() == jeprof.total);
  const JsonValue* main_node = find_node(tree, "main");
  REQUIRE(main_node);
  CHECK(main_node->find("cum")->as_i64() == jeprof.cum.at("main"));
  const JsonValue* run_phase = child(*main_node, "fixture::run_phase");
  REQUIRE(run_phase);
  CHECK(run_phase->find("cum")->as_i64() == jeprof.cum.at("fixture::run_phase"));
  for (const char* site : {"fixture::leak_site", "fixture::churn_site", "fixture::stable_site"}) {
    INFO(site);
    const JsonValue* leaf = child(*run_phase, site);
    REQUIRE(leaf);
    CHECK(leaf->find("self")->as_i64() == jeprof.flat.at(site));
    CHECK(leaf->find("cum")->as_i64() == jeprof.flat.at(site));
  }
  const JsonValue* worker = find_node(tree, "fixture::worker");
  REQUIRE(worker);
  REQUIRE(child(*worker, "fixture::thread_site"));
  CHECK(child(*worker, "fixture::thread_site")->find("self")->as_i64() == 12 * 32768);
  // The text form indents each callee under its caller.
  CommandResult text = run_command({MEMPROF_CLI, "top", "--tree", "--min-percent", "0", fixture_dump(3)});
  REQUIRE(text.exit_code == 0);
  // The columns are aligned, so the deeper a frame, the further right its name starts.
  auto indent_of = [&](const std::string& name) -> size_t {
    size_t at = text.out.find(" " + name + "\n");
    REQUIRE_MESSAGE(at != std::string::npos, name);
    return at + 1 - (text.out.rfind('\n', at) + 1);
  };
  CHECK(indent_of("fixture::leak_site") > indent_of("fixture::run_phase"));
  CHECK(indent_of("fixture::run_phase") > indent_of("main"));
}

TEST_CASE("top --peek: callers and callees of a function, with jeprof's and the fixture's figures") {
  if (!have_jeprof()) {
    MESSAGE("jeprof not installed: skipped");
    return;
  }
  const Report& jeprof = jeprof_inuse_phase3();
  JsonValue peek = run_json({"top", "--peek", "^fixture::run_phase$", fixture_dump(3)});
  REQUIRE(peek.find("entries")->items.size() == 1);
  const JsonValue& e = peek.find("entries")->items[0];
  CHECK(e.find("name")->text == "fixture::run_phase");
  CHECK(e.find("cum")->as_i64() == jeprof.cum.at("fixture::run_phase"));
  CHECK(e.find("flat")->as_i64() == 0);
  std::map<std::string, int64_t> callers, callees;
  for (const JsonValue& c : e.find("callers")->items) callers[c.find("name")->text] = *c.find("value")->as_i64();
  for (const JsonValue& c : e.find("callees")->items) callees[c.find("name")->text] = *c.find("value")->as_i64();
  CHECK(callers == std::map<std::string, int64_t>{{"main", jeprof.cum.at("fixture::run_phase")}});
  CHECK(callees.at("fixture::leak_site") == 30 * 4096);
  CHECK(callees.at("fixture::churn_site") == 8 * 16384);
  CHECK(callees.at("fixture::stable_site") == 5 * 65536);
  CHECK(callees.at("fixture::inline_outer") == 3 * 131072);
  CHECK(callees.at("fixture::Cache::fill") == 7 * 2048);
  int64_t sum = 0;
  for (const auto& [name, value] : callees) sum += value;
  CHECK(sum == jeprof.cum.at("fixture::run_phase"));  // run_phase allocates nothing itself
  // A pattern matching nothing is said, not an empty table.
  CommandResult none = run_command({MEMPROF_CLI, "top", "--peek", "^no_such_function$", fixture_dump(3)});
  CHECK(none.exit_code == 0);
  CHECK(none.out.find("Peek: 0 function(s) matching '^no_such_function$'") != std::string::npos);
}
