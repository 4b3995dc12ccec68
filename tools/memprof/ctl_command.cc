// memprof ctl PID|SOCKET COMMAND: start, stop and dump heap profiling in a running process
// through libmemprof-control.so's socket; --list shows the processes that have one; --gdb is the
// fallback for a process started without the library.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.h"
#include "memprof/live/control_client.h"
#include "memprof/profile/byte_size.h"
#include "memprof/profile/diagnostics.h"
#include "memprof/render/json_writer.h"
#include "option_types.h"
#include "output.h"

namespace memprof::cli {

namespace {

struct CtlOptions {
  std::string target;
  std::vector<std::string> request;
  render::Format format = render::Format::text;
  int timeout_ms = 60000;
  bool list = false;
  bool gdb = false;
};

std::string text_of(const jestats::JsonValue& doc, const char* key) {
  const jestats::JsonValue* v = doc.find(key);
  return v ? v->scalar_text() : "";
}

uint64_t u64_of(const jestats::JsonValue& doc, const char* key) {
  const jestats::JsonValue* v = doc.find(key);
  return v && v->as_u64() ? *v->as_u64() : 0;
}

std::string status_text(const jestats::JsonValue& d) {
  std::string out = fmt::format("pid {}: profiling {}, sampling every {} on average (lg_sample {})\n",
                                text_of(d, "pid"), text_of(d, "active") == "true" ? "active" : "inactive",
                                format_bytes(static_cast<double>(u64_of(d, "sample_bytes"))), text_of(d, "lg_sample"));
  out += fmt::format("dumps: {} written", text_of(d, "dumps"));
  if (!text_of(d, "last_dump").empty())
    out += fmt::format(", last {} at {}", text_of(d, "last_dump"), text_of(d, "last_dump_time"));
  out += text_of(d, "busy") == "true" ? " (one in progress)\n" : "\n";
  out += fmt::format("output: {} (at least {} ms between dumps, keeps {} MiB free); high-water dumps {}\n",
                     text_of(d, "out_dir"), text_of(d, "min_interval_ms"), text_of(d, "min_free_mib"),
                     text_of(d, "gdump") == "true" ? "on" : "off");
  out += fmt::format("jemalloc {} (found via {})\n", text_of(d, "jemalloc"), text_of(d, "symbols"));
  return out;
}

// What a person reads for each command; --format json prints the answer line itself.
std::string answer_text(const std::string& command, const live::ControlAnswer& a, const std::string& target) {
  const jestats::JsonValue& d = a.doc;
  if (command == "status") return status_text(d);
  if (command == "activate" || command == "deactivate")
    return fmt::format("{}: profiling {}\n", target, text_of(d, "active") == "true" ? "active" : "inactive");
  if (command == "dump") return text_of(d, "file") + "\n";  // just the name: memprof top $(memprof ctl PID dump)
  if (command == "reset") return fmt::format("{}: counters cleared, lg_sample {}\n", target, text_of(d, "lg_sample"));
  if (command == "gdump")
    return fmt::format("{}: high-water dumps {}\n", target, text_of(d, "gdump") == "true" ? "on" : "off");
  return a.line + "\n";
}

// malloc_stats_print's JSON, as `memprof stats` reads it.
std::string stats_json(const live::ControlAnswer& a) {
  size_t start = a.line.find(":", a.line.find("\"stats\""));
  if (start == std::string::npos || a.line.size() < start + 2) throw InputError("stats answer without \"stats\"");
  return a.line.substr(start + 1, a.line.size() - start - 2) + "\n";
}

int run_list(const CtlOptions& o) {
  std::vector<live::ControllableProcess> procs = live::list_controllable_processes();
  render::JsonWriter json;
  json.begin_array();
  std::string out;
  for (const live::ControllableProcess& p : procs) {
    std::string active = "unknown";  // the process did not answer in time
    try {
      live::ControlAnswer a = live::control_request(p.socket, "status", 2000);
      active = text_of(a.doc, "active") == "true" ? "active" : "inactive";
    } catch (const InputError&) {
    }
    json.begin_object().key("pid").value(p.pid).key("command").value(p.command);
    json.key("socket").value(p.socket).key("profiling").value(active).end_object();
    out += fmt::format("{:>8}  {:<16} {:<9} {}\n", p.pid, p.command, active, p.socket);
  }
  json.end_array();
  write_stdout(o.format == render::Format::json ? json.take() : out);
  return kExitOk;
}

// The fallback: gdb stops the process, calls mallctl("prof.dump") in it and detaches. Needs
// ptrace permission and jemalloc's symbols; the process is paused for the length of the dump.
int run_gdb(const CtlOptions& o) {
  if (o.request != std::vector<std::string>{"dump"})
    throw CLI::ValidationError("--gdb", "with --gdb only 'dump' is supported");
  std::string call;
  for (const char* name : {"mallctl", "je_mallctl", "_rjem_mallctl"})
    call += fmt::format("-ex 'call (int) {}(\"prof.dump\", (void*)0, (void*)0, (void*)0, 0)' ", name);
  std::string command = fmt::format("gdb -p {} -batch -nx -q {} 2>&1", o.target, call);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw InputError(fmt::format("cannot run gdb: {}", std::strerror(errno)));
  std::string output;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  int status = pclose(pipe);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) throw InputError("gdb not found (install gdb)");
  if (output.find("= 0\n") != std::string::npos) {
    write_stdout(fmt::format("{}: dump written through gdb (file named by the process's prof_prefix)\n", o.target));
    return kExitOk;
  }
  print_error(fmt::format("gdb could not call mallctl in process {}; its output follows", o.target));
  std::fputs(output.c_str(), stderr);
  return kExitError;
}

int run_ctl(const CtlOptions& o) {
  if (o.list) return run_list(o);
  if (o.target.empty() || o.request.empty())
    throw CLI::ValidationError("ctl", "expected PID|SOCKET COMMAND, or --list");
  if (o.gdb) return run_gdb(o);
  std::string line;
  for (const std::string& word : o.request) line += (line.empty() ? "" : " ") + word;
  std::string socket = live::find_control_socket(o.target);
  live::ControlAnswer a = live::control_request(socket, line, o.timeout_ms);
  const std::string& command = o.request.front();
  if (!a.ok) {
    if (o.format == render::Format::json) write_stdout(a.line + "\n");
    print_error(fmt::format("{} refused '{}': {}: {}", o.target, line, a.error, a.message));
    return a.error == "bad_request" ? kExitError : kExitLimitExceeded;
  }
  if (o.format == render::Format::json) write_stdout(a.line + "\n");
  else write_stdout(command == "stats" ? stats_json(a) : answer_text(command, a, o.target));
  return kExitOk;
}

}  // namespace

RunCommand add_ctl_command(CLI::App& app) {
  auto o = std::make_shared<CtlOptions>();
  CLI::App* cmd = app.add_subcommand("ctl", "Control heap profiling in a running process (libmemprof-control.so)");
  cmd->add_option("target", o->target, "PID, or the path of a control socket");
  cmd->add_option("command", o->request,
                  "status | activate | deactivate | dump | reset [LG_SAMPLE] | stats | gdump on|off");
  add_format_option(*cmd, o->format, {render::Format::text, render::Format::json}, "--format",
                    "Output format (json: the process's answer line)");
  cmd->add_option("--timeout", o->timeout_ms, "Milliseconds to wait for the answer")->capture_default_str();
  cmd->add_flag("--list", o->list, "List this user's processes that have a control socket");
  cmd->add_flag("--gdb", o->gdb,
                "Fallback without the library: have gdb call mallctl(\"prof.dump\") (pauses the process)");
  cmd->footer(
      "Exit status: 0 done, 1 the process refused (busy, too_soon, no_space, denied, failed), 2 usage error or "
      "no such process/socket.\nSee memprof-ctl(1).");
  return [o] { return run_ctl(*o); };
}

}  // namespace memprof::cli
