// memprof diff BASE [MID...] NEW: what grew between dumps, keyed on function names.
#include <algorithm>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/analyze/diff.h"
#include "memprof/heapparse/input.h"
#include "memprof/render/diff_report.h"
#include "option_types.h"
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
  bool keep_order = false;
  std::optional<std::string> suppressions;
  render::DiffGates gates;
};

int run_diff(DiffCommandOptions& o) {
  finish_profile_options(o.profile);
  Diagnostics diag;
  if (o.profile.inputs.empty()) o.profile.inputs = newest_dumps(2, diag);
  if (o.profile.inputs.size() < 2) throw InputError("diff needs at least two dumps: BASE NEW (or BASE MID... NEW)");
  std::vector<series::SeriesDump> dumps = ordered_series(o.profile.inputs, o.keep_order, diag);
  for (size_t i = 0; i < dumps.size(); ++i) o.profile.inputs[i] = dumps[i].path;
  flush_warnings(diag);

  analyze::Suppressions rules;
  if (o.suppressions) {
    heapparse::InputBytes text = heapparse::read_input(*o.suppressions);
    rules = analyze::parse_suppressions(text.text(), heapparse::input_name(*o.suppressions), diag);
  }
  SampleType type = o.profile.sample_type();
  if (o.profile.inputs.size() >= kSeriesEngineMinDumps && !o.suppressions) {  // a series: symbolized once
    uint64_t period = 0;
    analyze::DiffTable table = diff_series(std::move(dumps), o.profile, {.normalize = o.normalize},
                                           o.gates.growth || o.gates.site_growth, period, diag);
    flush_warnings(diag);
    render::GateResult gates = render::check_diff_gates(table, o.gates, o.profile.exact_bytes);
    print_gates(gates);  // first, so CI logs show them whatever the format
    render::DiffReportInput input{.table = table,
                                  .dumps = o.profile.inputs,
                                  .sample_period = period,
                                  .normalized = o.normalize,
                                  .growth_only = o.growth_only,
                                  .frame_label = report_context({}, type, o.profile).frame_label};
    write_stdout(render::render_diff(input, report_style(o.profile, o.rows), o.profile.output_format(), gates));
    return gates.exit_status();
  }
  // Suppressed bytes are reported for the NEW dump; a rule counts if it matched in any dump.
  analyze::SuppressionResult suppressed;
  std::vector<char> rules_used(rules.patterns.size());
  std::vector<analyze::FrameProfile> profiles;
  Selection selection;
  for (const std::string& path : o.profile.inputs) {
    // Each dump is symbolized with its own mappings, so ASLR and rebuilds do not matter.
    profiles.push_back(load_frame_profile(path, o.profile, diag, o.suppressions ? &rules : nullptr, &suppressed));
    for (size_t r = 0; r < suppressed.rule_matched.size(); ++r) rules_used[r] |= suppressed.rule_matched[r];
    filter_in_place(profiles.back(), o.profile, &selection);
    check_sample_type_available(profiles.back(), type);
    flush_warnings(diag);
  }
  check_selection(selection, o.gates.growth || o.gates.site_growth, diag);
  flush_warnings(diag);
  std::vector<const analyze::FrameProfile*> series;
  for (const auto& p : profiles) series.push_back(&p);
  analyze::DiffTable table = analyze::compute_diff(series, type, {.normalize = o.normalize});
  render::GateResult gates = render::check_diff_gates(table, o.gates, o.profile.exact_bytes);
  print_gates(gates);  // first, so CI logs show them whatever the format

  render::DiffReportInput input{.table = table,
                                .dumps = o.profile.inputs,
                                .sample_period = profiles.back().sample_period,
                                .normalized = o.normalize,
                                .growth_only = o.growth_only,
                                .suppressed = suppressed.suppressed[type],
                                .suppression_rules = static_cast<size_t>(std::ranges::count(rules_used, 1)),
                                .frame_label = report_context(profiles.back(), type, o.profile).frame_label};
  write_stdout(render::render_diff(input, report_style(o.profile, o.rows), o.profile.output_format(), gates));
  return gates.exit_status();
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
  cmd->add_flag("--keep-order", o->keep_order,
                "Take the dumps in the order given, not in jemalloc's (pid, seq) order from their names");
  cmd->add_option("--suppressions", o->suppressions, "LSan-style file of 'leak:<pattern>' lines")->type_name("FILE");
  auto* g = "CI gates (exit status 1 when exceeded)";
  add_limit_option(*cmd, "--fail-growth", o->gates.growth, true,
                   "Fail when the total grew by more than SIZE or PCT% of the base")
      ->group(g);
  add_limit_option(*cmd, "--fail-site-growth", o->gates.site_growth, true,
                   "Fail when any site grew by more than SIZE or PCT% of the base total")
      ->group(g);
  cmd->footer("Exit status: 0 success, 1 a --fail-* limit was exceeded, 2 usage or input error.");
  return [o] { return run_diff(*o); };
}

}  // namespace memprof::cli
