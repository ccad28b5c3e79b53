# A service whose log pipes could not be made (out of file descriptors) is
# tried again every second, said once: once fds are there again, it runs.
. "$(dirname "$0")/../lib.sh"
command -v prlimit >/dev/null || skip "no prlimit"
mksvc s01 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 s01 || fail "not up"
# fds enough for what it holds now, not for the pipes of more services
open=$(ls /proc/"$NS1"/fd | wc -l)
hard=$(prlimit --pid "$NS1" --nofile --raw --noheadings | awk '{ print $3 }')
prlimit --pid "$NS1" --nofile=$((open + 2)):"$hard" || fail "prlimit"
for i in 02 03 04 05 06 ; do mksvc "s$i" 'exec sleep 1000' ; done
echo a > "$SD/.tm-svscan/control"
waitfor 10 grep -q 'create log pipes' "$ERR" || fail "no service ran out of fds: $(cat "$ERR")"
sleep 1.5   # time to try again, in vain
assert_eq "$(grep -c 'create log pipes' "$ERR")" 1 "warnings while it keeps failing"
prlimit --pid "$NS1" --nofile=1024:"$hard" || fail "prlimit"
for i in 02 03 04 05 06 ; do
  waitfor 5 sh -c "grep -q '^state=RUNNING' $SD/s$i/supervise/status 2>/dev/null" || fail "s$i never started"
done
