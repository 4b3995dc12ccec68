// memprof record [options] -- COMMAND [ARGS...]: run a program under jemalloc heap profiling
// without rebuilding it, with libmemprof-control.so inside so `memprof ctl` can steer it, and
// summarise its dumps when it exits.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.h"
#include "memprof/live/jemalloc_probe.h"
#include "memprof/live/record.h"
#include "memprof/profile/diagnostics.h"
#include "memprof/render/units.h"
#include "output.h"
#include "record_summary.h"

extern char** environ;

namespace memprof::cli {

namespace {

struct RecordOptions {
  std::vector<std::string> command;
  std::optional<std::string> sample, every, interval;
  bool inactive = false, high_water = false, stats = false;
  std::string out;
  size_t top_rows = 10;
};

unsigned lg_of_size(const std::string& text, const char* option) {
  std::optional<uint64_t> bytes = render::parse_size(text);
  if (!bytes || *bytes == 0)
    throw CLI::ValidationError(option, fmt::format("expected a size such as 512KiB, got '{}'", text));
  return static_cast<unsigned>(std::lround(std::log2(static_cast<double>(*bytes))));
}

int64_t parse_duration_ms(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  std::string unit(end);
  double scale = unit == "ms"                  ? 1
                 : unit == "s" || unit.empty() ? 1000
                 : unit == "m"                 ? 60000
                 : unit == "h"                 ? 3600000
                                               : -1;
  if (end == text.c_str() || scale < 0 || value <= 0)
    throw CLI::ValidationError("--every", fmt::format("expected a duration such as 500ms, 10s or 5m, got '{}'", text));
  return static_cast<int64_t>(value * scale);
}

// $MEMPROF_CONTROL_LIB, else next to an installed memprof, else the build tree's copy.
std::string control_library() {
  if (const char* env = std::getenv("MEMPROF_CONTROL_LIB"); env && *env) return env;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::path installed = exe.parent_path().parent_path() / MEMPROF_CONTROL_LIB_RELATIVE;
  if (!ec && std::filesystem::exists(installed, ec)) return installed.string();
  return MEMPROF_CONTROL_LIB_BUILD;
}

// Runs `memprof ARGS...` with its stdout on our stderr, so the summary never mixes with the
// recorded program's output on stdout.
void run_self_to_stderr(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"memprof"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (std::string& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  pid_t pid = 0;
  if (posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, cargs.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
  }
  posix_spawn_file_actions_destroy(&actions);
}

int run_record(const RecordOptions& o) {
  live::RecordSettings s;
  if (o.sample) s.lg_sample = lg_of_size(*o.sample, "--sample");
  if (o.interval) s.lg_interval = lg_of_size(*o.interval, "--interval");
  if (o.every) s.every_ms = parse_duration_ms(*o.every);
  s.inactive = o.inactive;
  s.high_water = o.high_water;
  s.stats = o.stats;
  s.out_dir = o.out;
  s.control_library = control_library();
  live::JemallocProbe probe = live::probe_jemalloc(live::resolve_command(o.command.front()));
  live::RecordPlan plan = live::plan_record(o.command, s, probe);
  fmt::print(stderr, "memprof: recording {}: {}\n", plan.executable, plan.how);

  live::RecordRun run = live::run_recorded(plan);
  std::vector<live::ManifestEntry> dumps = live::finish_manifest(run.out_dir);
  RecordSummary summary{run.pid, run.exit_status, run.signal, run.out_dir, dumps};
  write_stderr_summary(summary);
  if (!dumps.empty() && o.top_rows > 0) {
    fmt::print(stderr, "memprof: top of the last dump:\n");
    std::fflush(stderr);
    run_self_to_stderr({"top", "-n", std::to_string(o.top_rows), run.out_dir + "/" + dumps.back().file});
  }
  print_series_findings(summary);  // the hook for `trend`'s leak suspects
  write_stderr_next_steps(summary);
  return run.exit_status;
}

}  // namespace

RunCommand add_record_command(CLI::App& app) {
  auto o = std::make_shared<RecordOptions>();
  CLI::App* cmd =
      app.add_subcommand("record", "Run a program under jemalloc heap profiling, controllable with 'memprof ctl'");
  cmd->add_option("command", o->command, "-- COMMAND [ARGS...]")->required();
  cmd->add_option("--sample", o->sample, "Average bytes between samples (lg_prof_sample), e.g. 512KiB");
  cmd->add_flag("--inactive", o->inactive, "Start with sampling off; turn it on with 'memprof ctl PID activate'");
  cmd->add_option("--every", o->every, "Dump every DURATION (500ms, 10s, 5m) through the control library");
  cmd->add_option("--interval", o->interval, "Dump every SIZE allocated (jemalloc's lg_prof_interval)");
  cmd->add_flag("--on-high-water", o->high_water, "Dump at each new high-water mark (prof_gdump)");
  cmd->add_flag("--stats", o->stats, "Write malloc_stats_print JSON next to each timed or ctl dump");
  cmd->add_option("--out", o->out, "Directory for dumps and manifest.jsonl (default ./memprof-PROG-PID)");
  cmd->add_option("--top", o->top_rows, "Rows of the last dump's top in the summary, 0 for none")
      ->capture_default_str();
  cmd->footer(
      "The summary goes to stderr; the program keeps stdin, stdout and stderr.\n"
      "Exit status: the program's own (128+N when signal N killed it); 2 when it could not be started.\n"
      "See memprof-record(1).");
  return [o] { return run_record(*o); };
}

}  // namespace memprof::cli
