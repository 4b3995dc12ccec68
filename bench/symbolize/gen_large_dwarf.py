#!/usr/bin/env python3
"""Writes C++ sources for a binary with large DWARF: TUS translation units, each with FUNCS
template entry points that instantiate std containers over distinct types and call through
always-inlined helpers (deep inline chains) into noinline leaves (many call sites).

usage: gen_large_dwarf.py OUTDIR [TUS] [FUNCS]"""
import os
import sys

out = sys.argv[1]
tus = int(sys.argv[2]) if len(sys.argv) > 2 else 40
funcs = int(sys.argv[3]) if len(sys.argv) > 3 else 150
os.makedirs(out, exist_ok=True)

TU = """#include <algorithm>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace tu{k} {{

template <int N> struct Item {{ int a[N % 7 + 1]; std::string s; double d[N % 3 + 1]; }};

template <int N>
__attribute__((noinline)) int sink(int x) {{ asm volatile("" : "+r"(x)); return x + N; }}

template <int N>
inline __attribute__((always_inline)) int level3(std::vector<int>& v, int x) {{
  v.push_back(sink<N>(x));
  return sink<N + 1>(x) + static_cast<int>(v.size());
}}

template <int N>
inline __attribute__((always_inline)) int level2(std::map<int, std::string>& m, std::vector<int>& v, int x) {{
  m[x] = std::to_string(level3<N>(v, x));
  return level3<N + 2>(v, x + 1) + sink<N + 3>(x);
}}

template <int N>
inline __attribute__((always_inline)) int level1(std::map<int, std::string>& m, std::vector<int>& v, int x) {{
  return level2<N>(m, v, x) + level2<N + 5>(m, v, x * 3) + sink<N + 4>(x);
}}

template <int N>
__attribute__((noinline)) int entry(int x) {{
  std::map<int, std::string> m;
  std::vector<int> v;
  std::unordered_map<int, Item<N>> u;
  int r = level1<N>(m, v, x);
  u[r].s = std::to_string(r);
  std::sort(v.begin(), v.end(), std::greater<int>());
  std::ostringstream os;
  os << r << u[r].s;
  return r + static_cast<int>(u.size() + os.str().size()) + sink<N + 6>(r);
}}

int run(int x) {{
  int r = 0;
{calls}
  return r;
}}

}}  // namespace tu{k}
"""

for k in range(tus):
    calls = "\n".join(f"  r += entry<{n}>(x + {n});" for n in range(funcs))
    with open(os.path.join(out, f"tu{k}.cc"), "w") as f:
        f.write(TU.format(k=k, calls=calls))

with open(os.path.join(out, "main.cc"), "w") as f:
    for k in range(tus):
        f.write(f"namespace tu{k} {{ int run(int); }}\n")
    f.write("int main(int argc, char**) {\n  int r = 0;\n")
    for k in range(tus):
        f.write(f"  r += tu{k}::run(argc);\n")
    f.write("  return r & 1;\n}\n")
