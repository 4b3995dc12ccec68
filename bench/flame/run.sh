#!/bin/sh
# Times memprof flame against jeprof --collapsed (+ flamegraph.pl when installed) on real dumps.
# usage: bench/flame/run.sh [MEMPROF] [DUMPS_DIR]
#   MEMPROF    default build/tools/memprof/memprof
#   DUMPS_DIR  default /work/dumps, holding clang/jeprof.2340.0.f.heap (clang 14, binary
#              /usr/lib/llvm-14/bin/clang) and redis/jeprof.2343.*.heap (redis-server)
# Needs hyperfine; jeprof (Debian libjemalloc-dev) is optional. Results go to stdout and to
# bench/flame/out/ (the SVGs, folded files and hyperfine's JSON).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
memprof=${1:-$here/../../build/tools/memprof/memprof}
dumps=${2:-/work/dumps}
out=$here/out
mkdir -p "$out"
clang_dump=$dumps/clang/jeprof.2340.0.f.heap
clang_bin=/usr/lib/llvm-14/bin/clang
redis_base=$dumps/redis/jeprof.2343.0.i0.heap
redis_new=$dumps/redis/jeprof.2343.190.f.heap
redis_bin=$(command -v redis-server || echo /usr/bin/redis-server)

echo "== memprof flame (SVG, defaults) on the clang dump"
hyperfine -N --warmup 2 --runs 10 --export-json "$out/memprof_clang_svg.json" \
  "$memprof flame -o $out/clang.svg $clang_dump"
echo "SVG size: $(wc -c < "$out/clang.svg") bytes, boxes: $(grep -c '^<g' "$out/clang.svg")"

echo "== memprof flame --folded on the clang dump"
hyperfine -N --warmup 2 --runs 10 --export-json "$out/memprof_clang_folded.json" \
  "$memprof flame --folded -o $out/clang.folded $clang_dump"

echo "== memprof flame --base (differential SVG) on redis, first vs final dump"
hyperfine -N --warmup 2 --runs 10 --export-json "$out/memprof_redis_diff.json" \
  "$memprof flame -o $out/redis_diff.svg --base $redis_base $redis_new"

echo "== memprof flame summing all $(ls "$dumps"/redis/*.heap | wc -l) redis dumps"
hyperfine -N --warmup 1 --runs 5 --export-json "$out/memprof_redis_all.json" \
  "sh -c '$memprof flame -o $out/redis_all.svg $dumps/redis/*.heap'"

if command -v jeprof >/dev/null; then
  echo "== jeprof --collapsed on the clang dump (symbolizes with addr2line; slow)"
  hyperfine -N --runs 1 --export-json "$out/jeprof_clang_collapsed.json" \
    "sh -c 'jeprof --collapsed $clang_bin $clang_dump > $out/clang.jeprof.collapsed 2>/dev/null'"
  echo "== jeprof --collapsed on the final redis dump"
  hyperfine -N --runs 3 --export-json "$out/jeprof_redis_collapsed.json" \
    "sh -c 'jeprof --collapsed $redis_bin $redis_new > $out/redis.jeprof.collapsed 2>/dev/null'"
else
  echo "jeprof not installed: skipped"
fi

if command -v flamegraph.pl >/dev/null; then
  echo "== flamegraph.pl on jeprof's collapsed clang stacks"
  hyperfine -N --runs 3 "sh -c 'flamegraph.pl $out/clang.jeprof.collapsed > $out/clang.flamegraph-pl.svg'"
else
  echo "flamegraph.pl not installed (Debian bookworm packages no flamegraph): skipped"
fi
