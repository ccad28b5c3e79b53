# restart_delay = 0 and restart_max_delay = 0 still back off: quick failures
# wait 100 ms, doubled each time, up to at least 1 s; a crash loop costs
# almost no CPU.
. "$(dirname "$0")/../lib.sh"
mksvc flap 'echo run >> runs ; exit 1'
echo 0 > "$SD/flap/restart-delay"
echo 0 > "$SD/flap/restart-max-delay"
boot
waitfor 5 test -s "$SD/flap/runs" || fail "never ran"
sleep 6
n=$(wc -l < "$SD/flap/runs")
# 0, .1, .3, .7, 1.5, 2.5, 3.5, 4.5, 5.5 -> 9 runs (11 with slack)
[ "$n" -ge 7 ] && [ "$n" -le 11 ] || fail "$n runs in 6 s"
