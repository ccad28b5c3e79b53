# stop_timeout: a service ignoring SIGTERM is killed after its own timeout;
# global_shutdown_timeout bounds the whole shutdown.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[timeouts]
global_shutdown_timeout = 30
[[services]]
name = "stubborn"
command = "standin"
args = ["stubborn", "ignore-term"]
stop_timeout = 1
[[services]]
name = "polite"
command = "standin"
args = ["polite"]
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 stubborn polite || fail "not up"
wait_event stubborn start ; wait_event polite start
t0=$(date +%s%N)
kill -TERM "$NS1"
wait_exit 20
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "$RC" 0 "exit code"
[ $ms -ge 900 ] && [ $ms -lt 6000 ] || fail "shutdown took ${ms} ms with a 1 s stop_timeout"
assert_eq "$(field stubborn exit_signal)" SIGKILL "stubborn's end"
[ -n "$(event stubborn got-term-ignored)" ] || fail "stubborn never got SIGTERM"
cat > "$T/g.toml" <<TOML
[timeouts]
global_shutdown_timeout = 1.5
[[services]]
name = "stubborn"
command = "standin"
args = ["stubborn", "ignore-term"]
stop_timeout = 60
TOML
boot_init "$T/g.toml"
ns tm-ctl wait -u -t 10 stubborn || fail "not up"
wait_event stubborn start
t0=$(date +%s%N)
kill -TERM "$NS1"
wait_exit 20
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "$RC" 0 "exit code"
[ $ms -ge 1400 ] && [ $ms -lt 7000 ] || fail "shutdown took ${ms} ms with a 1.5 s global timeout"
