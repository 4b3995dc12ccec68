#include "memprof/render/gates.h"

#include <fmt/format.h>

#include "memprof/render/report_options.h"
#include "memprof/render/stats_report.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {

// A limit in percent is relative to the base total, for the total and for single sites alike.
double limit_value(const Limit& limit, double base_total) {
  return limit.percent ? limit.value / 100 * base_total : limit.value;
}

std::string limit_text(const Limit& limit, SampleType type, bool exact) {
  return limit.percent ? fmt::format("{}% of the base total", limit.value) : format_value(limit.value, type, exact);
}

}  // namespace

std::string gate_line(std::string_view message) { return fmt::format("limit exceeded: {}", message); }

std::optional<Limit> parse_limit(std::string_view text, bool allow_percent) {
  if (text.ends_with('%')) {
    if (!allow_percent) return std::nullopt;
    std::optional<double> percent = parse_percent(text);
    if (!percent) return std::nullopt;
    return Limit{*percent, true};
  }
  std::optional<uint64_t> size = parse_size(text);
  if (!size) return std::nullopt;
  return Limit{static_cast<double>(*size), false};
}

std::string limit_syntax(bool allow_percent) {
  return allow_percent ? "expects SIZE (such as 512KiB, 100MiB, 1G or a byte count) or PCT% (such as 5%)"
                       : "expects SIZE (such as 512KiB, 100MiB, 1G or a byte count)";
}

GateResult check_top_gates(const analyze::TopTable& table, const TopGates& gates, bool exact) {
  GateResult result;
  SampleType type = table.sample_type;
  if (gates.total && table.total > gates.total->value)
    result.messages.push_back(fmt::format("total {} is above --fail-above {}", format_value(table.total, type, exact),
                                          format_value(gates.total->value, type, exact)));
  if (gates.site) {
    for (size_t i = 0; i < table.rows.size(); ++i) {
      if (table.rows[i].flat <= gates.site->value) continue;
      result.violating_rows.push_back(i);
      result.messages.push_back(fmt::format("{} holds {}, above --fail-site-above {}", table.rows[i].name,
                                            format_value(table.rows[i].flat, type, exact),
                                            format_value(gates.site->value, type, exact)));
    }
  }
  return result;
}

GateResult check_diff_gates(const analyze::DiffTable& table, const DiffGates& gates, bool exact) {
  GateResult result;
  SampleType type = table.sample_type;
  if (gates.growth && table.delta > limit_value(*gates.growth, table.base_total))
    result.messages.push_back(fmt::format("total grew by {}, more than --fail-growth {}",
                                          format_value(table.delta, type, exact),
                                          limit_text(*gates.growth, type, exact)));
  if (gates.site_growth) {
    double threshold = limit_value(*gates.site_growth, table.base_total);
    for (size_t i = 0; i < table.rows.size(); ++i) {
      if (table.rows[i].delta <= threshold) continue;
      result.violating_rows.push_back(i);
      result.messages.push_back(fmt::format("{} grew by {}, more than --fail-site-growth {}", table.rows[i].name,
                                            format_value(table.rows[i].delta, type, exact),
                                            limit_text(*gates.site_growth, type, exact)));
    }
  }
  return result;
}

GateResult check_stats_gates(const std::vector<StatsEntry>& entries, const StatsGates& gates) {
  GateResult result;
  for (const StatsEntry& e : entries) {
    const std::string& source = e.snapshot.source;
    if (gates.frag_percent && e.analysis.fragmentation * 100 > *gates.frag_percent)
      result.messages.push_back(fmt::format("{}: fragmentation {:.2f}% is above --fail-frag-above {}%", source,
                                            e.analysis.fragmentation * 100, *gates.frag_percent));
    if (!gates.resident) continue;
    if (!e.analysis.resident) {
      result.warnings.push_back(
          fmt::format("{}: no 'resident' figure (jemalloc < 4.0); --fail-resident-above not checked", source));
    } else if (*e.analysis.resident > *gates.resident) {
      result.messages.push_back(fmt::format("{}: resident {} ({}) is above --fail-resident-above {} ({})", source,
                                            *e.analysis.resident,
                                            format_bytes(static_cast<double>(*e.analysis.resident)), *gates.resident,
                                            format_bytes(static_cast<double>(*gates.resident))));
    }
  }
  return result;
}

}  // namespace memprof::render
