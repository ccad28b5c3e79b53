# tm-ctl on a system that no longer runs (no tm-svscan, no supervisor):
# after a graceful shutdown every service is down, and `wait -d` says so
# (exit 0) while `wait -u` fails at once (exit 1); a status left by a
# killed system names a pid that may be anyone's by now: status prints no
# CPU or memory for it.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 app || fail "app not up"
ns tm-ctl shutdown || fail "shutdown"
wait_exit 20
assert_eq "$(field app state) $(field app pid)" "STOPPED 0" "status after the shutdown"
tm-ctl wait -d -t 5 app 2> "$T/e" || fail "wait -d after the shutdown: $(cat "$T/e")"
tm-ctl stop app --wait -t 5 2> "$T/e" ; assert_eq $? 1 "stop with no supervisor"
grep -q 'no supervisor' "$T/e" || fail "stop: $(cat "$T/e")"
t0=$(date +%s%N)
tm-ctl wait -u -t 10 app 2> "$T/e" ; assert_eq $? 1 "wait -u after the shutdown"
[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1000 ] || fail "wait -u took the whole timeout"
tm-ctl health > /dev/null ; assert_eq $? 1 "health of a stopped system"
tm-ctl list | grep -q '^app .*STOPPED.*(no supervisor)' || fail "list: $(tm-ctl list)"
# killed: the status still says RUNNING with the pid of then, which here
# is a live process of ours (pids are reused)
boot
ns tm-ctl wait -u -t 10 app || fail "app not up again"
kill -9 "$NS1" ; wait_exit 5
sed -i "s/^pid=.*/pid=$$/" "$SD/app/supervise/status"
tm-ctl status app > "$T/st" || fail "status: $(cat "$T/st")"
grep -qx 'supervised=0' "$T/st" || fail "status: $(cat "$T/st")"
if grep -q '^cpu_seconds=\|^rss_bytes=' "$T/st" ; then fail "usage of a process that is not the service: $(cat "$T/st")" ; fi
tm-ctl status app --json > "$T/j" || fail "status --json"
if grep -q 'cpu_seconds\|rss_bytes' "$T/j" ; then fail "usage of a process that is not the service: $(cat "$T/j")" ; fi
tm-ctl metrics | grep -q 'tm_service_up{service="app"} 0' || fail "metrics: app up"
