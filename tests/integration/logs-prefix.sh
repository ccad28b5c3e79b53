# Lines are relayed with [name] padded to the longest name; stderr stays on
# stderr; a last line without newline is flushed at exit; long lines split.
# A rescan that brings a longer name: the running services line up again.
. "$(dirname "$0")/../lib.sh"
mksvc a 'echo hello from a ; echo oops >&2 ; echo ; exec sleep 1000'
mksvc longname 'printf "no newline" ; exit 0'
echo never > "$SD/longname/restart"
mksvc big 'head -c 20000 /dev/zero | tr "\0" x ; echo ; exec sleep 1000'
boot
waitfor 10 grep -q '^\[a       \] hello from a$' "$LOG" || fail "no prefixed line from a"
waitfor 10 grep -q '^\[a       \] oops$' "$ERR" || fail "stderr line not on stderr"
grep -q 'oops' "$LOG" && fail "stderr line on stdout"
grep -qx '\[a       \] ' "$LOG" || fail "empty line not kept"
waitfor 10 grep -qx '\[longname\] no newline' "$LOG" || fail "last line without newline not flushed"
waitfor 10 grep -q '^\[big     \] x' "$LOG" || fail "no big line"
# pieces of PIPE_BUF with prefix and newline, also to a regular file
python3 - "$LOG" <<'PY' || fail "long line not split in pieces of PIPE_BUF"
import sys
lines = [l for l in open(sys.argv[1], 'rb').read().split(b'\n') if l.startswith(b'[big     ] x')]
body = [len(l) - len(b'[big     ] ') for l in lines]
piece = 4096 - len(b'[big     ] ') - 1
assert body == [piece] * 4 + [20000 - 4 * piece], body
PY
# a longer name arrives: a's lines are padded to it from then on
mksvc tick 'while : ; do echo tick ; sleep 0.1 ; done'
echo a > "$SD/.tm-svscan/control"
waitfor 10 grep -q '^\[tick    \] tick$' "$LOG" || fail "no tick"
mksvc much-longer-name 'exec sleep 1000'
echo a > "$SD/.tm-svscan/control"
waitfor 10 grep -q '^\[tick            \] tick$' "$LOG" || fail "tick not padded to the new longest name: $(grep tick "$LOG" | tail -n 2)"
grep -q '^width=16$' "$SD/.tm-svscan/status" || fail "tm-svscan status: $(cat "$SD/.tm-svscan/status")"
