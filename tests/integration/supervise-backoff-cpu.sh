# A service that exits at once is restarted with a growing back-off, not in a
# busy loop: its first five runs are spread over the back-off's delays
# (0.2 + 0.4 + 0.8 + 1.0 s), however busy the machine is.
. "$(dirname "$0")/../lib.sh"
mksvc flap 'date +%s%N >> runs ; exit 1'
echo 200 > "$SD/flap/restart-delay"
echo 1000 > "$SD/flap/restart-max-delay"
boot
waitfor 30 sh -c "[ \$(wc -l < '$SD/flap/runs' 2>/dev/null || echo 0) -ge 5 ]" || fail "not five runs: $(cat "$SD/flap/runs" 2>&1)"
first=$(sed -n 1p "$SD/flap/runs") fifth=$(sed -n 5p "$SD/flap/runs")
ms=$(( (fifth - first) / 1000000 ))
[ "$ms" -ge 2300 ] || fail "five runs in $ms ms: not backed off"
assert_eq "$(field flap reason)" "restart back-off" reason
