#!/bin/bash
# bench/trend/run.sh [DUMPS_DIR]
# The series engine against its targets (issue 11), side by side with jeprof:
#   1. memprof trend and memprof diff over the ~190 redis dumps of DUMPS_DIR/redis (default
#      /work/dumps, made by ../shared/workloads/real-dumps.sh), hyperfine -N;
#   2. 1,000 synthetic ~1 MB dumps (gen_series.py from the clang dump): wall time (hyperfine) and
#      peak RSS (/usr/bin/time);
#   3. a `jeprof --text` loop over a subset of each series (JEPROF_DUMPS dumps, evenly spaced:
#      jeprof takes seconds per dump, so the whole loop is extrapolated from the subset).
# Knobs: MEMPROF (binary), MEMPROF_RUNS (default 10), SKIP_JEPROF=1, JEPROF_DUMPS (default 5),
# SYNTH_DIR (default /tmp/memprof-trend-synth; made if missing). Output in bench/out/trend/
# (git-ignored).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dumps=${1:-/work/dumps}
memprof=${MEMPROF:-$root/build/tools/memprof/memprof}
out=$root/bench/out/trend
synth=${SYNTH_DIR:-/tmp/memprof-trend-synth}
runs=${MEMPROF_RUNS:-10}
mkdir -p "$out"
echo "== $(date -u) $(uptime)"

cd "$dumps/redis"
# jemalloc's sequence order (field 3 of jeprof.PID.SEQ.iN.heap), as diff expects it.
mapfile -t series < <(ls jeprof.*.heap | sort -t. -k3,3n)
echo "== redis: ${#series[@]} dumps, $(cat "${series[@]}" | wc -c) bytes"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/redis.json" \
  "$memprof trend ${series[*]}" "$memprof diff ${series[*]}" | grep -E 'Benchmark|Time|Range'
"$memprof" trend "${series[@]}" > "$out/redis-trend.txt"
/usr/bin/time -f "trend peak RSS %M KB" "$memprof" trend "${series[@]}" 2>&1 >/dev/null | tail -1
# jeprof_loop NAME BINARY_PATTERN DUMP...: a `jeprof --text` loop over JEPROF_DUMPS of the dumps.
jeprof_loop() {
  local name=$1 pattern=$2
  shift 2
  local all=("$@") k=${JEPROF_DUMPS:-5} subset=() i
  for ((i = 0; i < k; i++)); do subset+=("${all[$((i * (${#all[@]} - 1) / (k > 1 ? k - 1 : 1)))]}"); done
  local bin
  bin=$(awk -v p="$pattern" '/r-xp/ && $0 ~ p { print $NF; exit }' "${subset[0]}")
  local start end
  start=$(date +%s.%N)
  for f in "${subset[@]}"; do jeprof --text "$bin" "$f" >/dev/null 2>&1; done
  end=$(date +%s.%N)
  echo "jeprof --text loop, $name: ${#subset[@]} of ${#all[@]} dumps ($bin) in $(echo "$end - $start" | bc) s;" \
    "$(echo "scale=2; ($end - $start) / ${#subset[@]}" | bc) s a dump, ~$(echo "($end - $start) * ${#all[@]} / ${#subset[@]}" | bc) s for all"
}
[ "${SKIP_JEPROF:-0}" = 1 ] || jeprof_loop redis redis "${series[@]}"

[ -d "$synth" ] || python3 "$root/bench/trend/gen_series.py" "$dumps"/clang/jeprof.*.heap "$synth" 1000
cd "$synth"
mapfile -t big < <(ls jeprof.*.heap | sort -t. -k3,3n)
echo "== synthetic: ${#big[@]} dumps, $(cat "${big[@]}" | wc -c) bytes"
hyperfine -N --warmup 1 --runs 3 --export-json "$out/synthetic.json" "$memprof trend ${big[*]}" |
  grep -E 'Benchmark|Time|Range'
/usr/bin/time -f "synthetic trend: %e s wall, %U s user, %S s sys, peak RSS %M KB" "$memprof" trend "${big[@]}" 2>&1 >/dev/null | tail -1
[ "${SKIP_JEPROF:-0}" = 1 ] || jeprof_loop synthetic clang "${big[@]}"
echo "== $(date -u) $(uptime)"
