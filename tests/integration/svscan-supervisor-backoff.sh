# A supervisor that keeps exiting 100 (another one holds its lock, e.g. one
# left running by a killed scanner) is respawned less and less often, and
# tm-svscan says so once; once it gets through, the back-off starts anew.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1000'
mkdir -p "$SD/app/supervise"
install -m 600 /dev/null "$SD/app/supervise/lock"
# hold NAME: the lock, as another supervisor would, from when it is free
# until $T/release.NAME exists
hold () {
  ( ns python3 -c '
import fcntl, os, sys, time
f = open(sys.argv[1], "r+")
open(sys.argv[2] + ".waiting", "w").close()
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2] + ".held", "w").close()
while not os.path.exists(sys.argv[3]): time.sleep(0.05)
' "$SD/app/supervise/lock" "$T/$1" "$T/release.$1" & )
}
refusals () { grep -c 'another tm-supervise already runs' "$ERR" ; }
boot sleep 1000     # a namespace to hold the lock from, before tm-svscan runs
hold first
waitfor 10 test -e "$T/first.held" || fail "could not take the lock"
( ns sh -c "exec tm-svscan -d '$SD' >'$LOG' 2>'$ERR'" & )
waitfor 5 grep -q 'keeps failing' "$ERR" || fail "no back-off message: $(cat "$ERR")"
sleep 5             # the rate of respawns over 6 s: 0, 1, 3 s (then 7) and not every second
n=$(refusals)
[ "$n" -ge 2 ] && [ "$n" -le 4 ] || fail "$n supervisors refused in 6 s"
assert_eq "$(grep -c 'keeps failing' "$ERR")" 1 "back-off messages"
assert_eq "$(grep -c 'supervisor for app died' "$ERR")" 1 "death messages"
touch "$T/release.first"
waitfor 10 ns tm-ctl wait -u -t 1 app || fail "app did not come up once the lock was free"

# it got through: a new failure starts again at a second
hold second
waitfor 10 test -e "$T/second.waiting" || fail "no second holder"
waitfor 5 ns grep -q -- '-> POSIX' /proc/locks || fail "the second holder does not wait"
kill -9 "$(supervisor_pid app)"
waitfor 5 test -e "$T/second.held" || fail "the second holder did not get the lock"
n=$(refusals)
waitfor 4 sh -c "[ \$(grep -c 'another tm-supervise already runs' '$ERR') -ge $((n + 2)) ]" \
  || fail "not respawned again within a second or two: $(tail -n 5 "$ERR")"
assert_eq "$(grep -c 'keeps failing' "$ERR")" 2 "back-off messages"
touch "$T/release.second"
waitfor 10 ns tm-ctl wait -u -t 1 app || fail "app did not come up again"
exit 0
