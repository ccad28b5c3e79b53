# The seed's names and auto-install: tm-ctl install DIR; invoked as
# entrypoint/tm-orchestrator/go-overlay, no arguments run tm-init and `list`, `status`,
# `restart` are tm-ctl's (status with the seed's summary line first, --debug
# accepted); tm-init creates the symlinks when tm-ctl is not in
# PATH (here over a private tmpfs on /usr/local/bin), unless
# TM_NO_AUTO_INSTALL=1.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/links"
tm-ctl install "$T/links" > "$T/out" || fail "install: $(cat "$T/out")"
for l in tm-ctl tm-orchestrator go-overlay entrypoint ; do
  assert_eq "$(readlink "$T/links/$l")" "$TM_BIN/tm-ctl" "link $l"
done
tm-ctl install "$T/links" > "$T/out" || fail "install twice"
cat > "$T/c.toml" <<TOML
[[services]]
name = "app"
command = "standin"
args = ["app"]
TOML
# entrypoint with no argument = tm-init (TM_CONFIG names the config)
boot env TM_CONFIG="$T/c.toml" TM_SCANDIR="$SD" "$T/links/entrypoint"
waitfor 10 test -e "$SD/.tm-svscan/status" || fail "entrypoint did not start the system: $(cat "$ERR")"
ns "$T/links/entrypoint" list > "$T/list" 2>&1 || fail "entrypoint list: $(cat "$T/list")"
grep -q '^app ' "$T/list" || fail "entrypoint list: $(cat "$T/list")"
ns tm-ctl wait -u -t 10 app || fail "app not up"
pid=$(field app pid)
ns "$T/links/tm-orchestrator" restart app > /dev/null || fail "tm-orchestrator restart"
ns tm-ctl wait -u -t 10 app || fail "app not up again"
waitfor 5 sh -c "[ \"\$(sed -n 's/^pid=//p' '$SD/app/supervise/status')\" != $pid ]" || fail "not restarted"
ns "$T/links/tm-orchestrator" status app | grep -q '^state=RUNNING$' || fail "tm-orchestrator status"
ns "$T/links/go-overlay" list | grep -q '^app ' || fail "go-overlay list"
# the seed's status line first, which scripts parse; --debug accepted
ns "$T/links/go-overlay" status > "$T/st" || fail "go-overlay status"
assert_eq "$(head -n 1 "$T/st")" "System Status: Total: 1, Running: 1, Failed: 0" "go-overlay status, first line"
grep -qx 'state=RUNNING' "$T/st" || fail "go-overlay status: no state: $(cat "$T/st")"
ns tm-ctl status > "$T/st" || fail "tm-ctl status"
if grep -q 'System Status' "$T/st" ; then fail "tm-ctl status printed the seed's line" ; fi
ns "$T/links/go-overlay" --debug list | grep -q '^app ' || fail "go-overlay --debug list"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
# go-overlay --debug alone runs the system, and says a little more
rm -rf "$SD"
boot env TM_CONFIG="$T/c.toml" TM_SCANDIR="$SD" TM_NO_AUTO_INSTALL=1 "$T/links/go-overlay" --debug
waitfor 10 test -e "$SD/.tm-svscan/status" || fail "go-overlay --debug did not start the system: $(cat "$ERR")"
waitfor 5 grep -q "^tm-init: info: debug: compiled $T/c.toml into $SD\$" "$ERR" || fail "no debug line: $(cat "$ERR")"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code of go-overlay --debug"
# auto-install, in a private mount namespace (boot's unshare makes one),
# with a tmpfs on /usr/local/bin that must not reach the host
private_mounts || skip "in a chroot: the auto-install would write into /usr/local/bin (the rest passed)"
printf '[[services]]\nname = "app"\ncommand = "/bin/sleep"\nargs = ["1000"]\n' > "$T/s.toml"
for setting in 0 1 ; do
  boot sh -c "mount -t tmpfs none /usr/local/bin && PATH=/usr/bin:/bin TM_NO_AUTO_INSTALL=$setting $TM_BIN/tm-init -c $T/s.toml -d $SD -- sh -c 'ls -l /usr/local/bin > $T/installed.$setting'"
  wait_exit 20
  assert_eq "$RC" 0 "exit code (TM_NO_AUTO_INSTALL=$setting)"
done
for l in tm-ctl tm-orchestrator go-overlay entrypoint ; do
  grep -q " $l -> $TM_BIN/tm-ctl\$" "$T/installed.0" || fail "auto-install: no $l: $(cat "$T/installed.0")"
done
[ "$(grep -c -- '->' "$T/installed.1")" = 0 ] || fail "TM_NO_AUTO_INSTALL=1 installed: $(cat "$T/installed.1")"
