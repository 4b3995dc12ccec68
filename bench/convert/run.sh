#!/usr/bin/env bash
# memprof convert / symbolize on the real dumps: speed (hyperfine, side by side with `memprof
# top`, which does the same reading and symbolizing) and the cross-checks against pprof and jeprof.
# usage: bench/convert/run.sh [DUMPS_DIR]   (default /work/dumps; needs clang/*.heap, redis/*.heap)
# Environment: BUILD_DIR (default <repo>/build), OUT (default bench/out/convert), RUNS (default 10),
# SKIP_HYPERFINE=1 (cross-checks only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dumps=$(realpath -m "${1:-/work/dumps}")
build=${BUILD_DIR:-$repo/build}
out=${OUT:-$repo/bench/out/convert}
runs=${RUNS:-10}
M=$build/tools/memprof/memprof
mkdir -p "$out"
D=$(ls "$dumps"/clang/*.heap | head -1)
R=$(ls "$dumps"/redis/*.heap | sort -t. -k3,3n | tail -1)

# The real pprof, built offline from Debian's sources as the tests do.
pprof=$out/pprof
[[ -x $pprof ]] || GOPATH=/usr/share/gocode GO111MODULE=off GOPROXY=off GOFLAGS= GOCACHE=$out/gocache \
  go build -o "$pprof" github.com/google/pprof

if [[ ${SKIP_HYPERFINE:-} != 1 ]]; then
uptime
hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/convert.json" \
  "$M top $D" \
  "$M convert --to pprof $D -o $out/clang.pb.gz" \
  "$M convert --to speedscope $D -o $out/clang.speedscope.json" \
  "$M symbolize $D -o $out/clang.sym.heap" \
  "$M top $out/clang.sym.heap"
uptime
ls -l "$out"/clang.pb.gz "$out"/clang.speedscope.json "$out"/clang.sym.heap
fi

for dump in "$D" "$R"; do
  echo "== pprof against memprof top: $dump"
  python3 "$here/crosscheck.py" "$M" "$pprof" "$dump" 20
  "$M" convert --to pprof "$dump" -o "$out/x.pb.gz"
  "$pprof" -raw "$out/x.pb.gz" | awk '/^Locations/{l=1;next} /^Mappings/{l=0}
    l && /^ +[0-9]+: 0x/{n++; if ($3=="M=0") z++} END{print "pprof -raw: " n " locations, " z+0 " unmapped"}'
  echo "== symbolized dump: memprof top and jeprof --text (no binary used by either)"
  "$M" symbolize "$dump" -o "$out/x.sym.heap"
  diff <("$M" top -n 0 "$dump" | tail -n +2) <("$M" top -n 0 "$out/x.sym.heap" | tail -n +2) >/dev/null &&
    echo "memprof top: every row identical"
  jeprof --text --show_bytes "$out/x.sym.heap" > "$out/x.jeprof.txt" 2>/dev/null
  head -8 "$out/x.jeprof.txt"
  "$M" top --bytes -n 7 "$dump" > "$out/x.top.txt"
  tail -7 "$out/x.top.txt"
done
