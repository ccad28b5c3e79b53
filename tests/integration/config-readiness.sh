# notify = "systemd" and ready_log_line from services.toml (SPEC §3): tm-ctl
# check refuses what tm-supervise could not use (another protocol, a pattern
# outside the supported syntax, either on a oneshot, an empty pattern, and
# suggests the key for a typo); booted by tm-init, a dependent starts only
# once both services said they are ready; tm-ctl status shows the STATUS=
# text and since as RFC 3339. Empty optional strings are unset. And the hint for a required service without
# restart (migrating from the Go tool).
. "$(dirname "$0")/../lib.sh"
cat > "$T/bad.toml" <<'TOML'
[[services]]
name = "a"
command = "/bin/sleep"
notify = "upstart"
ready_log_line = "a\\d"
[[services]]
name = "b"
type = "oneshot"
command = "/bin/true"
notify = "systemd"
ready_log_line = "done"
[[services]]
name = "c"
command = "/bin/true"
ready_lg_line = "x"
TOML
tm-ctl check --offline "$T/bad.toml" > "$T/out" 2>&1 ; assert_eq $? 1 "check of bad readiness keys"
for want in \
  'bad.toml:4: services\[0\].notify: "upstart" is not a notification protocol tm speaks: the only one is "systemd"' \
  'bad.toml:5: services\[0\].ready_log_line: a \\ before a character that is not special' \
  'bad.toml:10: services\[1\]: type = "oneshot" and notify are mutually exclusive' \
  'bad.toml:11: services\[1\]: type = "oneshot" and ready_log_line are mutually exclusive' \
  'bad.toml:15: services\[2\].ready_lg_line: unknown key (did you mean "ready_log_line"?)' ; do
  grep -q "$want" "$T/out" || fail "no error like: $want in: $(cat "$T/out")"
done

# empty strings are unset, as the Go tool read them (templated configs)
printf '[[services]]\nname = "e"\ncommand = "/bin/true"\nuser = ""\nlog_file = "${NOLOG:-}"\npre_script = ""\nworking_dir = ""\nnotify = ""\nready_log_line = ""\noutput_file = ""\n' > "$T/empty.toml"
tm-ctl check --offline "$T/empty.toml" > "$T/out" 2>&1 || fail "empty optional strings refused: $(cat "$T/out")"
tm-ctl compile "$T/empty.toml" "$T/etree" > "$T/out" 2>&1 || fail "compile: $(cat "$T/out")"
[ -e "$T/etree/e/run" ] || fail "compile wrote no service e"
for f in uid log-file pre-start notify ready-log-line output-file ; do
  [ ! -e "$T/etree/e/$f" ] || fail "an empty string compiled into $f"
done
printf '[[services]]\nname = "e"\ncommand = ""\n' > "$T/empty.toml"
tm-ctl check --offline "$T/empty.toml" > "$T/out" 2>&1 ; assert_eq $? 1 "an empty command"

# the Go tool's required: a hint (exit 0) when restart is not given
printf '[[services]]\nname = "m"\ncommand = "/bin/true"\nrequired = true\n' > "$T/req.toml"
tm-ctl check --offline "$T/req.toml" > "$T/out" 2>&1 || fail "a hint made check fail: $(cat "$T/out")"
grep -q 'req.toml:4: services\[0\].required: warning: hint: without restart, a crash is restarted (on-failure) and an exit 0 stops the system; restart = "never"' "$T/out" || fail "no hint: $(cat "$T/out")"
printf 'restart = "never"\n' >> "$T/req.toml"
tm-ctl check --offline "$T/req.toml" > "$T/out" 2>&1 || fail "check: $(cat "$T/out")"
if grep -q hint "$T/out" ; then fail "a hint although restart is given: $(cat "$T/out")" ; fi

NOTIFIER=$(cd "$(dirname "$0")/../bin" && pwd)/sd-notifier.py
cat > "$T/c.toml" <<TOML
[[services]]
name = "web"
command = "python3"
args = ["$NOTIFIER", "$T/go-web"]
notify = "systemd"

[[services]]
name = "app"
command = "/bin/sh"
args = ["-c", "echo starting ; while [ ! -e $T/go-app ] ; do sleep 0.05 ; done ; echo 'listening on 8080' ; exec sleep 1000"]
ready_log_line = "^listening on [0-9]+\$"

[[services]]
name = "prep"
type = "oneshot"
command = "/bin/true"

[[services]]
name = "dep"
command = "/bin/sh"
args = ["-c", "echo dep started ; exec sleep 1000"]
depends_on = ["web", "app"]
TOML
tm-ctl check --offline "$T/c.toml" > "$T/out" 2>&1 || fail "check: $(cat "$T/out")"
boot_init "$T/c.toml"
waitfor 10 sh -c "grep -q '^status_text=warming up' $SD/web/supervise/status" || fail "STATUS= not in the status: $(cat $SD/web/supervise/status)"
waitfor 10 grep -q '^\[app *\] starting' "$LOG" || fail "app did not start"
ns tm-ctl status web > "$T/st" || fail "tm-ctl status web"
grep -qx 'status_text=warming up' "$T/st" || fail "tm-ctl status: no status_text: $(cat "$T/st")"
grep -qE '^since_time=20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z$' "$T/st" || fail "tm-ctl status: no since_time: $(cat "$T/st")"
ns tm-ctl status --json web | python3 -c 'import json, sys ; d = json.load(sys.stdin)[0] ; assert d["status_text"] == "warming up" and d["since_time"].endswith("Z"), d' \
  || fail "status --json: status_text or since_time"
assert_eq "$(field web state)" STARTING "web before READY=1"
# tm-ctl list: why a service is not RUNNING, and a finished oneshot is done
waitfor 10 sh -c "grep -q '^reason=completed' $SD/prep/supervise/status" || fail "prep did not succeed"
ns tm-ctl list > "$T/list" || fail "tm-ctl list"
grep -qE '^web +STARTING +pid=[0-9]+ +uptime=[0-9]+s +restarts=0  waiting for readiness$' "$T/list" || fail "list: web: $(cat "$T/list")"
grep -qE '^prep +STOPPED +pid=0 +uptime=- +restarts=0  done$' "$T/list" || fail "list: prep: $(cat "$T/list")"
grep -qE '^dep +PENDING .*  waiting for dependency: (web|app)$' "$T/list" || fail "list: dep: $(cat "$T/list")"
assert_eq "$(field app state)" STARTING "app before its line"
touch "$T/go-web"
waitfor 10 sh -c "grep -q '^state=RUNNING' $SD/web/supervise/status" || fail "web not ready after READY=1"
assert_eq "$(field dep state)" PENDING "dep while app is not ready"
grep -q 'dep started' "$LOG" && fail "dep started before app was ready"
touch "$T/go-app"
ns tm-ctl wait -u -t 10 dep || fail "dep not up after both were ready"
grep -q '^status_text=serving' "$SD/web/supervise/status" || fail "STATUS=serving"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code after SIGTERM"
