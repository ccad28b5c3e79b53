# Garbage bytes in a control FIFO change nothing.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 app || fail "app did not come up"
pid=$(field app pid)
sup=$(supervisor_pid app)
# every byte value except the command letters (u d r o x X S and signal letters)
python3 - "$SD/app/supervise/control" <<'PY'
import os, sys, random
cmds = set(b"udroxXSabqhkti12pcy")
garbage = bytes(b for b in range(256) if b not in cmds)
random.seed(7)
data = bytes(random.choice(garbage) for _ in range(20000))
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
off = 0
while off < len(data):
    try: off += os.write(fd, data[off:off + 4096])
    except BlockingIOError: pass
os.close(fd)
PY
sleep 0.3
assert_eq "$(field app pid)" "$pid" pid
assert_eq "$(field app state)" RUNNING state
assert_eq "$(supervisor_pid app)" "$sup" "supervisor pid"
ns tm-ctl restart app --wait -t 5 || fail "supervisor no longer answers"
