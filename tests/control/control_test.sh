#!/bin/bash
# control_test.sh CASE MEMPROF FIXTURE_DIR
# memprof record / memprof ctl / libmemprof-control.so against the real service_fixture programs
# (jemalloc dynamic, glibc malloc with jemalloc preloaded, jemalloc static with mallctl only in
# .symtab). Each CASE is one ctest. Every allocation is sampled (--sample 1), so the phases'
# bytes are exact: a phase allocates N blocks of 64 KiB.
set -u
case_name=$1
memprof=$2
fixtures=$3
tmp=$(mktemp -d /tmp/memprof-control-test.XXXXXX)
chmod 755 "$tmp"
export MEMPROF_CONTROL_DIR=$tmp/sock
failures=0
rec_pid=
cleanup() {
  exec 3>&- 2>/dev/null
  [ -n "$rec_pid" ] && kill "$rec_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

# start FIXTURE RECORD_OPTIONS...: memprof record the fixture, commands on fd 3.
start() {
  local fixture=$1
  shift
  mkfifo "$tmp/in"
  "$memprof" record "$@" --out "$tmp/out" -- "$fixtures/$fixture" <"$tmp/in" >"$tmp/stdout" 2>"$tmp/stderr" &
  rec_pid=$!
  exec 3>"$tmp/in"
  for _ in $(seq 100); do
    sock=$(ls "$MEMPROF_CONTROL_DIR"/*.sock 2>/dev/null | head -1)
    [ -n "$sock" ] && break
    sleep 0.05
  done
  [ -n "$sock" ] || { fail "no control socket appeared"; cat "$tmp/stderr"; exit 1; }
  pid=$(basename "$sock" .sock)
}

# say LINE: send a command to the fixture and wait for its "ok LINE".
say() {
  echo "$1" >&3
  for _ in $(seq 200); do
    grep -qx "ok $1" "$tmp/stdout" && return 0
    sleep 0.05
  done
  fail "fixture did not answer '$1'"
}

finish() {  # quit the fixture, wait for memprof record, check its exit status
  say quit
  exec 3>&-
  wait "$rec_pid"
  status=$?
  rec_pid=
  [ "$status" -eq "${1:-0}" ] || fail "memprof record exited $status, expected ${1:-0}: $(cat "$tmp/stderr")"
}

ctl() { "$memprof" ctl "$@"; }
field() { tr -d ' \n' | grep -o "\"$1\":[^,}]*" | head -1 | cut -d: -f2- | tr -d '"'; }
# flat_bytes FUNCTION DUMP: the function's own live bytes in the dump, 0 when absent.
flat_bytes() {
  local v
  v=$("$memprof" top -n 0 --format json "$2" | tr -d ' \n' | grep -o "\"name\":\"$1\",\"flat\":[0-9]*" | cut -d: -f3)
  echo "${v:-0}"
}

case $case_name in
activate)
  start service_fixture --inactive --sample 1
  check "status says inactive" test "$(ctl "$pid" status --format json | field active)" = false
  say "a 10"  # made while inactive: must not be in any dump
  check "activate" test "$(ctl "$pid" activate)" = "$pid: profiling active"
  check "status says active" test "$(ctl "$pid" status --format json | field active)" = true
  say "b 20"
  first=$(ctl "$pid" dump)
  check "ctl dump names a file in --out" test -f "$first" -a "$(dirname "$first")" = "$tmp/out"
  check "memprof info parses it" "$memprof" info "$first" >/dev/null
  check "phase_b (active) has 20 x 64 KiB" test "$(flat_bytes phase_b "$first")" = 1310720
  check "phase_a (inactive) is absent" test "$(flat_bytes phase_a "$first")" = 0
  check "deactivate" test "$(ctl "$pid" deactivate)" = "$pid: profiling inactive"
  say "a 5"
  sleep 1.1  # the default minimum interval between dumps is 1 s
  second=$(ctl "$pid" dump)
  check "a second dump is another file" test -f "$second" -a "$second" != "$first"
  check "phase_a after deactivate is still absent" test "$(flat_bytes phase_a "$second")" = 0
  check "phase_b is still live" test "$(flat_bytes phase_b "$second")" = 1310720
  ctl "$pid" stats >"$tmp/stats.json"
  check "ctl stats is read by memprof stats" "$memprof" stats "$tmp/stats.json" >/dev/null
  check "status counts 2 dumps" test "$(ctl "$pid" status --format json | field dumps)" = 2
  check "reset sets lg_sample" test "$(ctl "$pid" reset 12 --format json | field lg_sample)" = 12
  check "gdump on" test "$(ctl "$pid" gdump on)" = "$pid: high-water dumps on"
  check "--list shows the process" sh -c "'$memprof' ctl --list | grep -q '^ *$pid  service_fixture  inactive '"
  check "--list --format json has its pid" sh -c "'$memprof' ctl --list --format json | grep -q '\"pid\": $pid,'"
  finish 0
  check "manifest lists the ctl dumps" test "$(grep -c '"trigger":"ctl"' "$tmp/out/manifest.jsonl")" = 2
  check "manifest lists the final dump" grep -q '"trigger":"final"' "$tmp/out/manifest.jsonl"
  check "summary names the output" grep -q "dumps\? in $tmp/out/" "$tmp/stderr"
  check "socket removed at exit" test ! -e "$sock"
  ;;
permissions)
  unset MEMPROF_CONTROL_DIR
  export XDG_RUNTIME_DIR=$tmp/xdg
  mkdir -m 700 "$XDG_RUNTIME_DIR"
  MEMPROF_CONTROL_DIR=$XDG_RUNTIME_DIR/memprof start service_fixture
  check "socket directory is 0700" test "$(stat -c %a "$XDG_RUNTIME_DIR/memprof")" = 700
  check "socket is 0600" test "$(stat -c %a "$sock")" = 600
  check "ctl finds the socket by pid" ctl "$pid" status >/dev/null
  # Another uid cannot even reach the socket...
  setpriv --reuid=65534 --regid=65534 --clear-groups "$memprof" ctl "$sock" status >/dev/null 2>"$tmp/err1"
  check "nobody cannot connect (exit 2)" test $? -eq 2
  # ...and when the directory is opened by mistake, SO_PEERCRED still refuses it.
  chmod 755 "$tmp/xdg" "$XDG_RUNTIME_DIR/memprof"
  chmod 666 "$sock"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$memprof" ctl "$sock" status >/dev/null 2>"$tmp/err2"
  check "nobody is refused by the process (exit 1)" test $? -eq 1
  check "refusal says denied" grep -q "denied" "$tmp/err2"
  check "request line too long is refused by ctl" sh -c "! '$memprof' ctl '$pid' reset $(printf '1%.0s' $(seq 300)) 2>/dev/null"
  ctl "$pid" frobnicate >/dev/null 2>"$tmp/err3"
  check "unknown request exits 2" test $? -eq 2
  finish 0
  ;;
busy)
  # The worker holds the dump lock for 3 s: a second request meanwhile gets busy; after it,
  # the minimum interval (8 s here) answers too_soon.
  MEMPROF_TEST_DUMP_DELAY_MS=3000 MEMPROF_MIN_INTERVAL_MS=8000 start service_fixture --sample 1
  say "a 4"
  ctl "$pid" dump >"$tmp/d1" 2>&1 &
  slow=$!
  for _ in $(seq 50); do  # until the first dump holds the lock
    [ "$(ctl "$pid" status --format json | field busy)" = true ] && break
    sleep 0.1
  done
  check "status says busy during a dump" test "$(ctl "$pid" status --format json | field busy)" = true
  ctl "$pid" dump --format json >"$tmp/d2" 2>/dev/null
  check "second dump during the first is busy (exit 1)" test $? -eq 1
  check "answer says busy" test "$(field error <"$tmp/d2")" = busy
  wait $slow
  check "first dump succeeded" test -f "$(cat "$tmp/d1")"
  check "first dump parses" "$memprof" info "$(cat "$tmp/d1")" >/dev/null
  ctl "$pid" dump --format json >"$tmp/d3" 2>/dev/null
  check "dump within the minimum interval is too_soon" test "$(field error <"$tmp/d3")" = too_soon
  finish 0
  ;;
concurrent)
  MEMPROF_MIN_INTERVAL_MS=0 start service_fixture --sample 1
  say "a 50"
  for i in 1 2 3 4 5 6 7 8; do (ctl "$pid" dump --format json >"$tmp/c$i" 2>/dev/null; echo $? >"$tmp/s$i") & done
  wait $(jobs -p | grep -v "^$rec_pid$") 2>/dev/null
  sleep 0.2
  oks=0
  for i in 1 2 3 4 5 6 7 8; do
    s=$(cat "$tmp/s$i")
    case $s in
      0) oks=$((oks + 1))
         f=$(field file <"$tmp/c$i")
         check "concurrent dump $i parses with all 50 blocks" test "$(flat_bytes phase_a "$f")" = 3276800 ;;
      1) check "concurrent dump $i refused as busy" test "$(field error <"$tmp/c$i")" = busy ;;
      *) fail "concurrent dump $i exited $s" ;;
    esac
  done
  check "at least one concurrent dump succeeded" test "$oks" -ge 1
  check "every dump file is distinct" test "$(ls "$tmp/out"/*.heap | wc -l)" -eq "$oks"
  finish 0
  ;;
glibc)
  start service_fixture_glibc --sample 1
  check "status says jemalloc is there" test -n "$(ctl "$pid" status --format json | field jemalloc)"
  say "a 3"
  f=$(ctl "$pid" dump)
  check "glibc program profiled through the preload" test "$(flat_bytes phase_a "$f")" = 196608
  check "record said it preloads jemalloc" grep -q "preloading .*libjemalloc" "$tmp/stderr"
  finish 0
  ;;
static)
  check "mallctl is not exported by the static fixture" sh -c "! nm -D '$fixtures/service_fixture_static' | grep -qw mallctl"
  start service_fixture_static --sample 1 --stats
  check "status says found through .symtab" test "$(ctl "$pid" status --format json | field symbols)" = static
  say "b 7"
  ctl "$pid" dump --format json >"$tmp/d"
  f=$(field file <"$tmp/d")
  check "static jemalloc dumped through the .symtab address" test "$(flat_bytes phase_b "$f")" = 458752
  check "stats snapshot next to the dump" "$memprof" stats "$(field stats <"$tmp/d")" >/dev/null
  finish 0
  ;;
every)
  start service_fixture --sample 1 --every 300ms --stats
  say "a 2"
  sleep 1.2
  finish 0
  timers=$(grep -c '"trigger":"timer"' "$tmp/out/manifest.jsonl")
  check "timed dumps in the manifest ($timers)" test "$timers" -ge 2
  check "timed dumps have stats" test "$(grep '"trigger":"timer"' "$tmp/out/manifest.jsonl" | grep -c '"stats":')" = "$timers"
  last_timer=$(grep '"trigger":"timer"' "$tmp/out/manifest.jsonl" | tail -1 | field file)
  check "last timed dump holds phase_a" test "$(flat_bytes phase_a "$tmp/out/$last_timer")" = 131072
  ;;
signal)
  # SIGTERM: a non-interactive shell starts background jobs with SIGINT ignored, and memprof
  # keeps an ignored signal ignored in the program.
  start service_fixture --sample 1
  say "b 3"
  kill -TERM "$rec_pid"
  wait "$rec_pid"
  status=$?
  rec_pid=
  check "exit status is 128+SIGTERM" test "$status" -eq 143
  check "a dump was written on the signal" grep -q '"trigger":"signal"' "$tmp/out/manifest.jsonl"
  f=$(grep '"trigger":"signal"' "$tmp/out/manifest.jsonl" | field file)
  check "the signal dump holds phase_b" test "$(flat_bytes phase_b "$tmp/out/$f")" = 196608
  ;;
inert)
  lib=$4
  # "sleep": the control thread says why before the program is done.
  echo "sleep 300" | MALLOC_CONF=prof:false LD_PRELOAD=$lib "$fixtures/service_fixture" >/dev/null 2>"$tmp/e1"
  check "prof off: one line saying why" test "$(wc -l <"$tmp/e1")" = 1
  check "prof off: names opt.prof" grep -q "opt.prof is false" "$tmp/e1"
  echo "sleep 300" | LD_PRELOAD=$lib "$fixtures/service_fixture_glibc" >/dev/null 2>"$tmp/e2"
  check "no jemalloc: one line saying why" grep -q "no jemalloc in this process" "$tmp/e2"
  check "no socket was opened" test -z "$(ls "$MEMPROF_CONTROL_DIR" 2>/dev/null)"
  # Under memprof record, a child without jemalloc (a shell the program runs) stays silent.
  "$memprof" record --top 0 --out "$tmp/quiet" -- "$fixtures/service_fixture" <<<"sleep 200" >/dev/null 2>"$tmp/e3"
  echo "sleep 300" | MEMPROF_MAIN_PID=1 LD_PRELOAD=$lib "$fixtures/service_fixture_glibc" >/dev/null 2>"$tmp/e4"
  check "a recorded program's descendant says nothing" test ! -s "$tmp/e4"
  check "the recorded program itself is not inert" sh -c "! grep -q inactive '$tmp/e3'"
  ;;
limits)
  # The free-space margin: asking for more free space than any disk has refuses every dump.
  MEMPROF_LOG=1 MEMPROF_MIN_FREE_MB=1000000000 start service_fixture
  ctl "$pid" dump --format json >"$tmp/d" 2>/dev/null
  check "dump refused for lack of space (exit 1)" test $? -eq 1
  check "answer says no_space" test "$(field error <"$tmp/d")" = no_space
  check "no dump file was written" test -z "$(ls "$tmp/out"/*.m*.heap 2>/dev/null)"
  check "MEMPROF_LOG logs each request" grep -q "uid 0: dump" "$tmp/stderr"
  finish 0
  # The recorded program's exit status becomes memprof's.
  "$memprof" record --top 0 --out "$tmp/sh" -- sh -c "exit 3" 2>/dev/null
  check "exit status of the program is memprof's" test $? -eq 3
  "$memprof" record --top 0 --out "$tmp/out" -- sh -c true 2>"$tmp/err"
  check "a directory with an earlier recording is refused (exit 2)" test $? -eq 2
  check "the refusal names manifest.jsonl" grep -q "manifest.jsonl of an earlier recording" "$tmp/err"
  "$memprof" record --out "$tmp/x" -- /nonexistent/program 2>"$tmp/err"
  check "a missing program exits 2" test $? -eq 2
  "$memprof" record --every 5parsecs -- sh -c true 2>"$tmp/err"
  check "a bad duration exits 2" test $? -eq 2
  ;;
gdb)
  # A process started without the library: ctl says how to proceed, --gdb dumps through gdb.
  command -v gdb >/dev/null || { echo "gdb not installed: skipped"; exit 77; }
  mkfifo "$tmp/in"
  MALLOC_CONF=prof:true,lg_prof_sample:0,prof_prefix:$tmp/g "$fixtures/service_fixture" <"$tmp/in" >"$tmp/stdout" &
  rec_pid=$!
  exec 3>"$tmp/in"
  say "a 6"
  ctl "$rec_pid" status 2>"$tmp/err"
  check "no socket: exit 2" test $? -eq 2
  check "no socket: suggests --gdb" grep -q -- "--gdb" "$tmp/err"
  ctl --gdb "$rec_pid" dump >"$tmp/gdb.out" 2>&1
  status=$?
  if [ "$status" -ne 0 ] && grep -qi "ptrace" "$tmp/gdb.out"; then echo "gdb cannot attach here: skipped"; exit 77; fi
  check "ctl --gdb dump succeeds" test "$status" -eq 0
  f=$(ls "$tmp"/g."$rec_pid".*.m0.heap 2>/dev/null)
  check "gdb's dump has phase_a" test "$(flat_bytes phase_a "$f")" = 393216
  check "the process lives on after gdb detached" kill -0 "$rec_pid"
  ctl --gdb "$rec_pid" status >/dev/null 2>&1
  check "--gdb supports only dump (exit 2)" test $? -eq 2
  say quit
  wait "$rec_pid"
  rec_pid=
  ;;
*)
  echo "unknown case $case_name"
  exit 2
  ;;
esac
[ "$failures" -eq 0 ] || { echo "--- memprof record stderr:"; cat "$tmp/stderr" 2>/dev/null; exit 1; }
