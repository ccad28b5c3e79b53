# Secrets at rest: what a compiled tree holds that may carry credentials
# (the command line in run, a healthcheck's command or URL, inline scripts,
# env/) is readable by root only; a plain local user can still list the
# services and read their status. tm-supervise reads run and health/check
# as root and execs the command in them, so a service and a healthcheck
# that switch to an unprivileged user still work.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "needs $PY"
R=tmt$$r S=tmt$$s
trap 'rc=$? ; userdel -f "$R" 2>/dev/null ; userdel -f "$S" 2>/dev/null ; (exit $rc) ; cleanup' EXIT
useradd -M -r -s /usr/sbin/nologin "$R" || fail "useradd $R"
useradd -M -r -d "$T/www" -s /usr/sbin/nologin "$S" || fail "useradd $S"
suid=$(id -u "$S")
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
port2=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/www" && echo ok > "$T/www/healthz" && chmod -R a+rX "$T/www"
cat > "$T/c.toml" <<TOML
[[services]]
name = "web"
command = "$PY"
args = ["-m", "http.server", "$port", "--bind", "127.0.0.1"]
user = "$S"
working_dir = "$T/www"
env = { API_TOKEN = "s3cret" }
pre_script = "#!/bin/sh\necho token=s3cret > /dev/null\n"
[services.healthcheck]
http = "http://127.0.0.1:$port/healthz?token=s3cret"
interval = 0.3

[[services]]
name = "mute"
command = "$PY"
args = ["-c", "import socket, time\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('127.0.0.1', $port2))\ns.listen(64)\nc = []\nwhile True: c.append(s.accept())"]
user = "$S"
[services.healthcheck]
http = "http://127.0.0.1:$port2/mute?token=s3cret"
interval = 0.3
timeout = 60

[[services]]
name = "job"
command = "/bin/sh"
args = ["-c", "exec sleep 1000"]
user = "$S"
[services.healthcheck]
command = ["/bin/sh", "-c", "test \"\$(id -u)\" = $suid"]
interval = 0.3
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -r -t 15 web job || fail "not ready: $(ns tm-ctl list) $(cat "$ERR")"
assert_eq "$(field web health)" healthy "web's http check (tm-ctl probe, as $S)"
assert_eq "$(field job health)" healthy "job's command check, as $S"
assert_eq "$(ns awk '/^Uid:/ { print $2 }' /proc/$(field web pid)/status)" "$suid" "web's uid"
asreader () { ns setpriv --reuid="$R" --regid="$R" --clear-groups --reset-env env PATH="$PATH" TM_SCANDIR="$SD" "$@" ; }
# what anyone may read: the tree, the status, tm-ctl list/status
asreader tm-ctl status web > "$T/st" 2>&1 || fail "status as $R: $(cat "$T/st")"
grep -q '^state=RUNNING$' "$T/st" || fail "status as $R: $(cat "$T/st")"
asreader tm-ctl list > /dev/null 2>&1 || fail "list as $R"
asreader ls "$SD/web" "$SD/web/health" > /dev/null 2>&1 || fail "the tree is not listable by $R"
# what nobody but root may read
for f in web/run web/health/check web/health/http web/env/API_TOKEN web/pre-start job/run job/health/check ; do
  [ -e "$SD/$f" ] || fail "$f was not compiled"
  if asreader cat "$SD/$f" > /dev/null 2>&1 ; then fail "$R can read $f: $(stat -c '%A %U' "$SD/$f")" ; fi
done
# a probe's target (a URL may carry a token) is in its environment, which
# only its user and root may read, not in its arguments, which anyone may:
# mute's probe waits for an answer that never comes, long enough to look
waitfor 15 ns pgrep -f "probe http" > /dev/null || fail "mute's probe never ran"
probe=$(ns pgrep -f "probe http" | head -1)
ns cat /proc/$probe/cmdline | tr '\0' ' ' > "$T/cmdline"
grep -q "probe http" "$T/cmdline" || fail "not the probe: $(cat "$T/cmdline")"
if grep -q "s3cret\|$port2" "$T/cmdline" ; then fail "the probe's target is in its arguments: $(cat "$T/cmdline")" ; fi
ns cat /proc/$probe/environ | tr '\0' '\n' | grep -qx "TM_PROBE_TARGET=http://127.0.0.1:$port2/mute?token=s3cret" \
  || fail "the probe's target is not in its environment"
if asreader cat /proc/$probe/environ > /dev/null 2>&1 ; then fail "$R can read the probe's environment" ; fi
asreader cat /proc/$probe/cmdline > /dev/null 2>&1 || fail "$R cannot read the probe's cmdline (the test proves nothing)"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
