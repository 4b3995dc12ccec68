/* Workloads for bench/control/run.sh.
 *   alloc_bench loop THREADS ROUNDS   each thread: ROUNDS x (1000 malloc of 16..1024 B, then free),
 *                                     over a live set of 20,000 objects per thread
 *   alloc_bench stacks BITS           holds one 64 or 72 B object on each of 2^BITS distinct stacks, then
 *                                     waits for end of input (a big dump for `memprof ctl dump`)
 * Plain C on malloc: jemalloc comes from LD_PRELOAD or memprof record. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rounds;

static void* loop_thread(void* arg) {
  unsigned seed = (unsigned)(size_t)arg;
  enum { kLive = 20000, kBatch = 1000 };
  void** live = malloc(kLive * sizeof *live);
  void* batch[kBatch];
  for (int i = 0; i < kLive; i++) live[i] = malloc(16 + rand_r(&seed) % 1009);
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < kBatch; i++) {
      batch[i] = malloc(16 + rand_r(&seed) % 1009);
      memset(batch[i], 1, 8);
    }
    for (int i = 0; i < kBatch; i++) free(batch[i]);
    int k = rand_r(&seed) % kLive; /* the live set churns a little */
    free(live[k]);
    live[k] = malloc(16 + rand_r(&seed) % 1009);
  }
  for (int i = 0; i < kLive; i++) free(live[i]);
  free(live);
  return NULL;
}

/* Two functions that call each other by the bits of `path`: 2^depth distinct call stacks. */
static void* volatile keep[1 << 20]; /* volatile: the compiler may not drop the mallocs */
static int kept;
__attribute__((noinline)) static void step1(unsigned path, int depth);
__attribute__((noinline)) static void step0(unsigned path, int depth) {
  if (depth == 0) {
    keep[kept++] = malloc(64);
    return;
  }
  if (path & 1) step1(path >> 1, depth - 1);
  else step0(path >> 1, depth - 1);
  __asm__ volatile("" ::: "memory"); /* not a tail call: the frame stays on the stack */
}
__attribute__((noinline)) static void step1(unsigned path, int depth) {
  if (depth == 0) {
    keep[kept++] = malloc(72);
    return;
  } /* differs from step0, so never merged */
  if (path & 1) step1(path >> 1, depth - 1);
  else step0(path >> 1, depth - 1);
  __asm__ volatile("" ::: "memory");
}

int main(int argc, char** argv) {
  if (argc == 4 && strcmp(argv[1], "loop") == 0) {
    int threads = atoi(argv[2]);
    rounds = atoi(argv[3]);
    pthread_t t[64];
    for (int i = 0; i < threads && i < 64; i++) pthread_create(&t[i], NULL, loop_thread, (void*)(size_t)(i + 1));
    for (int i = 0; i < threads && i < 64; i++) pthread_join(t[i], NULL);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "stacks") == 0) {
    int bits = atoi(argv[2]);
    if (bits > 20) bits = 20;
    for (unsigned p = 0; p < (1u << bits); p++) step0(p, bits);
    printf("ready %d\n", kept);
    fflush(stdout);
    while (getchar() != EOF) {
    }
    return 0;
  }
  fprintf(stderr, "usage: alloc_bench loop THREADS ROUNDS | stacks BITS\n");
  return 2;
}
