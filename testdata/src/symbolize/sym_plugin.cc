// The dlopen()ed plugin of the symbolizer fixture.
#include <vector>

namespace plugin {

struct Factory {
  __attribute__((noinline)) static std::vector<int>* build() { return new std::vector<int>(1000); }
};

}  // namespace plugin

extern "C" __attribute__((noinline)) void* symplugin_alloc() { return plugin::Factory::build(); }
