// memprof top [DUMP...]: where the memory is, per function (or line, file, module, address).
#include <map>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/analyze/flame_tree.h"
#include "memprof/analyze/peek.h"
#include "memprof/analyze/top.h"
#include "memprof/export/openmetrics.h"
#include "memprof/heapparse/dump_name.h"
#include "memprof/render/peek_report.h"
#include "memprof/render/top_report.h"
#include "memprof/render/tree_report.h"
#include "memprof/render/units.h"
#include "option_types.h"
#include "output.h"
#include "profile_options.h"

namespace memprof::cli {

namespace {

struct TopOptions {
  ProfileOptions profile;
  size_t rows = 20;
  bool cum = false;
  render::TopGates gates;
  std::optional<std::string> peek;
  bool tree = false;
  double min_percent = 0.5;
};

// Summing snapshots of one process counts the memory that lived through them several times:
// almost always `diff` or `trend` was meant.
void warn_same_process(const std::vector<std::string>& inputs, Diagnostics& diag) {
  std::map<uint64_t, size_t> per_pid;
  for (const std::string& path : inputs)
    if (auto name = heapparse::parse_dump_name(path); name && name->pid) ++per_pid[*name->pid];
  for (const auto& [pid, count] : per_pid)
    if (count > 1)
      diag.warn(
          fmt::format("{} dumps of process {} summed: snapshots of one process count the same memory again; "
                      "compare them with 'memprof diff' (or 'memprof trend') instead",
                      count, pid));
}

int run_top(TopOptions& o) {
  finish_profile_options(o.profile);
  Diagnostics diag;
  if (o.profile.inputs.empty()) o.profile.inputs = newest_dumps(1, diag);
  warn_same_process(o.profile.inputs, diag);
  flush_warnings(diag);
  SampleType type = o.profile.sample_type();
  Selection selection;
  analyze::FrameProfile profile = load_frame_profiles(o.profile.inputs, o.profile, diag, &selection);
  check_selection(selection, o.gates.total || o.gates.site, diag);
  flush_warnings(diag);
  check_sample_type_available(profile, type);

  bool openmetrics = o.profile.format == render::Format::openmetrics;
  if ((o.peek || o.tree) && openmetrics)
    throw InputError("--format openmetrics is for the table; not with --peek or --tree");
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
                                     report_context(profile, type, o.profile, &selection),
                                     report_style(o.profile, o.rows), o.profile.output_format()));
    return kExitOk;
  }
  if (o.tree) {
    analyze::FlameTree tree = analyze::build_flame_tree(profile, {.sample_type = type});
    write_stdout(render::render_tree(tree, report_context(profile, type, o.profile, &selection),
                                     report_style(o.profile, 0), o.min_percent, o.profile.output_format()));
    return kExitOk;
  }
  analyze::TopTable table =
      analyze::compute_top(profile, type, o.cum ? analyze::TopOrder::cum : analyze::TopOrder::flat);
  render::GateResult gates = render::check_top_gates(table, o.gates, o.profile.exact_bytes);
  print_gates(gates);  // first, so CI logs show them whatever the format
  // Violating rows must be visible whatever -n says.
  size_t rows = o.rows;
  for (size_t i : gates.violating_rows) rows = rows ? std::max(rows, i + 1) : 0;
  if (openmetrics) {
    write_stdout(exporter::render_top_openmetrics(table, rows));
    return gates.exit_status();
  }
  write_stdout(render::render_top(table, report_context(profile, type, o.profile, &selection),
                                  report_style(o.profile, rows), o.profile.output_format(), gates));
  return gates.exit_status();
}

}  // namespace

RunCommand add_top_command(CLI::App& app) {
  auto o = std::make_shared<TopOptions>();
  CLI::App* cmd = app.add_subcommand("top", "Where the memory is: the allocation sites holding the most");
  cmd->add_option("dumps", o->profile.inputs,
                  "Heap dumps, summed (.heap, .gz, '-' for stdin); default: the newest *.heap or *.heap.gz here");
  add_profile_options(*cmd, o->profile);
  // top alone also speaks OpenMetrics: widen the shared --format choices for this command.
  cmd->remove_option(cmd->get_option("--format"));
  using render::Format;
  add_format_option(*cmd, o->profile.format,
                    {Format::text, Format::json, Format::csv, Format::markdown, Format::openmetrics})
      ->group("Output");
  cmd->add_option("-n,--rows", o->rows, "Rows to show, 0 for all")->capture_default_str();
  auto* cum = cmd->add_flag("--cum", o->cum, "Sort by cumulative instead of flat");
  auto* peek =
      cmd->add_option("--peek", o->peek, "Show callers and callees of the functions matching RE")->type_name("RE");
  auto* tree =
      cmd->add_flag("--tree", o->tree, "Show the call tree from the roots instead of the table")->excludes(peek);
  add_bounded_option(*cmd, "--min-percent", o->min_percent, 0, 100,
                     "With --tree: fold callees below this share of the total");
  auto* g = "CI gates (exit status 1 when exceeded)";
  auto* above =
      add_limit_option(*cmd, "--fail-above", o->gates.total, false, "Fail when the total is above SIZE")->group(g);
  auto* site_above =
      add_limit_option(*cmd, "--fail-site-above", o->gates.site, false, "Fail when any row's flat value is above SIZE")
          ->group(g);
  for (CLI::Option* view : {peek, tree})
    for (CLI::Option* table_only : {above, site_above, cum}) view->excludes(table_only);
  cmd->footer("Exit status: 0 success, 1 a --fail-* limit was exceeded, 2 usage or input error.");
  return [o] { return run_top(*o); };
}

}  // namespace memprof::cli
