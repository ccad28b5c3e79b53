# 50 services come up under tm-svscan as PID 1; each is listed RUNNING.
. "$(dirname "$0")/../lib.sh"
names=
for i in $(seq 1 50) ; do mksvc "svc$i" "exec sleep 1000" ; names="$names svc$i" ; done
boot
ns tm-ctl wait -u -t 20 $names || fail "not all 50 services came up"
ns tm-ctl list > "$T/list" || fail "tm-ctl list failed"
assert_eq "$(wc -l < "$T/list")" 50 "lines of tm-ctl list"
for i in $(seq 1 50) ; do
  grep -q "^svc$i  *RUNNING  *pid=[1-9]" "$T/list" || fail "svc$i not listed RUNNING: $(grep "^svc$i " "$T/list")"
done
ns tm-ctl status --json > "$T/json" || fail "status --json failed"
python3 - "$T/json" <<'PY' || fail "status --json is not what SPEC §4 says"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 50, len(d)
keys = "name state want pid since ready health restarts exit_code exit_signal required type reason".split()
for o in d:
    for k in keys: assert k in o, (k, o)
    assert o["state"] == "RUNNING" and o["pid"] > 0 and o["ready"] == 1 and o["want"] == "up", o
    for k in ("pid", "since", "ready", "restarts", "exit_code", "required"): assert isinstance(o[k], (int, float)), k
PY
