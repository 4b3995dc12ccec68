#!/bin/sh
# examples.sh MEMPROF SIZE_FIXTURE_DIR
# Runs the EXAMPLES of man/memprof-hist.1 and the hist lines of README.md as written, in a
# directory where app.heap and stats.json are size_fixture's dump and statistics, and checks
# the documented exit status (0) and that each printed something.
set -u
memprof=$1
fixture=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$fixture/exact/sizes.heap" "$tmp/app.heap"
cp "$fixture/noprof/stats.json" "$tmp/stats.json"
cd "$tmp" || exit 1
failures=0
run() {  # run COMMAND... (memprof is the first word)
  shift
  out=$("$memprof" "$@" 2>"$tmp/err")
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAIL: memprof $*: exit status $status: $(cat "$tmp/err")"
    failures=$((failures + 1))
  elif [ -z "$out" ] && [ ! -s sizes.svg ]; then
    echo "FAIL: memprof $*: no output"
    failures=$((failures + 1))
  else
    echo "ok: memprof $*"
  fi
}
run memprof hist app.heap
run memprof hist --buckets pow2 --format json app.heap
run memprof hist --by-site -n 5 --focus 'alloc_' app.heap
run memprof hist stats.json
"$memprof" hist --format svg app.heap > sizes.svg || { echo "FAIL: svg example"; failures=$((failures + 1)); }
grep -q '</svg>' sizes.svg || { echo "FAIL: sizes.svg is not a complete SVG"; failures=$((failures + 1)); }
run memprof hist --by-site app.heap
exit "$failures"
