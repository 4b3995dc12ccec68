// CI gates: limits a user puts on a report (`--fail-above 100MiB`, `--fail-growth 5%`). They
// live here, not in the CLI, so every command words an exceeded limit the same way, exits with
// the same status, and the rules are unit-tested without running the binary.
//
//   std::optional<Limit> limit = parse_limit("5%", /*allow_percent=*/true);
//   GateResult g = check_diff_gates(table, {.growth = limit}, /*exact_bytes=*/false);
//   for (const std::string& m : g.messages) std::cerr << "memprof: " << gate_line(m) << '\n';
//   return g.exit_status();   // 0, or kExitLimitExceeded
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/analyze/diff.h"
#include "memprof/analyze/top.h"

namespace memprof::render {

struct StatsEntry;

// The documented exit status of a command whose limit was exceeded (2 is any error).
inline constexpr int kExitLimitExceeded = 1;

struct GateResult {
  std::vector<std::string> messages;  // one line per exceeded limit, without the "limit exceeded: " lead
  std::vector<size_t> violating_rows;
  std::vector<std::string> warnings;  // a limit that could not be checked
  bool exceeded() const { return !messages.empty(); }
  int exit_status() const { return exceeded() ? kExitLimitExceeded : 0; }
};

// "limit exceeded: MESSAGE": the one wording for stderr, in every format.
std::string gate_line(std::string_view message);

// A size ("100MiB", "1G", "4096") or, when allowed, a percentage ("5%").
struct Limit {
  double value = 0;
  bool percent = false;
};
std::optional<Limit> parse_limit(std::string_view text, bool allow_percent);
// What parse_limit accepts, for usage errors: "expects SIZE (such as 512KiB, 100MiB, 1G) ...".
std::string limit_syntax(bool allow_percent);

// top: the total, and each row's flat value.
struct TopGates {
  std::optional<Limit> total;  // --fail-above
  std::optional<Limit> site;   // --fail-site-above
};
GateResult check_top_gates(const analyze::TopTable& table, const TopGates& gates, bool exact_bytes);

// diff: growth of the total and of each site; a percentage is of the base total for both.
struct DiffGates {
  std::optional<Limit> growth;       // --fail-growth
  std::optional<Limit> site_growth;  // --fail-site-growth
};
GateResult check_diff_gates(const analyze::DiffTable& table, const DiffGates& gates, bool exact_bytes);

// stats: fragmentation and resident bytes of every snapshot.
struct StatsGates {
  std::optional<double> frag_percent;  // --fail-frag-above
  std::optional<uint64_t> resident;    // --fail-resident-above
};
GateResult check_stats_gates(const std::vector<StatsEntry>& entries, const StatsGates& gates);

}  // namespace memprof::render
