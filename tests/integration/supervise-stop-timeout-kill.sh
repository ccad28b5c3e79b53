# A service that ignores its stop signal gets SIGKILL after timeout-kill.
. "$(dirname "$0")/../lib.sh"
mksvc stubborn "trap '' TERM
exec sleep 1000"
echo 400 > "$SD/stubborn/timeout-kill"
boot
ns tm-ctl wait -u -t 10 stubborn || fail "did not come up"
t0=$(date +%s%N)
ns tm-ctl stop stubborn --wait -t 10 || fail "stop --wait failed"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $ms -ge 350 ] || fail "killed after ${ms}ms, before its 400ms timeout"
[ $ms -lt 3000 ] || fail "killed only after ${ms}ms"
assert_eq "$(field stubborn exit_signal)" SIGKILL exit_signal
assert_eq "$(field stubborn state)" STOPPED state
