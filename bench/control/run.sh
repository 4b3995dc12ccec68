#!/bin/sh
# What heap profiling costs a multithreaded allocation-heavy loop, and how long `memprof ctl
# dump` takes on a process with a ~30 MB dump.
# Usage: bench/control/run.sh [BUILD_DIR] [ROUNDS]   (needs hyperfine and /usr/bin/time)
#   1. alloc_bench loop 2 ROUNDS (2 threads, each ROUNDS x 1000 malloc+free of 16..1024 B over
#      20,000 live objects) with the system jemalloc preloaded: no profiling; prof:true with
#      prof_active:false; the same under `memprof record --inactive` (control thread idle);
#      active at 512 KiB (lg_prof_sample 19); active at 4 KiB (12). hyperfine, then peak RSS.
#   2. alloc_bench stacks 16 (a 27 MB dump) under `memprof record --sample 1` (65,536 distinct stacks), then
#      hyperfine on `memprof ctl PID dump`.
set -eu
build=${1:-build}
rounds=${2:-10000}
runs=${RUNS:-5}
bench=$build/bench/control/alloc_bench
memprof=$build/tools/memprof/memprof
je=$(ls /usr/lib/*/libjemalloc.so.2 | head -1)
out=$(mktemp -d)
export MEMPROF_CONTROL_DIR=$out/sock
trap 'exec 3>&- 2>/dev/null || true; rm -rf "$out"' EXIT
loop="$bench loop 2 $rounds"

echo "load: $(uptime)"
if [ -z "${SKIP_LOOP:-}" ]; then  # SKIP_LOOP=1: only the dump latency
hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/loop.json" \
  -n "no profiling" "env LD_PRELOAD=$je MALLOC_CONF=prof:false $loop" \
  -n "prof:true,prof_active:false" "env LD_PRELOAD=$je MALLOC_CONF=prof:true,prof_active:false $loop" \
  -n "memprof record --inactive" "$memprof record --inactive --top 0 --out $out/rec -- $loop" \
  -n "active, 512 KiB" "env LD_PRELOAD=$je MALLOC_CONF=prof:true $loop" \
  -n "active, 4 KiB" "env LD_PRELOAD=$je MALLOC_CONF=prof:true,lg_prof_sample:12 $loop"
echo "peak RSS (KiB), one run each:"
for conf in prof:false prof:true,prof_active:false prof:true prof:true,lg_prof_sample:12; do
  printf '  %-32s %s\n' "$conf" "$(env LD_PRELOAD="$je" MALLOC_CONF=$conf /usr/bin/time -f %M $loop 2>&1 >/dev/null)"
done
echo "load: $(uptime)"
fi

mkfifo "$out/in"
MEMPROF_MIN_INTERVAL_MS=0 "$memprof" record --sample 1 --top 0 --out "$out/big" -- "$bench" stacks 16 \
  <"$out/in" >"$out/ready" 2>/dev/null &
exec 3>"$out/in"
while ! grep -q ready "$out/ready" 2>/dev/null; do sleep 0.1; done
pid=$(basename "$(ls "$out"/sock/*.sock)" .sock)
size=$(stat -c %s "$("$memprof" ctl "$pid" dump)")
echo "dump of $pid: $size bytes"
hyperfine -N --warmup 1 --runs "$runs" "$memprof ctl $pid dump"
exec 3>&-
wait
