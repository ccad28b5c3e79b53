# A new supervisor takes its lock before anything else and names a stale run
# by pid and start time: a process that got the stale pid again is left
# alone; two supervisors started at once for one directory run the service
# once, and the loser touches nothing.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1113'
mkdir -p "$SD/app/supervise"
boot sh -c "setsid sleep 1114 & echo \$! > $T/stranger ; cd $SD && { tm-supervise app & tm-supervise app & wait ; } ; sleep 1000"
waitfor 5 test -s "$T/stranger" || fail "no stranger"
waitfor 10 sh -c "grep -q '^state=RUNNING' $SD/app/supervise/status" || fail "app not up"
sleep 0.5
assert_eq "$(ns pgrep -fx 'sleep 1113' | wc -l)" 1 "instances of app"
assert_eq "$(ns pgrep -f -- '^tm-supervise app$' | wc -l)" 1 "supervisors of app"
grep -q 'another tm-supervise already runs' "$ERR" || fail "the loser did not say why it left"
# the stale status names a pid that is now a stranger's (its own group
# leader, as a service is): a new supervisor must not kill it
stranger=$(cat "$T/stranger")
ns pkill -9 -f -- '^tm-supervise app$'
ns pkill -9 -fx 'sleep 1113'
sed -i "s/^pid=.*/pid=$stranger/" "$SD/app/supervise/status"
ns sh -c "cd $SD && exec tm-supervise app" &
waitfor 10 sh -c "grep -q '^pid=' $SD/app/supervise/status && ! grep -q '^pid=$stranger\$' $SD/app/supervise/status && grep -q '^state=RUNNING' $SD/app/supervise/status" || fail "app not restarted"
ns kill -0 "$stranger" || fail "the new supervisor killed a process that only had the stale pid"
