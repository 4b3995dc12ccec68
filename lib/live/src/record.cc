#include "memprof/live/record.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/chrono.h>
#include <fmt/core.h>

#include "memprof/control/protocol.h"
#include "memprof/heapparse/dump_name.h"
#include "memprof/jestats/json_reader.h"
#include "memprof/profile/diagnostics.h"

namespace memprof::live {

namespace fs = std::filesystem;

namespace {

std::string replace_pid(std::string text, int pid) {
  for (size_t at; (at = text.find("{pid}")) != std::string::npos;) text.replace(at, 5, std::to_string(pid));
  return text;
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += {'\\', c};
    else if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", c);
    else out += c;
  }
  return out;
}

std::string prepend_preload(const std::string& libs) {
  const char* old = std::getenv("LD_PRELOAD");
  return old && *old ? libs + ":" + old : libs;
}

volatile sig_atomic_t g_child = 0;
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

// A signal someone sent to memprof goes on to the program. One the kernel sent to the whole
// foreground process group (Ctrl-C, Ctrl-\) has reached the program already.
void forward_signal(int sig, siginfo_t* info, void*) {
  if (g_child > 0 && info->si_code != SI_KERNEL) kill(g_child, sig);
}

}  // namespace

std::string merge_malloc_conf(const std::string& user, const std::string& ours) {
  if (user.empty()) return ours;
  if (ours.empty()) return user;
  return user + "," + ours;
}

RecordPlan plan_record(const std::vector<std::string>& argv, const RecordSettings& s, const JemallocProbe& probe) {
  RecordPlan plan;
  plan.argv = argv;
  plan.executable = resolve_command(argv.at(0));
  std::string out =
      s.out_dir.empty() ? fmt::format("memprof-{}-{{pid}}", fs::path(plan.executable).filename().string()) : s.out_dir;
  plan.out_dir_pattern = fs::absolute(out).lexically_normal().string();
  if (plan.out_dir_pattern.find_first_of(",:") != std::string::npos)
    throw InputError(fmt::format("{}: the output directory may not contain ',' or ':' (jemalloc's option syntax)",
                                 plan.out_dir_pattern));
  if (s.control_library.empty() || access(s.control_library.c_str(), R_OK) != 0)
    throw InputError(fmt::format("libmemprof-control.so not found{}; set MEMPROF_CONTROL_LIB",
                                 s.control_library.empty() ? "" : " at " + s.control_library));

  std::string conf = fmt::format("prof:true,prof_active:{},prof_final:true,prof_prefix:{}/jeprof",
                                 s.inactive ? "false" : "true", plan.out_dir_pattern);
  if (s.lg_sample) conf += fmt::format(",lg_prof_sample:{}", *s.lg_sample);
  if (s.lg_interval) conf += fmt::format(",lg_prof_interval:{}", *s.lg_interval);
  if (s.high_water) conf += ",prof_gdump:true";

  std::string preload = s.control_library;
  switch (probe.link) {
    case JemallocLink::dynamic: plan.how = fmt::format("jemalloc linked dynamically ({})", probe.needed); break;
    case JemallocLink::static_symbols:
      plan.how = fmt::format("jemalloc linked statically ({}mallctl{})", probe.prefix,
                             probe.exported ? "" : ", only in .symtab");
      plan.env.push_back(fmt::format("{}={:x}", MEMPROF_ENV_MALLCTL_ADDR, probe.mallctl));
      if (probe.stats_print)
        plan.env.push_back(fmt::format("{}={:x}", MEMPROF_ENV_STATS_PRINT_ADDR, probe.stats_print));
      plan.env.push_back(fmt::format("{}={}", MEMPROF_ENV_STATIC_ID, probe.file_id));
      break;
    case JemallocLink::none: {
      std::string jemalloc = find_system_jemalloc();
      if (jemalloc.empty())
        throw InputError(
            fmt::format("{} does not use jemalloc and no libjemalloc.so.2 was found to preload "
                        "(install libjemalloc2 or set MEMPROF_JEMALLOC)",
                        plan.executable));
      plan.how = fmt::format("no jemalloc in the program; preloading {}", jemalloc);
      preload = jemalloc + ":" + preload;
      break;
    }
  }
  const char* user_conf = std::getenv(probe.conf_env.c_str());
  plan.env.push_back(probe.conf_env + "=" + merge_malloc_conf(user_conf ? user_conf : "", conf));
  plan.env.push_back("LD_PRELOAD=" + prepend_preload(preload));
  plan.env.push_back(fmt::format("{}={}", MEMPROF_ENV_OUT, plan.out_dir_pattern));
  plan.env.push_back(fmt::format("{}={}/manifest.jsonl", MEMPROF_ENV_MANIFEST, plan.out_dir_pattern));
  plan.env.push_back(fmt::format("{}=1", MEMPROF_ENV_FINAL_ON_SIGNAL));
  plan.env.push_back(fmt::format("{}={{pid}}", MEMPROF_ENV_MAIN_PID));
  if (!std::getenv(MEMPROF_ENV_MIN_INTERVAL_MS))  // the user's setting wins
    plan.env.push_back(fmt::format("{}={}", MEMPROF_ENV_MIN_INTERVAL_MS,
                                   s.every_ms > 0 ? std::min(s.every_ms, s.min_interval_ms) : s.min_interval_ms));
  if (s.every_ms > 0) plan.env.push_back(fmt::format("{}={}", MEMPROF_ENV_EVERY_MS, s.every_ms));
  if (s.stats) plan.env.push_back(fmt::format("{}=1", MEMPROF_ENV_STATS));
  return plan;
}

RecordRun run_recorded(const RecordPlan& plan) {
  if (plan.out_dir_pattern.find("{pid}") == std::string::npos) {
    std::error_code ec;
    fs::create_directories(plan.out_dir_pattern, ec);
    if (ec) throw InputError(fmt::format("{}: cannot create: {}", plan.out_dir_pattern, ec.message()));
    // One recording per directory: a second would interleave two processes in one manifest.
    if (fs::exists(plan.out_dir_pattern + "/manifest.jsonl", ec))
      throw InputError(fmt::format("{}: holds the manifest.jsonl of an earlier recording; choose another --out",
                                   plan.out_dir_pattern));
  }
  // Everything the child needs is prepared before fork; the child only substitutes its pid.
  std::vector<std::string> argv = plan.argv;
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) != 0) throw InputError("cannot create a pipe");
  struct sigaction sa {};
  sa.sa_sigaction = forward_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  struct sigaction saved[std::size(kForwarded)];
  for (size_t i = 0; i < std::size(kForwarded); ++i) sigaction(kForwarded[i], &sa, &saved[i]);

  pid_t pid = fork();
  if (pid == 0) {
    for (size_t i = 0; i < std::size(kForwarded); ++i) sigaction(kForwarded[i], &saved[i], nullptr);
    std::string out = replace_pid(plan.out_dir_pattern, getpid());
    int err = 0;
    if (mkdir(out.c_str(), 0755) != 0 && errno != EEXIST) err = errno;
    for (const std::string& e : plan.env) {
      std::string entry = replace_pid(e, getpid());
      size_t eq = entry.find('=');
      setenv(entry.substr(0, eq).c_str(), entry.substr(eq + 1).c_str(), 1);
    }
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (!err) {
      execv(plan.executable.c_str(), args.data());
      err = errno;
    }
    ssize_t ignored = write(status_pipe[1], &err, sizeof err);
    (void)ignored;
    _exit(127);
  }
  close(status_pipe[1]);
  if (pid < 0) throw InputError(fmt::format("cannot fork: {}", std::strerror(errno)));
  g_child = pid;
  int child_errno = 0;
  ssize_t got;
  do got = read(status_pipe[0], &child_errno, sizeof child_errno);
  while (got < 0 && errno == EINTR);
  close(status_pipe[0]);

  RecordRun run;
  run.pid = pid;
  run.out_dir = replace_pid(plan.out_dir_pattern, pid);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_child = 0;
  for (size_t i = 0; i < std::size(kForwarded); ++i) sigaction(kForwarded[i], &saved[i], nullptr);
  if (got == static_cast<ssize_t>(sizeof child_errno))
    throw InputError(
        fmt::format("cannot run {} (output {}): {}", plan.executable, run.out_dir, std::strerror(child_errno)));
  if (WIFEXITED(status)) run.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    run.signal = WTERMSIG(status);
    run.exit_status = 128 + run.signal;
  }
  return run;
}

namespace {

std::string iso_time(fs::file_time_type t) {
  auto sys = std::chrono::file_clock::to_sys(t);
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(sys);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(sys - secs).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", secs, ms);  // as the control library writes it
}

std::string manifest_line(const ManifestEntry& e) {
  std::string line = fmt::format(R"({{"file":"{}","seq":{},"time":"{}","trigger":"{}","bytes":{})", json_escape(e.file),
                                 e.seq, e.time, json_escape(e.trigger), e.bytes);
  if (!e.stats.empty()) line += fmt::format(R"(,"stats":"{}")", json_escape(e.stats));
  return line + "}\n";
}

std::string trigger_of(char kind) {
  switch (kind) {
    case 'i': return "interval";
    case 'u': return "high-water";
    case 'f': return "final";
    case 'm': return "manual";
    default: return "unknown";
  }
}

}  // namespace

std::vector<ManifestEntry> finish_manifest(const std::string& out_dir) {
  std::string path = out_dir + "/manifest.jsonl";
  std::vector<ManifestEntry> entries;
  std::set<std::string> listed;
  std::ifstream in(path);
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    jestats::JsonReader reader(line, fmt::format("{}:{}", path, number));
    jestats::JsonValue doc = reader.next();
    auto text = [&](const char* key) {
      const jestats::JsonValue* v = doc.find(key);
      return v ? v->text : "";
    };
    ManifestEntry e{text("file"), 0, text("time"), text("trigger"), -1, text("stats")};
    if (const jestats::JsonValue* v = doc.find("seq"); v && v->as_u64()) e.seq = *v->as_u64();
    if (const jestats::JsonValue* v = doc.find("bytes"); v && v->as_i64()) e.bytes = *v->as_i64();
    listed.insert(e.file);
    entries.push_back(std::move(e));
  }
  std::error_code ec;
  for (const fs::directory_entry& d : fs::directory_iterator(out_dir, ec)) {
    std::string name = d.path().filename().string();
    if (listed.count(name) || !d.is_regular_file(ec)) continue;
    std::optional<DumpName> dn = heapparse::parse_dump_name(name);
    if (!dn || !dn->seq || name.size() < 5 || name.substr(name.size() - 5) != ".heap") continue;
    entries.push_back(ManifestEntry{name, *dn->seq, iso_time(d.last_write_time(ec)), trigger_of(dn->kind),
                                    static_cast<int64_t>(d.file_size(ec)), ""});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const ManifestEntry& a, const ManifestEntry& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  });
  if (!entries.empty()) {
    std::ofstream outf(path, std::ios::trunc);
    for (const ManifestEntry& e : entries) outf << manifest_line(e);
  }
  return entries;
}

}  // namespace memprof::live
