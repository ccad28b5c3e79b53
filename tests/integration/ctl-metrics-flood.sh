# The [metrics] server runs unprivileged (as nobody) and keeps answering
# its probes under a flood of idle connections: 40 new idle connections a
# second for 7 seconds, while /healthz is probed every 0.4 s with a 1.5 s
# timeout; every probe must succeed. Idle connections are closed after the
# head deadline (2 s) or when a newer connection needs their slot.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 needed"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$T/c.toml" <<TOML
[metrics]
listen = "127.0.0.1:$PORT"
[[services]]
name = "web"
command = "standin"
args = ["web"]
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -r -t 10 web tm-metrics || fail "not ready: $(tm-ctl list)"
waitfor 10 python3 -c "import socket ; socket.create_connection(('127.0.0.1', $PORT), timeout=1)" || fail "nothing listens on $PORT"

# not root: real, effective and saved uid and gid of the server are nobody's
pid=$(field tm-metrics pid)
ns grep -E '^(Uid|Gid|Groups):' "/proc/$pid/status" > "$T/ids" || fail "no status of the server, pid $pid"
nobody=$(awk -F: '$1 == "nobody" { print $3 ":" $4 }' /etc/passwd) ; nobody=${nobody:-65534:65534}
assert_eq "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "$T/ids")" "$(for _ in 1 2 3 4 ; do printf '%s ' "${nobody%:*}" ; done | sed 's/ $//')" "uids of the server"
assert_eq "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "$T/ids")" "$(for _ in 1 2 3 4 ; do printf '%s ' "${nobody#*:}" ; done | sed 's/ $//')" "gids of the server"
assert_eq "$(awk '$1 == "Groups:" { print $2 }' "$T/ids")" "" "supplementary groups of the server"
ns grep -q '^CapEff:[[:space:]]*0*$' "/proc/$pid/status" || fail "the server has capabilities: $(ns grep Cap "/proc/$pid/status")"
# it still sees every service, the numbers from /proc included
python3 -c "import urllib.request ; b = urllib.request.urlopen('http://127.0.0.1:$PORT/metrics', timeout=5).read().decode() ; assert 'tm_service_up{service=\"web\"} 1' in b and 'tm_service_resident_memory_bytes{service=\"web\"}' in b, b" || fail "/metrics as nobody"

python3 - "$PORT" <<'PY' || fail "probes under a flood of idle connections"
import socket, sys, threading, time, urllib.request
port = int(sys.argv[1])
idle, stop = [], False
def flood():
    while not stop:
        try: idle.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError: pass
        time.sleep(1 / 40)
t = threading.Thread(target=flood) ; t.start()
time.sleep(1.5)     # the slots fill up first
ok, errors = 0, []
for i in range(15):
    t0 = time.time()
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=1.5) as r:
            if r.status == 200 and r.read() == b"ok\n": ok += 1
            else: errors.append("status %d" % r.status)
    except Exception as e:
        errors.append("%s after %.1fs" % (e, time.time() - t0))
    time.sleep(0.4)
stop = True ; t.join()
print("%d idle connections, %d of 15 probes ok" % (len(idle), ok))
if len(idle) < 200: sys.exit("the flood was too thin: %d connections" % len(idle))
if ok != 15: sys.exit("%d of 15 probes failed: %s" % (15 - ok, errors[:3]))
# every idle connection is closed by the server, at the latest at its deadline
for s in idle:
    s.settimeout(5)
    if s.recv(1) != b"": sys.exit("an idle connection got data")
PY
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
