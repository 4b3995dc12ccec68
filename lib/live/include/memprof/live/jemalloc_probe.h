// How a program gets jemalloc, read from its ELF file without running it: dynamically
// (libjemalloc.so in DT_NEEDED), statically (mallctl defined in the file, possibly only in
// .symtab and possibly prefixed), or not at all. `memprof record` picks its environment from this.
//
//   JemallocProbe p = probe_jemalloc("/usr/bin/redis-server");
//   if (p.link == JemallocLink::none) preload(find_system_jemalloc());
//   setenv(p.conf_env.c_str(), conf);   // "MALLOC_CONF", "_RJEM_MALLOC_CONF", ...
#pragma once

#include <cstdint>
#include <string>

namespace memprof::live {

enum class JemallocLink { dynamic, static_symbols, none };

struct JemallocProbe {
  JemallocLink link = JemallocLink::none;
  std::string prefix;  // "", "je_", "_rjem_"
  std::string conf_env = "MALLOC_CONF";
  uint64_t mallctl = 0;  // symbol values, for static_symbols
  uint64_t stats_print = 0;
  bool exported = false;  // mallctl is in .dynsym (dlsym finds it)
  std::string file_id;    // "dev:inode" of the executable
  std::string needed;     // the DT_NEEDED entry, for dynamic
};

// Throws InputError when the file cannot be read; a file that is not ELF (a script) probes as
// none.
JemallocProbe probe_jemalloc(const std::string& executable);

// The executable `command` runs: a path as given, or the first match on $PATH. Throws InputError.
std::string resolve_command(const std::string& command);

// The system's libjemalloc.so.2, for programs that do not have jemalloc. "" when none is found.
std::string find_system_jemalloc();

}  // namespace memprof::live
