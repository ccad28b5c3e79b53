# The whole shutdown is bounded: a service ignoring TERM with a long stop
# timeout is killed when the global timeout passes.
. "$(dirname "$0")/../lib.sh"
mksvc stubborn "trap '' TERM
exec sleep 1000"
echo 60000 > "$SD/stubborn/timeout-kill"
mkdir -p "$SD/.tm-svscan"
echo 1000 > "$SD/.tm-svscan/timeout-shutdown"
boot
ns tm-ctl wait -u -t 10 stubborn || fail "not up"
t0=$(date +%s%N)
kill -TERM "$NS1"
wait_exit 20
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $ms -ge 900 ] && [ $ms -lt 6000 ] || fail "shutdown took ${ms}ms with a 1000ms global timeout"
grep -q 'global shutdown timeout' "$ERR" || fail "no warning about the global timeout"
