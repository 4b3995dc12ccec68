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

#include "memprof/heapparse/dump_name.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/render/units.h"
#include "memprof/symbolize/embedded_symbols.h"
#include "output.h"
#include "series_inputs.h"
#include "symbol_options.h"

namespace memprof::cli {

SampleType ProfileOptions::sample_type() const {
  if (inuse_objects) return SampleType::inuse_objects;
  if (alloc_space) return SampleType::alloc_space;
  if (alloc_objects) return SampleType::alloc_objects;
  return SampleType::inuse_space;
}

analyze::Granularity ProfileOptions::granularity() const {
  if (lines) return analyze::Granularity::lines;
  if (files) return analyze::Granularity::files;
  if (modules) return analyze::Granularity::modules;
  if (addresses) return analyze::Granularity::addresses;
  return analyze::Granularity::functions;
}

render::Format ProfileOptions::output_format() const {
  if (format == "json") return render::Format::json;
  if (format == "csv") return render::Format::csv;
  if (format == "markdown") return render::Format::markdown;
  return render::Format::text;
}

void add_profile_options(CLI::App& cmd, ProfileOptions& o, bool report_output) {
  auto* g = "Sample type";
  auto* a = cmd.add_flag("--inuse-space", o.inuse_space, "Live bytes at dump time (default)")->group(g);
  auto* b = cmd.add_flag("--inuse-objects", o.inuse_objects, "Live objects at dump time")->group(g);
  auto* c = cmd.add_flag("--alloc-space", o.alloc_space, "Bytes allocated since start (needs prof_accum:true)")->group(g);
  auto* d = cmd.add_flag("--alloc-objects", o.alloc_objects, "Objects allocated since start (needs prof_accum:true)")->group(g);
  for (CLI::Option* x : {a, b, c, d})
    for (CLI::Option* y : {a, b, c, d})
      if (x != y) x->excludes(y);

  g = "Granularity";
  auto* f1 = cmd.add_flag("--functions", o.functions, "Aggregate by function (default)")->group(g);
  auto* f2 = cmd.add_flag("--lines", o.lines, "Aggregate by function and file:line")->group(g);
  auto* f3 = cmd.add_flag("--files", o.files, "Aggregate by source file")->group(g);
  auto* f4 = cmd.add_flag("--modules", o.modules, "Aggregate by executable or shared library")->group(g);
  auto* f5 = cmd.add_flag("--addresses", o.addresses, "Aggregate by address (no merging across processes)")->group(g);
  for (CLI::Option* x : {f1, f2, f3, f4, f5})
    for (CLI::Option* y : {f1, f2, f3, f4, f5})
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
  cmd.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "csv", "markdown"}))
      ->capture_default_str()
      ->group(g);
}

void finish_profile_options(ProfileOptions& options) { add_symbol_paths_from_env(options.symbols); }

analyze::FrameProfile load_frame_profile(const std::string& path, const ProfileOptions& options, Diagnostics& diag,
                                         const analyze::Suppressions* rules, analyze::SuppressionResult* suppressed) {
  Profile profile = heapparse::read_dump(path, diag);
  symbolize::symbolize_auto(profile, options.symbols, diag);  // a symbolized dump needs no binaries
  if (rules) {
    analyze::SuppressionResult result = analyze::apply_suppressions(profile, *rules);
    if (suppressed) *suppressed = std::move(result);
  }
  analyze::FrameOptions frame_options{
      .granularity = options.granularity(), .full_names = options.full_names, .thread = options.thread};
  return analyze::build_frame_profile(profile, frame_options);
}

void filter_in_place(analyze::FrameProfile& profile, const ProfileOptions& options) {
  if (!options.filters.any()) return;
  try {
    profile = analyze::apply_filters(profile, options.filters);
  } catch (const analyze::RegexError& e) {
    throw InputError(fmt::format("--focus/--ignore/--hide/--show-from: {}", e.what()));
  }
}

analyze::FrameProfile load_frame_profiles(const std::vector<std::string>& paths, const ProfileOptions& options,
                                          Diagnostics& diag) {
  analyze::FrameProfile merged;
  if (paths.size() >= kSeriesEngineMinDumps) merged = load_summed_profile(paths, options, diag);  // symbolized once
  for (size_t i = 0; i < paths.size() && paths.size() < kSeriesEngineMinDumps; ++i) {
    analyze::FrameProfile one = load_frame_profile(paths[i], options, diag);
    if (paths.size() == 1) merged = std::move(one);
    else merge_into(merged, one);
  }
  filter_in_place(merged, options);
  return merged;
}

std::vector<std::string> newest_dumps(size_t count, Diagnostics& diag) {
  namespace fs = std::filesystem;
  struct Candidate {
    std::string path;
    std::optional<DumpName> name;
    fs::file_time_type mtime;
  };
  std::vector<Candidate> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(".", ec)) {
    std::string file = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || !(file.ends_with(".heap") || file.ends_with(".heap.gz"))) continue;
    found.push_back({file, heapparse::parse_dump_name(file), entry.last_write_time(ec)});
  }
  // jemalloc's sequence numbers order the dumps of one process exactly; which process is the
  // newest, and the order of files named otherwise, only modification times can tell.
  auto named = [](const Candidate& c) { return c.name && c.name->pid && c.name->seq; };
  if (std::ranges::any_of(found, named)) {
    std::erase_if(found, [&](const Candidate& c) { return !named(c); });
    const Candidate& latest = *std::ranges::max_element(found, {}, &Candidate::mtime);
    uint64_t pid = *latest.name->pid;
    std::erase_if(found, [&](const Candidate& c) { return *c.name->pid != pid; });
    std::ranges::sort(found, [](const Candidate& a, const Candidate& b) {
      return std::tie(*a.name->seq, a.mtime, a.path) < std::tie(*b.name->seq, b.mtime, b.path);
    });
  } else {
    std::ranges::sort(found, [](const Candidate& a, const Candidate& b) {
      return std::tie(a.mtime, a.path) < std::tie(b.mtime, b.path);
    });
  }
  if (found.size() < count)
    throw InputError(fmt::format("no input given and {} usable dump(s) (*.heap, *.heap.gz, of one process) in the "
                                 "current directory; {} needed",
                                 found.size(), count));
  std::vector<std::string> chosen;
  for (size_t i = found.size() - count; i < found.size(); ++i) chosen.push_back(found[i].path);
  diag.warn(fmt::format("no input given; using {}", fmt::join(chosen, ", ")));
  return chosen;
}

void check_sample_type_available(const analyze::FrameProfile& profile, SampleType type) {
  if ((type == SampleType::alloc_space || type == SampleType::alloc_objects) && !profile.has_accum_data)
    throw InputError(fmt::format(
        "{}: no cumulative allocation data (the process ran without MALLOC_CONF=prof_accum:true); "
        "use --inuse-space or --inuse-objects",
        fmt::join(profile.inputs, ", ")));
}

render::ReportContext report_context(const analyze::FrameProfile& profile, SampleType type,
                                     const ProfileOptions& options) {
  constexpr std::array<const char*, 5> kLabels = {"function", "line", "file", "module", "address"};
  return {.inputs = profile.inputs,
          .sample_period = profile.sample_period,
          .sample_type = type,
          .frame_label = kLabels[static_cast<size_t>(options.granularity())]};
}

void report_gates_on_stderr(const render::GateResult& gates, const ProfileOptions& options) {
  render::Format format = options.output_format();
  if (format != render::Format::csv && format != render::Format::json) return;
  for (const std::string& message : gates.messages) print_warning("limit exceeded: " + message);
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

std::optional<Limit> parse_limit(const std::optional<std::string>& text, const std::string& option, bool allow_percent) {
  if (!text) return std::nullopt;
  std::string_view s = *text;
  if (s.ends_with('%')) {
    if (!allow_percent) throw CLI::ValidationError(option, "expects a size such as 100MiB, not a percentage");
    s.remove_suffix(1);
    double pct = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), pct);
    if (ec != std::errc{} || end != s.data() + s.size() || pct < 0)
      throw CLI::ValidationError(option, "expects SIZE or PCT%, got '" + *text + "'");
    return Limit{pct, true};
  }
  auto v = render::parse_size(s);
  if (!v) throw CLI::ValidationError(option, "expects a size such as 512KiB, 100MiB, 1G or a byte count, got '" + *text + "'");
  return Limit{static_cast<double>(*v), false};
}

CLI::Validator limit_validator(bool allow_percent) {
  return CLI::Validator(
      [allow_percent](std::string& text) -> std::string {
        try {
          parse_limit(text, "", allow_percent);
        } catch (const CLI::ValidationError& e) {
          std::string message = e.what();
          return message.substr(message.find_first_not_of(": "));  // CLI11 prefixes the option
        }
        return {};
      },
      "");
}

}  // namespace memprof::cli
