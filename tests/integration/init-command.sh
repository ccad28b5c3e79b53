# tm-init -- CMD: CMD starts once every enabled service is ready (or has
# failed), on tm-init's stdio; its exit ends the system with its code.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[[services]]
name = "db"
command = "standin"
args = ["db", "ready", "0.5"]
ready_fd = 3
[[services]]
name = "broken"
command = "/bin/false"
restart = "never"
[[services]]
name = "off"
command = "standin"
args = ["off"]
enabled = false
TOML
boot_init "$T/c.toml" sh -c 'echo "$(date +%s.%N) cmd start" >> "$STANDIN_LOG" ; echo "cmd on stdout" ; read line ; exit 7'
wait_exit 20
assert_eq "$RC" 7 "exit code of the command"
before "$(event db ready)" "$(event cmd start)" || fail "command started before db was ready"
grep -qx 'cmd on stdout' "$LOG" || fail "command output not on tm-init's stdout"
[ -n "$(event db stop)" ] || fail "db not stopped after the command exited"
# SIGTERM while the command runs: the command's code (143: killed by TERM)
boot_init "$T/c.toml" sleep 1000
waitfor 10 ns pgrep -fx 'sleep 1000' || fail "command did not start"
kill -TERM "$NS1"
wait_exit 20
assert_eq "$RC" 143 "exit code after SIGTERM with a command running"
# a command that exits at once: its code still comes out, every time (the
# byte that says it started and its exit reach tm-svscan in one loop turn)
cat > "$T/quick.toml" <<TOML
[[services]]
name = "one"
command = "/bin/sleep"
args = ["1000"]
TOML
for i in $(seq 1 8) ; do
  boot_init "$T/quick.toml" /bin/sh -c 'exit 9'
  wait_exit 20
  assert_eq "$RC" 9 "exit code of a command that exits at once (run $i)"
done
