#!/usr/bin/env bash
# Reproduces every number in bench/README.md: memprof against jeprof on real jemalloc dumps.
# usage: bench/run_all.sh [DUMPS_DIR]     (default DUMPS_DIR: /work/dumps)
#
# DUMPS_DIR must hold (see "Dumps" in bench/README.md for how they are made):
#   clang/*.heap   one final dump of clang++-14 compiling a C++ file (binary /usr/lib/llvm-14/bin/clang)
#   redis/*.heap   redis-server interval dumps + a final *.f.heap (binary redis-server)
#   diff/a/*.heap, diff/b/*.heap   two ~20 MB clang++-14 dumps for the diff benchmark
# Missing diff dumps are made here (needs clang++-14 and libjemalloc2). Missing clang/redis dumps
# are made with $REAL_DUMPS_SCRIPT (default /work/shared/workloads/real-dumps.sh) if it exists;
# otherwise the script stops and says what to run.
#
# Environment: BUILD_DIR (default <repo>/build; configured and built in Release if memprof is
# missing), JEPROF_RUNS (default 2; jeprof takes ~45-75 s per run on these dumps), MEMPROF_RUNS
# (default 10), SKIP_JEPROF=1, SKIP_CALLGRIND=1, WITH_SYMBOLIZE=1 (also run the large-DWARF
# benchmark bench/symbolize/run_bench.sh, several minutes). Outputs go to $OUT (default
# bench/out/, git-ignored): hyperfine JSON, jeprof and memprof text outputs, callgrind files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dumps=$(realpath -m "${1:-/work/dumps}")
build=${BUILD_DIR:-$repo/build}
out=${OUT:-$here/out}
jr=${JEPROF_RUNS:-2}
mr=${MEMPROF_RUNS:-10}
mkdir -p "$out"
je=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
clang_bin=/usr/lib/llvm-14/bin/clang

# --- tools ------------------------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v jq >/dev/null || need+=(jq)
[ "${SKIP_CALLGRIND:-0}" = 1 ] || command -v valgrind >/dev/null || need+=(valgrind)
[ "${SKIP_JEPROF:-0}" = 1 ] || command -v jeprof >/dev/null || need+=(libjemalloc-dev)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- build ------------------------------------------------------------------------------------
memprof=$build/tools/memprof/memprof
bench_parse=$build/bench/parse/bench_parse
if [ ! -x "$memprof" ] || [ ! -x "$bench_parse" ]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 >/dev/null
fi

# --- dumps ------------------------------------------------------------------------------------
if ! compgen -G "$dumps/clang/*.heap" >/dev/null || ! compgen -G "$dumps/redis/*.f.heap" >/dev/null; then
  gen=${REAL_DUMPS_SCRIPT:-/work/shared/workloads/real-dumps.sh}
  if [ -x "$gen" ] || [ -f "$gen" ]; then
    bash "$gen" "$dumps"
  else
    echo "no clang/redis dumps in $dumps; make them as bench/README.md 'Dumps' explains" >&2
    exit 2
  fi
fi
make_diff_dump() { # NAME SOURCE: one final heap dump of clang++-14 -O0 -c SOURCE
  local dir=$dumps/diff/$1 src=$dumps/diff/src/$1.cpp
  compgen -G "$dir/*.heap" >/dev/null && return 0
  command -v clang++-14 >/dev/null && [ -e "$je" ] || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-14 libjemalloc2 >/dev/null; }
  mkdir -p "$dir" "$dumps/diff/src"
  printf '%s\n' "$2" > "$src"
  LD_PRELOAD=$je MALLOC_CONF="prof:true,prof_final:true,prof_accum:true,lg_prof_sample:10,prof_prefix:$dir/jeprof" \
    clang++-14 -O0 -c "$src" -o /dev/null
}
make_diff_dump a '#include <map>
#include <vector>
#include <string>
#include <regex>
#include <iostream>
int main() { std::map<std::string, std::vector<int>> m; std::regex r("a+"); std::cout << m.size(); }'
make_diff_dump b '#include <vector>
#include <string>
#include <regex>
int main() { std::vector<std::string> v; std::regex r("(b|c)*d"); return std::regex_match("bcd", r) + (int)v.size(); }'

first() { echo "$1"; }
clang_dump=$(first "$dumps"/clang/*.heap)
redis_base=$(first "$dumps"/redis/*.i0.heap)      # the first interval dump
redis_final=$(first "$dumps"/redis/*.f.heap)      # the final dump
diff_a=$(first "$dumps"/diff/a/*.heap)
diff_b=$(first "$dumps"/diff/b/*.heap)
stats_capture=$repo/testdata/stats/redis-7.0-malloc-stats.txt

# Prints median, mean ± σ and min..max of every command in a hyperfine JSON file.
summary() {
  jq -r '.results[] | (.times | sort) as $t
    | "  \(.command)\n    median \($t[(($t|length)/2|floor)]*1000|round) ms, mean \(.mean*1000|round) ± \((.stddev // 0)*1000|round) ms, min \(.min*1000|round) ms, max \(.max*1000|round) ms, \($t|length) runs"' "$1"
}
hf() { # NAME HYPERFINE-ARGS...
  local name=$1; shift
  hyperfine -N --style basic --export-json "$out/$name.json" "$@"
  echo "-- $name:"; summary "$out/$name.json"
}
section() { echo; echo "=== $* ($(date -u +%H:%M:%S) UTC, load: $(cut -d' ' -f1-3 /proc/loadavg))"; }

section "machine"
uname -srm; nproc; uptime
echo "memprof $(git -C "$repo" rev-parse --short HEAD), $(hyperfine --version)"
ls -l "$clang_dump" "$diff_a" "$diff_b"

section "1. parse throughput and peak memory (clang dump)"
"$bench_parse" "$clang_dump" 9 | tee "$out/bench_parse_9.txt"
if command -v perf >/dev/null; then  # CPU time of the 9 parses, less sensitive to preemption than wall time
  perf stat -e task-clock -- "$bench_parse" "$clang_dump" 9 2>&1 | grep -E 'file|task-clock|elapsed' || true
fi
"$bench_parse" "$clang_dump" 1 | tee "$out/bench_parse_1.txt"
/usr/bin/time -v "$memprof" info "$clang_dump" >/dev/null 2>"$out/time_info.txt"
grep -E 'Elapsed|Maximum resident' "$out/time_info.txt"
echo "file size: $(stat -c %s "$clang_dump") bytes"
if [ "${SKIP_CALLGRIND:-0}" != 1 ]; then
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.info.out" \
    "$memprof" info "$clang_dump" >/dev/null 2>"$out/callgrind.info.err"
  grep -E 'Collected' "$out/callgrind.info.err"
  callgrind_annotate "$out/callgrind.info.out" 2>/dev/null | sed -n '/Ir/,+14p' | head -16 || true
fi

section "2. memprof top vs jeprof --text (clang dump)"
hf top_memprof --warmup 2 --runs "$mr" "$memprof top $clang_dump"
/usr/bin/time -v "$memprof" top "$clang_dump" >/dev/null 2>"$out/time_top.txt"
grep -E 'Maximum resident' "$out/time_top.txt"
if [ "${SKIP_JEPROF:-0}" != 1 ]; then
  # Side by side in one hyperfine run, so both see the same machine load.
  hf top_vs_jeprof --warmup 0 --runs "$jr" "$memprof top $clang_dump" \
    "jeprof --text $clang_bin $clang_dump"
  jeprof --text --show_bytes "$clang_bin" "$clang_dump" >"$out/jeprof_text_bytes.txt" 2>/dev/null
  echo "jeprof $(head -1 "$out/jeprof_text_bytes.txt")"
fi
echo "memprof unsampled inuse_space: $("$memprof" info --format json "$clang_dump" | jq '.files[0].totals.inuse_space') B"
echo "-- top 5, memprof:"; "$memprof" top -n 5 "$clang_dump" | tee "$out/memprof_top5.txt"
echo "-- top 5, memprof --keep-allocator-frames:"; "$memprof" top -n 5 --keep-allocator-frames "$clang_dump"
[ -f "$out/jeprof_text_bytes.txt" ] && { echo "-- top 5, jeprof --text --show_bytes:"; head -6 "$out/jeprof_text_bytes.txt"; }

section "3. memprof diff vs jeprof --text --base (two ~20 MB clang dumps)"
ls -l "$diff_a" "$diff_b"
hf diff_memprof --warmup 2 --runs "$mr" "$memprof diff $diff_a $diff_b"
"$memprof" diff -n 5 "$diff_a" "$diff_b" | tee "$out/memprof_diff5.txt"
if [ "${SKIP_JEPROF:-0}" != 1 ]; then
  # --show_bytes only changes the units jeprof prints; it gives the exact byte delta.
  hf diff_vs_jeprof --warmup 0 --runs 1 "$memprof diff $diff_a $diff_b" \
    "sh -c 'jeprof --text --show_bytes --base=$diff_a $clang_bin $diff_b > $out/jeprof_diff_bytes.txt 2>/dev/null'"
  echo "-- jeprof --text --show_bytes --base:"; head -6 "$out/jeprof_diff_bytes.txt"
fi
for f in "$diff_a" "$diff_b"; do
  echo "memprof inuse_space $(basename "$f"): $("$memprof" info --format json "$f" | jq '.files[0].totals.inuse_space') B"
done

section "4. memprof flame vs jeprof --collapsed (clang dump)"
hf flame_memprof --warmup 2 --runs "$mr" "$memprof flame -o $out/clang.svg $clang_dump" \
  "$memprof flame --folded -o $out/clang.folded $clang_dump"
echo "SVG: $(wc -c <"$out/clang.svg") bytes; folded: $(wc -l <"$out/clang.folded") lines"
if [ "${SKIP_JEPROF:-0}" != 1 ]; then
  hf flame_vs_jeprof --warmup 0 --runs 1 "$memprof flame --folded -o $out/clang.folded $clang_dump" \
    "sh -c 'jeprof --collapsed $clang_bin $clang_dump > $out/clang.jeprof.collapsed 2>/dev/null'"
  echo "jeprof collapsed: $(wc -l <"$out/clang.jeprof.collapsed") lines, $(wc -c <"$out/clang.jeprof.collapsed") bytes"
fi
hf flame_redis --warmup 2 --runs "$mr" "$memprof flame -o $out/redis_diff.svg --base $redis_base $redis_final"

section "5. symbolization (clang dump; large-DWARF benchmark with WITH_SYMBOLIZE=1)"
hf info_symbols --warmup 1 --runs "$mr" "$memprof info $clang_dump" "$memprof info --symbols $clang_dump"
"$memprof" info --symbols "$clang_dump" | grep -iE 'resolved|addresses' | head -5 || true
if [ "${WITH_SYMBOLIZE:-0}" = 1 ]; then
  bash "$here/symbolize/run_bench.sh" "$build" "${TMPDIR:-/tmp}/memprof-symbolize-bench"
fi

section "6. stats on a redis MEMORY MALLOC-STATS capture"
hf stats --warmup 3 --runs 20 "$memprof stats $stats_capture"

section "done"; uptime
