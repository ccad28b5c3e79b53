# What a service leaves behind does not outlive its run: children left in
# its process group, and a daemon that double-forked out of it (found since
# the supervisor is a subreaper), get the stop signal when the main process
# exits, before a restart; `stop` returns only once they are all gone.
. "$(dirname "$0")/../lib.sh"
mksvc crashy 'sleep 1001 & (setsid sleep 1002 &) ; sleep 0.2 ; exit 1'
echo 100 > "$SD/crashy/restart-delay"
echo 200 > "$SD/crashy/restart-max-delay"
mksvc daemon 'sleep 1003 & (setsid sleep 1004 &) ; exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 daemon || fail "daemon not up"
count () { ns pgrep -x -f "sleep $1" | wc -l ; }
# crash loop: after several runs, at most the current run's children exist
waitfor 15 sh -c "[ \$(sed -n 's/^restarts=//p' $SD/crashy/supervise/status) -ge 6 ]" || fail "crashy did not loop"
for p in 1001 1002 ; do
  [ "$(count $p)" -le 1 ] || fail "sleep $p: $(count $p) left behind by earlier runs"
done
# stop: returns once the group and the double-forked daemon are gone
waitfor 5 sh -c "[ \$(nsenter -t $NS1 -p -m pgrep -x -f 'sleep 1004' | wc -l) = 1 ]" || fail "the daemon's double fork did not run"
ns tm-ctl stop --wait -t 10 daemon crashy || fail "stop"
for p in 1001 1002 1003 1004 ; do
  assert_eq "$(count $p)" 0 "sleep $p after stop"
done
assert_eq "$(field daemon state)" STOPPED "daemon's state"
# a leftover that ignores the stop signal gets SIGKILL after stop_timeout
mksvc stubborn "sh -c 'trap \"\" TERM ; exec sleep 1005' & exit 3"
echo never > "$SD/stubborn/restart"
echo 500 > "$SD/stubborn/timeout-kill"
echo a > "$SD/.tm-svscan/control"
waitfor 10 sh -c "grep -q '^state=FAILED' $SD/stubborn/supervise/status" || fail "stubborn: $(cat $SD/stubborn/supervise/status)"
assert_eq "$(count 1005)" 0 "the leftover that ignored SIGTERM"
