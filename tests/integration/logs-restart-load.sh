# No line is lost or reordered across restarts under load: a service numbers
# its lines as fast as it can (one write each), and is restarted five times
# while the console is a pipe; every run's lines arrive complete from 0 to
# its last, in order, none cut.
. "$(dirname "$0")/../lib.sh"
mksvc count 'exec python3 -c "
import os, sys
pid, i = os.getpid(), 0
while True:
    os.write(1, b\"%d %d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n\" % (pid, i))
    i += 1"'
boot sh -c "tm-svscan -d $SD | cat > $T/console"
waitfor 10 test -e "$SD/.tm-svscan/status" || fail "tm-svscan did not start"  # it holds its lock: tm-ctl may wait
ns tm-ctl wait -u -t 10 count || fail "not up"
# each run printing for a while (its pid is the status's: python is exec'd)
printing () {
  local pid ; pid=$(field count pid)
  waitfor 20 grep -q "^\[count\] $pid 500 " "$T/console" || fail "run $pid did not print"
}
for i in 1 2 3 4 5 ; do
  printing
  ns tm-ctl restart --wait -t 10 count || fail "restart $i"
done
printing
ns tm-ctl stop --wait -t 10 count || fail "stop"
sleep 0.5
python3 - "$T/console" <<'PY' || fail "lines lost or out of order"
import sys
runs, order = {}, []
for raw in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    if not raw.startswith(b"[count] "):
        continue
    if raw.startswith(b"[count] tm: "):
        continue
    f = raw[8:].split(b" ")
    assert len(f) == 3 and f[2] == b"x" * 50, "a cut line: %r" % raw
    pid, i = int(f[0]), int(f[1])
    if pid not in runs:
        runs[pid] = -1
        order.append(pid)
    assert i == runs[pid] + 1, "run %d: line %d after %d" % (pid, i, runs[pid])
    runs[pid] = i
assert len(runs) == 6, "%d runs seen" % len(runs)
assert min(runs.values()) >= 500, "a run printed little: %r" % runs
PY
