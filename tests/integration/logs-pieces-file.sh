# SPEC §8: a line too long for one atomic write to the console (PIPE_BUF,
# prefix included) is split into pieces, each with its prefix, whatever the
# console is: here a regular file, as with `tm-init > out.log`. In prefix
# (with and without log_timestamps) and in json, every console line is at
# most PIPE_BUF bytes with its newline, and the pieces give the line back.
. "$(dirname "$0")/../lib.sh"
export TM_NO_AUTO_INSTALL=1
for format in prefix json ; do
  cat > "$T/c.toml" <<TOML
[logging]
format = "$format"
[[services]]
name = "big"
command = "/bin/sh"
args = ["-c", "printf '%10000s\\\\n' '' | tr ' ' x ; echo next ; exec sleep 1000"]
[[services]]
name = "stamped"
command = "/bin/sh"
args = ["-c", "printf '%10000s\\\\n' '' | tr ' ' y ; echo next ; exec sleep 1000"]
log_timestamps = true
TOML
  boot_init "$T/c.toml"
  [ -f "$LOG" ] || fail "the console is not a regular file"
  waitfor 10 sh -c "[ \$(grep -c next '$LOG') -ge 2 ]" || fail "$format: the lines did not come: $(tail -c 300 "$LOG")"
  python3 - "$LOG" "$format" <<'PY' || fail "$format: pieces"
import json, re, sys
log, fmt = sys.argv[1], sys.argv[2]
got = {"big": b"", "stamped": b""}
for raw in open(log, "rb").read().split(b"\n")[:-1]:
    assert len(raw) + 1 <= 4096, "a console line of %d bytes" % (len(raw) + 1)
    if fmt == "json":
        o = json.loads(raw)
        name, body = o["service"], o["message"].encode()
    else:
        m = re.match(rb"^(?:\d{4}-\d\d-\d\dT[\d:.]+Z )?\[(big|stamped) *\] (.*)$", raw)
        assert m, "a piece without its prefix: %r" % raw[:40]
        name, body = m.group(1).decode(), m.group(2)
    if body != b"next":
        got[name] += body
assert got["big"] == b"x" * 10000, "big: %d bytes" % len(got["big"])
assert got["stamped"] == b"y" * 10000, "stamped: %d bytes" % len(got["stamped"])
PY
  kill -TERM "$NS1"
  wait_exit 20
done
true
