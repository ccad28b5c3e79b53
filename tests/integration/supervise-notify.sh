# Readiness the daemons already speak: notify = systemd (an sd_notify sender
# as the service: STATUS= shows in the status, READY=1 makes it ready, a
# sender outside the service is ignored, MAINPID= moves the service to
# another process of its group) and ready_log_line (the first matching line
# makes it ready). Dependents start only after that readiness.
. "$(dirname "$0")/../lib.sh"
NOTIFIER=$(cd "$(dirname "$0")/../bin" && pwd)/sd-notifier.py
mksvc web "exec python3 $NOTIFIER $T/go-web"
echo systemd > "$SD/web/notify"
mksvc api "exec python3 $NOTIFIER $T/go-api fork"
echo systemd > "$SD/api/notify"
mksvc app 'echo starting ; sleep 0.5 ; echo "listening on port 8080" ; exec sleep 1000'
echo 'listening on port [0-9]+$' > "$SD/app/ready-log-line"
mksvc after 'echo started-after ; exec sleep 1000'
mkdir -p "$SD/after/dependencies.d" "$SD/web/dependents.d" "$SD/app/dependents.d"
: > "$SD/after/dependencies.d/web" ; : > "$SD/after/dependencies.d/app"
: > "$SD/web/dependents.d/after" ; : > "$SD/app/dependents.d/after"
boot
waitfor 10 sh -c "grep -q '^status_text=warming up' $SD/web/supervise/status" || fail "STATUS= not shown: $(cat $SD/web/supervise/status)"
assert_eq "$(field web state)" STARTING "web before READY=1"
# a sender outside the service: ignored
sock=$(ns cat /proc/"$(field web pid)"/environ | tr '\0' '\n' | sed -n 's/^NOTIFY_SOCKET=//p')
[ -n "$sock" ] || fail "no NOTIFY_SOCKET in the service's environment"
python3 -c "import socket,sys ; a=sys.argv[1] ; a='\0'+a[1:] if a[0]=='@' else a ; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', a)" "$sock" || fail "cannot send to $sock"
sleep 0.5
assert_eq "$(field web state)" STARTING "web after an outsider's READY=1"
assert_eq "$(field after state)" PENDING "after, while web is not ready"
touch "$T/go-web"
ns tm-ctl wait -r -t 10 web || fail "web not ready after READY=1"
grep -q '^status_text=serving' "$SD/web/supervise/status" || fail "STATUS=serving: $(cat $SD/web/supervise/status)"
# the log line
ns tm-ctl wait -r -t 10 app || fail "app not ready after its line"
ns tm-ctl wait -u -t 10 after || fail "after did not start"
python3 - "$LOG" <<'PY' || fail "after started before its dependencies were ready: $(cat "$LOG")"
import sys
lines = open(sys.argv[1]).read().splitlines()
def at(s): return next(i for i, l in enumerate(lines) if s in l)
assert at("started-after") > at("listening on port 8080") and at("started-after") > at("said ready")
PY
# MAINPID: the service goes on in the child once the first process exits
touch "$T/go-api"
ns tm-ctl wait -r -t 10 api || fail "api not ready"
first=$(field api pid)
waitfor 10 sh -c "[ \$(sed -n 's/^pid=//p' $SD/api/supervise/status) != $first ]" || fail "MAINPID not followed: $(cat $SD/api/supervise/status)"
assert_eq "$(field api state)" RUNNING "api after its first process exited"
ns kill -0 "$(field api pid)" || fail "the new main process does not run"
