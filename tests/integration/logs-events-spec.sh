# tm's own lines in the exact shape of SPEC §8's example,
# `[web   ] tm: exited with code 1, restarting in 2 s (2 of 5)`: the exit,
# then what comes next; whole seconds without a decimal, fractions with
# one; a signal named; a stop; the run's count with max_restarts only.
. "$(dirname "$0")/../lib.sh"
export TM_NO_AUTO_INSTALL=1
cat > "$T/c.toml" <<TOML
[[services]]
name = "web"
command = "/bin/sh"
args = ["-c", "exit 1"]
restart = "always"
restart_delay = 1
max_restarts = 5
[[services]]
name = "half"
command = "/bin/sh"
args = ["-c", "kill -KILL \$\$\$\$"]
restart_delay = 0.5
[[services]]
name = "worker"
command = "/bin/sleep"
args = ["1000"]
TOML
boot_init "$T/c.toml"
waitfor 15 grep -q '^\[web   \] tm: exited with code 1, restarting in 2 s (2 of 5)$' "$ERR" \
  || fail "no line in SPEC's shape: $(grep 'web.*exited' "$ERR" | head -n 3)"
grep -qx '\[web   \] tm: exited with code 1, restarting in 1 s (1 of 5)' "$ERR" || fail "first restart: $(grep 'web.*exited' "$ERR" | head -n 1)"
grep -qx '\[half  \] tm: killed by SIGKILL, restarting in 0.5 s' "$ERR" || fail "a run killed: $(grep 'half.*killed' "$ERR" | head -n 1)"
grep -qx '\[web   \] tm: started, pid [0-9]*' "$ERR" || fail "started line: $(grep 'web.*started' "$ERR" | head -n 1)"
kill -TERM "$NS1"
wait_exit 20
assert_eq "$RC" 0 "exit code"
grep -qx '\[worker\] tm: killed by SIGTERM, stopped' "$ERR" || fail "a stop: $(grep worker "$ERR")"
