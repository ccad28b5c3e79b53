# The http healthcheck reads the whole response and closes cleanly: a
# Python http.server probed several times logs its requests and no
# traceback (a probe that closed after the status line reset the
# connection, and the server logged a ConnectionResetError per probe).
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 needed"
# the interpreter itself: a version manager's shim (pyenv) can take seconds
# to start on a loaded machine, longer than a healthcheck waits
PYTHON=$(python3 -c 'import sys ; print(sys.executable)')
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/www"
head -c 262144 /dev/zero > "$T/www/big.bin"   # more than the socket buffers hold
echo ok > "$T/www/small"
cat > "$T/c.toml" <<TOML
[[services]]
name = "web"
command = "$PYTHON"
args = ["-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", "$T/www", "$P"]
[services.healthcheck]
http = "http://127.0.0.1:$P/big.bin"
interval = 0.2
timeout = 2
start_period = 30      # python3 may take seconds to start on a loaded machine
TOML
boot_init "$T/c.toml"
requests () { grep -c '"GET /big.bin HTTP/1.0" 200' "$ERR" ; }
# eight probes answered: a traceback of any of the first seven (printed as
# its connection breaks) would be in the log by now
waitfor 20 sh -c "[ \$(grep -c '\"GET /big.bin HTTP/1.0\" 200' '$ERR') -ge 8 ]" || fail "not 8 probes: $(requests)"
assert_eq "$(field web health)" healthy "health"
! grep -qE 'Traceback|ConnectionResetError|BrokenPipeError|Exception occurred' "$ERR" "$LOG" || fail "the server logged errors: $(grep -m 3 -E 'Error|Exception' "$ERR" "$LOG")"
# a body announced by Content-Length, on a connection the server keeps open:
# the probe ends at the end of the body, not at the timeout
cat > "$T/keep.py" <<'PY'
import socket, sys
s = socket.socket() ; s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)) ; s.listen()
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.recv(4096)
c.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello")
c.settimeout(10)
print("eof" if c.recv(1) == b"" else "data", flush=True)   # the probe closed
PY
"$PYTHON" "$T/keep.py" > "$T/keep.out" &
KEEP=$!
waitfor 20 grep -q . "$T/keep.out" || fail "the keep-open server did not start"
timeout 5 tm-ctl probe http "http://127.0.0.1:$(head -n 1 "$T/keep.out")/" || fail "probe of a kept-open connection: $?"
wait "$KEEP" || fail "the keep-open server failed"
assert_eq "$(sed -n 2p "$T/keep.out")" eof "what the server saw after the probe"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
