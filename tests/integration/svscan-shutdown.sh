# SIGTERM to PID 1: every service gets its stop signal, tm-svscan exits 0.
. "$(dirname "$0")/../lib.sh"
for s in one two three ; do
  mksvc $s "trap 'echo $s got TERM ; exit 0' TERM
sleep 1000 & wait"
done
boot
ns tm-ctl wait -u -t 10 one two three || fail "not up"
kill -TERM "$NS1"
wait_exit 20
assert_eq "$RC" 0 "exit code"
for s in one two three ; do grep -q "^\[$s *\] $s got TERM" "$LOG" || fail "$s did not get TERM" ; done
for s in one two three ; do assert_eq "$(field $s state)" STOPPED "$s state" ; done
