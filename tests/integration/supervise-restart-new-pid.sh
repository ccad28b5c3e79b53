# tm-ctl restart --wait returns once a new pid is RUNNING; restart counts stay 0.
. "$(dirname "$0")/../lib.sh"
mksvc app "exec sleep 1000"
boot
ns tm-ctl wait -u -t 10 app || fail "app did not come up"
old=$(field app pid)
ns tm-ctl restart app --wait -t 10 || fail "restart --wait failed"
new=$(field app pid)
[ "$new" != "$old" ] && [ "$new" != 0 ] || fail "pid did not change: $old -> $new"
assert_eq "$(field app state)" RUNNING state
ns kill -0 "$old" 2>/dev/null && fail "old instance $old still alive"
# options before the name work the same
ns tm-ctl restart --wait -t 10 app || fail "restart --wait -t 10 app failed"
[ "$(field app pid)" != "$new" ] || fail "second restart kept the pid"
exit 0
