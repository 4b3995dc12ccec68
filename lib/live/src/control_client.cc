#include "memprof/live/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include "memprof/control/protocol.h"
#include "memprof/profile/diagnostics.h"

namespace memprof::live {

namespace fs = std::filesystem;

namespace {

// The uid owning /proc/PID, so root can find another user's socket; nullopt when no such pid.
std::optional<unsigned> process_uid(int pid) {
  struct stat st {};
  if (stat(fmt::format("/proc/{}", pid).c_str(), &st) != 0) return std::nullopt;
  return st.st_uid;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::vector<std::string> control_socket_dirs(unsigned uid) {
  std::vector<std::string> dirs;
  if (const char* over = std::getenv(MEMPROF_ENV_CONTROL_DIR); over && *over) dirs.emplace_back(over);
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg && uid == geteuid()) dirs.push_back(std::string(xdg) + "/memprof");
  dirs.push_back(fmt::format("/run/user/{}/memprof", uid));
  dirs.push_back(fmt::format("/tmp/memprof-{}", uid));
  return dirs;
}

std::string find_control_socket(const std::string& target) {
  if (!all_digits(target)) {
    struct stat st {};
    if (stat(target.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode))
      throw InputError(fmt::format("{}: expected a pid or a control socket, and this is neither", target));
    return target;
  }
  int pid = std::atoi(target.c_str());
  std::optional<unsigned> uid = process_uid(pid);
  if (!uid) throw InputError(fmt::format("no process {}", pid));
  std::string tried;
  for (const std::string& dir : control_socket_dirs(*uid)) {
    std::string path = fmt::format("{}/{}.sock", dir, pid);
    struct stat st {};
    if (stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) return path;
    tried += (tried.empty() ? "" : ", ") + path;
  }
  throw InputError(
      fmt::format("process {} has no control socket (looked for {}); start it under 'memprof record' or with "
                  "LD_PRELOAD=libmemprof-control.so, or try 'memprof ctl --gdb {} dump'",
                  pid, tried, pid));
}

ControlAnswer control_request(const std::string& socket_path, std::string_view request, int timeout_ms) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) throw InputError(socket_path + ": socket path too long");
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  Fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw InputError(fmt::format("{}: cannot connect: {}", socket_path, std::strerror(errno)));
  std::string line = std::string(request) + "\n";
  if (line.size() > MEMPROF_CONTROL_MAX_LINE) throw InputError("request too long");
  // A process that refuses us answers and closes before reading: the send may fail, the
  // answer is still there to read.
  bool sent = send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size());
  int send_errno = errno;

  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  while (answer.empty() || answer.back() != '\n') {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd.get(), POLLIN, 0};
    int ready = left.count() > 0 ? poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) throw InputError(fmt::format("{}: no answer within {} ms", socket_path, timeout_ms));
    ssize_t n = recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == ECONNRESET && !answer.empty()) break;
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r')) answer.pop_back();
  if (answer.empty() && !sent)
    throw InputError(fmt::format("{}: cannot send: {}", socket_path, std::strerror(send_errno)));
  if (answer.empty()) throw InputError(fmt::format("{}: connection closed without an answer", socket_path));

  ControlAnswer result;
  result.line = answer;
  jestats::JsonReader reader(result.line, socket_path);
  result.doc = reader.next();
  if (result.doc.kind != jestats::JsonValue::Kind::object)
    throw InputError(fmt::format("{}: expected a JSON object as the answer", socket_path));
  const jestats::JsonValue* ok = result.doc.find("ok");
  result.ok = ok && ok->kind == jestats::JsonValue::Kind::boolean && ok->flag;
  if (const jestats::JsonValue* e = result.doc.find("error")) result.error = e->text;
  if (const jestats::JsonValue* m = result.doc.find("message")) result.message = m->text;
  return result;
}

std::vector<ControllableProcess> list_controllable_processes() {
  std::vector<ControllableProcess> found;
  for (const std::string& dir : control_socket_dirs(geteuid())) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.size() < 6 || name.substr(name.size() - 5) != ".sock") continue;
      std::string pid_text = name.substr(0, name.size() - 5);
      if (!all_digits(pid_text) || !e.is_socket(ec)) continue;
      int pid = std::atoi(pid_text.c_str());
      if (!process_uid(pid)) continue;  // stale: the process is gone
      bool seen = false;
      for (const ControllableProcess& p : found) seen = seen || p.pid == pid;
      if (seen) continue;
      ControllableProcess p{pid, e.path().string(), ""};
      std::ifstream comm(fmt::format("/proc/{}/comm", pid));
      std::getline(comm, p.command);
      found.push_back(std::move(p));
    }
  }
  return found;
}

}  // namespace memprof::live
