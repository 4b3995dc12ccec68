// memprof flame [--folded] [--base BASE...] DUMP...: flame graphs as self-contained SVG, or folded
// stacks for other tools.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/analyze/flame_tree.h"
#include "memprof/analyze/frame_profile.h"
#include "memprof/render/flame_svg.h"
#include "memprof/render/folded.h"
#include "memprof/render/units.h"
#include "option_types.h"
#include "output.h"
#include "profile_options.h"

namespace memprof::cli {

namespace {

struct FlameOptions {
  ProfileOptions profile;
  std::vector<std::string> base;
  std::string output;
  bool folded = false;
  bool reverse = false;
  bool mark_inline = false;
  std::string colors = "mem";
  std::string title, subtitle;
  double width = 1200;
  std::string min_width = "0.1";
  bool icicle = false;
  bool self_delta = false, normalize = false, negate = false;
  std::string min_delta;
};

std::string dump_date(const std::string& path) {
  std::error_code ec;
  if (path == "-") return {};
  auto ftime = std::filesystem::last_write_time(path, ec);
  if (ec) return {};
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::file_clock::to_sys(ftime));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// Reads, symbolizes and sums dumps, then applies the filters. Fills `inputs` with paths and
// dates for the SVG header.
analyze::FrameProfile load(const std::vector<std::string>& paths, const ProfileOptions& o,
                           std::vector<render::FlameInput>& inputs) {
  Diagnostics diag;
  analyze::FrameProfile sum = load_frame_profiles(paths, o, diag);
  flush_warnings(diag);
  for (const std::string& path : paths) inputs.push_back({path, dump_date(path)});
  return sum;
}

// "0.5", "0.5px" or "0.1%".
std::pair<double, bool> parse_min_width(std::string text) {
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  if (!percent && text.size() > 2 && text.ends_with("px")) text.resize(text.size() - 2);
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && v >= 0) return {v, percent};
  } catch (const std::exception&) {
  }
  throw InputError(fmt::format("--minwidth: expected pixels (0.5, 0.5px) or a percentage (0.1%), got '{}'", text));
}

// "64KiB", "1000" or "2%".
std::pair<double, bool> parse_min_delta(std::string text) {
  if (text.empty()) return {0, false};
  if (text.back() == '%') {
    text.pop_back();
    try {
      size_t used = 0;
      double v = std::stod(text, &used);
      if (used == text.size() && v >= 0) return {v, true};
    } catch (const std::exception&) {
    }
  } else if (std::optional<uint64_t> size = render::parse_size(text)) {
    return {static_cast<double>(*size), false};
  }
  throw InputError(fmt::format("--min-delta: expected a size (64KiB, 1000) or a percentage (2%), got '{}'", text));
}

void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    write_stdout(text);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) throw InputError(fmt::format("{}: cannot write", path));
}

int run_flame(FlameOptions& o) {
  finish_profile_options(o.profile);
  bool to_stdout = o.output.empty() || o.output == "-";
  if (!o.folded && to_stdout && streams().out_is_terminal)
    throw InputError(
        "refusing to write an SVG to a terminal: redirect it (memprof flame app.heap > flame.svg), "
        "use -o FILE, or --folded for text");
  std::optional<render::Palette> palette = render::parse_palette(o.colors);
  if (!palette)
    throw InputError(
        fmt::format("--colors: unknown palette '{}' (one of: {})", o.colors, fmt::join(render::palette_names(), ", ")));
  auto [min_width, min_width_percent] = parse_min_width(o.min_width);
  auto [min_delta, min_delta_percent] = parse_min_delta(o.min_delta);
  SampleType type = o.profile.sample_type();
  bool diff = !o.base.empty();
  if (o.profile.inputs.empty()) {
    Diagnostics diag;
    o.profile.inputs = newest_dumps(1, diag);
    flush_warnings(diag);
  }

  render::FlameSvgOptions svg;
  analyze::FrameProfile now = load(o.profile.inputs, o.profile, svg.inputs);
  analyze::FrameProfile base;
  if (diff) base = load(o.base, o.profile, svg.base_inputs);
  check_sample_type_available(now, type);
  uint64_t sample_period = now.sample_period ? now.sample_period : base.sample_period;

  if (o.folded) {
    render::FoldedOptions f{
        .sample_type = type, .mark_inline = o.mark_inline, .reverse = o.reverse, .normalize = o.normalize};
    write_output(o.output, diff ? render::render_folded_diff(base, now, f) : render::render_folded(now, f));
    return kExitOk;
  }

  analyze::FlameTreeOptions tree_options{.sample_type = type, .reverse = o.reverse, .normalize = o.normalize};
  analyze::FlameTree tree =
      diff ? analyze::build_diff_flame_tree(base, now, tree_options) : analyze::build_flame_tree(now, tree_options);
  svg.title = o.title;
  svg.subtitle = o.subtitle;
  svg.width = o.width;
  svg.min_width = min_width;
  svg.min_width_percent = min_width_percent;
  svg.palette = *palette;
  svg.icicle = o.icicle;
  svg.sample_period = sample_period;
  if (diff) {
    svg.negate = o.negate;
    svg.self_delta = o.self_delta;
    svg.min_delta = min_delta;
    svg.min_delta_percent = min_delta_percent;
    svg.gone = analyze::disappeared_stacks(base, now, tree_options, 10);
  }
  render::FlameSvg result = render::render_flame_svg(tree, svg);
  for (const std::string& w : result.warnings) print_warning(w);
  write_output(o.output, result.svg);
  return kExitOk;
}

}  // namespace

RunCommand add_flame_command(CLI::App& app) {
  auto o = std::make_shared<FlameOptions>();
  CLI::App* cmd = app.add_subcommand("flame", "Flame graphs: interactive SVG (default) or folded stacks");
  cmd->add_option("dumps", o->profile.inputs,
                  "Heap dumps, summed (.heap, .gz, '-' for stdin); default: the newest *.heap or *.heap.gz here");
  add_profile_options(*cmd, o->profile, /*report_output=*/false);
  // One value per --base (repeat it for several): a greedy vector would swallow the NEW dumps.
  CLI::Option* base = cmd->add_option("--base", o->base, "Differential graph against BASE (repeat to sum several)")
                          ->allow_extra_args(false);
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of stdout");
  cmd->add_flag("--folded", o->folded, "Folded stacks (flamegraph.pl input) instead of SVG");
  cmd->add_flag("--mark-inline", o->mark_inline, "Folded: mark inlined frames with an ' [inline]' suffix");
  cmd->add_flag("--reverse", o->reverse, "Callers view: allocation sites at the root, callers above");
  cmd->add_option("--colors", o->colors, "Palette: mem, hot, blue, aqua, green, yellow, orange, red, purple, io")
      ->capture_default_str();
  cmd->add_option("--title", o->title, "Title of the graph");
  cmd->add_option("--subtitle", o->subtitle, "Second line under the title");
  add_bounded_option(*cmd, "--width", o->width, 200, 100000, "Width of the image in pixels");
  cmd->add_option("--minwidth", o->min_width, "Merge frames narrower than this (pixels, or % of the width)")
      ->capture_default_str();
  cmd->add_flag("--icicle", o->icicle, "Start with the root at the top (toggle inside the file)");
  // Only meaningful against a base: without --base they are usage errors, not silently ignored.
  cmd->add_flag("--self-delta", o->self_delta, "Diff: colour by each frame's own change, not its subtree's")
      ->needs(base);
  cmd->add_option("--min-delta", o->min_delta, "Diff: changes below SIZE or PCT% are drawn neutral")
      ->type_name("SIZE|PCT%")
      ->needs(base);
  cmd->add_flag("--normalize", o->normalize, "Diff: scale BASE to NEW's total")->needs(base);
  cmd->add_flag("--negate", o->negate, "Diff: widths from BASE (the mirror graph: shows what vanished)")->needs(base);
  cmd->footer("Exit status: 0 success, 2 usage or input error.");
  return [o] { return run_flame(*o); };
}

}  // namespace memprof::cli
