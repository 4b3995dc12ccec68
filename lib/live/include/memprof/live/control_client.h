// The client side of libmemprof-control.so's socket (protocol in memprof/control/protocol.h):
// where a process's socket lives, one request and its one-line JSON answer.
//
//   std::string socket = find_control_socket("4242");           // or a socket path
//   ControlAnswer a = control_request(socket, "dump", 30000);
//   if (a.ok) use(a.doc.find("file")->text); else report(a.error, a.message);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memprof/jestats/json_reader.h"

namespace memprof::live {

struct ControlAnswer {
  bool ok = false;
  std::string error;    // protocol error code ("busy", "too_soon", ...) when !ok
  std::string message;  // the process's explanation when !ok
  std::string line;     // the answer as received, without the newline
  jestats::JsonValue doc;
};

// Directories a process owned by `uid` puts its socket in, in the library's order of preference.
std::vector<std::string> control_socket_dirs(unsigned uid);

// TARGET is a pid ("4242") or a socket path. Throws InputError naming what was looked for.
std::string find_control_socket(const std::string& target);

// Sends one request line and reads the answer. Throws InputError when the socket cannot be
// reached, the answer does not come within timeout_ms, or is not one JSON object.
ControlAnswer control_request(const std::string& socket_path, std::string_view request, int timeout_ms);

struct ControllableProcess {
  int pid = 0;
  std::string socket;
  std::string command;  // /proc/PID/comm
};

// Live processes with a control socket in this user's directories (stale sockets skipped).
std::vector<ControllableProcess> list_controllable_processes();

}  // namespace memprof::live
