// The "--- symbol" section of symbolized dumps (jeprof's form), on hand-written edge cases:
// several names per address (inline chains, callers first), caller frames named at
// address - 1, malformed lines, and symbolization from the section alone.
#include <doctest/doctest.h>

#include "memprof/analyze/frame_profile.h"
#include "memprof/analyze/top.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/symbolize/embedded_symbols.h"

using namespace memprof;

namespace {

// Two stacks: leaf 0x1000 called from 0x2005 (a return address, named at 0x2004), and leaf
// 0x3000 whose address is also a caller elsewhere.
const char* kDump =
    "--- symbol\n"
    "binary=/srv/app\n"
    "0x0000000000001000 Outer::run()--inline_cb(int)--std::vector<int, std::allocator<int> >::push_back(int const&)\n"
    "0x2004 main\n"
    "0x3000 leaf_only\n"
    "---\n"
    "--- heap\n"
    "heap_v2/1\n"
    "  t*: 3: 300 [0: 0]\n"
    "@ 0x1000 0x2005\n"
    "  t*: 2: 200 [0: 0]\n"
    "@ 0x3000 0x2005\n"
    "  t*: 1: 100 [0: 0]\n";

Profile parse(const std::string& text, Diagnostics& diag) { return heapparse::parse_dump(text, "sym.heap", diag); }

}  // namespace

TEST_CASE("symbol section: names per address, callers first, read into the profile") {
  Diagnostics diag;
  Profile p = parse(kDump, diag);
  REQUIRE(p.embedded_symbols);
  CHECK(p.embedded_symbols->binary == "/srv/app");
  REQUIRE(p.embedded_symbols->symbols.size() == 3);
  const EmbeddedSymbol& first = p.embedded_symbols->symbols[0];
  CHECK(first.address == 0x1000);
  REQUIRE(first.names.size() == 3);
  CHECK(p.str(first.names[0]) == "Outer::run()");
  CHECK(p.str(first.names[2]) == "std::vector<int, std::allocator<int> >::push_back(int const&)");
  CHECK(p.samples.size() == 2);
  CHECK(diag.warnings.empty());
}

TEST_CASE("symbol section: symbolize_auto names frames without binaries, inline chains innermost first") {
  Diagnostics diag;
  Profile p = parse(kDump, diag);
  symbolize::SymbolizeReport report = symbolize::symbolize_auto(p, {}, diag);
  CHECK(report.resolved == 3);
  analyze::FrameProfile fp = analyze::build_frame_profile(p, {});
  analyze::TopTable top = analyze::compute_top(fp, SampleType::inuse_space);
  REQUIRE(top.rows.size() == 5);
  auto row = [&](std::string_view name) -> const analyze::TopRow* {
    for (const analyze::TopRow& r : top.rows)
      if (r.name == name) return &r;
    return nullptr;
  };
  // The innermost inlined function is the allocation site; its short name drops the templates.
  REQUIRE(row("std::vector::push_back"));
  CHECK(row("std::vector::push_back")->flat == 200);
  CHECK(row("inline_cb")->cum == 200);
  CHECK(row("Outer::run")->cum == 200);
  CHECK(row("leaf_only")->flat == 100);
  // The caller frame 0x2005 was found under 0x2004.
  REQUIRE(row("main"));
  CHECK(row("main")->cum == 300);
}

TEST_CASE("symbol section: '-\\-' inside a name is '--', unknown variables warn") {
  Diagnostics diag;
  Profile p =
      parse("--- symbol\nflavor=x\n0x10 Iter::operator-\\-()\n---\n--- heap\nheap_v2/1\n  t*: 0: 0 [0: 0]\n", diag);
  REQUIRE(p.embedded_symbols->symbols.size() == 1);
  REQUIRE(p.embedded_symbols->symbols[0].names.size() == 1);
  CHECK(p.str(p.embedded_symbols->symbols[0].names[0]) == "Iter::operator--()");
  REQUIRE(diag.warnings.size() == 1);
  CHECK(diag.warnings[0] == "sym.heap:2:1: ignored unknown variable 'flavor' in the symbol section");
}

TEST_CASE("symbol section: malformed input is one InputError with its position") {
  Diagnostics diag;
  auto error_of = [&](const std::string& text) -> std::string {
    try {
      parse(text, diag);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(error_of("--- symbol\n0xZZ main\n---\n") ==
        "sym.heap:2:1: expected '0x<address> <name>[--<inlined name>...]', got '0xZZ main'");
  CHECK(error_of("--- symbol\n0x10\n---\n").starts_with("sym.heap:2:1: expected '0x<address> <name>"));
  CHECK(error_of("--- symbol\n0x10 main\n").starts_with("sym.heap:3:1: expected '---' ending the symbol section"));
  CHECK(error_of("--- symbol\n0x10 main\n---\n--- growth\nheap_v2/1\n") ==
        "sym.heap:4:1: expected '--- heap' before the profile, got '--- growth'");
  CHECK(error_of("--- symbol\nwhat is this\n---\n").starts_with("sym.heap:2:1: expected '0x<address> <name>', "));
  CHECK(error_of("--- symbol\n0x10000000000000000 main\n---\n")
            .starts_with("sym.heap:2:1: expected a 64-bit hex address"));
}
