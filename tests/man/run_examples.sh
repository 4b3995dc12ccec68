#!/usr/bin/env bash
# Every memprof command shown in README.md and in the EXAMPLES of the man pages, run as written
# on the fixture's dumps (copied under the names the examples use), with its documented exit
# status. Pipelines into other tools (jq, pprof, flamegraph.pl, jeprof) run the memprof part
# only; paths outside the working directory (/tmp/app..., /proc/PID/...) are mapped into it.
# Usage: run_examples.sh MEMPROF SOURCE_DIR DUMPDIR
set -u
memprof=$1
src=$2
dumps=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir -p bin build/bin srv/app/bin var/lib/node_exporter tmp proc/PID
ln -s "$memprof" bin/memprof
export PATH="$tmp/bin:$PATH"

# The files the examples name. Growth examples get dumps that did not grow (phase3 twice), so
# their gates pass and exit 0 as documented for that case; the series are the fixture's phases.
p1=$dumps/phase1.heap p2=$dumps/phase2.heap p3=$dumps/phase3.heap
for f in app.heap test.heap run.heap old-release.heap new-release.heap; do cp "$p3" "$f"; done
for f in before.heap d1.heap base.heap baseline.heap; do cp "$p1" "$f"; done
cp "$p2" d2.heap
for f in after.heap d3.heap new.heap; do cp "$p3" "$f"; done
cp "$p3" baseline.heap; cp "$p3" base.heap
cp "$p1" app.1234.0.i0.heap; cp "$p3" app.1234.9.i9.heap
cp "$p1" app.12345.0.i0.heap; cp "$p2" app.12345.1.i1.heap; cp "$p3" app.12345.2.i2.heap
cp "$p3" app.12345.7.i7.heap; cp "$p3" tmp/app.12345.7.i7.heap
cp "$p1" jeprof.4242.0.i0.heap; cp "$p2" jeprof.4242.1.i1.heap; cp "$p3" jeprof.4242.2.i2.heap
# A series an hour apart, so per-hour slopes have times to work with.
touch -d "2026-01-01 00:00" jeprof.4242.0.i0.heap; touch -d "2026-01-01 01:00" jeprof.4242.1.i1.heap
touch -d "2026-01-01 02:00" jeprof.4242.2.i2.heap
gzip -c "$p3" > app.heap.gz
cp "$src/testdata/stats/jemalloc-5.2-indented.json" stats.json
cp stats.json before.json; cp stats.json after.json
cp "$src/testdata/stats/redis-7.0-malloc-stats.txt" stats.txt
cp stats.txt malloc-stats.txt
cp "$src/testdata/stats/rocksdb-LOG" LOG
# Repeated MEMORY MALLOC-STATS captures in one file: a series of snapshots for trend.
cat stats.txt stats.txt stats.txt > malloc-stats.log
printf 'Rss:              1048576 kB\n' > proc/PID/smaps_rollup
printf '# third-party caches that never shrink\nleak:libfontconfig\nleak:^absl::flags_internal::\n' > lsan.supp

# The memprof commands of a file: README's shell blocks, or a man page's EXAMPLES section
# (roff escapes undone, "\e" continuations joined).
readme_commands() {
  awk '/^```/{f=!f; next} f' "$1" | sed -E 's/[[:space:]]+#.*$//' | grep -E '^memprof '
}
man_commands() {
  awk '/^\.SH EXAMPLES/{f=1; next} /^\.SH/{f=0} f' "$1" |
    sed -e 's/\\-/-/g' -e 's/\\(em/-/g' -e 's/\\&//g' |
    awk '{ if (sub(/[[:space:]]*\\e$/, " ")) { held = held $0 } else { print held $0; held = "" } }' |
    sed -E 's/^[[:space:]]+//; s/[[:space:]]+#.*$//' | grep -E '^(ssh .*\| *)?memprof '
}

# Documented statuses other than 0, by command as written.
expected_status() {
  case $1 in
    *) echo 0 ;;
  esac
}

fails=0 runs=0 skipped=0
run_example() {  # run_example SOURCE COMMAND
  local where=$1 cmd=$2 line
  # record and ctl run or talk to a live process: tests/control covers them.
  if [[ $cmd == "memprof record "* || $cmd == "memprof ctl "* || $cmd == *'$(memprof ctl'* ]]; then
    echo "skip ($where, needs a live process): $cmd"; skipped=$((skipped + 1)); return
  fi
  # Paths outside the working directory, and the network, mapped onto local files.
  line=$(printf '%s' "$cmd" | sed -e 's#/tmp/app#tmp/app#g' -e 's#/proc/PID/#proc/PID/#g' -e 's#/srv/app/bin#srv/app/bin#g' \
    -e 's#/var/lib/node_exporter/#var/lib/node_exporter/#g' -e 's#^ssh host cat tmp/app.heap#cat app.heap#')
  line=${line%%| jq*}; line=${line%%| flamegraph.pl*}
  local want; want=$(expected_status "$cmd")
  local out status
  out=$(bash -c "$line" 2>&1 >/dev/null); status=$?
  runs=$((runs + 1))
  if [[ $status -ne $want ]]; then
    echo "FAIL ($where): $cmd"; echo "  exit status $status, documented $want"; printf '%s\n' "$out" | head -3 | sed 's/^/  /'
    fails=$((fails + 1))
  else
    echo "ok ($where): $cmd"
  fi
}

while IFS= read -r c || [[ -n $c ]]; do run_example README.md "$c"; done < <(readme_commands "$src/README.md")
for page in "$src"/man/*.1; do
  while IFS= read -r c || [[ -n $c ]]; do run_example "$(basename "$page")" "$c"; done < <(man_commands "$page")
done
echo "$runs examples, $fails failed, $skipped skipped (live processes)"
(( runs >= 40 )) || { echo "FAIL: fewer examples than expected: the extraction broke"; exit 1; }
exit $((fails > 0))
