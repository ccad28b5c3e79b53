# A supervisor notices its scanner's death: after kill -9 of a tm-svscan that
# is not PID 1, the supervisors stop their services and exit, and a new
# tm-svscan on the same tree takes over at once (no "another tm-supervise
# already runs" loop).
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1111'
mksvc web 'exec sleep 1112'
boot sh -c "tm-svscan -d $SD ; sleep 1000"
ns tm-ctl wait -u -t 10 app web || fail "not up"
ns pkill -9 -x tm-svscan || fail "no tm-svscan to kill"
waitfor 10 sh -c "! nsenter -t $NS1 -p -m pgrep -x tm-supervise" || fail "supervisors run on without their scanner"
for p in 1111 1112 ; do
  ns pgrep -fx "sleep $p" >/dev/null && fail "sleep $p survived its supervisor's exit"
done
ns sh -c "tm-svscan -d $SD > $T/second.log 2>&1 &"
# tm-ctl wait gives up on a service no supervisor runs: first the new ones
supervised () { ns tm-ctl list > "$T/list" 2>&1 && [ "$(grep -c 'no supervisor' "$T/list")" = 0 ] ; }
waitfor 10 supervised || fail "no new supervisors: $(cat "$T/list" $T/second.log)"
ns tm-ctl wait -u -t 10 app web || fail "not up under the new tm-svscan: $(cat $T/second.log)"
grep -q 'already runs' "$T/second.log" "$ERR" && fail "a supervisor found another one"
assert_eq "$(ns pgrep -fx 'sleep 1111' | wc -l)" 1 "instances of app"
