# stop signals the whole process group: a child of the service dies with it.
. "$(dirname "$0")/../lib.sh"
mksvc app 'sleep 1001 &
echo $! > child.pid
exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 app || fail "app did not come up"
waitfor 5 test -s "$SD/app/child.pid" || fail "no child pid"
child=$(cat "$SD/app/child.pid")
leader=$(field app pid)
ns kill -0 "$child" || fail "child not running"
ns tm-ctl stop app --wait -t 10 || fail "stop --wait failed"
assert_eq "$(field app state)" STOPPED state
assert_eq "$(field app want)" down want
assert_eq "$(field app exit_signal)" SIGTERM exit_signal
ns kill -0 "$leader" 2>/dev/null && fail "leader $leader survived"
waitfor 5 not ns kill -0 "$child" || fail "child $child of the service survived the stop"
exit 0
