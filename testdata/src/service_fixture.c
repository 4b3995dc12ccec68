/* A tiny "service" for memprof record/ctl tests: it allocates in named phases on command, so a
 * test can tell which allocations happened while profiling was active. Reads lines on stdin:
 *   a N    keep N blocks of 64 KiB allocated in phase_a()
 *   b N    keep N blocks of 64 KiB allocated in phase_b()
 *   free   free everything
 *   sleep MS
 *   quit   exit 0 (also at end of input)
 * and answers "ok CMD" on stdout after each. Plain C on malloc, so the same source builds against
 * jemalloc (dynamic or static) and against glibc malloc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kBlock = 64 * 1024, kMax = 100000 };
static void* blocks[kMax];
static int used = 0;

/* noinline and a write to each block keep the phases as distinct stack frames. */
__attribute__((noinline)) static void phase_a(int n) {
  for (int i = 0; i < n && used < kMax; i++) {
    blocks[used] = malloc(kBlock);
    memset(blocks[used++], 'a', 64);
  }
}

__attribute__((noinline)) static void phase_b(int n) {
  for (int i = 0; i < n && used < kMax; i++) {
    blocks[used] = malloc(kBlock);
    memset(blocks[used++], 'b', 64);
  }
}

int main(void) {
  char line[128];
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin)) {
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    if (sscanf(line, "a %d", &n) == 1) phase_a(n);
    else if (sscanf(line, "b %d", &n) == 1) phase_b(n);
    else if (sscanf(line, "sleep %d", &n) == 1) {
      struct timespec ts = {n / 1000, (long)(n % 1000) * 1000000L};
      nanosleep(&ts, NULL);
    } else if (strcmp(line, "free") == 0) {
      while (used > 0) free(blocks[--used]);
    } else if (strcmp(line, "quit") == 0) {
      printf("ok quit\n");
      return 0;
    }
    printf("ok %s\n", line);
  }
  return 0;
}
