# No line is lost when the service restarts; a full disk under output_file
# stops neither the service nor the console relay, and is reported once.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/full"
cat > "$T/c.toml" <<TOML
[[services]]
name = "counter"
command = "/bin/sh"
args = ["-c", "i=0 ; while [ \$i -lt 200 ] ; do echo n=\$i ; i=\$((i+1)) ; done ; exit 1"]
restart = "always"
restart_delay = 0.1
max_restarts = 2

[[services]]
name = "filler"
command = "/bin/sh"
args = ["-c", "i=0 ; while [ \$i -lt 3000 ] ; do echo filler-line-\$i-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz ; i=\$((i+1)) ; done ; echo done-filling ; exec sleep 1000"]
output_file = "$T/full/filler.out"
output_max_size = "1MB"
TOML
boot sh -c "mount -t tmpfs -o size=16k,mode=755 none $T/full && exec tm-init -c $T/c.toml -d $SD"
waitfor 15 sh -c "grep -q '^state=FAILED' '$SD/counter/supervise/status' 2>/dev/null" || fail "counter did not end"
waitfor 10 grep -q 'done-filling' "$LOG" || fail "the console relay stopped with the disk full"
# three runs of 200 lines each, none lost, none cut
assert_eq "$(grep -c '^\[counter\] n=[0-9]*$' "$LOG")" 600 "counter lines on the console"
for i in 0 100 199 ; do assert_eq "$(grep -c "^\[counter\] n=$i\$" "$LOG")" 3 "line n=$i" ; done
grep -v "^\[counter\] n=[0-9]*$" "$LOG" | grep -v "^\[filler \] filler-line-[0-9]*-z*$" > "$T/odd" ; [ -s "$T/odd" ] && cat "$T/odd" >&2
assert_eq "$(grep -c '^\[filler \] filler-line-' "$LOG")" 3000 "filler lines on the console"
assert_eq "$(grep -c 'output_file' "$ERR")" 1 "reports of the full disk"
ns tm-ctl wait -u -t 1 filler || fail "filler stopped"
