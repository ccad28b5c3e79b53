# log_timestamps, output_file with rotation, log_file followed across
# rotation and truncation (SPEC §8).
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/logs" "$T/app"
cat > "$T/c.toml" <<TOML
[[services]]
name = "stamped"
command = "/bin/sh"
args = ["-c", "echo one ; echo two >&2 ; exec sleep 1000"]
log_timestamps = true
output_file = "$T/logs/stamped.out"

[[services]]
name = "chatty"
command = "/bin/sh"
args = ["-c", "i=0 ; while [ \$i -lt 60 ] ; do echo line-\$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ; i=\$((i+1)) ; done ; exec sleep 1000"]
output_file = "$T/logs/chatty.out"
output_max_size = 1024
output_max_files = 2

[[services]]
name = "writer"
command = "/bin/sh"
args = ["-c", "exec sleep 1000"]
log_file = "$T/app/app.log"
TOML
: > "$T/app/app.log"
echo "old line, before the start" >> "$T/app/app.log"
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 stamped chatty writer || fail "not up"
# timestamps: RFC 3339 UTC first, then the prefix; the file gets them unprefixed
waitfor 5 grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z \[stamped\] one$' "$LOG" || fail "no timestamped line: $(grep stamped "$LOG")"
grep -qE '^[0-9-]+T[0-9:.]+Z \[stamped\] two$' "$ERR" || fail "stderr line not timestamped"
waitfor 5 grep -qE '^[0-9-]+T[0-9:.]+Z one$' "$T/logs/stamped.out" || fail "output_file: $(cat "$T/logs/stamped.out")"
grep -qE '^[0-9-]+T[0-9:.]+Z two$' "$T/logs/stamped.out" || fail "stderr not in output_file"
# rotation: 60 lines of 58 bytes through 1024-byte files, 2 kept
waitfor 5 grep -q 'line-59-' "$LOG" || fail "chatty did not finish"
waitfor 5 grep -q 'line-59-' "$T/logs/chatty.out" || fail "last line not in the current file"
ls "$T/logs" > "$T/ls"
grep -qx chatty.out.1 "$T/ls" && grep -qx chatty.out.2 "$T/ls" || fail "rotated files: $(cat "$T/ls")"
grep -qx chatty.out.3 "$T/ls" && fail "more rotated files than output_max_files"
for f in "$T/logs"/chatty.out* ; do
  [ "$(stat -c %s "$f")" -le 1024 ] || fail "$f is larger than output_max_size"
done
cat "$T/logs/chatty.out.2" "$T/logs/chatty.out.1" "$T/logs/chatty.out" | grep -o '^line-[0-9]*' > "$T/seq"
[ "$(tail -n 1 "$T/seq")" = line-59 ] || fail "order: $(tail -n 3 "$T/seq")"
# log_file: new lines only, within a second, across rotation and truncation
echo "first appended" >> "$T/app/app.log"
waitfor 3 grep -qx '\[writer \] first appended' "$LOG" || fail "appended line not relayed"
grep -q 'old line' "$LOG" && fail "lines from before the start were relayed"
mv "$T/app/app.log" "$T/app/app.log.1"
echo "after rotation" >> "$T/app/app.log"
waitfor 3 grep -qx '\[writer \] after rotation' "$LOG" || fail "not followed across rotation"
# truncation is seen as the size going below what was read (as tail -F does)
head -c 3000 /dev/zero | tr '\0' y >> "$T/app/app.log" ; echo >> "$T/app/app.log"
waitfor 3 grep -q '^\[writer \] yyyy' "$LOG" || fail "long line not relayed"
: > "$T/app/app.log"
echo "after truncation" >> "$T/app/app.log"
waitfor 3 grep -qx '\[writer \] after truncation' "$LOG" || fail "not followed across truncation"
