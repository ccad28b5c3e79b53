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
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
