#include "profile_options.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <tuple>

#include <fmt/format.h>

#include "memprof/heapparse/dump_order.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/render/units.h"
#include "memprof/symbolize/embedded_symbols.h"
#include "option_types.h"
#include "output.h"
#include "series_inputs.h"
#include "symbol_options.h"
#include "symbol_warnings.h"

namespace memprof::cli {

void add_profile_options(CLI::App& cmd, ProfileOptions& o, bool report_output) {
  add_sample_type_options(cmd, o.sample_type_);

  const char* g = "Granularity";
  struct Choice {
    const char* flag;
    analyze::Granularity granularity;
    const char* help;
  };
  static constexpr Choice kChoices[] = {
      {"--functions", analyze::Granularity::functions, "Aggregate by function (default)"},
      {"--lines", analyze::Granularity::lines, "Aggregate by function and file:line"},
      {"--files", analyze::Granularity::files, "Aggregate by source file"},
      {"--modules", analyze::Granularity::modules, "Aggregate by executable or shared library"},
      {"--addresses", analyze::Granularity::addresses, "Aggregate by address (no merging across processes)"},
  };
  std::vector<CLI::Option*> flags;
  for (const Choice& c : kChoices)
    flags.push_back(cmd.add_flag_callback(
                           c.flag, [&o, value = c.granularity] { o.granularity_ = value; }, c.help)
                        ->group(g));
  for (CLI::Option* x : flags)
    for (CLI::Option* y : flags)
      if (x != y) x->excludes(y);
  cmd.add_flag("--full-names", o.full_names, "Keep parameter lists and template arguments; do not elide long names")
      ->group(g);

  g = "Filters (regular expressions on frame names)";
  cmd.add_option("--focus", o.filters.focus, "Keep only stacks with a frame matching RE")->type_name("RE")->group(g);
  cmd.add_option("--ignore", o.filters.ignore, "Drop stacks with a frame matching RE")->type_name("RE")->group(g);
  cmd.add_option("--hide", o.filters.hide, "Remove frames matching RE from stacks")->type_name("RE")->group(g);
  cmd.add_option("--show-from", o.filters.show_from, "Drop the callers above the outermost frame matching RE")
      ->type_name("RE")
      ->group(g);
  cmd.add_option("--thread", o.thread, "Only this thread: jemalloc thread number or thread name")
      ->type_name("N|NAME")
      ->group(g);

  add_symbol_options(cmd, o.symbols);
  if (!report_output) return;

  g = "Output";
  cmd.add_flag("--bytes", o.exact_bytes, "Exact byte counts instead of KiB/MiB/GiB")->group(g);
  using render::Format;
  add_format_option(cmd, o.format, {Format::text, Format::json, Format::csv, Format::markdown})->group(g);
}

void finish_profile_options(ProfileOptions& options) { add_symbol_paths_from_env(options.symbols); }

analyze::FrameProfile load_frame_profile(const std::string& path, const ProfileOptions& options, Diagnostics& diag,
                                         const analyze::Suppressions* rules, analyze::SuppressionResult* suppressed) {
  Profile profile = heapparse::read_dump(path, diag);
  // A symbolized dump needs no binaries.
  symbolize::SymbolizeReport report = symbolize::symbolize_auto(profile, options.symbols, diag);
  warn_unresolved_modules(profile, report, diag);
  if (rules) {
    analyze::SuppressionResult result = analyze::apply_suppressions(profile, *rules);
    if (suppressed) *suppressed = std::move(result);
  }
  analyze::FrameOptions frame_options{
      .granularity = options.granularity(), .full_names = options.full_names, .thread = options.thread};
  return analyze::build_frame_profile(profile, frame_options);
}

void filter_in_place(analyze::FrameProfile& profile, const ProfileOptions& options, Selection* selection) {
  if (!options.filters.any()) return;
  const analyze::FilterOptions& f = options.filters;
  std::vector<std::string> unmatched;
  try {
    for (const auto& [flag, pattern] : {std::pair{"--focus", f.focus}, std::pair{"--ignore", f.ignore},
                                        std::pair{"--hide", f.hide}, std::pair{"--show-from", f.show_from}}) {
      if (!pattern) continue;
      std::vector<char> matches = analyze::match_frames(profile, *pattern);
      if (std::ranges::find(matches, 1) == matches.end()) unmatched.push_back(fmt::format("{} '{}'", flag, *pattern));
    }
    Values before = profile.total();
    profile = analyze::apply_filters(profile, f);
    if (!selection) return;
    if (!selection->filtered) selection->unmatched = unmatched;  // first profile: all it missed
    else
      std::erase_if(selection->unmatched,
                    [&](const std::string& u) { return std::ranges::find(unmatched, u) == unmatched.end(); });
    selection->filtered = true;
    selection->total_before += before;
  } catch (const analyze::RegexError& e) {
    throw InputError(fmt::format("--focus/--ignore/--hide/--show-from: {}", e.what()));
  }
}

void check_selection(const Selection& selection, bool gates_set, Diagnostics& diag) {
  if (selection.unmatched.empty()) return;
  std::string what = fmt::format("{}", fmt::join(selection.unmatched, ", "));
  if (gates_set)
    throw InputError(fmt::format("{} matched no frame: a --fail-* limit on that selection would check nothing", what));
  diag.warn(fmt::format("{} matched no frame", what));
}

analyze::FrameProfile load_frame_profiles(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag, Selection* selection) {
  analyze::FrameProfile merged;
  if (paths.size() >= kSeriesEngineMinDumps) merged = load_summed_profile(paths, options, diag);  // symbolized once
  for (size_t i = 0; i < paths.size() && paths.size() < kSeriesEngineMinDumps; ++i) {
    analyze::FrameProfile one = load_frame_profile(paths[i], options, diag);
    if (paths.size() == 1) merged = std::move(one);
    else merge_into(merged, one);
  }
  Selection local;
  filter_in_place(merged, options, selection ? selection : &local);
  if (!selection) check_selection(local, false, diag);
  return merged;
}

namespace {

// The fallback is for `memprof top` typed alone. A dump-like word that is on the command line
// but ended up as an option's value means the user named a dump: never swap in another file.
void refuse_fallback_when_a_dump_was_named() {
  const std::vector<std::string>* args = streams().args;
  if (!args) return;
  for (std::string_view word : *args) {
    if (word.starts_with("--") && word.find('=') != std::string_view::npos) word.remove_prefix(word.find('=') + 1);
    if (word.ends_with(".heap") || word.ends_with(".heap.gz"))
      throw InputError(
          fmt::format("no dump named after the options, yet '{}' is on the command line as an option's "
                      "value; name the dumps after the options (or after '--')",
                      word));
  }
}

}  // namespace

std::vector<std::string> newest_dumps(size_t count, Diagnostics& diag) {
  refuse_fallback_when_a_dump_was_named();
  std::vector<std::string> chosen = heapparse::newest_series(".", count);
  diag.warn(fmt::format("no input given; using {}", heapparse::describe_series(chosen)));
  return chosen;
}

void check_sample_type_available(const analyze::FrameProfile& profile, SampleType type) {
  if ((type == SampleType::alloc_space || type == SampleType::alloc_objects) && !profile.has_accum_data)
    throw InputError(
        fmt::format("{}: no cumulative allocation data (the process ran without MALLOC_CONF=prof_accum:true); "
                    "use --inuse-space or --inuse-objects",
                    fmt::join(profile.inputs, ", ")));
}

render::ReportContext report_context(const analyze::FrameProfile& profile, SampleType type,
                                     const ProfileOptions& options, const Selection* selection) {
  constexpr std::array<const char*, 5> kLabels = {"function", "line", "file", "module", "address"};
  return {.inputs = profile.inputs,
          .sample_period = profile.sample_period,
          .sample_periods = profile.sample_periods,
          .sample_type = type,
          .unfiltered_total =
              selection && selection->filtered ? std::optional<double>(selection->total_before[type]) : std::nullopt,
          .frame_label = kLabels[static_cast<size_t>(options.granularity())]};
}

size_t output_width() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    int n = std::atoi(columns);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 0;
}

render::ReportStyle report_style(const ProfileOptions& options, size_t max_rows) {
  return {.width = options.full_names ? 0 : output_width(), .exact_bytes = options.exact_bytes, .max_rows = max_rows};
}

}  // namespace memprof::cli
