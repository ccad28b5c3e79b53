# kill -9 of a supervisor: tm-svscan respawns it within a second and there is
# never more than one instance of the service.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1234'
boot
ns tm-ctl wait -u -t 10 app || fail "app did not come up"
sup=$(supervisor_pid app)
[ -n "$sup" ] || fail "no supervisor process found"
kill -9 "$sup"
start=$(date +%s%N)
respawned () { local p ; p=$(supervisor_pid app) ; [ -n "$p" ] && [ "$p" != "$1" ] ; }
waitfor 3 respawned "$sup" || fail "supervisor not respawned"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $ms -le 1500 ] || fail "respawn took ${ms}ms"
ns tm-ctl wait -u -t 10 app || fail "app not up again"
sleep 0.3
n=$(nspgrep -fc '^sleep 1234$')
assert_eq "$n" 1 "instances of the service"
# and again, twice quickly: still one instance
for i in 1 2 ; do
  sup=$(supervisor_pid app) ; kill -9 "$sup"
  waitfor 3 respawned "$sup" || fail "not respawned ($i)"
done
ns tm-ctl wait -u -t 10 app || fail "app not up at the end"
sleep 0.3
assert_eq "$(nspgrep -fc '^sleep 1234$')" 1 "instances after repeated kills"
