#!/usr/bin/env bash
# A CI job as users write it: gate a build on heap growth between two dumps of the fixture.
# Usage: ci_gates.sh MEMPROF DUMPDIR
set -u
memprof=$1
dumps=$2
fails=0
passes=0
check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [[ $2 -ne $3 ]]; then echo "FAIL: $1: exit status $3, expected $2"; fails=$((fails + 1)); else echo "ok: $1"; passes=$((passes + 1)); fi
}

# The leak grows 80 KiB from phase 1 to phase 3: a 64 KiB limit must trip, 1 MiB must not.
out=$("$memprof" diff --fail-growth 64KiB "$dumps/phase1.heap" "$dumps/phase3.heap" 2>&1); status=$?
check "growth beyond the limit" 1 $status
if [[ $(printf '%s\n' "$out" | head -1) != "LIMIT EXCEEDED: total grew by 80.0 KiB, more than --fail-growth 64.0 KiB" ]]; then
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
check "corrupt dump" 2 $status
if [[ $err != "memprof: error: $tmp/corrupt.heap:"*"expected"* ]] || (( $(printf '%s\n' "$err" | wc -l) != 1 )); then
  echo "FAIL: corrupt dump must give one error line naming the file, got: $err"; fails=$((fails + 1))
fi
"$memprof" diff --fail-growth 10parsecs "$dumps/phase1.heap" "$dumps/phase3.heap" >/dev/null 2>&1
check "a malformed limit is a usage error" 2 $?

echo "$passes passed, $fails failed"
exit $((fails > 0))
