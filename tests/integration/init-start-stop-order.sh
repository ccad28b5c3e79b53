# tm-init as PID 1: services start in dependency order, wait_after apart,
# independent ones in parallel; on SIGTERM they stop in reverse order;
# the system exits 0.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[timeouts]
service_shutdown_timeout = 5
[[services]]
name = "db"
command = "standin"
args = ["db", "ready", "0.3"]
ready_fd = 3
[[services]]
name = "cache"
command = "standin"
args = ["cache"]
[[services]]
name = "app"
command = "standin"
args = ["app", "slow-stop", "0.3"]
depends_on = ["db", "cache"]
wait_after = 1
[[services]]
name = "worker"
command = "standin"
args = ["worker"]
depends_on = "app"
[services.wait_after]
app = 0.5
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -r -t 15 worker || fail "worker never ready"
for s in db cache app worker ; do wait_event $s start ; done
for s in db cache app worker ; do assert_eq "$(field $s state)" RUNNING "$s" ; done
# start order and wait_after
before "$(event db ready)" "$(event app start)" || fail "app started before db was ready"
awk -v r="$(event db ready)" -v a="$(event app start)" 'BEGIN { exit !(a - r >= 0.95) }' || fail "app did not wait 1 s after db"
awk -v r="$(event app start)" -v w="$(event worker start)" 'BEGIN { exit !(w - r >= 0.35) }' || fail "worker did not wait 0.5 s after app"
awk -v a="$(event db start)" -v b="$(event cache start)" 'BEGIN { d = a - b ; if (d < 0) d = -d ; exit !(d < 0.5) }' || fail "db and cache not started in parallel"
grep -q '^\[worker\] worker started' "$LOG" || fail "log prefix: $(head "$LOG")"
# reverse stop order
kill -TERM "$NS1"
wait_exit 20
assert_eq "$RC" 0 "exit code"
before "$(event worker stop)" "$(event app stopping)" || fail "app stopped before worker"
before "$(event app stop)" "$(event db stop)" || fail "db stopped before app was down"
before "$(event app stop)" "$(event cache stop)" || fail "cache stopped before app was down"
