# No allocation in steady state: while an LD_PRELOAD shim records every
# malloc, calloc and realloc, tm-svscan and the supervisors of a chatty
# service (timestamps, a rotated output file, readiness by a log line
# matched by a pattern), a crash loop with a finish
# script and a health-checked service with readiness go through restarts,
# signals, stops, starts and a rescan without allocating once; tm-svscan
# (PID 1) respawns a killed supervisor without allocating either.
. "$(dirname "$0")/../lib.sh"
grep -qa '__asan_init' "$TM_BIN/tm-supervise" && skip "sanitizer build: the shim cannot come first"
command -v cc >/dev/null 2>&1 || skip "no C compiler"
cc -shared -fPIC -O1 -o "$T/alloc-count.so" "$(dirname "$0")/../lib/alloc-count.c" -ldl || fail "cannot build the shim"
export ALLOC_COUNT_DIR="$T/alloc"
mkdir -p "$ALLOC_COUNT_DIR"
mksvc talk 'while : ; do echo line ; echo err >&2 ; sleep 0.05 ; done'
touch "$SD/talk/log-timestamps"
echo "$T/talk.out" > "$SD/talk/output-file"
echo 2000 > "$SD/talk/output-max-size"
echo '^(li|xx)n[[:lower:]]{1,2}$' > "$SD/talk/ready-log-line"
mksvc crash 'echo crashing ; exit 3'
echo 100 > "$SD/crash/restart-delay"
echo 200 > "$SD/crash/restart-max-delay"
printf '#!/bin/sh\necho finish "$@"\n' > "$SD/crash/finish"
chmod 755 "$SD/crash/finish"
mksvc healthy 'echo >&3 ; exec sleep 1000'
echo 3 > "$SD/healthy/notification-fd"
mkdir "$SD/healthy/health"
printf '#!/bin/sh\nexit 0\n' > "$SD/healthy/health/check"
chmod 755 "$SD/healthy/health/check"
echo 200 > "$SD/healthy/health/interval"
LD_PRELOAD="$T/alloc-count.so" boot
ns tm-ctl wait -r -t 10 talk healthy || fail "not up"
waitfor 10 sh -c "grep -q '^health=healthy' '$SD/healthy/supervise/status'" || fail "never healthy"
touch "$ALLOC_COUNT_DIR/armed"
for i in 1 2 3 ; do
  ns tm-ctl restart --wait -t 10 talk healthy || fail "restart"
  ns tm-ctl signal HUP healthy || fail "signal"
  ns tm-ctl stop --wait -t 10 crash || fail "stop"
  ns tm-ctl start crash || fail "start"
  sleep 0.4
done
echo a > "$SD/.tm-svscan/control"
sleep 0.5
[ "$(field crash restarts)" -gt 3 ] || fail "crash did not loop: $(field crash restarts) restarts"
[ -e "$T/talk.out.1" ] || fail "the output file was not rotated"
# the shim works: the services allocated
cat "$ALLOC_COUNT_DIR"/alloc.* 2>/dev/null | grep -qvE '^tm-(svscan|supervise) ' || fail "the shim recorded nothing"
allocs=$(cat "$ALLOC_COUNT_DIR"/alloc.* | grep -E '^tm-(svscan|supervise) ' | sort | uniq -c)
[ -z "$allocs" ] || fail "allocations in steady state: $allocs"
# a new supervisor allocates at its start-up, but tm-svscan (pid 1 in the
# namespace: alloc.1) does not when it respawns one
old=$(supervisor_pid talk)
kill -9 "$old"
respawned () { local p ; p=$(supervisor_pid talk) ; [ -n "$p" ] && [ "$p" != "$old" ] ; }
waitfor 5 respawned || fail "supervisor not respawned"
ns tm-ctl wait -u -t 10 talk || fail "talk not up after the respawn"
rm "$ALLOC_COUNT_DIR/armed"
[ ! -e "$ALLOC_COUNT_DIR/alloc.1" ] || fail "tm-svscan allocated: $(sort "$ALLOC_COUNT_DIR/alloc.1" | uniq -c)"
