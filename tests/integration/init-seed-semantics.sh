# What the seed's files mean: a migration written as a longrun that exits 0
# satisfies its dependents (express-backend waits on db-migration); a zero
# restart_delay still backs off, never a busy loop.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[timeouts]
dependency_wait_timeout = 60
[[services]]
name = "db-migration"
command = "/bin/sh"
args = ["-c", "echo migrating ; sleep 0.2"]
[[services]]
name = "backend"
command = "standin"
args = ["backend"]
required = true
depends_on = "db-migration"
wait_after = 1
[[services]]
name = "flap"
command = "/bin/sh"
args = ["-c", "echo run >> $T/flap.runs ; exit 1"]
restart = "always"
restart_delay = 0
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 backend || fail "backend never started: $(ns tm-ctl list)"
assert_eq "$(field db-migration state)" STOPPED "migration state"
sleep 2
n=$(wc -l < "$T/flap.runs")
[ "$n" -le 8 ] || fail "restart_delay = 0: $n runs in about 3 s"
