# output_file holds exactly what the service wrote: short lines, lines
# longer than the relay's buffer, a last line without its newline (it goes
# once all the run wrote has, even when that is more than one read), with
# and without log_timestamps (lines written from where they were read, and
# lines copied with their stamp, in one file, in order); and a run's
# unfinished line never runs into the next run's.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/logs"
python3 - "$T/data" <<'PY'
import random, sys
random.seed(7)
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        n = random.choice([1, 10, 80, 200, 5000, 17000, 40000]) if i % 50 == 0 else random.randint(0, 120)
        f.write("%05d %s\n" % (i, "x" * n))
    f.write("the end, no newline")
PY
cat > "$T/c.toml" <<TOML
[[services]]
name = "plain"
command = "/bin/cat"
args = ["$T/data"]
restart = "never"
output_file = "$T/logs/plain.out"
output_max_size = 104857600

[[services]]
name = "stamped"
command = "/bin/cat"
args = ["$T/data"]
restart = "never"
log_timestamps = true
output_file = "$T/logs/stamped.out"
output_max_size = 104857600

[[services]]
name = "partial"
command = "/bin/sh"
args = ["-c", "printf 'no newline' ; exit 3"]
restart = "always"

[[services]]
name = "idle"
command = "/bin/sleep"
args = ["1000"]
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 idle || fail "not up"
waitfor 20 grep -q 'the end, no newline' "$T/logs/plain.out" || fail "plain: the last line never came"
waitfor 20 grep -q 'the end, no newline' "$T/logs/stamped.out" || fail "stamped: the last line never came"
{ cat "$T/data" ; echo ; } > "$T/want"
cmp "$T/want" "$T/logs/plain.out" || fail "plain: the file differs from what the service wrote"
# stamps: one at the start of each line (of its first piece: a long line's
# later pieces go on unstamped)
sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z //' "$T/logs/stamped.out" > "$T/unstamped"
cmp "$T/want" "$T/unstamped" || fail "stamped: the file, unstamped, differs from what the service wrote"
[ "$(grep -cE '^[0-9]{4}-' "$T/logs/stamped.out")" = 3001 ] || fail "stamped: not one stamp per line"
# a run's unfinished last line ends with the run: the next run's starts anew
waitfor 10 sh -c "[ \$(grep -c '^\[partial\] no newline\$' '$LOG') -ge 3 ]" || fail "partial: $(grep partial "$LOG" | head -5)"
if grep 'no newline' "$LOG" | grep -v 'the end, no newline' | grep -qv '^\[partial\] no newline$' ; then
  fail "partial: lines run together: $(grep 'no newline' "$LOG" | head -3)"
fi
