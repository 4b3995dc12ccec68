// memprof diff BASE [MID...] NEW: what grew between dumps, keyed on function names.
#include <algorithm>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/analyze/diff.h"
#include "memprof/heapparse/input.h"
#include "memprof/render/diff_report.h"
#include "output.h"
#include "profile_options.h"
#include "series_inputs.h"

namespace memprof::cli {

namespace {

struct DiffCommandOptions {
  ProfileOptions profile;
  size_t rows = 20;
  bool normalize = false;
  bool growth_only = false;
  std::optional<std::string> suppressions;
  std::optional<std::string> fail_growth;
  std::optional<std::string> fail_site_growth;
};

// A limit in percent is relative to the base total, for the total and for single sites alike.
double limit_bytes(const Limit& limit, double base_total) {
  return limit.percent ? limit.value / 100 * base_total : limit.value;
}

std::string limit_text(const Limit& limit, SampleType type, bool exact) {
  return limit.percent ? fmt::format("{}% of the base total", limit.value) : render::format_value(limit.value, type, exact);
}

render::GateResult check_gates(const analyze::DiffTable& t, const DiffCommandOptions& o) {
  render::GateResult gates;
  SampleType type = t.sample_type;
  bool exact = o.profile.exact_bytes;
  if (auto limit = parse_limit(o.fail_growth, "--fail-growth", true); limit && t.delta > limit_bytes(*limit, t.base_total))
    gates.messages.push_back(fmt::format("total grew by {}, more than --fail-growth {}",
                                         render::format_value(t.delta, type, exact), limit_text(*limit, type, exact)));
  if (auto limit = parse_limit(o.fail_site_growth, "--fail-site-growth", true)) {
    double threshold = limit_bytes(*limit, t.base_total);
    for (size_t i = 0; i < t.rows.size(); ++i) {
      if (t.rows[i].delta <= threshold) continue;
      gates.violating_rows.push_back(i);
      gates.messages.push_back(fmt::format("{} grew by {}, more than --fail-site-growth {}", t.rows[i].name,
                                           render::format_value(t.rows[i].delta, type, exact),
                                           limit_text(*limit, type, exact)));
    }
  }
  return gates;
}

int run_diff(DiffCommandOptions& o) {
  finish_profile_options(o.profile);
  Diagnostics diag;
  if (o.profile.inputs.empty()) o.profile.inputs = newest_dumps(2, diag);
  if (o.profile.inputs.size() < 2)
    throw InputError("diff needs at least two dumps: BASE NEW (or BASE MID... NEW)");
  flush_warnings(diag);

  analyze::Suppressions rules;
  if (o.suppressions) {
    heapparse::InputBytes text = heapparse::read_input(*o.suppressions);
    rules = analyze::parse_suppressions(text.text(), *o.suppressions, diag);
  }
  SampleType type = o.profile.sample_type();
  if (o.profile.inputs.size() >= kSeriesEngineMinDumps && !o.suppressions) {  // a series: symbolized once
    uint64_t period = 0;
    analyze::DiffTable table = diff_series(o.profile.inputs, o.profile, {.normalize = o.normalize}, period, diag);
    flush_warnings(diag);
    render::GateResult gates = check_gates(table, o);
    render::DiffReportInput input{.table = table, .dumps = o.profile.inputs, .sample_period = period,
                                  .normalized = o.normalize, .growth_only = o.growth_only};
    write_stdout(render::render_diff(input, report_style(o.profile, o.rows), o.profile.output_format(), gates));
    report_gates_on_stderr(gates, o.profile);
    return gates.messages.empty() ? kExitOk : kExitLimitExceeded;
  }
  // Suppressed bytes are reported for the NEW dump; a rule counts if it matched in any dump.
  analyze::SuppressionResult suppressed;
  std::vector<char> rules_used(rules.patterns.size());
  std::vector<analyze::FrameProfile> profiles;
  for (const std::string& path : o.profile.inputs) {
    // Each dump is symbolized with its own mappings, so ASLR and rebuilds do not matter.
    profiles.push_back(load_frame_profile(path, o.profile, diag, o.suppressions ? &rules : nullptr, &suppressed));
    for (size_t r = 0; r < suppressed.rule_matched.size(); ++r) rules_used[r] |= suppressed.rule_matched[r];
    filter_in_place(profiles.back(), o.profile);
    check_sample_type_available(profiles.back(), type);
    flush_warnings(diag);
  }
  std::vector<const analyze::FrameProfile*> series;
  for (const auto& p : profiles) series.push_back(&p);
  analyze::DiffTable table = analyze::compute_diff(series, type, {.normalize = o.normalize});
  render::GateResult gates = check_gates(table, o);

  render::DiffReportInput input{.table = table,
                                .dumps = o.profile.inputs,
                                .sample_period = profiles.back().sample_period,
                                .normalized = o.normalize,
                                .growth_only = o.growth_only,
                                .suppressed = suppressed.suppressed[type],
                                .suppression_rules = static_cast<size_t>(std::ranges::count(rules_used, 1))};
  write_stdout(render::render_diff(input, report_style(o.profile, o.rows), o.profile.output_format(), gates));
  report_gates_on_stderr(gates, o.profile);
  return gates.messages.empty() ? kExitOk : kExitLimitExceeded;
}

}  // namespace

RunCommand add_diff_command(CLI::App& app) {
  auto o = std::make_shared<DiffCommandOptions>();
  CLI::App* cmd = app.add_subcommand("diff", "What grew between dumps: BASE NEW, or a series BASE MID... NEW");
  cmd->add_option("dumps", o->profile.inputs,
                  "Dumps in time order; default: the two newest *.heap(.gz) of the newest process here");
  add_profile_options(*cmd, o->profile);
  cmd->add_option("-n,--rows", o->rows, "Rows to show, 0 for all")->capture_default_str();
  cmd->add_flag("--normalize", o->normalize, "Scale earlier dumps to the newest dump's total first");
  cmd->add_flag("--growth-only", o->growth_only, "Hide sites that shrank");
  cmd->add_option("--suppressions", o->suppressions, "LSan-style file of 'leak:<pattern>' lines")->type_name("FILE");
  auto* g = "CI gates (exit status 1 when exceeded)";
  cmd->add_option("--fail-growth", o->fail_growth, "Fail when the total grew by more than SIZE or PCT% of the base")
      ->type_name("SIZE|PCT%")
      ->check(limit_validator(true))
      ->group(g);
  cmd->add_option("--fail-site-growth", o->fail_site_growth,
                  "Fail when any site grew by more than SIZE or PCT% of the base total")
      ->type_name("SIZE|PCT%")
      ->check(limit_validator(true))
      ->group(g);
  cmd->footer("Exit status: 0 success, 1 a --fail-* limit was exceeded, 2 usage or input error.");
  return [o] { return run_diff(*o); };
}

}  // namespace memprof::cli
