# tm-ctl metrics (the Prometheus exposition of every service, parsed and
# checked series by series) and [metrics] listen (the HTTP server that
# tm-ctl compile adds as the service tm-metrics): /metrics, /healthz,
# /readyz, the status page, errors, and its bounds.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 needed"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' ; }
PORT=$(port)
URL="http://127.0.0.1:$PORT"

# prom.py: a strict parser of the text format 0.0.4, and an HTTP client
cat > "$T/prom.py" <<'PY'
import json, re, socket, sys, urllib.request, urllib.error

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')

def fail(msg):
    sys.exit("prom.py: " + msg)

def labels(s, i, line):
    """parses {a="x",b="y"} from s[i] == '{'; returns (dict, index after '}')"""
    out, i = {}, i + 1
    while s[i] != '}':
        m = NAME.match(s, i)
        if not m or s[m.end():m.end() + 2] != '="': fail("bad label in: " + line)
        key, i, val = m.group(), m.end() + 2, ''
        while s[i] != '"':
            if s[i] == '\\':
                esc = s[i + 1]
                if esc not in 'n"\\': fail("bad escape in: " + line)
                val += '\n' if esc == 'n' else esc
                i += 2
            else:
                val += s[i]; i += 1
        i += 1
        if key in out: fail("duplicate label in: " + line)
        out[key] = val
        if s[i] == ',': i += 1
        elif s[i] != '}': fail("bad label list in: " + line)
    return out, i + 1

def parse(text):
    """{family: {"type", "help", "samples": [(labels, value)]}}, checking the
    grammar, HELP and TYPE before the samples, each family in one block"""
    fams, cur, done = {}, None, set()
    if not text.endswith('\n'): fail("no final newline")
    for line in text.split('\n')[:-1]:
        if line.startswith('# HELP ') or line.startswith('# TYPE '):
            kind, name, rest = line[2:6], *line[7:].split(' ', 1)
            if cur != name:
                if name in done: fail("family %s split in two" % name)
                if cur: done.add(cur)
                cur = name
                fams[name] = {"samples": []}
            if fams[name]["samples"]: fail("%s after the samples of %s" % (kind, name))
            if kind == 'TYPE' and rest not in ('gauge', 'counter'): fail("type " + rest)
            fams[name][kind.lower()] = rest
            continue
        if not line or line[0] == '#': fail("unexpected line: %r" % line)
        m = NAME.match(line)
        if not m: fail("bad sample: " + line)
        name, i, lab = m.group(), m.end(), {}
        if line[i] == '{': lab, i = labels(line, i, line)
        if line[i] != ' ': fail("no value in: " + line)
        if name != cur: fail("sample %s outside its family" % name)
        value = float(line[i + 1:])
        fams[name]["samples"].append((lab, value))
    for name, f in fams.items():
        if "help" not in f or "type" not in f: fail("no HELP or TYPE for " + name)
        if f["type"] == "counter" and not name.endswith("_total"): fail("counter without _total: " + name)
        keys = [tuple(sorted(l.items())) for l, _ in f["samples"]]
        if len(keys) != len(set(keys)): fail("duplicate series in " + name)
    return fams

def series(fams, name):
    """{service: value} or {service: {label: value}}"""
    out = {}
    for lab, v in fams[name]["samples"]:
        svc = lab.pop("service")
        if lab: out.setdefault(svc, {})[list(lab.values())[0]] = v
        else: out[svc] = v
    return out

def get(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()

def raw(port, data, host="127.0.0.1"):
    """sends data, returns everything until the server closes"""
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(data)
    out = b''
    while True:
        b = s.recv(65536)
        if not b: return out.decode(errors="replace")
        out += b
PY

# the checks of one exposition against the running system below
cat > "$T/check.py" <<'PY'
import json, sys, time
sys.path.insert(0, sys.argv[1])
from prom import *
text, status, procs = open(sys.argv[2]).read(), json.load(open(sys.argv[3])), sys.argv[4] == "procs"
f = parse(text)
names = ["flaky", "migrate", "off", "tm-metrics", "web"]
st = {s["name"]: s for s in status}
assert sorted(st) == names, st.keys()
def eq(a, b, what):
    if a != b: fail("%s: expected %r, got %r" % (what, b, a))
eq(f["tm_services"]["samples"], [({}, 5.0)], "tm_services")
expect = {  # up, ready, want_up, state, health, exit_code, required, type
    "web": (1, 1, 1, "RUNNING", "healthy", -1, 0, "longrun"),
    "migrate": (0, 1, 1, "STOPPED", "none", 0, 1, "oneshot"),
    "flaky": (0, 0, 1, "FAILED", "none", 3, 0, "longrun"),
    "off": (0, 0, 0, "STOPPED", "none", -1, 0, "longrun"),
    "tm-metrics": (1, 1, 1, "RUNNING", "none", -1, 0, "longrun"),
}
simple = ["tm_service_up", "tm_service_ready", "tm_service_want_up", None, None, "tm_service_exit_code", "tm_service_required"]
for i, m in enumerate(simple):
    if m: eq(series(f, m), {n: float(e[i]) for n, e in expect.items()}, m)
states = ["PENDING", "STARTING", "RUNNING", "STOPPING", "STOPPED", "FAILED"]
healths = ["none", "starting", "healthy", "unhealthy"]
eq(series(f, "tm_service_state"), {n: {s: float(s == e[3]) for s in states} for n, e in expect.items()}, "tm_service_state")
eq(series(f, "tm_service_health"), {n: {h: float(h == e[4]) for h in healths} for n, e in expect.items()}, "tm_service_health")
eq(series(f, "tm_service_info"), {n: {e[7]: 1.0} for n, e in expect.items()}, "tm_service_info")
eq(series(f, "tm_service_supervised"), {n: 1.0 for n in names}, "tm_service_supervised")
eq(series(f, "tm_service_log_lines_dropped_total"), {n: float(st[n]["dropped"]) for n in names}, "tm_service_log_lines_dropped_total")
eq(series(f, "tm_service_restarts_total"), {n: float(st[n]["restarts"]) for n in names}, "tm_service_restarts_total")
since = series(f, "tm_service_state_since_seconds")
for n in names:
    if abs(since[n] - st[n]["since"]) > 0.0015 or not time.time() - 120 < since[n] <= time.time():
        fail("since of %s: %r, status says %r" % (n, since[n], st[n]["since"]))
for m, t in [("tm_services", "gauge"), ("tm_service_up", "gauge"), ("tm_service_restarts_total", "counter"),
             ("tm_service_cpu_seconds_total", "counter"), ("tm_service_resident_memory_bytes", "gauge"),
             ("tm_service_state", "gauge"), ("tm_service_health", "gauge")]:
    eq(f[m]["type"], t, "TYPE of " + m)
cpu, rss = series(f, "tm_service_cpu_seconds_total"), series(f, "tm_service_resident_memory_bytes")
if procs:
    # only running services: web and the server itself
    eq(sorted(cpu), ["tm-metrics", "web"], "services with cpu")
    eq(sorted(rss), ["tm-metrics", "web"], "services with rss")
    if not all(v >= 0 for v in cpu.values()) or not all(v > 4096 for v in rss.values()): fail("cpu %r rss %r" % (cpu, rss))
else:
    # another pid namespace: its pids mean nothing here
    eq((cpu, rss), ({}, {}), "cpu and rss from outside the namespace")
print("ok")
PY

cat > "$T/c.toml" <<TOML
[metrics]
listen = "127.0.0.1:$PORT"

[[services]]
name = "web"
command = "standin"
args = ["web"]
[services.healthcheck]
command = ["/bin/true"]
interval = 0.3

[[services]]
name = "migrate"
type = "oneshot"
command = "/bin/true"
required = true

[[services]]
name = "flaky"
command = "/bin/sh"
args = ["-c", "test -e $T/fixed || exit 3 ; exec standin flaky"]
restart = "never"

[[services]]
name = "off"
command = "standin"
args = ["off"]
enabled = false
TOML

# the name of the server's service is reserved
printf '[[services]]\nname = "tm-metrics"\ncommand = "/bin/true"\n' > "$T/bad.toml"
tm-ctl check --offline "$T/bad.toml" >"$T/bad.out" 2>&1 && fail "a service named tm-metrics was accepted"
grep -q 'services\[0\]: the name "tm-metrics" is reserved' "$T/bad.out" || fail "message: $(cat "$T/bad.out")"

boot_init "$T/c.toml"
ns tm-ctl wait -r -t 10 web migrate tm-metrics || fail "not ready: $(tm-ctl list)"
waitfor 10 sh -c "[ \"\$(sed -n 's/^state=//p' '$SD/flaky/supervise/status')\" = FAILED ]" || fail "flaky did not fail: $(tm-ctl list)"
waitfor 10 sh -c "grep -qx health=healthy '$SD/web/supervise/status'" || fail "web not healthy"
[ -x "$SD/tm-metrics/run" ] || fail "no tm-metrics service compiled"
grep -q "serve-metrics\" \"127.0.0.1:$PORT\"" "$SD/tm-metrics/run" || fail "run: $(cat "$SD/tm-metrics/run")"

# tm-ctl metrics, from inside the namespace (cpu and rss) and from outside
ns tm-ctl metrics > "$T/ns.prom" || fail "tm-ctl metrics failed"
ns tm-ctl status --json > "$T/status.json"
python3 "$T/check.py" "$T" "$T/ns.prom" "$T/status.json" procs >/dev/null || fail "tm-ctl metrics in the namespace"
tm-ctl metrics > "$T/host.prom" || fail "tm-ctl metrics from outside failed"
python3 "$T/check.py" "$T" "$T/host.prom" "$T/status.json" noprocs >/dev/null || fail "tm-ctl metrics from outside"

# the server: /metrics is the same exposition
waitfor 10 python3 -c "import socket ; socket.create_connection(('127.0.0.1', $PORT), timeout=1)" || fail "nothing listens on $PORT"
python3 - "$T" "$URL" <<'PY' || fail "GET /metrics"
import sys
sys.path.insert(0, sys.argv[1])
from prom import *
code, h, body = get(sys.argv[2] + "/metrics")
assert code == 200, code
assert h["Content-Type"].startswith("text/plain; version=0.0.4"), h
assert h["Connection"] == "close" and int(h["Content-Length"]) == len(body.encode()), h
open(sys.argv[1] + "/http.prom", "w").write(body)
PY
python3 "$T/check.py" "$T" "$T/http.prom" "$T/status.json" procs >/dev/null || fail "the exposition over HTTP"

# probe PATH CODE TEXT: GET PATH answers CODE with TEXT in its body
probe () {
  python3 - "$T" "$URL$1" "$2" "$3" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from prom import *
code, h, body = get(sys.argv[2])
if code != int(sys.argv[3]) or sys.argv[4] not in body: fail("%s: %d %r" % (sys.argv[2], code, body))
PY
}
# flaky failed: neither healthy nor ready; off is disabled, not counted
probe /healthz 503 "flaky: FAILED" || fail "/healthz with a failed service"
probe /readyz 503 "flaky: FAILED" || fail "/readyz with a failed service"
probe /healthz 503 "" && ! probe /healthz 503 "off:" 2>/dev/null || fail "/healthz lists a disabled service"
touch "$T/fixed"
ns tm-ctl start --wait -t 10 flaky || fail "flaky did not start"
probe /healthz 200 "ok" || fail "/healthz once every service is up"
probe /readyz 200 "ok" || fail "/readyz once every service is up"
ns tm-ctl health || fail "tm-ctl health disagrees with /healthz"
ns tm-ctl stop --wait -t 10 web || fail "web did not stop"
probe /healthz 503 "web: STOPPED" || fail "/healthz after stopping web"
probe /readyz 503 "web: STOPPED" || fail "/readyz after stopping web"
ns tm-ctl health >/dev/null && fail "tm-ctl health disagrees with /healthz"

# the page, 404, HEAD, 405, malformed and oversized requests
python3 - "$T" "$URL" "$PORT" <<'PY' || fail "HTTP"
import sys, re
sys.path.insert(0, sys.argv[1])
from prom import *
url, port = sys.argv[2], int(sys.argv[3])
code, h, body = get(url + "/")
assert code == 200 and h["Content-Type"].startswith("text/html"), (code, h)
assert '<meta http-equiv="refresh" content="5">' in body, body
for name, state in [("web", "STOPPED"), ("flaky", "RUNNING"), ("migrate", "STOPPED"), ("tm-metrics", "RUNNING")]:
    assert re.search(r'<td class="name">%s</td><td class="%s">%s</td><td class="num">' % (name, state, state), body), (name, body)
assert "<th>uptime</th>" in body and "<th>reason</th>" in body
code, h, body = get(url + "/nope")
assert code == 404, code
code, h, body = get(url + "/metrics?x=1", "HEAD")
assert code == 200 and body == "" and int(h["Content-Length"]) > 1000, (code, h, body)
code, h, body = get(url + "/metrics", "POST")
assert code == 405 and h["Allow"] == "GET, HEAD", (code, h)
r = raw(port, b"GET /readyz HTTP/1.0\r\n\r\n")
assert r.startswith("HTTP/1.1 503 ") and "\r\nConnection: close\r\n" in r and r.endswith("\r\n\r\nweb: STOPPED: stopped\n"), r
r = raw(port, b"GET /healthz HTTP/1.1\nHost: x\n\n")
assert r.startswith("HTTP/1.1 503 "), r
r = raw(port, b"garbage\r\n\r\n")
assert r.startswith("HTTP/1.1 400 "), r
r = raw(port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n")
assert r.startswith("HTTP/1.1 431 "), r
PY

# bounds: 70 idle connections; all 64 slots are taken, so each new
# connection takes the slot of the oldest idle one, and the next request
# is answered at once; the idle ones are all closed, at the latest at the
# head deadline (2 s)
python3 - "$T" "$URL" "$PORT" <<'PY' || fail "bounds"
import sys, time, socket
sys.path.insert(0, sys.argv[1])
from prom import *
url, port = sys.argv[2], int(sys.argv[3])
idle = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(70)]
t0 = time.time()
code, h, body = get(url + "/readyz")
dt = time.time() - t0
assert code == 503 and dt < 1.5, (code, dt)
for s in idle:
    assert s.recv(1) == b""
assert time.time() - t0 < 4, time.time() - t0
PY

# SIGTERM: the server exits 0 (a clean stop, not a failure)
ns tm-ctl stop --wait -t 10 tm-metrics || fail "tm-metrics did not stop"
assert_eq "$(field tm-metrics state)" STOPPED "tm-metrics after stop"
assert_eq "$(field tm-metrics exit_code)" 0 "exit code of the server after SIGTERM"
kill -TERM "$NS1"
wait_exit 20
assert_eq "$RC" 0 "exit code of the system"

# label values are escaped: names no config would allow, in a tree by hand
ODD="$T/odd"
mkdir -p "$ODD/plain" "$ODD/q\"b\\s" "$ODD/$(printf 'nl\nx')" "$ODD/<b>&"
tm-ctl -d "$ODD" metrics > "$T/odd.prom" || fail "metrics of a tree without supervisors"
python3 - "$T" "$T/odd.prom" <<'PY' || fail "label escaping"
import sys
sys.path.insert(0, sys.argv[1])
from prom import *
f = parse(open(sys.argv[2]).read())
up = series(f, "tm_service_up")
assert sorted(up) == sorted(["plain", 'q"b\\s', "nl\nx", "<b>&"]), up
assert set(up.values()) == {0.0} and set(series(f, "tm_service_supervised").values()) == {0.0}
PY
tm-ctl -d "$T/none" metrics >/dev/null 2>"$T/none.err" ; rc=$?
assert_eq "$rc" 1 "metrics of a missing scandir"
grep -q "unable to open the scandir" "$T/none.err" || fail "message: $(cat "$T/none.err")"

# the server by hand, on IPv6 when the machine has it: HTML escaping
P6=$(port)
if python3 -c "import socket ; socket.socket(socket.AF_INET6).bind(('::1', 0))" 2>/dev/null ; then
  tm-ctl -d "$ODD" serve-metrics "[::1]:$P6" 2>"$T/serve.err" &
  SRV=$!
  waitfor 10 python3 -c "import socket ; socket.create_connection(('::1', $P6), timeout=1)" || fail "no server on [::1]:$P6"
  python3 - "$T" "http://[::1]:$P6" <<'PY' || fail "the page of odd names"
import sys
sys.path.insert(0, sys.argv[1])
from prom import *
code, h, body = get(sys.argv[2] + "/")
assert code == 200 and '<td class="name">&lt;b&gt;&amp;</td>' in body and '<td class="name">q&quot;b\\s</td>' in body, body
code, h, body = get(sys.argv[2] + "/healthz")
assert code == 503 and "plain: no supervisor" in body, (code, body)
PY
  kill -TERM "$SRV" ; wait "$SRV" ; rc=$?
  assert_eq "$rc" 0 "serve-metrics after SIGTERM"
fi
tm-ctl serve-metrics "nohost:$P6" 2>/dev/null ; rc=$?
assert_eq "$rc" 100 "serve-metrics on a host name"
true
