# The wanted state an operator gave outlives the supervisor and reloads: a
# service stopped with tm-ctl stays stopped when its supervisor is killed and
# respawned, and when a reload changes it; started again, it stays started.
. "$(dirname "$0")/../lib.sh"
conf () {
  cat > "$T/c.toml" <<TOML
[[services]]
name = "app"
command = "standin"
args = ["app"]
env = { ROUND = "$1" }

[[services]]
name = "other"
command = "standin"
args = ["other"]
TOML
}
sup () { ns pgrep -f -- "^tm-supervise .* -- $1\$" ; }
respawned () {  # respawned NAME OLD-PID: a new supervisor wrote its status
  waitfor 5 sh -c "s=\$(sed -n 's/^supervisor=//p' $SD/$1/supervise/status) ; [ -n \"\$s\" ] && [ \"\$s\" != $2 ]" || fail "$1's supervisor not respawned"
}
conf 1
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 app other || fail "not up"
ns tm-ctl stop --wait -t 10 app || fail "stop"
old=$(field app supervisor)
ns kill -9 "$(sup app)"
respawned app "$old"
sleep 1   # time enough to start it, were it wanted
assert_eq "$(field app state)/$(field app want)" "STOPPED/down" "app after its supervisor's respawn"
# a reload that changes it: still stopped
conf 2
ns tm-ctl reload > "$T/reload" 2>&1 || fail "reload: $(cat "$T/reload")"
grep -q '1 restarted' "$T/reload" || fail "reload did not see the change: $(cat "$T/reload")"
waitfor 5 sh -c "grep -q '^supervisor=' $SD/app/supervise/status && [ \"\$(sed -n 's/^supervisor=//p' $SD/app/supervise/status)\" != $old ]" || fail "no new supervisor after the reload"
sleep 1
assert_eq "$(field app state)/$(field app want)" "STOPPED/down" "app after the reload"
# started again: it stays started across a respawn
ns tm-ctl start --wait -t 10 app || fail "start"
old=$(field app supervisor)
ns kill -9 "$(sup app)"
respawned app "$old"
ns tm-ctl wait -u -t 10 app || fail "app not up again after its supervisor's respawn"
