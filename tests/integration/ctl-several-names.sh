# Verbs with several names (SPEC §9): each acts on all of them; an unknown
# name among them is exit 1 and nothing is sent to any (signal as start,
# stop and restart), so that a typo never half-applies a command.
. "$(dirname "$0")/../lib.sh"
for s in app web ; do
  mksvc $s 'trap "echo USR1 >> sig" USR1
trap "echo USR2 >> sig" USR2
while :; do sleep 0.05 ; done'
done
boot
ns tm-ctl wait -u -t 10 app web || fail "not up"
for verb in "signal USR1" stop restart ; do
  ns tm-ctl $verb app nosuch web 2> "$T/e" ; assert_eq $? 1 "$verb with an unknown name"
  grep -q 'unknown service: nosuch' "$T/e" || fail "$verb: $(cat "$T/e")"
done
# USR2 comes after anything sent before through the same FIFO
ns tm-ctl signal USR2 app web || fail "signal USR2 app web"
for s in app web ; do
  waitfor 5 grep -q USR2 "$SD/$s/sig" || fail "$s: USR2 not delivered"
  assert_eq "$(cat "$SD/$s/sig")" "USR2" "$s: signals received"
  assert_eq "$(field $s state)" RUNNING "$s state"
done
ns tm-ctl stop app web --wait -t 10 || fail "stop app web"
ns tm-ctl start app web --wait -t 10 || fail "start app web"
ns tm-ctl status app web > "$T/st" || fail "status app web"
assert_eq "$(grep -c '^state=RUNNING$' "$T/st")" 2 "status of two"
