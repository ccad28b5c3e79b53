# tm's own lines ([logging] events, SPEC §8), exact: a crash loop to FAILED,
# a dependency that failed, a required service's end, the system's exit
# code; none with events = false.
. "$(dirname "$0")/../lib.sh"
conf () {
  cat > "$T/c.toml" <<TOML
[logging]
events = $1

[[services]]
name = "flap"
command = "/bin/sh"
args = ["-c", "exit 1"]
restart = "always"
restart_delay = 0.1
max_restarts = 2
ready_fd = 3                    # never ready: its dependent waits

[[services]]
name = "needy"
command = "/bin/sleep"
args = ["1000"]
depends_on = "flap"

[[services]]
name = "core"
command = "/bin/sh"
args = ["-c", "while [ ! -e $T/end ] ; do sleep 0.05 ; done ; exit 3"]
required = true
restart = "never"
TOML
}
conf true
boot_init "$T/c.toml"
waitfor 10 grep -q 'needy.*FAILED' "$ERR" || fail "no FAILED line for needy: $(cat "$ERR")"
touch "$T/end"
wait_exit 20
assert_eq "$RC" 3 "exit code"
grep -v '^\[core \] tm: started, pid [0-9]*$' "$ERR" | sed -E 's/pid [0-9]+/pid N/' > "$T/lines"
cat > "$T/want" <<'EOF2'
[flap ] tm: started, pid N
[flap ] tm: exited with code 1, restarting in 0.1 s (1 of 2)
[flap ] tm: started, pid N
[flap ] tm: exited with code 1, restarting in 0.2 s (2 of 2)
[flap ] tm: started, pid N
[flap ] tm: exited with code 1, FAILED: too many restarts
[needy] tm: FAILED: dependency failed: flap
[core ] tm: exited with code 3, FAILED: failed, restart policy never
[core ] tm: required service ended for good: shutting the system down, exit code 3
tm: shutting down: a required service ended
tm: exit code 3
EOF2
diff -u "$T/want" "$T/lines" >&2 || fail "the lines differ"
# events off: no tm line at all
conf false
rm -f "$T/end"
boot_init "$T/c.toml"
waitfor 10 grep -q '^state=FAILED' "$SD/needy/supervise/status" || fail "needy not FAILED"
touch "$T/end"
wait_exit 20
grep -q 'tm: ' "$ERR" && fail "tm lines with events = false: $(cat "$ERR")"
true
