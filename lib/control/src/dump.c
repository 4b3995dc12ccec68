/* Writing dumps: the worker thread that runs them one at a time, the free-space check, finding
 * the file jemalloc named, the optional stats snapshot next to it and the manifest line. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "control_internal.h"
#include "memprof/control/protocol.h"

/* After prof.dump with a NULL name jemalloc picked <prefix>.<pid>.<seq>.m<mseq>.heap; we are the
 * only writer of manual dumps (one at a time), so the highest seq of that form is ours. */
static bool newest_manual_dump(char* path, size_t len, unsigned* seq_out) {
  DIR* dir = opendir(mc.out_dir);
  if (!dir) return false;
  char lead[200];
  int lead_len = snprintf(lead, sizeof lead, "%s.%d.", mc.prefix_base, (int)mc.pid);
  long best = -1;
  char best_name[256] = "";
  struct dirent* e;
  while ((e = readdir(dir)) != NULL) {
    if (strncmp(e->d_name, lead, (size_t)lead_len) != 0) continue;
    unsigned seq = 0, mseq = 0;
    int used = 0;
    if (sscanf(e->d_name + lead_len, "%u.m%u.heap%n", &seq, &mseq, &used) != 2) continue;
    if (e->d_name[lead_len + used] != '\0' || (long)seq <= best) continue;
    best = seq;
    snprintf(best_name, sizeof best_name, "%s", e->d_name);
  }
  closedir(dir);
  if (best < 0) return false;
  snprintf(path, len, "%s/%s", mc.out_dir, best_name);
  *seq_out = (unsigned)best;
  return true;
}

static void write_cb(void* opaque, const char* text) { fputs(text, (FILE*)opaque); }

/* Stats next to the dump: x.heap -> x.stats.json (memprof stats reads it). */
static bool write_stats_file(const char* dump, char* stats_path, size_t len) {
  if (!mc.je.stats_print) return false;
  snprintf(stats_path, len, "%s", dump);
  char* dot = strrchr(stats_path, '.');
  if (!dot || (size_t)(dot - stats_path) + 12 >= len) return false;
  strcpy(dot, ".stats.json");
  FILE* f = fopen(stats_path, "we");
  if (!f) return false;
  uint64_t epoch = 1;
  size_t sz = sizeof epoch;
  mc.je.mallctl("epoch", &epoch, &sz, &epoch, sz);
  mc.je.stats_print(write_cb, f, "J");
  return fclose(f) == 0;
}

static void append_manifest(const char* file, unsigned seq, const char* when, const char* trigger, const char* stats,
                            int64_t bytes) {
  if (!mc.manifest[0]) return;
  char f[PATH_MAX * 2], s[PATH_MAX * 2], line[PATH_MAX * 5];
  const char* base = strrchr(file, '/');
  mc_json_escape(f, sizeof f, base ? base + 1 : file);
  const char* sbase = stats[0] ? strrchr(stats, '/') : NULL;
  mc_json_escape(s, sizeof s, sbase ? sbase + 1 : stats);
  int n = snprintf(line, sizeof line,
                   "{\"file\":\"%s\",\"seq\":%u,\"time\":\"%s\",\"trigger\":\"%s\",\"bytes\":%lld%s%s%s}\n", f, seq,
                   when, trigger, (long long)bytes, stats[0] ? ",\"stats\":\"" : "", s, stats[0] ? "\"" : "");
  int fd = open(mc.manifest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (write(fd, line, (size_t)n) != n) mc_log("cannot append to %s", mc.manifest);
  close(fd);
}

static void refuse(char* answer, size_t len, const char* code, const char* message) {
  char m[512];
  mc_json_escape(m, sizeof m, message);
  snprintf(answer, len, "{\"ok\":false,\"error\":\"%s\",\"message\":\"%s\"}", code, m);
}

void mc_do_dump(const char* trigger, char* answer, size_t len) {
  struct statvfs vfs;
  pthread_mutex_lock(&mc.mu);
  int64_t estimate = mc.last_dump_bytes > 0 ? mc.last_dump_bytes : 0;
  mc.last_dump_mono_ms = mc_mono_ms();
  pthread_mutex_unlock(&mc.mu);
  if (statvfs(mc.out_dir, &vfs) == 0) {
    unsigned long long avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
    if (avail < mc.min_free_bytes + (unsigned long long)estimate) {
      char m[256];
      snprintf(m, sizeof m, "%llu MiB free on the dump directory, %llu MiB must stay free", avail >> 20,
               mc.min_free_bytes >> 20);
      refuse(answer, len, MEMPROF_ERR_NO_SPACE, m);
      return;
    }
  }
  char path[PATH_MAX];
  unsigned seq = 0;
  int rc;
  if (mc.prefix_base[0]) {
    rc = mc.je.mallctl("prof.dump", NULL, NULL, NULL, 0);
    if (rc == 0 && !newest_manual_dump(path, sizeof path, &seq)) rc = ENOENT;
  } else {
    pthread_mutex_lock(&mc.mu);
    seq = mc.own_seq++;
    pthread_mutex_unlock(&mc.mu);
    snprintf(path, sizeof path, "%s/memprof.%d.%u.m%u.heap", mc.out_dir, (int)mc.pid, seq, seq);
    const char* p = path;
    rc = mc.je.mallctl("prof.dump", NULL, NULL, (void*)&p, sizeof p);
  }
  if (rc != 0) {
    char m[256];
    snprintf(m, sizeof m, "prof.dump failed: %s", strerror(rc));
    refuse(answer, len, MEMPROF_ERR_FAILED, m);
    return;
  }
  char when[40], stats[PATH_MAX] = "";
  mc_wall_time(when, sizeof when);
  struct stat st;
  int64_t bytes = stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
  if (mc.stats_with_dump && !write_stats_file(path, stats, sizeof stats)) stats[0] = '\0';
  append_manifest(path, seq, when, trigger, stats, bytes);
  pthread_mutex_lock(&mc.mu);
  mc.dumps++;
  snprintf(mc.last_dump, sizeof mc.last_dump, "%s", path);
  snprintf(mc.last_dump_time, sizeof mc.last_dump_time, "%s", when);
  mc.last_dump_bytes = bytes;
  pthread_mutex_unlock(&mc.mu);
  char p[PATH_MAX * 2], s[PATH_MAX * 2];
  mc_json_escape(p, sizeof p, path);
  mc_json_escape(s, sizeof s, stats);
  snprintf(answer, len,
           "{\"ok\":true,\"file\":\"%s\",\"seq\":%u,\"bytes\":%lld,\"time\":\"%s\",\"trigger\":\"%s\"%s%s%s}", p, seq,
           (long long)bytes, when, trigger, stats[0] ? ",\"stats\":\"" : "", s, stats[0] ? "\"" : "");
}

void* mc_worker_main(void* arg) {
  (void)arg;
  char answer[PATH_MAX * 6];
  for (;;) {
    pthread_mutex_lock(&mc.mu);
    while (!mc.job_ready) pthread_cond_wait(&mc.cv, &mc.mu);
    struct mc_job job = mc.job;
    mc.job_ready = false;
    pthread_mutex_unlock(&mc.mu);

    if (mc.test_delay_ms > 0) usleep((useconds_t)mc.test_delay_ms * 1000); /* tests: a slow dump */
    mc_do_dump(job.trigger, answer, sizeof answer);
    mc_log("dump (%s) -> %s", job.trigger, answer);
    if (job.fd >= 0) {
      size_t n = strlen(answer);
      answer[n] = '\n';
      mc_send_all(job.fd, answer, n + 1);
      close(job.fd);
    }
    pthread_mutex_lock(&mc.mu);
    mc.busy = false;
    pthread_cond_broadcast(&mc.cv);
    pthread_mutex_unlock(&mc.mu);
  }
  return NULL;
}
