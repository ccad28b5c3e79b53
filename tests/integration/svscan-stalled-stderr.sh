# PID 1 never waits for a console that stopped reading: with tm-svscan's
# stderr a full FIFO nobody reads, its own warnings (a supervisor that died)
# are dropped, and it still respawns supervisors, reaps, and shuts down.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1000'
mkfifo "$T/err.fifo"
boot sh -c "sleep 1000 < $T/err.fifo & exec 2> $T/err.fifo ; head -c 65536 /dev/zero >&2 ; exec tm-svscan -d $SD"
waitfor 10 sh -c "grep -q '^state=RUNNING' $SD/app/supervise/status" || fail "app not up"
for i in 1 2 3 ; do
  old=$(field app supervisor)
  ns kill -9 "$old"
  waitfor 5 sh -c "s=\$(sed -n 's/^supervisor=//p' $SD/app/supervise/status) ; [ -n \"\$s\" ] && [ \"\$s\" != $old ] && grep -q '^state=RUNNING' $SD/app/supervise/status" || fail "supervisor not respawned ($i) with a stalled stderr"
done
ns tm-ctl shutdown || fail "shutdown refused"
waitfor 15 sh -c "! nsenter -t $NS1 -p -m pgrep -x tm-svscan" || fail "tm-svscan did not finish its shutdown"
