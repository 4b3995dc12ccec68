#!/bin/bash
# examples.sh MEMPROF FIXTURE_DIR SOURCE_DIR
# Runs the EXAMPLES of man/memprof-record.1 and man/memprof-ctl.1 and the record/ctl lines of
# README.md as written, with ./service and ./batch-job being service_fixture and 4242 the pid of
# the recorded service, and checks each exits 0 and prints something (record: writes dumps).
set -u
memprof=$1
fixtures=$2
src=$3
tmp=$(mktemp -d /tmp/memprof-control-examples.XXXXXX)
export MEMPROF_CONTROL_DIR=$tmp/sock MEMPROF_MIN_INTERVAL_MS=0
service_pid=
trap 'exec 3>&- 2>/dev/null; [ -n "$service_pid" ] && kill $service_pid 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
ln -s "$fixtures/service_fixture" service
ln -s "$fixtures/service_fixture" batch-job
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

lines() {
  for page in "$src/man/memprof-record.1" "$src/man/memprof-ctl.1"; do
    sed -n '/^\.SH EXAMPLES/,/^\.SH SEE ALSO/p' "$page" | grep '^memprof ' | sed 's/\\-/-/g'
  done
  sed -n '/^```sh/,/^```/p' "$src/README.md" | grep -E '^memprof (record|ctl) ' | sed 's/  *#.*$//'
}
lines | awk '!seen[$0]++' >examples.txt
[ "$(grep -c . examples.txt)" -ge 8 ] || fail "expected at least 8 examples, found $(grep -c . examples.txt)"

# The service first: it must be running for the ctl lines.
service_line=$(grep -- '-- ./service' examples.txt | head -1)
[ -n "$service_line" ] || fail "no example records ./service"
mkfifo in
# shellcheck disable=SC2086
"$memprof" ${service_line#memprof } <in >service.out 2>service.err &
service_pid=$!
exec 3>in
echo "a 2" >&3
for _ in $(seq 100); do
  sock=$(ls "$MEMPROF_CONTROL_DIR"/*.sock 2>/dev/null | head -1)
  [ -n "$sock" ] && break
  sleep 0.05
done
pid=$(basename "${sock:-none}" .sock)
echo "ok: $service_line (pid $pid)"

while IFS= read -r line; do
  [ "$line" = "$service_line" ] && continue
  cmd=$(printf '%s' "$line" | sed "s/4242/$pid/g; s|^memprof |'$memprof' |; s|\$(memprof |\$('$memprof' |g; s|&& memprof |\&\& '$memprof' |g")
  out=$(sh -c "$cmd" </dev/null 2>err)
  status=$?
  if [ "$status" -ne 0 ]; then fail "$line: exit status $status: $(cat err)"
  elif [ -z "$out" ] && ! ls memprof-batch-job-*/*.heap >/dev/null 2>&1; then fail "$line: no output"
  else echo "ok: $line"; fi
done <examples.txt

echo quit >&3
exec 3>&-
wait "$service_pid"
status=$?
service_pid=
[ "$status" -eq 0 ] || fail "$service_line: exit status $status: $(cat service.err)"
ls prof/*.heap >/dev/null 2>&1 || fail "$service_line: no dump in prof/"
[ "$failures" -eq 0 ]
