#!/usr/bin/env bash
# A CI job as users write it: gate a build on heap growth between two dumps of the fixture.
# Usage: ci_gates.sh MEMPROF DUMPDIR
set -u
memprof=$1
dumps=$2
fails=0
passes=0
# Warnings (an unsymbolized system library, say) come and go with the machine; the checks below
# are about errors and limits.
no_warnings() { grep -v '^memprof: warning:'; }
check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [[ $2 -ne $3 ]]; then echo "FAIL: $1: exit status $3, expected $2"; fails=$((fails + 1)); else echo "ok: $1"; passes=$((passes + 1)); fi
}

# The leak grows 80 KiB from phase 1 to phase 3: a 64 KiB limit must trip, 1 MiB must not.
out=$("$memprof" diff --fail-growth 64KiB "$dumps/phase1.heap" "$dumps/phase3.heap" 2>&1); status=$?
out=$(printf '%s\n' "$out" | no_warnings)
check "growth beyond the limit" 1 $status
if [[ $(printf '%s\n' "$out" | head -1) != "memprof: limit exceeded: total grew by 80.0 KiB, more than --fail-growth 64.0 KiB" ]]; then
  echo "FAIL: the first line must explain the violation, got: $(printf '%s\n' "$out" | head -1)"; fails=$((fails + 1))
fi
if (( $(printf '%s\n' "$out" | wc -l) > 40 )); then echo "FAIL: explanation longer than one screen"; fails=$((fails + 1)); fi

"$memprof" diff --fail-growth 1MiB "$dumps/phase1.heap" "$dumps/phase3.heap" >/dev/null 2>&1
check "growth within the limit" 0 $?

"$memprof" diff --fail-site-growth 1% "$dumps/phase1.heap" "$dumps/phase3.heap" >/dev/null 2>&1
check "a site grew more than 1% of the base total" 1 $?

"$memprof" top --fail-above 1GiB "$dumps/phase3.heap" >/dev/null 2>&1
check "top total within the limit" 0 $?
"$memprof" top --fail-above 1MiB "$dumps/phase3.heap" >/dev/null 2>&1
check "top total above the limit" 1 $?

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 700 "$dumps/phase3.heap" > "$tmp/corrupt.heap"
printf '@ 0xnothex\n' >> "$tmp/corrupt.heap"
err=$("$memprof" diff --fail-growth 1MiB "$dumps/phase1.heap" "$tmp/corrupt.heap" 2>&1 >/dev/null); status=$?
err=$(printf '%s\n' "$err" | no_warnings)
check "corrupt dump" 2 $status
if [[ $err != "memprof: error: $tmp/corrupt.heap:"*"expected"* ]] || (( $(printf '%s\n' "$err" | wc -l) != 1 )); then
  echo "FAIL: corrupt dump must give one error line naming the file, got: $err"; fails=$((fails + 1))
fi
"$memprof" diff --fail-growth 10parsecs "$dumps/phase1.heap" "$dumps/phase3.heap" >/dev/null 2>&1
check "a malformed limit is a usage error" 2 $?

# The same wording on stderr in every format (text printed it only to stdout once).
for format in text json csv markdown; do
  err=$("$memprof" top --format "$format" --fail-above 1MiB "$dumps/phase3.heap" 2>&1 >/dev/null); status=$?
  err=$(printf '%s\n' "$err" | no_warnings)
  check "top --format $format over the limit" 1 $status
  if [[ $err != "memprof: limit exceeded: total "*" is above --fail-above 1.0 MiB" ]]; then
    echo "FAIL: --format $format: stderr must carry the limit message, got: $err"; fails=$((fails + 1))
  fi
done
err=$("$memprof" stats --fail-frag-above 0 "$(dirname "$0")/../../testdata/stats/jemalloc-5.2-indented.json" 2>&1 >/dev/null); status=$?
check "stats over the fragmentation limit" 1 $status
if [[ $err != *"memprof: limit exceeded: "*"fragmentation"* ]]; then
  echo "FAIL: stats must word an exceeded limit like top and diff, got: $err"; fails=$((fails + 1))
fi

# The CI example of man memprof, as written: the options before the dump must not swallow it,
# and no other dump in the directory may be analysed instead.
mkdir -p "$tmp/ci/build/bin"
cp "$dumps/phase3.heap" "$tmp/ci/run.heap"
cp "$dumps/phase1.heap" "$tmp/ci/newer.heap"
out=$(cd "$tmp/ci" && "$memprof" top --fail-above 100MiB --search-path build/bin run.heap 2>&1); status=$?
check "the CI example analyses the dump it names" 0 $status
if [[ $out != *"Dump: run.heap"* || $out == *newer.heap* ]]; then
  echo "FAIL: the CI example must analyse run.heap, got: $(printf '%s\n' "$out" | head -3)"; fails=$((fails + 1))
fi
out=$(cd "$tmp/ci" && "$memprof" top --fail-above 100MiB --search-path=build/bin run.heap 2>&1); status=$?
check "--search-path=DIR form" 0 $status
[[ $out == *"Dump: run.heap"* ]] || { echo "FAIL: --search-path=DIR took the dump"; fails=$((fails + 1)); }

# Output integrity: a failed write to stdout is an error, not a silently truncated file.
if [[ -w /dev/full ]]; then
  for args in "top" "top --format json" "top --format csv" "flame --folded" "hist" "info"; do
    err=$("$memprof" $args "$dumps/phase3.heap" 2>&1 >/dev/full); status=$?
    check "memprof $args > /dev/full" 2 $status
    [[ $err == *"memprof: error: standard output: cannot write"* ]] || { echo "FAIL: $args > /dev/full said: $err"; fails=$((fails + 1)); }
  done
  err=$("$memprof" stats "$(dirname "$0")/../../testdata/stats/jemalloc-5.2-indented.json" 2>&1 >/dev/full); status=$?
  check "memprof stats > /dev/full" 2 $status
fi

echo "$passes passed, $fails failed"
exit $((fails > 0))
