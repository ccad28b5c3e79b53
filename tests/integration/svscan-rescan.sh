# Command a rescans: new directories get a supervisor, removed ones stop.
. "$(dirname "$0")/../lib.sh"
mksvc first 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 first || fail "first not up"
mksvc second 'exec sleep 1001'
mkdir "$SD/.hidden"
echo a > "$SD/.tm-svscan/control"
ns tm-ctl wait -u -t 10 second || fail "second not up after rescan"
[ -e "$SD/.hidden/supervise" ] && fail "dot directory supervised"
pid=$(field first pid)
mv "$SD/first" "$T/first-gone"
echo a > "$SD/.tm-svscan/control"
waitfor 5 not ns kill -0 "$pid" || fail "removed service still runs"
waitfor 5 not supervisor_pid first || fail "its supervisor still runs"
ns tm-ctl wait -u -t 1 second || fail "second affected"
