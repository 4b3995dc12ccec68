/* Finding jemalloc's mallctl and malloc_stats_print inside the process we were preloaded into.
 * Exported names first (a dynamic libjemalloc, or a binary exporting them), in the three
 * spellings builds use; then, for a statically linked jemalloc whose symbols are only in
 * .symtab, the addresses `memprof record` read from the file and passed in the environment. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "control_internal.h"
#include "memprof/control/protocol.h"

static int first_object_base(struct dl_phdr_info* info, size_t size, void* data) {
  (void)size;
  *(uintptr_t*)data = (uintptr_t)info->dlpi_addr;
  return 1; /* the first entry is the main program */
}

/* The addresses are only valid for the file they were read from: a child that inherited the
 * environment but exec'd another program must not call them. */
static bool static_id_matches(void) {
  const char* id = getenv(MEMPROF_ENV_STATIC_ID);
  struct stat st;
  if (!id || stat("/proc/self/exe", &st) != 0) return false;
  char mine[64];
  snprintf(mine, sizeof mine, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
  return strcmp(mine, id) == 0;
}

static bool parse_hex(const char* text, uintptr_t* out) {
  if (!text || !*text) return false;
  char* end = NULL;
  unsigned long long v = strtoull(text, &end, 16);
  if (*end != '\0' || v == 0) return false;
  *out = (uintptr_t)v;
  return true;
}

static bool find_static(struct mc_jemalloc* je, char* why, size_t why_len) {
  uintptr_t mallctl_off = 0, stats_off = 0, base = 0;
  if (!parse_hex(getenv(MEMPROF_ENV_MALLCTL_ADDR), &mallctl_off)) return false;
  if (!static_id_matches()) {
    snprintf(why, why_len, "%s is set for another executable; ignored", MEMPROF_ENV_MALLCTL_ADDR);
    return false;
  }
  dl_iterate_phdr(first_object_base, &base);
  je->mallctl = (mc_mallctl_fn)(base + mallctl_off);
  if (parse_hex(getenv(MEMPROF_ENV_STATS_PRINT_ADDR), &stats_off))
    je->stats_print = (mc_stats_print_fn)(base + stats_off);
  je->how = "static";
  return true;
}

bool mc_find_jemalloc(struct mc_jemalloc* je, char* why, size_t why_len) {
  static const char* const prefixes[] = {"", "je_", "_rjem_"};
  static const char* const names[] = {"mallctl", "je_mallctl", "_rjem_mallctl"};
  memset(je, 0, sizeof *je);
  why[0] = '\0';
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    void* f = dlsym(RTLD_DEFAULT, names[i]);
    if (!f) continue;
    char stats_name[64];
    snprintf(stats_name, sizeof stats_name, "%smalloc_stats_print", prefixes[i]);
    je->mallctl = (mc_mallctl_fn)f;
    je->stats_print = (mc_stats_print_fn)dlsym(RTLD_DEFAULT, stats_name);
    je->how = names[i];
    return true;
  }
  if (find_static(je, why, why_len)) return true;
  if (!why[0])
    snprintf(why, why_len,
             "no jemalloc in this process (no mallctl, je_mallctl or _rjem_mallctl; "
             "for a static jemalloc run it under 'memprof record')");
  return false;
}
