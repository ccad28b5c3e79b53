# As PID 1, tm-svscan reaps orphans: a service leaving 200 orphans that exit
# leaves no zombie behind.
. "$(dirname "$0")/../lib.sh"
mksvc spawner 'i=0
while [ $i -lt 200 ] ; do ( sleep 0.2 & ) ; i=$((i+1)) ; done
echo spawned
exec sleep 1000'
boot
waitfor 10 grep -q 'spawned' "$LOG" || fail "spawner did not run"
zombies () { ns sh -c 'cat /proc/[0-9]*/stat 2>/dev/null' | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /\)$/) { print $(i+1) ; break } }' | grep -c '^Z$' ; }
no_zombies () { [ "$(zombies)" = 0 ] ; }
waitfor 5 no_zombies || fail "zombies left: $(zombies)"
