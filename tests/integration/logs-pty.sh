# pty = true: the service runs on a pseudo-terminal (its controlling one), so
# that stdio is line-buffered: python's print shows at once, not at exit.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 needed"
cat > "$T/c.toml" <<TOML
[[services]]
name = "term"
command = "/bin/sh"
args = ["-c", "[ -t 1 ] && [ -t 2 ] && echo on-a-tty ; readlink /proc/self/fd/2 >&2 ; exec python3 -c 'import time ; print(\"buffered?\") ; time.sleep(1000)'"]
pty = true
env = { PYTHONUNBUFFERED = "" }

[[services]]
name = "plain"
command = "python3"
args = ["-c", "import time ; print('plain buffered') ; time.sleep(1000)"]
env = { PYTHONUNBUFFERED = "" }   # empty: python buffers a pipe
TOML
boot_init "$T/c.toml"
waitfor 5 grep -qx '\[term \] on-a-tty' "$LOG" || fail "not on a terminal: $(cat "$LOG")"
waitfor 5 grep -qx '\[term \] buffered?' "$LOG" || fail "python's line not shown at once"
grep -q '^\[term \] /dev/pts/' "$LOG" || fail "stderr on the terminal too: $(cat "$LOG")"
sleep 0.5
grep -q 'plain buffered' "$LOG" && fail "without a pty python should buffer (the test is wrong)"
# the terminal is its controlling terminal: SIGHUP-free stop, restart keeps working
ns tm-ctl restart term --wait -t 10 || fail "restart"
waitfor 5 sh -c "[ \$(grep -c '^\[term \] on-a-tty' '$LOG') = 2 ]" || fail "no output after a restart"
