#!/usr/bin/env bash
# The EXAMPLES of memprof-convert(1), memprof-symbolize(1) and the OpenMetrics lines of
# memprof-stats(1) and README, run as written on the fixture's dumps (app.heap is a copy of one),
# with pprof, jeprof and promtool on PATH (the node_exporter directory lives in the temporary
# directory). Each must exit 0 and produce what it says.
# Usage: examples.sh MEMPROF PPROF DUMPDIR STATS_JSON
set -u
memprof=$1
pprof=$2
dumps=$3
stats_json=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/var/lib/node_exporter"
ln -s "$memprof" "$tmp/bin/memprof"
ln -s "$pprof" "$tmp/bin/pprof"
export PATH="$tmp/bin:$PATH"
cd "$tmp" || exit 1
cp "$dumps/phase1.heap" app.heap
cp "$stats_json" stats.json
fails=0
run() {  # run COMMAND...: must exit 0
  if ! out=$("$@" 2>&1); then echo "FAIL: $*"; printf '%s\n' "$out" | head -5; fails=$((fails + 1)); else echo "ok: $*"; fi
}
expect() {  # expect FILE PATTERN
  if ! grep -q -- "$2" "$1"; then echo "FAIL: $1 lacks '$2'"; fails=$((fails + 1)); fi
}

# memprof-convert(1)
run memprof convert --to pprof app.heap -o app.pb.gz
run pprof -top -sample_index=inuse_space app.pb.gz
pprof -top -sample_index=inuse_space app.pb.gz > top.txt 2>&1; expect top.txt 'fixture::stable_site'
run memprof convert --to pprof --threads app.heap -o app.pb.gz
run pprof -top -tagfocus='thread=worker' app.pb.gz
pprof -top -tagfocus='thread=worker' app.pb.gz > worker.txt 2>&1; expect worker.txt 'fixture::thread_site'
run memprof convert --to speedscope app.heap -o app.speedscope.json
expect app.speedscope.json '"type":"sampled"'
memprof convert --to folded --alloc-space app.heap > app.folded; expect app.folded 'fixture::leak_site 40960'

# memprof-symbolize(1)
run memprof symbolize app.heap -o app.sym.heap
run memprof top app.sym.heap
memprof top app.sym.heap > sym_top.txt; expect sym_top.txt 'fixture::churn_site'
if command -v jeprof >/dev/null; then
  run jeprof --text app.sym.heap
  jeprof --text app.sym.heap > jeprof.txt 2>/dev/null; expect jeprof.txt 'fixture::churn_site'
fi

# memprof-stats(1), memprof-top --format openmetrics, README
run sh -c 'memprof stats --format openmetrics stats.json > var/lib/node_exporter/jemalloc.prom'
expect var/lib/node_exporter/jemalloc.prom '^jemalloc_fragmentation_ratio '
run sh -c 'memprof stats --format openmetrics stats.json > jemalloc.prom'
expect jemalloc.prom '^# EOF$'
if command -v promtool >/dev/null; then
  run sh -c 'promtool check metrics < var/lib/node_exporter/jemalloc.prom'
  run sh -c 'memprof top --format openmetrics -n 10 app.heap | promtool check metrics'
fi

if (( fails )); then echo "$fails failure(s)"; exit 1; fi
echo "all examples ran"
