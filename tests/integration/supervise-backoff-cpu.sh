# A service that exits at once is restarted with a growing back-off, not in a
# busy loop: after 3 s it ran only a handful of times.
. "$(dirname "$0")/../lib.sh"
mksvc flap 'echo run >> runs ; exit 1'
echo 200 > "$SD/flap/restart-delay"
echo 1000 > "$SD/flap/restart-max-delay"
boot
sleep 3
n=$(wc -l < "$SD/flap/runs")
# 0, .2, .6, 1.4, 2.4 -> 5 runs (6 with scheduling slack)
[ "$n" -ge 4 ] && [ "$n" -le 6 ] || fail "$n runs in 3 s"
assert_eq "$(field flap reason)" "restart back-off" reason
