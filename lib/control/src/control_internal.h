/* Shared state of libmemprof-control.so. Everything here runs on the library's own two threads
 * (the control thread and the dump worker), never on an application thread. */
#ifndef MEMPROF_CONTROL_INTERNAL_H
#define MEMPROF_CONTROL_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef int (*mc_mallctl_fn)(const char*, void*, size_t*, void*, size_t);
typedef void (*mc_stats_print_fn)(void (*)(void*, const char*), void*, const char*);

/* jemalloc's entry points as found in this process. */
struct mc_jemalloc {
  mc_mallctl_fn mallctl;
  mc_stats_print_fn stats_print; /* may be NULL (then `stats` fails) */
  const char* how;               /* "mallctl", "je_mallctl", "_rjem_mallctl" or "static" */
};

/* Finds jemalloc; on failure writes why into `why` and returns false. */
bool mc_find_jemalloc(struct mc_jemalloc* je, char* why, size_t why_len);

/* A dump job handed from the control thread to the worker. fd < 0: nobody waits for the answer. */
struct mc_job {
  int fd;
  char trigger[16];
};

struct mc_state {
  struct mc_jemalloc je;
  pid_t pid;
  char sock_path[108];
  char out_dir[PATH_MAX];
  char prefix_base[128]; /* basename of opt.prof_prefix when it lies in out_dir, else "" */
  char manifest[PATH_MAX];
  long min_interval_ms;
  unsigned long long min_free_bytes;
  long every_ms;
  bool log;
  bool stats_with_dump;
  long test_delay_ms; /* MEMPROF_TEST_DUMP_DELAY_MS: lets tests hold the dump lock */

  pthread_mutex_t mu; /* guards everything below */
  pthread_cond_t cv;
  bool busy; /* a dump is queued or running */
  bool job_ready;
  struct mc_job job;
  unsigned dumps;
  char last_dump[PATH_MAX];
  char last_dump_time[40];
  int64_t last_dump_mono_ms; /* start of the last dump, for the minimum interval; -1 none */
  int64_t last_dump_bytes;
  unsigned own_seq; /* our sequence when we name dumps ourselves */
};

extern struct mc_state mc;

int64_t mc_mono_ms(void);
void mc_wall_time(char* out, size_t len);
/* Appends `s` to `out` as JSON string contents (no quotes). */
void mc_json_escape(char* out, size_t len, const char* s);
/* send() all of it, no SIGPIPE; false on error. */
bool mc_send_all(int fd, const char* data, size_t len);
void mc_log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/* Dump worker: runs jobs one at a time. Answers the job's fd (and closes it) when done. */
void* mc_worker_main(void* arg);
/* Runs one dump now on the calling thread and writes the JSON answer into `answer`. */
void mc_do_dump(const char* trigger, char* answer, size_t len);

#endif
