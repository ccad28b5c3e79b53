# The whole shutdown is bounded: a service ignoring TERM with a long stop
# timeout is killed when the global timeout passes, and so is a process
# that escaped its group: once the timeout passed, the final stage gives
# no more grace.
. "$(dirname "$0")/../lib.sh"
mksvc stubborn "trap '' TERM
setsid sleep 999 &
exec sleep 1000"
echo 60000 > "$SD/stubborn/timeout-kill"
mkdir -p "$SD/.tm-svscan"
echo 1000 > "$SD/.tm-svscan/timeout-shutdown"
boot
ns tm-ctl wait -u -t 10 stubborn || fail "not up"
waitfor 5 ns pgrep -x -f "sleep 999" || fail "the escaped process is not there"
t0=$(date +%s%N)
kill -TERM "$NS1"
wait_exit 20
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "$RC" 0 "exit code"
# 1 s of timeout, then SIGKILL at once (not the final stage's 2 s of grace)
[ $ms -ge 900 ] && [ $ms -lt 2500 ] || fail "shutdown took ${ms}ms with a 1000ms global timeout"
grep -q 'global shutdown timeout' "$ERR" || fail "no warning about the global timeout"
