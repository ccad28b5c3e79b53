# tm-ctl reload: new services start, removed ones stop, changed ones
# restart, the others keep running untouched; an invalid config changes
# nothing; at shutdown a service waits for the dependents a reload gave it.
. "$(dirname "$0")/../lib.sh"
cat > "$T/a.toml" <<TOML
[[services]]
name = "keep"
command = "standin"
args = ["keep"]
[[services]]
name = "change"
command = "standin"
args = ["change", "run"]
depends_on = "keep"
[[services]]
name = "gone"
command = "standin"
args = ["gone"]
TOML
cat > "$T/b.toml" <<TOML
[timeouts]
global_shutdown_timeout = 7
[[services]]
name = "keep"
command = "standin"
args = ["keep"]
[[services]]
name = "change"
command = "standin"
args = ["change", "run", "v2"]
depends_on = "keep"
[[services]]
name = "new"
command = "standin"
args = ["new", "slow-stop", "0.5"]
depends_on = "keep"
TOML
boot_init "$T/a.toml"
ns tm-ctl wait -u -t 10 keep change gone || fail "not up"
for s in keep change gone ; do wait_event $s start ; done
keep=$(field keep pid) change=$(field change pid) gone=$(field gone pid)
cp "$T/b.toml" "$T/a.toml"   # the recorded config path now holds the new config
ns tm-ctl reload > "$T/out" 2>&1 || fail "reload: $(cat "$T/out")"
assert_eq "$(cat "$T/out")" "reload: 1 added, 1 removed, 1 restarted, 1 unchanged" "summary"
ns tm-ctl wait -u -t 10 new || fail "new service not up"
waitfor 10 sh -c "p=\$(sed -n 's/^pid=//p' '$SD/change/supervise/status') ; [ -n \"\$p\" ] && [ \"\$p\" != 0 ] && [ \"\$p\" != $change ]" || fail "change not restarted"
wait_event change start
grep -q ' change start run v2$' "$STANDIN_LOG" || fail "change runs the old args: $(grep change "$STANDIN_LOG")"
assert_eq "$(field keep pid)" "$keep" "keep's pid"
[ -n "$(event gone stop)" ] || fail "gone was not stopped"
[ -e "$SD/gone" ] && fail "gone's directory is still in the tree"
ns kill -0 "$gone" 2>/dev/null && fail "gone still runs"
assert_eq "$(cat "$SD/.tm-svscan/timeout-shutdown")" 7000 "global timeout updated"
# nothing to do: all unchanged
ns tm-ctl reload "$T/b.toml" > "$T/out" 2>&1 || fail "second reload"
assert_eq "$(cat "$T/out")" "reload: 0 added, 0 removed, 0 restarted, 3 unchanged" "summary of a no-op"
# an invalid config: exit 1, nothing changed
printf '[[services]]\nname = "keep"\ncommand = "/nonexistent"\n' > "$T/bad.toml"
ns tm-ctl reload "$T/bad.toml" 2> "$T/err" ; assert_eq $? 1 "reload of an invalid config"
grep -q 'nothing changed' "$T/err" || fail "message: $(cat "$T/err")"
assert_eq "$(field keep pid)" "$keep" "keep's pid after a failed reload"
[ -d "$SD/new" ] || fail "tree changed by a failed reload"
# [metrics] listen added by a reload: the tm-metrics service comes with it
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{ cat "$T/b.toml" ; printf '[metrics]\nlisten = "127.0.0.1:%s"\n' "$P" ; } > "$T/m.toml"
ns tm-ctl reload "$T/m.toml" > "$T/out" 2>&1 || fail "reload with metrics: $(cat "$T/out")"
assert_eq "$(cat "$T/out")" "reload: 1 added, 0 removed, 0 restarted, 3 unchanged" "summary with metrics"
ns tm-ctl wait -u -t 10 tm-metrics || fail "tm-metrics not up"
waitfor 5 python3 -c "import urllib.request; assert b'tm_service_up' in urllib.request.urlopen('http://127.0.0.1:$P/metrics', timeout=2).read()" || fail "no /metrics after the reload"
# shutdown: keep waits for new, its dependent since the reload
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
before "$(event new stop)" "$(event keep stop)" || fail "keep stopped before new, its dependent since the reload"
