// One part (compilation unit) of sym_many: PART_NS names the namespace. 160 distinct allocating
// functions, each called from its own call site, give 320 unique return addresses per unit.
#include <cstdlib>
#include <utility>

namespace PART_NS {

void* volatile sink;

template <int N>
__attribute__((noinline)) void* site() {
  void* p = std::malloc(N * 8 + 8);
  sink = p;
  return p;
}

template <int... N>
void call_all(std::integer_sequence<int, N...>) {
  ((sink = site<N>()), ...);
}

__attribute__((noinline)) void run() { call_all(std::make_integer_sequence<int, 160>{}); }

}  // namespace PART_NS
