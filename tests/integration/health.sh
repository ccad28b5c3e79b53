# Healthchecks (http, tcp, command): readiness by the first healthy check,
# unhealthy after `retries` failures, restart or not, tm-ctl health.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 needed"
# the interpreter itself: a version manager's shim (pyenv) can take seconds
# to start on a loaded machine, longer than a healthcheck waits
PYTHON=$(python3 -c 'import sys ; print(sys.executable)')
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' ; }
P1=$(port) P2=$(port)
mkdir -p "$T/flags" && chmod 777 "$T/flags"
cat > "$T/web.py" <<PY
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        sick = os.path.exists("$T/flags/web-sick")
        self.send_response(500 if sick or self.path != "/healthz" else 200)
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
cat > "$T/c.toml" <<TOML
[[services]]
name = "web"
command = "$PYTHON"
args = ["$T/web.py", "$P1"]
[services.healthcheck]
http = "http://127.0.0.1:$P1/healthz"
interval = 0.5
timeout = 1
retries = 2

[[services]]
name = "cache"
command = "$PYTHON"
args = ["-c", "import socket, time; time.sleep(1); s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $P2)); s.listen(); time.sleep(1000)"]
[services.healthcheck]
tcp = "127.0.0.1:$P2"
interval = 0.5

[[services]]
name = "job"
command = "standin"
args = ["job"]
[services.healthcheck]
command = ["/bin/sh", "-c", "test ! -e $T/flags/job-sick"]
interval = 0.3
retries = 1
on_unhealthy = "none"

[[services]]
name = "app"
command = "standin"
args = ["app"]
depends_on = ["web", "cache"]
TOML
boot_init "$T/c.toml"
# cache listens only after 1 s: STARTING (not ready) until its first healthy check
waitfor 5 sh -c "grep -q '^pid=[1-9]' '$SD/cache/supervise/status'" || fail "cache not spawned"
assert_eq "$(field cache state)" STARTING "cache before its port is open"
assert_eq "$(field cache health)" starting "cache health before"
ns tm-ctl wait -r -t 10 web cache job app || fail "not ready: $(ns tm-ctl list)"
for s in web cache job ; do assert_eq "$(field $s health)" healthy "$s health" ; done
assert_eq "$(field app health)" none "health without a check"
ns tm-ctl health || fail "tm-ctl health while all healthy"
# web turns sick: unhealthy after 2 failures, restarted (new pid, restarts+1)
pid=$(field web pid)
touch "$T/flags/web-sick"
waitfor 10 sh -c "[ \"\$(sed -n 's/^pid=//p' '$SD/web/supervise/status')\" != $pid ]" || fail "sick web not restarted: $(cat "$SD/web/supervise/status")"
grep -q '^\[web *\] tm: unhealthy: restarting' "$ERR" || fail "no message: $(cat "$ERR")"
[ "$(field web restarts)" -ge 1 ] || fail "restarts not counted"
rm -f "$T/flags/web-sick"
ns tm-ctl wait -r -t 10 web || fail "web not ready again"
# job turns sick with on_unhealthy = none: unhealthy, still running, health fails
jpid=$(field job pid)
touch "$T/flags/job-sick"
waitfor 5 sh -c "grep -q '^health=unhealthy' '$SD/job/supervise/status'" || fail "job not unhealthy"
assert_eq "$(field job pid)" "$jpid" "job's pid with on_unhealthy = none"
assert_eq "$(field job state)" RUNNING "job's state"
ns tm-ctl health job > "$T/h" ; assert_eq $? 1 "tm-ctl health with an unhealthy service"
grep -q 'job: RUNNING unhealthy' "$T/h" || fail "health output: $(cat "$T/h")"
rm -f "$T/flags/job-sick"
waitfor 5 sh -c "grep -q '^health=healthy' '$SD/job/supervise/status'" || fail "job not healthy again"
ns tm-ctl health || fail "tm-ctl health after recovery"
# a reload that changes only web's URL: its supervisor, restarted, probes the
# new one (the target reaches the probe from health/http at start-up)
sed -e "s|/healthz\"|/moved\"\non_unhealthy = \"none\"|" "$T/c.toml" > "$T/c2.toml"
grep -q '/moved"' "$T/c2.toml" || fail "the test's sed"
ns tm-ctl reload "$T/c2.toml" > "$T/out" 2>&1 || fail "reload: $(cat "$T/out")"
waitfor 10 sh -c "grep -q '^health=unhealthy' '$SD/web/supervise/status'" || fail "web's new URL not probed: $(cat "$SD/web/supervise/status")"
ns tm-ctl reload "$T/c.toml" > "$T/out" 2>&1 || fail "reload back: $(cat "$T/out")"
ns tm-ctl wait -r -t 10 web || fail "web not ready after the reload back"
waitfor 10 sh -c "grep -q '^health=healthy' '$SD/web/supervise/status'" || fail "web not healthy after the reload back"
# the probes by hand
tm-ctl probe tcp "127.0.0.1:$P2" || fail "probe tcp"
tm-ctl probe http "http://127.0.0.1:$P1/healthz" || fail "probe http"
tm-ctl probe http "http://127.0.0.1:$P1/nothere" 2>/dev/null && fail "probe http on a 500"
tm-ctl probe tcp "127.0.0.1:1" 2>/dev/null && fail "probe tcp on a closed port"
TM_PROBE_TARGET="http://127.0.0.1:$P1/healthz" tm-ctl probe http || fail "probe http, the URL from the environment"
TM_PROBE_TARGET="127.0.0.1:1" tm-ctl probe tcp 2>/dev/null && fail "probe tcp from the environment, on a closed port"
env -u TM_PROBE_TARGET tm-ctl probe http 2>"$T/err" ; assert_eq $? 100 "probe without a target"
grep -q "TM_PROBE_TARGET" "$T/err" || fail "probe without a target: $(cat "$T/err")"
tm-ctl probe ftp x 2>/dev/null ; assert_eq $? 100 "probe of an unknown kind"
