# Restart policies: always with back-off and max-restarts, on-failure, never.
. "$(dirname "$0")/../lib.sh"
mksvc crashy 'echo run >> runs ; exit 2'
echo 100 > "$SD/crashy/restart-delay"
echo 2 > "$SD/crashy/max-restarts"
mksvc clean 'echo run >> runs ; exit 0'
echo on-failure > "$SD/clean/restart"
mksvc once 'echo run >> runs ; exit 5'
echo never > "$SD/once/restart"
mksvc killed 'echo run >> runs ; kill -USR1 $$'
echo never > "$SD/killed/restart"
boot
waitfor 10 sh -c "grep -q '^state=FAILED' '$SD/crashy/supervise/status'" || fail "crashy never FAILED: $(cat "$SD/crashy/supervise/status")"
assert_eq "$(wc -l < "$SD/crashy/runs")" 3 "runs of crashy with max-restarts 2"
assert_eq "$(field crashy exit_code)" 2 "crashy exit_code"
assert_eq "$(field crashy restarts)" 2 "crashy restarts"
waitfor 5 sh -c "grep -q '^state=STOPPED' '$SD/clean/supervise/status'" || fail "clean exit with on-failure not STOPPED"
waitfor 5 sh -c "grep -q '^state=FAILED' '$SD/once/supervise/status'" || fail "failing run with never not FAILED"
waitfor 5 sh -c "grep -q '^state=FAILED' '$SD/killed/supervise/status'" || fail "killed run with never not FAILED"
assert_eq "$(field killed exit_signal)" SIGUSR1 "exit_signal"
assert_eq "$(field killed exit_code)" -1 "exit_code of a killed run"
sleep 1.2
assert_eq "$(wc -l < "$SD/clean/runs")" 1 "runs of clean"
assert_eq "$(wc -l < "$SD/once/runs")" 1 "runs of once"
# a FAILED service starts again on request
ns tm-ctl start crashy || fail "start crashy"
waitfor 5 sh -c "[ \$(wc -l < '$SD/crashy/runs') -ge 4 ]" || fail "crashy not restarted by tm-ctl start"
