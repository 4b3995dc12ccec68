// memprof convert DUMP... --to pprof|speedscope|folded|symbolized [-o FILE], and its short form
// memprof symbolize DUMP -o OUT: the same profiles the reports use, in other tools' formats.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "memprof/export/pprof.h"
#include "memprof/export/speedscope.h"
#include "memprof/export/symbolized_dump.h"
#include "memprof/heapparse/input.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/render/folded.h"
#include "memprof/symbolize/embedded_symbols.h"
#include "option_types.h"
#include "output.h"
#include "profile_options.h"
#include "symbol_options.h"

namespace memprof::cli {

namespace {

struct ConvertOptions {
  ProfileOptions profile;  // inputs, sample type (folded) and the symbol options
  render::Format to = render::Format::pprof;
  std::string output;
  bool threads = false;
  bool no_symbolize = false;
};

void write_result(const std::string& path, const std::string& bytes) {
  if (path.empty() || path == "-") {
    write_stdout(bytes);
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw InputError(fmt::format("{}: cannot write", path));
}

// The build ids the symbolizer read from the binaries, onto the dump's mappings (pprof's
// build_id field): the dump itself does not carry them.
void attach_build_ids(Profile& p, const symbolize::SymbolizeReport& report) {
  for (const symbolize::ModuleReport& m : report.modules) {
    if (m.build_id.empty()) continue;
    StringId id = p.strings.intern(m.build_id);
    for (Mapping& mapping : p.mappings)
      if (p.str(mapping.path) == m.dump_path) mapping.build_id = id;
  }
}

// The first dump's modification time: when jemalloc wrote it, unless it was copied since.
int64_t dump_time_nanos(const std::string& path) {
  std::error_code ec;
  if (path == "-") return 0;
  auto mtime = std::filesystem::last_write_time(path, ec);
  if (ec) return 0;
  auto since_epoch = std::chrono::file_clock::to_sys(mtime).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
}

std::string convert_pprof(const ConvertOptions& o, Diagnostics& diag) {
  std::vector<Profile> profiles;
  profiles.reserve(o.profile.inputs.size());
  for (const std::string& path : o.profile.inputs) {
    Profile p = heapparse::read_dump(path, diag);
    if (!o.no_symbolize || p.embedded_symbols)
      attach_build_ids(p, symbolize::symbolize_auto(p, o.profile.symbols, diag));
    if (o.threads && p.thread_samples.empty() && !p.samples.empty())
      diag.warn(fmt::format("{}: no per-thread counts in the dump; its samples carry no thread label", p.path));
    profiles.push_back(std::move(p));
  }
  std::vector<const Profile*> pointers;
  for (const Profile& p : profiles) pointers.push_back(&p);
  return exporter::render_pprof(
      pointers,
      {.threads = o.threads, .name_unsymbolized = !o.no_symbolize, .time_nanos = dump_time_nanos(o.profile.inputs[0])});
}

std::string convert_symbolized(const ConvertOptions& o, Diagnostics& diag) {
  if (o.profile.inputs.size() != 1)
    throw InputError(fmt::format("--to symbolized writes one dump; {} given", o.profile.inputs.size()));
  const std::string& path = o.profile.inputs[0];
  heapparse::InputBytes input = heapparse::read_input(path);
  Profile p = heapparse::parse_dump(input.text(), path == "-" ? std::string("<stdin>") : path, diag);
  if (p.embedded_symbols) {
    diag.warn(fmt::format("{}: already symbolized; written unchanged", p.path));
    return std::string(input.text());
  }
  // Untrimmed first: which thread lines belong to which record is only clear on the dumped stacks.
  symbolize::SymbolizeOptions symbols = o.profile.symbols;
  symbols.keep_allocator_frames = true;
  symbolize::SymbolizeReport report = symbolize::symbolize_profile(p, symbols, diag);
  exporter::RecordThreads threads = exporter::record_threads(p);
  if (!o.profile.symbols.keep_allocator_frames) symbolize::trim_allocator_stacks(p, o.profile.symbols);
  if (report.resolved == 0 && report.addresses > 0)
    diag.warn(fmt::format("{}: no address could be named from the binaries; the output names them by module and offset",
                          p.path));
  return exporter::render_symbolized_dump(p, threads, input.text());
}

int run_convert(ConvertOptions& o) {
  finish_profile_options(o.profile);
  using render::Format;
  bool binary = o.to == Format::pprof;
  if (binary && (o.output.empty() || o.output == "-") && streams().out_is_terminal)
    throw InputError("refusing to write gzip-compressed protobuf to a terminal: use -o FILE or redirect stdout");
  if (o.threads && o.to != Format::pprof) throw InputError("--threads is for --to pprof");
  if (o.no_symbolize && o.to != Format::pprof) throw InputError("--no-symbolize is for --to pprof");
  Diagnostics diag;
  if (o.profile.inputs.empty()) o.profile.inputs = newest_dumps(1, diag);
  flush_warnings(diag);
  std::string result;
  if (o.to == Format::pprof) {
    result = convert_pprof(o, diag);
  } else if (o.to == Format::symbolized) {
    result = convert_symbolized(o, diag);
  } else {
    analyze::FrameProfile profile = load_frame_profiles(o.profile.inputs, o.profile, diag);
    if (o.to == Format::speedscope) {
      result = exporter::render_speedscope(profile, fmt::format("{}", fmt::join(o.profile.inputs, " + ")));
    } else {
      SampleType type = o.profile.sample_type();
      check_sample_type_available(profile, type);
      result = render::render_folded(profile, {.sample_type = type});
    }
  }
  flush_warnings(diag);
  write_result(o.output, result);
  return kExitOk;
}

}  // namespace

RunCommand add_convert_command(CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "Write dumps as pprof, speedscope, folded stacks or a symbolized dump");
  cmd->add_option("dumps", o->profile.inputs,
                  "Heap dumps, summed (.heap, .gz, '-' for stdin); default: the newest *.heap or *.heap.gz here");
  using render::Format;
  add_format_option(*cmd, o->to, {Format::pprof, Format::speedscope, Format::folded, Format::symbolized}, "--to")
      ->default_str("")
      ->required();
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of stdout");
  cmd->add_flag("--threads", o->threads, "pprof: one sample per thread, with a 'thread' label");
  cmd->add_flag("--no-symbolize", o->no_symbolize, "pprof: leave addresses for pprof to symbolize");
  add_sample_type_options(*cmd, o->profile.sample_type_, "Sample type (--to folded)");
  add_symbol_options(*cmd, o->profile.symbols);
  cmd->footer("Exit status: 0 success, 2 usage or input error.");
  return [o] { return run_convert(*o); };
}

RunCommand add_symbolize_command(CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  o->to = render::Format::symbolized;
  CLI::App* cmd = app.add_subcommand(
      "symbolize", "Write a dump that carries its own symbols (jeprof's form): readable without the binaries");
  cmd->add_option("dump", o->profile.inputs, "Heap dump (.heap, .gz, '-' for stdin)")->required()->expected(1);
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of stdout");
  add_symbol_options(*cmd, o->profile.symbols);
  cmd->footer("Exit status: 0 success, 2 usage or input error.");
  return [o] { return run_convert(*o); };
}

}  // namespace memprof::cli
