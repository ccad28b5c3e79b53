# --json (SPEC §9): one JSON document, an array with one object per service
# holding every key of §4, numbers as numbers; from `status` and from `list`,
# which otherwise prints lines.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1000'
mksvc web 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 app web || fail "not up"
check () {  # check N: $T/j is the document, N services, every key typed
  python3 - "$1" "$T/j" <<'PY' || fail "$(cat "$T/j")"
import json, sys
n, doc = int(sys.argv[1]), json.load(open(sys.argv[2]))
assert isinstance(doc, list) and len(doc) == n, "not an array of %d" % n
num = ("pid", "since", "ready", "restarts", "exit_code", "required")
text = ("name", "state", "want", "health", "exit_signal", "type", "reason")
for o in doc:
    for k in num:
        assert isinstance(o[k], (int, float)) and not isinstance(o[k], bool), "%s is no number: %r" % (k, o[k])
    for k in text:
        assert isinstance(o[k], str), "%s is no string: %r" % (k, o[k])
    assert o["state"] == "RUNNING" and o["pid"] > 0, o
PY
}
for verb in status list ; do
  ns tm-ctl $verb --json > "$T/j" || fail "$verb --json"
  check 2
  ns tm-ctl $verb web --json > "$T/j" || fail "$verb web --json"
  check 1
  assert_eq "$(python3 -c 'import json,sys ; print(json.load(sys.stdin)[0]["name"])' < "$T/j")" web "$verb web --json"
done
# an unknown name: exit 1, and still one document
ns tm-ctl list --json nosuch > "$T/j" 2>/dev/null ; assert_eq $? 1 "list --json nosuch"
check 0
