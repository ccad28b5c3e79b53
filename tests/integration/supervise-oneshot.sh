# A oneshot runs to completion: exit 0 -> STOPPED, ready; no restart.
. "$(dirname "$0")/../lib.sh"
mksvc migrate 'echo migrating ; echo run >> runs ; exit 0'
echo oneshot > "$SD/migrate/type"
boot
ns tm-ctl wait -r -t 10 migrate || fail "wait -r on the oneshot failed"
assert_eq "$(field migrate state)" STOPPED state
assert_eq "$(field migrate ready)" 1 ready
assert_eq "$(field migrate type)" oneshot type
assert_eq "$(field migrate exit_code)" 0 exit_code
sleep 1.2
assert_eq "$(wc -l < "$SD/migrate/runs")" 1 runs
ns tm-ctl health migrate || fail "a completed oneshot is healthy"
