// memprof top [DUMP...]: where the memory is, per function (or line, file, module, address).
#include <fmt/format.h>

#include "commands.h"

#include "memprof/analyze/flame_tree.h"
#include "memprof/analyze/peek.h"
#include "memprof/analyze/top.h"
#include "memprof/export/openmetrics.h"
#include "memprof/render/peek_report.h"
#include "memprof/render/top_report.h"
#include "memprof/render/tree_report.h"
#include "memprof/render/units.h"
#include "output.h"
#include "profile_options.h"

namespace memprof::cli {

namespace {

struct TopOptions {
  ProfileOptions profile;
  size_t rows = 20;
  bool cum = false;
  std::optional<std::string> fail_above;
  std::optional<std::string> fail_site_above;
  std::optional<std::string> peek;
  bool tree = false;
  double min_percent = 0.5;
};

// CI gates: the total, and any single row's flat value, against the limits.
render::GateResult check_gates(const analyze::TopTable& table, const TopOptions& o, bool exact_bytes) {
  render::GateResult gates;
  SampleType type = table.sample_type;
  if (auto limit = parse_limit(o.fail_above, "--fail-above", false); limit && table.total > limit->value)
    gates.messages.push_back(fmt::format("total {} is above --fail-above {}", render::format_value(table.total, type, exact_bytes),
                                         render::format_value(limit->value, type, exact_bytes)));
  if (auto limit = parse_limit(o.fail_site_above, "--fail-site-above", false)) {
    for (size_t i = 0; i < table.rows.size(); ++i) {
      if (table.rows[i].flat <= limit->value) continue;
      gates.violating_rows.push_back(i);
      gates.messages.push_back(fmt::format("{} holds {}, above --fail-site-above {}", table.rows[i].name,
                                           render::format_value(table.rows[i].flat, type, exact_bytes),
                                           render::format_value(limit->value, type, exact_bytes)));
    }
  }
  return gates;
}

int run_top(TopOptions& o) {
  finish_profile_options(o.profile);
  Diagnostics diag;
  if (o.profile.inputs.empty()) o.profile.inputs = newest_dumps(1, diag);
  flush_warnings(diag);
  SampleType type = o.profile.sample_type();
  analyze::FrameProfile profile = load_frame_profiles(o.profile.inputs, o.profile, diag);
  flush_warnings(diag);
  check_sample_type_available(profile, type);

  bool openmetrics = o.profile.format == "openmetrics";
  if ((o.peek || o.tree) && openmetrics) throw InputError("--format openmetrics is for the table; not with --peek or --tree");
  if ((o.peek || o.tree) && o.profile.output_format() == render::Format::csv)
    throw InputError("--format csv is for tables; --peek and --tree print text, markdown or json");
  if (o.peek) {
    std::vector<analyze::PeekEntry> entries;
    try {
      entries = analyze::compute_peek(profile, *o.peek, type);
    } catch (const analyze::RegexError& e) {
      throw InputError(fmt::format("--peek: {}", e.what()));
    }
    Values total = profile.total();
    write_stdout(render::render_peek(entries, *o.peek, total[type], total[analyze::objects_type_for(type)],
                                     report_context(profile, type, o.profile),
                                     report_style(o.profile, o.rows), o.profile.output_format()));
    return kExitOk;
  }
  if (o.tree) {
    analyze::FlameTree tree = analyze::build_flame_tree(profile, {.sample_type = type});
    write_stdout(render::render_tree(tree, report_context(profile, type, o.profile), report_style(o.profile, 0), o.min_percent,
                                     o.profile.output_format()));
    return kExitOk;
  }
  analyze::TopTable table = analyze::compute_top(profile, type, o.cum ? analyze::TopOrder::cum : analyze::TopOrder::flat);
  render::GateResult gates = check_gates(table, o, o.profile.exact_bytes);
  // Violating rows must be visible whatever -n says.
  size_t rows = o.rows;
  for (size_t i : gates.violating_rows) rows = rows ? std::max(rows, i + 1) : 0;
  if (openmetrics) {
    write_stdout(exporter::render_top_openmetrics(table, rows));
    for (const std::string& message : gates.messages) print_warning("limit exceeded: " + message);
    return gates.messages.empty() ? kExitOk : kExitLimitExceeded;
  }
  write_stdout(render::render_top(table, report_context(profile, type, o.profile), report_style(o.profile, rows),
                                  o.profile.output_format(), gates));
  report_gates_on_stderr(gates, o.profile);
  return gates.messages.empty() ? kExitOk : kExitLimitExceeded;
}

}  // namespace

RunCommand add_top_command(CLI::App& app) {
  auto o = std::make_shared<TopOptions>();
  CLI::App* cmd = app.add_subcommand("top", "Where the memory is: the allocation sites holding the most");
  cmd->add_option("dumps", o->profile.inputs,
                  "Heap dumps, summed (.heap, .gz, '-' for stdin); default: the newest *.heap or *.heap.gz here");
  add_profile_options(*cmd, o->profile);
  // top alone also speaks OpenMetrics: widen the shared --format choices for this command.
  CLI::Option* format = cmd->get_option("--format");
  format->get_validator(0)->active(false);
  format->check(CLI::IsMember({"text", "json", "csv", "markdown", "openmetrics"}));
  cmd->add_option("-n,--rows", o->rows, "Rows to show, 0 for all")->capture_default_str();
  auto* cum = cmd->add_flag("--cum", o->cum, "Sort by cumulative instead of flat");
  auto* peek = cmd->add_option("--peek", o->peek, "Show callers and callees of the functions matching RE")
                   ->type_name("RE");
  auto* tree = cmd->add_flag("--tree", o->tree, "Show the call tree from the roots instead of the table")->excludes(peek);
  cmd->add_option("--min-percent", o->min_percent, "With --tree: fold callees below this share of the total")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  auto* g = "CI gates (exit status 1 when exceeded)";
  auto* above = cmd->add_option("--fail-above", o->fail_above, "Fail when the total is above SIZE")
                    ->type_name("SIZE")
                    ->check(limit_validator(false))
                    ->group(g);
  auto* site_above = cmd->add_option("--fail-site-above", o->fail_site_above, "Fail when any row's flat value is above SIZE")
                         ->type_name("SIZE")
                         ->check(limit_validator(false))
                         ->group(g);
  for (CLI::Option* view : {peek, tree})
    for (CLI::Option* table_only : {above, site_above, cum}) view->excludes(table_only);
  cmd->footer("Exit status: 0 success, 1 a --fail-* limit was exceeded, 2 usage or input error.");
  return [o] { return run_top(*o); };
}

}  // namespace memprof::cli
