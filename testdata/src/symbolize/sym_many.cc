// Fixture for the multi-threaded DWARF path: four compilation units (sym_many_[abcd].cc) with
// 1280 unique allocation addresses between them, more than SymbolizeOptions'
// parallel_min_addresses default, so one module's DWARF work is split across threads.
//
// Usage: sym_many DUMP [ignored]    (run with MALLOC_CONF=prof:true,lg_prof_sample:0)
#include <dlfcn.h>

#include <cstdio>

namespace many_a {
void run();
}
namespace many_b {
void run();
}
namespace many_c {
void run();
}
namespace many_d {
void run();
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sym_many DUMP\n");
    return 2;
  }
  many_a::run();
  many_b::run();
  many_c::run();
  many_d::run();
  using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);
  auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  const char* path = argv[1];
  if (!mallctl || mallctl("prof.dump", nullptr, nullptr, &path, sizeof(path)) != 0) {
    std::fprintf(stderr, "sym_many: prof.dump failed (jemalloc with MALLOC_CONF=prof:true?)\n");
    return 1;
  }
  return 0;
}
