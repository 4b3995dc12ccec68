#!/bin/sh
# What jemalloc heap profiling costs, in memory and in CPU, and how well memprof estimates it.
# Usage: bench/profiling_cost/run.sh [BUILD_DIR] [ROUNDS]   (needs jq and hyperfine)
#   1. runs testdata/src/size_fixture three times (no profiling; default lg_prof_sample:19;
#      lg_prof_sample:12), each writing malloc_stats_print JSON and, with profiling, a dump;
#      prints jemalloc's `allocated` for each, the measured difference to the run without
#      profiling, and memprof's estimate from the dump (`memprof info --format json`);
#   2. times the fixture's allocation-heavy loop (ROUNDS x 1000 malloc+free of 16..1 KiB) in the
#      three modes side by side with hyperfine.
set -eu
build=${1:-build}
rounds=${2:-20000}
fixture=$build/tests/fixtures/size_fixture
memprof=$build/tools/memprof/memprof
[ -x "$fixture" ] || cmake --build "$build" --target size_fixture
[ -x "$memprof" ] || cmake --build "$build" --target memprof
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/none" "$out/default" "$out/lg12"
MALLOC_CONF=prof:false "$fixture" "$out/none"
MALLOC_CONF=prof:true "$fixture" "$out/default"
MALLOC_CONF=prof:true,lg_prof_sample:12 "$fixture" "$out/lg12"
allocated() { jq '.jemalloc.stats.allocated' "$1/stats.json"; }
base=$(allocated "$out/none")
printf '%-10s %14s %14s %14s %8s\n' mode allocated measured estimate error
printf '%-10s %14s\n' none "$base"
for mode in default lg12; do
  a=$(allocated "$out/$mode")
  est=$("$memprof" info --format json "$out/$mode/sizes.heap" | jq '.files[0].profiling_cost.allocated_bytes')
  printf '%-10s %14s %14s %14s %7.2f%%\n' "$mode" "$a" $((a - base)) "$est" \
    "$(awk -v e="$est" -v m=$((a - base)) 'BEGIN { print (e - m) * 100 / m }')"
done
"$memprof" explain "$out/lg12/sizes.heap" "$out/lg12/stats.json" 2>/dev/null | sed -n '3,5p'

hyperfine -N --warmup 2 --runs "${RUNS:-10}" --export-json "$out/hyperfine.json" \
  -n "no profiling" "env MALLOC_CONF=prof:false $fixture $out loop $rounds" \
  -n "prof:true (lg_prof_sample:19)" "env MALLOC_CONF=prof:true $fixture $out loop $rounds" \
  -n "lg_prof_sample:12" "env MALLOC_CONF=prof:true,lg_prof_sample:12 $fixture $out loop $rounds"
jq -r '.results[] | "\(.command): median \(.median * 1000 | floor) ms, user \(.user * 1000 | floor) ms (mean)"' "$out/hyperfine.json"
