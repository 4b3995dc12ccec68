#!/bin/sh
# examples.sh MEMPROF TREND_FIXTURE STATS_SERIES_FIXTURE
# Runs the EXAMPLES of man/memprof-trend.1 and the trend lines of README.md as written, in a
# directory of trend_fixture's dumps (made here, one a minute by modification time) and of
# stats_series_fixture's log of malloc_stats_print snapshots, and checks each documented exit
# status: 0, and 1 for --fail-leak (the fixture leaks).
set -u
memprof=$1
fixture=$2
stats_fixture=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
MALLOC_CONF="prof:true,lg_prof_sample:0,prof_prefix:$tmp/jeprof" "$fixture" 12 1 || { echo "FAIL: fixture"; exit 1; }
i=0
for f in $(ls jeprof.*.heap | sort -t. -k3,3n); do
  touch -d "@$((1700000000 + 60 * i))" "$f"
  i=$((i + 1))
done
"$stats_fixture" 12 > malloc-stats.log || { echo "FAIL: stats fixture"; exit 1; }
printf 'leak:thread_grow_site\n' > lsan.supp
failures=0
check() {  # check STATUS OUTFILE COMMAND...
  want=$1
  outfile=$2
  shift 2
  shift  # "memprof"
  if [ "$outfile" = - ]; then
    "$memprof" "$@" > out.txt 2> err.txt
  else
    "$memprof" "$@" > "$outfile" 2> err.txt
  fi
  status=$?
  [ "$outfile" = - ] && outfile=out.txt
  if [ "$status" -ne "$want" ]; then
    echo "FAIL: memprof $*: exit status $status, expected $want: $(cat err.txt)"
    failures=$((failures + 1))
  elif [ ! -s "$outfile" ]; then
    echo "FAIL: memprof $*: no output"
    failures=$((failures + 1))
  else
    echo "ok: memprof $*"
  fi
}
check 0 - memprof trend jeprof.*.heap
check 0 - memprof trend --limit 2GiB --min-slope 1MiB/h jeprof.*.heap
check 0 trend.json memprof trend --format json jeprof.*.heap
check 0 trend.csv memprof trend --format csv jeprof.*.heap
check 0 trend.svg memprof trend --format svg jeprof.*.heap
check 1 - memprof trend --fail-leak --suppressions lsan.supp jeprof.*.heap
check 0 - memprof trend malloc-stats.log
check 0 stats-trend.json memprof trend --format json malloc-stats.log
grep -q '"name": "bin 96 wasted"' stats-trend.json || { echo "FAIL: stats-trend.json: no bin row"; failures=$((failures + 1)); }
grep -q '</svg>' trend.svg || { echo "FAIL: trend.svg is not a complete SVG"; failures=$((failures + 1)); }
grep -q '"time_source": "mtime"' trend.json || { echo "FAIL: trend.json: times not from mtime"; failures=$((failures + 1)); }
# README.md
check 0 - memprof trend --limit 4GiB jeprof.*.heap
check 0 - memprof trend malloc-stats.log
exit "$failures"
