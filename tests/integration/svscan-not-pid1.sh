# Not PID 1: tm-svscan becomes a subreaper, reaps the orphans of its tree, kills
# what is left of its own tree at shutdown, and leaves other processes alone.
. "$(dirname "$0")/../lib.sh"
mksvc daemonizer '( setsid sleep 1003 & ) ; exec sleep 1000'
boot sh -c "sleep 1002 & echo \$! > $T/outsider ; exec 3>&- ; tm-svscan -d $SD ; echo svscan-exit=\$? ; wait"
waitfor 10 nspgrep -fx 'sleep 1003' || fail "daemon did not start"
svscan=$(nspgrep -f "^tm-svscan -d $SD")
[ -n "$svscan" ] || fail "no tm-svscan"
# its supervisor, a subreaper too, adopted it: it goes with the service
ppid=$(ps -o ppid= -p "$(nspgrep -fx 'sleep 1003')" | tr -d ' ')
assert_eq "$(ps -o comm= -p "$ppid")" "tm-supervise" "parent of the orphaned daemon"
kill -TERM "$svscan"
waitfor 10 grep -q 'svscan-exit=0' "$LOG" || fail "tm-svscan did not exit 0"
nspgrep -fx 'sleep 1003' >/dev/null && fail "the orphan of its tree survived"
outsider=$(cat "$T/outsider")
ns kill -0 "$outsider" || fail "a process outside its tree was killed"
