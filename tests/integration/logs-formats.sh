# [logging] format and color (SPEC §8): json lines parse one by one, a line
# that is a JSON object keeps its fields and gains service, stream and time;
# plain is the line alone; the prefix is coloured on a terminal only (auto),
# in a pipe too with "always", never with "never".
. "$(dirname "$0")/../lib.sh"
conf () {  # conf FORMAT COLOR
  cat > "$T/c.toml" <<TOML
[logging]
format = "$1"
color = "$2"

[[services]]
name = "api"
command = "/bin/sh"
args = ["-c", "echo plain line ; echo '{\"level\":\"info\",\"msg\":\"hi\",\"n\":[1,{\"x\":null}]}' ; echo '{\"time\":\"mine\",\"stream\":\"audit\"}' ; echo oops >&2 ; echo ; echo done ; exec sleep 1000"]
TOML
}
run () {  # run: the system's stdout in $LOG, until "done"
  boot_init "$T/c.toml"
  waitfor 10 grep -q 'done' "$LOG" || fail "no output: $(cat "$LOG" "$ERR")"
  kill -TERM "$NS1" ; wait_exit 20
}
conf json auto
run
python3 - "$LOG" "$ERR" <<'PY' || fail "json: $(cat "$LOG" "$ERR")"
import json, sys
out = [json.loads(l) for l in open(sys.argv[1])]
err = [json.loads(l) for l in open(sys.argv[2]) if '"service":"api"' in l]
api = [o for o in out if o.get("service") == "api" and not o.get("tm")]
for o in api + err:
    assert set(o) >= {"service", "stream", "time"}, o
assert api[0]["message"] == "plain line" and api[0]["stream"] == "stdout", api[0]
assert api[0]["time"].endswith("Z") and api[0]["time"][10] == "T", api[0]
m = api[1]
assert m["level"] == "info" and m["msg"] == "hi" and m["n"] == [1, {"x": None}] and "message" not in m, m
assert api[2]["time"] == "mine" and api[2]["stream"] == "audit", api[2]
assert api[3]["message"] == "" and api[4]["message"] == "done", api[3:]
assert any(e["message"] == "oops" and e["stream"] == "stderr" for e in err), err
PY
conf plain never
run
grep -qx 'plain line' "$LOG" || fail "plain: $(cat "$LOG")"
grep -qx 'oops' "$ERR" || fail "plain stderr: $(cat "$ERR")"
grep -q '\[api\]' "$LOG" && fail "plain has a prefix"
esc=$(printf '\033')
# auto: no colour in a pipe (the test's files), colour on a terminal
conf prefix auto
run
grep -q "$esc" "$LOG" && fail "colour in a file with color = auto"
grep -qx '\[api\] plain line' "$LOG" || fail "prefix: $(cat "$LOG")"
command -v script >/dev/null || skip "no script(1) for the terminal case"
rm -rf "$SD"
: > "$STANDIN_LOG"
timeout 20 script -qfec "unshare --pid --fork --mount-proc --kill-child sh -c 'tm-init -c $T/c.toml -d $SD & p=\$! ; sleep 3 ; kill -TERM \$p ; wait'" "$T/tty.log" </dev/null >/dev/null 2>&1
grep -q "${esc}\[1;[0-9][0-9]m\[api\]${esc}\[0m plain line" "$T/tty.log" || fail "no colour on a terminal: $(od -c "$T/tty.log" | head -n 5)"
conf prefix always
run
grep -q "${esc}\[1;[0-9][0-9]m\[api\]${esc}\[0m plain line" "$LOG" || fail "no colour with always"
