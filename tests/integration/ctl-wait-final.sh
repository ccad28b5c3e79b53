# Waits never hang on a service that has ended for good (SPEC §9: --wait
# returns; a missing condition is reported, never a hang): a longrun that
# exits 0 under restart = "on-failure" is STOPPED with want up, and
# `wait -u`, `start --wait` and `restart --wait` end at once with exit 1
# and the reason, even without -t. A oneshot's restart --wait returns 0
# once it ran again.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[[services]]
name = "quick"
command = "sh"
args = ["-c", "sleep 0.3 ; exit 0"]
restart = "on-failure"
[[services]]
name = "unready"
command = "sh"
args = ["-c", "sleep 0.3 ; exit 0"]
ready_fd = 3
restart = "on-failure"
[[services]]
name = "once"
command = "sh"
args = ["-c", "echo ran >> $T/once.runs"]
type = "oneshot"
TOML
boot_init "$T/c.toml"
for s in quick unready ; do
  waitfor 10 sh -c "grep -qx 'state=STOPPED' '$SD/$s/supervise/status'" || fail "$s did not end"
done
ns tm-ctl wait -r -t 10 once || fail "once did not complete"
bounded () {  # bounded WHAT CMD...: exit 1 within 5 s, with a reason
  local what=$1 t0=$(date +%s%N) rc ; shift
  timeout 20 nsenter -t "$NS1" -p -m -r -- "$@" 2> "$T/e" ; rc=$?
  assert_eq "$rc" 1 "exit code of $what"
  [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 5000 ] || fail "$what took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  grep -q 'will not happen' "$T/e" || fail "$what: $(cat "$T/e")"
}
bounded "wait -u on an ended service" tm-ctl wait -u quick
bounded "wait -r on an ended service" tm-ctl wait -r quick
bounded "start --wait of a service that ends before it is ready" tm-ctl start unready --wait
bounded "restart --wait of a service that ends before it is ready" tm-ctl restart unready --wait
n=$(wc -l < "$T/once.runs")
timeout 20 nsenter -t "$NS1" -p -m -r -- tm-ctl restart once --wait 2> "$T/e" || fail "restart --wait of a oneshot: $(cat "$T/e")"
assert_eq "$(wc -l < "$T/once.runs")" $((n + 1)) "runs of once"
timeout 20 nsenter -t "$NS1" -p -m -r -- tm-ctl start quick --wait -t 10 || fail "start --wait of an ended longrun"
