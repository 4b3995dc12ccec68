#!/bin/sh
# Symbolization benchmark: a generated binary with >100 MB of DWARF, 50,000 unique return
# addresses, memprof's symbolizer (bench driver) vs addr2line and llvm-symbolizer-14; then
# `memprof info --symbols` on the real clang dump. Results go to stdout; see README.md.
#
# usage: run_bench.sh BUILD_DIR [WORK_DIR]     (BUILD_DIR: a Release build of memprof)
set -eu
build=$(cd "$1" && pwd)
work=${2:-/tmp/memprof-symbolize-bench}
here=$(cd "$(dirname "$0")" && pwd)
driver=$build/bench/symbolize/symbolize_bench
mkdir -p "$work"
cd "$work"

# 1. The binary: 7 translation units x 150 template entry points (about 125 MB of DWARF 5).
if [ ! -x big ]; then
  python3 "$here/gen_large_dwarf.py" src 7 150
  objs=""
  for f in src/*.cc; do
    o=${f%.cc}.o; objs="$objs $o"
    echo "g++ -O2 -g -c $f -o $o"
  done | xargs -P 2 -I{} sh -c '{}'
  g++ -O2 -g -o big $objs
fi
size -A big | awk '/^\.debug/ { s += $2 } END { printf "debug sections: %.1f MB\n", s / 1e6 }'

# 2. 50,000 unique return addresses: the instruction after each call, spread over the text.
if [ ! -s offsets.txt ]; then
  objdump -d --no-show-raw-insn big | awk '
    /^ *[0-9a-f]+:/ { addr = $1; sub(":", "", addr); if (after_call) print addr; after_call = ($2 ~ /^call/) }
  ' | sort -u | shuf -n 50000 --random-source=big > returns.txt
  # file offset = vaddr - p_vaddr + p_offset of the executable PT_LOAD.
  seg=$(readelf -lW big | awk '$1 == "LOAD" && / E / { print $2, $3; exit }')
  python3 - "$seg" <<'PY'
import sys
off, vaddr = (int(x, 16) for x in sys.argv[1].split())
rets = [int(l, 16) for l in open("returns.txt")]
with open("offsets.txt", "w") as f:
    f.writelines(f"{r - vaddr + off:x}\n" for r in rets)
with open("vaddrs.txt", "w") as f:  # the oracles get the call instruction: return address - 1
    f.writelines(f"0x{r - 1:x}\n" for r in rets)
PY
fi
wc -l < offsets.txt

# 3. Timings (cold-ish: each run starts a new process; the file stays in the page cache).
hyperfine --warmup 1 --runs 3 --export-markdown symbolize.md \
  "$driver --elf big --offsets offsets.txt --threads 2" \
  "$driver --elf big --offsets offsets.txt --threads 1" \
  "llvm-symbolizer-14 --obj=big --inlining --demangle --functions=linkage < vaddrs.txt > /dev/null" \
  "addr2line -f -i -C -e big < vaddrs.txt > /dev/null"
for cmd in "$driver --elf big --offsets offsets.txt --threads 2" \
           "llvm-symbolizer-14 --obj=big --inlining --demangle --functions=linkage" \
           "addr2line -f -i -C -e big"; do
  /usr/bin/time -v sh -c "$cmd < vaddrs.txt > /dev/null" 2>&1 | awk -v c="$cmd" '/Maximum resident/ { print "peak RSS " $6 " KB: " c }'
done

# 4. The real clang dump (stripped libLLVM-14.so.1).
dump=/work/dumps/clang/jeprof.2340.0.f.heap
if [ -f "$dump" ]; then
  hyperfine --warmup 1 --runs 5 --export-markdown clang.md "$build/tools/memprof/memprof info --symbols $dump"
  /usr/bin/time -v "$build/tools/memprof/memprof" info --symbols "$dump" 2>&1 >/dev/null | awk '/Maximum resident|Elapsed/'
fi
