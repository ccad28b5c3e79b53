# A console that stops reading never stops supervision: with stdout a pipe
# nobody reads, a crashing neighbour is still restarted, stop and restart
# work within their timeouts, the lines that could not be written are
# dropped and counted (dropped= in the status), one line says so once the
# console reads again, and a shutdown under a stalled console ends in time.
. "$(dirname "$0")/../lib.sh"
cat > "$T/reader" <<'PY'
import os, select, sys, time
out, go = open(sys.argv[1], "wb"), sys.argv[2]
while True:
    if not os.path.exists(go):
        time.sleep(0.02)
        continue
    if select.select([0], [], [], 0.05)[0]:
        b = os.read(0, 65536)
        if not b:
            break
        out.write(b)
        out.flush()
PY
mksvc chatty 'exec yes chatty-line-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
mksvc crash 'echo crashing ; exit 1'
echo 100 > "$SD/crash/restart-delay"
echo 200 > "$SD/crash/restart-max-delay"
mksvc quiet 'exec sleep 1000'
boot sh -c "tm-svscan -d $SD | python3 $T/reader $T/console $T/go"
waitfor 10 test -e "$SD/.tm-svscan/status" || fail "tm-svscan did not start"  # it holds its lock: tm-ctl may wait
ns tm-ctl wait -u -t 10 chatty quiet || fail "not up"
# the console is full: lines are being dropped and counted
waitfor 15 sh -c "[ \"\$(sed -n 's/^dropped=//p' $SD/chatty/supervise/status)\" -gt 0 ]" || fail "no dropped count: $(cat $SD/chatty/supervise/status)"
r0=$(field crash restarts)
waitfor 10 sh -c "[ \$(sed -n 's/^restarts=//p' $SD/crash/supervise/status) -ge $((r0 + 3)) ]" || fail "the crashing neighbour is not restarted any more: $(field crash restarts) restarts"
ns tm-ctl stop --wait -t 3 quiet || fail "stop did not work within 3 s"
ns tm-ctl restart --wait -t 3 quiet || fail "restart did not work within 3 s"
ns tm-ctl stop --wait -t 3 chatty || fail "stop of the chatty service within 3 s"
# the console reads again: the backlog comes out whole, then the count
touch "$T/go"
waitfor 10 grep -qE '^\[chatty\] tm: [0-9]+ lines dropped: console not reading$' "$T/console" || fail "no line about the dropped lines: $(tail -c 300 "$T/console")"
grep -vE '^\[chatty\] chatty-line-x+$|^\[(chatty|crash |quiet )\] tm: |^\[crash \] crashing$' "$T/console" | head -n 3 > "$T/odd"
[ -s "$T/odd" ] && fail "cut or mixed lines on the console: $(cat "$T/odd")"
# stalled again, then a shutdown: it ends within the timeouts
ns tm-ctl start chatty
rm -f "$T/go"
d0=$(field chatty dropped)
waitfor 15 sh -c "[ \$(sed -n 's/^dropped=//p' $SD/chatty/supervise/status) -gt $d0 ]" || fail "not stalled again"
ns tm-ctl shutdown || fail "shutdown refused"
waitfor 10 sh -c "! nsenter -t $NS1 -p -m pgrep -x tm-svscan" || fail "tm-svscan still runs 10 s after the shutdown, under a stalled console"
