/* libmemprof-control.so: preloaded into a program on jemalloc, it starts one control thread that
 * answers `memprof ctl` on a Unix socket. At load time it only starts that thread (and, when
 * `memprof record` asks, installs SIGINT/SIGTERM handlers that still have their default action);
 * jemalloc is looked up and the socket opened on the thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control_internal.h"
#include "memprof/control/protocol.h"

struct mc_state mc = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .last_dump_mono_ms = -1};

static int wake_pipe[2] = {-1, -1}; /* signal handler -> control thread */
static volatile sig_atomic_t final_signal_seen = 0;
static volatile sig_atomic_t serving = 0; /* the control thread reads wake_pipe */

enum { kMaxClients = 8 };
struct client {
  int fd;
  uid_t uid;
  int64_t deadline_ms;
  size_t used;
  char buf[MEMPROF_CONTROL_MAX_LINE];
};
static struct client clients[kMaxClients];

/* ---- small helpers ---- */

int64_t mc_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mc_wall_time(char* out, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, len, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

void mc_json_escape(char* out, size_t len, const char* s) {
  size_t o = 0;
  for (; *s && o + 7 < len; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20) {
      o += (size_t)snprintf(out + o, len - o, "\\u%04x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o] = '\0';
}

bool mc_send_all(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    len -= (size_t)n;
  }
  return true;
}

void mc_log(const char* fmt, ...) {
  if (!mc.log) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  dprintf(2, "memprof-control[%d]: %s\n", (int)mc.pid, line);
}

static long env_long(const char* name, long fallback) {
  const char* v = getenv(name);
  if (!v || !*v) return fallback;
  char* end = NULL;
  long n = strtol(v, &end, 10);
  return (*end == '\0' && n >= 0) ? n : fallback;
}

static bool env_flag(const char* name) {
  const char* v = getenv(name);
  return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0);
}

/* ---- jemalloc settings ---- */

static bool read_bool(const char* name, bool* out) {
  size_t sz = sizeof *out;
  return mc.je.mallctl(name, out, &sz, NULL, 0) == 0;
}

static int write_bool(const char* name, bool value) { return mc.je.mallctl(name, NULL, NULL, &value, sizeof value); }

static long read_size(const char* name) {
  size_t v = 0, sz = sizeof v;
  return mc.je.mallctl(name, &v, &sz, NULL, 0) == 0 ? (long)v : -1;
}

static long read_ssize(const char* name) {
  ssize_t v = 0;
  size_t sz = sizeof v;
  return mc.je.mallctl(name, &v, &sz, NULL, 0) == 0 ? (long)v : -1;
}

static const char* read_string(const char* name) {
  const char* v = NULL;
  size_t sz = sizeof v;
  return mc.je.mallctl(name, (void*)&v, &sz, NULL, 0) == 0 && v ? v : "";
}

/* Where dumps go: $MEMPROF_OUT, else the directory of opt.prof_prefix, else the working
 * directory. When opt.prof_prefix lies in that directory we let jemalloc name the dumps (its
 * sequence then covers interval, manual and final dumps alike); otherwise we name them. */
static void choose_out_dir(void) {
  const char* prefix = read_string("opt.prof_prefix");
  char prefix_dir[PATH_MAX] = ".";
  const char* slash = strrchr(prefix, '/');
  if (slash) snprintf(prefix_dir, sizeof prefix_dir, "%.*s", (int)(slash - prefix), prefix);
  if (slash == prefix) snprintf(prefix_dir, sizeof prefix_dir, "/");
  const char* out = getenv(MEMPROF_ENV_OUT);
  char real_out[PATH_MAX], real_prefix[PATH_MAX];
  if (!realpath(out && *out ? out : prefix_dir, real_out)) snprintf(real_out, sizeof real_out, "%s", out ? out : ".");
  snprintf(mc.out_dir, sizeof mc.out_dir, "%s", real_out);
  if (realpath(prefix_dir, real_prefix) && strcmp(real_prefix, real_out) == 0 && prefix[0])
    snprintf(mc.prefix_base, sizeof mc.prefix_base, "%s", slash ? slash + 1 : prefix);
}

/* ---- the socket ---- */

/* The per-user directory must be ours, a real directory and closed to others; we never follow
 * a directory someone else prepared in /tmp. */
static bool prepare_dir(char* dir, size_t len, char* why, size_t why_len) {
  const char* over = getenv(MEMPROF_ENV_CONTROL_DIR);
  const char* xdg = getenv("XDG_RUNTIME_DIR");
  if (over && *over) snprintf(dir, len, "%s", over);
  else if (xdg && *xdg) snprintf(dir, len, "%s/memprof", xdg);
  else snprintf(dir, len, "/tmp/memprof-%u", (unsigned)geteuid());
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    snprintf(why, why_len, "cannot create %s: %s", dir, strerror(errno));
    return false;
  }
  struct stat st;
  if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    snprintf(why, why_len, "%s is not a directory of uid %u with mode 0700", dir, (unsigned)geteuid());
    return false;
  }
  return true;
}

static int open_socket(char* why, size_t why_len) {
  char dir[PATH_MAX];
  if (!prepare_dir(dir, sizeof dir, why, why_len)) return -1;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  int n = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%d.sock", dir, (int)mc.pid);
  if (n < 0 || (size_t)n >= sizeof addr.sun_path) {
    snprintf(why, why_len, "socket path under %s is too long", dir);
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  unlink(addr.sun_path); /* a stale socket of an earlier process with our pid */
  mode_t old = umask(077);
  int rc = bind(fd, (struct sockaddr*)&addr, sizeof addr);
  umask(old);
  if (rc != 0 || chmod(addr.sun_path, 0600) != 0 || listen(fd, 16) != 0) {
    snprintf(why, why_len, "cannot listen on %s: %s", addr.sun_path, strerror(errno));
    close(fd);
    return -1;
  }
  snprintf(mc.sock_path, sizeof mc.sock_path, "%s", addr.sun_path);
  return fd;
}

static void remove_socket(void) {
  if (mc.sock_path[0] && getpid() == mc.pid) unlink(mc.sock_path); /* not from a forked child */
}

/* ---- requests ---- */

static void answer_line(int fd, const char* json) {
  mc_send_all(fd, json, strlen(json));
  mc_send_all(fd, "\n", 1);
}

static void answer_error(int fd, const char* code, const char* message) {
  char m[512], out[700];
  mc_json_escape(m, sizeof m, message);
  snprintf(out, sizeof out, "{\"ok\":false,\"error\":\"%s\",\"message\":\"%s\"}", code, m);
  answer_line(fd, out);
}

static void answer_status(int fd) {
  bool active = false, gdump = false;
  read_bool("prof.active", &active);
  read_bool("prof.gdump", &gdump);
  long lg = read_size("prof.lg_sample");
  char out_dir[PATH_MAX * 2], last[PATH_MAX * 2], version[128], answer[PATH_MAX * 6];
  mc_json_escape(out_dir, sizeof out_dir, mc.out_dir);
  mc_json_escape(version, sizeof version, read_string("version"));
  pthread_mutex_lock(&mc.mu);
  mc_json_escape(last, sizeof last, mc.last_dump);
  snprintf(answer, sizeof answer,
           "{\"ok\":true,\"pid\":%d,\"prof\":true,\"active\":%s,\"lg_sample\":%ld,\"sample_bytes\":%llu,"
           "\"gdump\":%s,\"lg_interval\":%ld,\"dumps\":%u,\"last_dump\":\"%s\",\"last_dump_time\":\"%s\","
           "\"busy\":%s,\"out_dir\":\"%s\",\"min_interval_ms\":%ld,\"min_free_mib\":%llu,\"every_ms\":%ld,"
           "\"jemalloc\":\"%s\",\"symbols\":\"%s\"}",
           (int)mc.pid, active ? "true" : "false", lg, lg >= 0 ? 1ULL << lg : 0ULL, gdump ? "true" : "false",
           read_ssize("opt.lg_prof_interval"), mc.dumps, last, mc.last_dump_time, mc.busy ? "true" : "false", out_dir,
           mc.min_interval_ms, mc.min_free_bytes >> 20, mc.every_ms, version, mc.je.how);
  pthread_mutex_unlock(&mc.mu);
  answer_line(fd, answer);
}

static void answer_set_active(int fd, bool on) {
  if (write_bool("prof.active", on) != 0) return answer_error(fd, MEMPROF_ERR_FAILED, "cannot set prof.active");
  bool now = !on;
  read_bool("prof.active", &now);
  answer_line(fd, now ? "{\"ok\":true,\"active\":true}" : "{\"ok\":true,\"active\":false}");
}

static void answer_gdump(int fd, const char* arg) {
  bool on = strcmp(arg, "on") == 0;
  if (!on && strcmp(arg, "off") != 0) return answer_error(fd, MEMPROF_ERR_BAD_REQUEST, "usage: gdump on|off");
  if (write_bool("prof.gdump", on) != 0) return answer_error(fd, MEMPROF_ERR_FAILED, "cannot set prof.gdump");
  answer_line(fd, on ? "{\"ok\":true,\"gdump\":true}" : "{\"ok\":true,\"gdump\":false}");
}

static void answer_reset(int fd, const char* arg) {
  int rc;
  if (*arg) {
    char* end = NULL;
    long lg = strtol(arg, &end, 10);
    if (*end != '\0' || lg < 0 || lg > 40)
      return answer_error(fd, MEMPROF_ERR_BAD_REQUEST, "usage: reset [LG_SAMPLE], LG_SAMPLE in 0..40");
    size_t v = (size_t)lg;
    rc = mc.je.mallctl("prof.reset", NULL, NULL, &v, sizeof v);
  } else {
    rc = mc.je.mallctl("prof.reset", NULL, NULL, NULL, 0);
  }
  if (rc != 0) return answer_error(fd, MEMPROF_ERR_FAILED, "prof.reset failed");
  char out[100];
  snprintf(out, sizeof out, "{\"ok\":true,\"lg_sample\":%ld}", read_size("prof.lg_sample"));
  answer_line(fd, out);
}

/* malloc_stats_print's JSON spans many lines; JSON allows no raw newline inside strings, so
 * turning every newline into a space keeps it one valid line. */
static void stats_cb(void* opaque, const char* text) {
  char buf[4096];
  int fd = *(int*)opaque;
  while (*text) {
    size_t n = 0;
    for (; *text && n < sizeof buf; text++) buf[n++] = *text == '\n' ? ' ' : *text;
    mc_send_all(fd, buf, n);
  }
}

static void answer_stats(int fd) {
  if (!mc.je.stats_print) return answer_error(fd, MEMPROF_ERR_FAILED, "malloc_stats_print not found");
  uint64_t epoch = 1;
  size_t sz = sizeof epoch;
  mc.je.mallctl("epoch", &epoch, &sz, &epoch, sz);
  static const char head[] = "{\"ok\":true,\"stats\":";
  mc_send_all(fd, head, sizeof head - 1);
  mc.je.stats_print(stats_cb, &fd, "J");
  mc_send_all(fd, "}\n", 2);
}

/* Returns true when the connection was handed to the dump worker. */
static bool request_dump(int fd, const char* trigger) {
  pthread_mutex_lock(&mc.mu);
  int64_t since = mc.last_dump_mono_ms < 0 ? -1 : mc_mono_ms() - mc.last_dump_mono_ms;
  if (mc.busy) {
    pthread_mutex_unlock(&mc.mu);
    answer_error(fd, MEMPROF_ERR_BUSY, "a dump is in progress");
    return false;
  }
  if (fd >= 0 && since >= 0 && since < mc.min_interval_ms) {
    pthread_mutex_unlock(&mc.mu);
    char m[160];
    snprintf(m, sizeof m, "last dump %lld ms ago, minimum interval %ld ms", (long long)since, mc.min_interval_ms);
    answer_error(fd, MEMPROF_ERR_TOO_SOON, m);
    return false;
  }
  mc.busy = true;
  mc.job_ready = true;
  mc.job.fd = fd;
  snprintf(mc.job.trigger, sizeof mc.job.trigger, "%s", trigger);
  pthread_cond_broadcast(&mc.cv);
  pthread_mutex_unlock(&mc.mu);
  return true;
}

/* Handles one request line; returns true if the connection now belongs to someone else. */
static bool handle_line(struct client* c, char* line) {
  char* arg = strchr(line, ' ');
  if (arg) *arg++ = '\0';
  else arg = line + strlen(line);
  mc_log("uid %u: %s%s%s", (unsigned)c->uid, line, *arg ? " " : "", arg);
  if (strcmp(line, "status") == 0 && !*arg) answer_status(c->fd);
  else if (strcmp(line, "activate") == 0 && !*arg) answer_set_active(c->fd, true);
  else if (strcmp(line, "deactivate") == 0 && !*arg) answer_set_active(c->fd, false);
  else if (strcmp(line, "dump") == 0 && !*arg) return request_dump(c->fd, "ctl");
  else if (strcmp(line, "reset") == 0) answer_reset(c->fd, arg);
  else if (strcmp(line, "stats") == 0 && !*arg) answer_stats(c->fd);
  else if (strcmp(line, "gdump") == 0) answer_gdump(c->fd, arg);
  else
    answer_error(c->fd, MEMPROF_ERR_BAD_REQUEST,
                 "unknown request; expected status, activate, deactivate, dump, reset [LG], stats, gdump on|off");
  return false;
}

static void close_client(struct client* c, bool close_fd) {
  if (close_fd) close(c->fd);
  c->fd = -1;
  c->used = 0;
}

static void accept_client(int listen_fd) {
  int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return;
  struct timeval tv = {.tv_sec = MEMPROF_CONTROL_READ_TIMEOUT_MS / 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || (cred.uid != geteuid() && cred.uid != 0)) {
    mc_log("refused a request from uid %u (pid %d)", (unsigned)cred.uid, (int)cred.pid);
    answer_error(fd, MEMPROF_ERR_DENIED, "only the process owner or root may control this process");
    close(fd);
    return;
  }
  for (int i = 0; i < kMaxClients; i++) {
    if (clients[i].fd >= 0) continue;
    clients[i] =
        (struct client){.fd = fd, .uid = cred.uid, .deadline_ms = mc_mono_ms() + MEMPROF_CONTROL_READ_TIMEOUT_MS};
    return;
  }
  answer_error(fd, MEMPROF_ERR_BUSY, "too many connections");
  close(fd);
}

static void read_client(struct client* c) {
  ssize_t n = recv(c->fd, c->buf + c->used, sizeof c->buf - c->used, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) return close_client(c, true);
  c->used += (size_t)n;
  char* nl = memchr(c->buf, '\n', c->used);
  if (!nl) {
    if (c->used == sizeof c->buf) {
      answer_error(c->fd, MEMPROF_ERR_BAD_REQUEST, "request line too long");
      close_client(c, true);
    }
    return;
  }
  *nl = '\0';
  if (nl > c->buf && nl[-1] == '\r') nl[-1] = '\0';
  bool handed_off = handle_line(c, c->buf);
  close_client(c, !handed_off); /* one request per connection */
}

/* SIGINT/SIGTERM under `memprof record`: dump once more, then die of the signal as before. */
static void final_dump_and_reraise(int sig) {
  pthread_mutex_lock(&mc.mu);
  while (mc.busy) pthread_cond_wait(&mc.cv, &mc.mu);
  mc.busy = true;
  pthread_mutex_unlock(&mc.mu);
  char answer[PATH_MAX * 6];
  mc_do_dump("signal", answer, sizeof answer);
  mc_log("final dump on signal %d -> %s", sig, answer);
  remove_socket();
  signal(sig, SIG_DFL);
  kill(getpid(), sig);
}

static void serve(int listen_fd) {
  int64_t next_timer = mc.every_ms > 0 ? mc_mono_ms() + mc.every_ms : -1;
  for (;;) {
    struct pollfd fds[kMaxClients + 2];
    int slot_of[kMaxClients + 2];
    nfds_t n = 0;
    fds[n++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
    int64_t now = mc_mono_ms(), wake = next_timer;
    for (int i = 0; i < kMaxClients; i++) {
      if (clients[i].fd < 0) continue;
      slot_of[n] = i;
      fds[n++] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
      if (wake < 0 || clients[i].deadline_ms < wake) wake = clients[i].deadline_ms;
    }
    int timeout = wake < 0 ? -1 : (int)(wake > now ? wake - now : 0);
    if (poll(fds, n, timeout) < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) {
      unsigned char sig = 0;
      if (read(wake_pipe[0], &sig, 1) == 1) final_dump_and_reraise(sig);
    }
    for (nfds_t k = 2; k < n; k++)
      if (fds[k].revents) read_client(&clients[slot_of[k]]);
    if (fds[0].revents & POLLIN) accept_client(listen_fd);
    now = mc_mono_ms();
    for (int i = 0; i < kMaxClients; i++)
      if (clients[i].fd >= 0 && now >= clients[i].deadline_ms) close_client(&clients[i], true);
    if (next_timer >= 0 && now >= next_timer) {
      request_dump(-1, "timer"); /* skipped when a dump is running */
      while (next_timer <= now) next_timer += mc.every_ms;
    }
  }
}

/* Says once why the library does nothing, except in the descendants of a recorded program. */
static void say_inactive(const char* why) {
  const char* main_pid = getenv(MEMPROF_ENV_MAIN_PID);
  if (main_pid && atol(main_pid) != (long)mc.pid) return;
  dprintf(2, "memprof-control: inactive: %s\n", why);
}

static void* control_main(void* arg) {
  (void)arg;
  char why[512];
  if (!mc_find_jemalloc(&mc.je, why, sizeof why)) {
    say_inactive(why);
    return NULL;
  }
  bool prof = false;
  if (!read_bool("opt.prof", &prof) || !prof) {
    say_inactive(
        "jemalloc profiling is off in this process (opt.prof is false; "
        "start it with MALLOC_CONF=prof:true, or under 'memprof record')");
    return NULL;
  }
  choose_out_dir();
  for (int i = 0; i < kMaxClients; i++) clients[i].fd = -1;
  int listen_fd = open_socket(why, sizeof why);
  if (listen_fd < 0) {
    say_inactive(why);
    return NULL;
  }
  atexit(remove_socket);
  pthread_t worker;
  if (pthread_create(&worker, NULL, mc_worker_main, NULL) != 0) {
    remove_socket();
    return NULL;
  }
  pthread_detach(worker);
  mc_log("listening on %s, dumps into %s (jemalloc via %s)", mc.sock_path, mc.out_dir, mc.je.how);
  serving = 1;
  serve(listen_fd);
  return NULL;
}

static void on_final_signal(int sig) {
  if (final_signal_seen) return; /* the first one is being handled */
  final_signal_seen = 1;
  unsigned char b = (unsigned char)sig;
  if (!serving || write(wake_pipe[1], &b, 1) != 1) {
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

/* Installed only while the disposition is still the default, i.e. before the program set its
 * own; a program that handles SIGINT itself exits its own way and jemalloc's prof_final dumps. */
static void install_final_signal_handlers(void) {
  static const int sigs[] = {SIGINT, SIGTERM};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction old;
    if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction sa = {.sa_handler = on_final_signal, .sa_flags = SA_RESTART}; /* the program sees no EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
}

__attribute__((constructor)) static void memprof_control_start(void) {
  mc.pid = getpid();
  mc.log = env_flag(MEMPROF_ENV_LOG);
  mc.min_interval_ms = env_long(MEMPROF_ENV_MIN_INTERVAL_MS, 1000);
  mc.min_free_bytes = (unsigned long long)env_long(MEMPROF_ENV_MIN_FREE_MB, 64) << 20;
  mc.every_ms = env_long(MEMPROF_ENV_EVERY_MS, 0);
  mc.stats_with_dump = env_flag(MEMPROF_ENV_STATS);
  mc.test_delay_ms = env_long("MEMPROF_TEST_DUMP_DELAY_MS", 0);
  const char* manifest = getenv(MEMPROF_ENV_MANIFEST);
  if (manifest) snprintf(mc.manifest, sizeof mc.manifest, "%s", manifest);
  if (pipe2(wake_pipe, O_CLOEXEC) != 0) return;
  /* The control thread takes no application signals. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t thread;
  int rc = pthread_create(&thread, NULL, control_main, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) return;
  pthread_detach(thread);
  if (env_flag(MEMPROF_ENV_FINAL_ON_SIGNAL)) install_final_signal_handlers();
}
