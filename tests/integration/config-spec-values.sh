# Values SPEC §3 gives, at their edges, as tm-ctl check and compile take
# them: [logging] buffer = "0" turns the buffer off (a string, as SPEC
# writes it, not only the integer 0); a numeric user (UID or UID:GID) out
# of range is refused, online and offline, never cut down to uid 0 (root)
# or to (uid_t)-1 (ids left as they are); restart_delay set alone above
# the default restart_max_delay (30) is taken, the maximum following it;
# a time just over 86400 s is named as written, not rounded to 86400; a
# service that depends on itself is a cycle, printed as one (app -> app).
. "$(dirname "$0")/../lib.sh"

# checks CONFIG-TEXT: tm-ctl check --offline accepts it
checks () {
  printf '%s\n' "$1" > "$T/c.toml"
  tm-ctl check --offline "$T/c.toml" > "$T/out" 2>&1 || fail "refused: $1: $(cat "$T/out")"
}
# refuses CONFIG-TEXT MESSAGE: tm-ctl check exits 1 and prints MESSAGE
refuses () {
  printf '%s\n' "$1" > "$T/c.toml"
  tm-ctl check "$T/c.toml" > "$T/out" 2>&1 ; local rc=$?
  assert_eq "$rc" 1 "exit code of check: $1"
  grep -qF "$2" "$T/out" || fail "check of $1: expected '$2', got: $(cat "$T/out")"
}

# [logging] buffer = "0": no buffer, compiled as 0 bytes
for b in '"0"' '"0KB"' 0 ; do checks "[logging]
buffer = $b" ; done
printf '[logging]\nbuffer = "0"\n' > "$T/c.toml"
tm-ctl compile "$T/c.toml" "$T/tree" > "$T/out" 2>&1 || fail "compile of buffer = \"0\": $(cat "$T/out")"
assert_eq "$(cat "$T/tree/.tm-svscan/log-buffer")" 0 "log-buffer of buffer = \"0\""
refuses '[logging]
buffer = "65MB"' 'c.toml:2: logging.buffer: "65MB" is not a size of at most 64MB'
refuses '[logging]
buffer = "-1KB"' 'c.toml:2: logging.buffer: "-1KB" is not a size'

# user: UID and GID from 0 to 4294967294, digits only
S='[[services]]
name = "app"
command = "/bin/sleep"'
for u in 4294967296 4294967295 99999999999 1000:4294967296 1000:-1 1000:abc 1000: ; do
  refuses "$S
user = \"$u\"" "c.toml:4: services[0].user: \"$u\" is not NAME, UID or UID:GID"
  printf '%s\nuser = "%s"\n' "$S" "$u" > "$T/c.toml"
  tm-ctl check --offline "$T/c.toml" > "$T/out" 2>&1 && fail "check --offline took user = \"$u\""
  tm-ctl compile "$T/c.toml" "$T/tree-$u" > "$T/out" 2>&1 && fail "compile took user = \"$u\": uid $(cat "$T/tree-$u/app/uid")"
done
refuses "$S
user = \"-1\"" 'c.toml:4: services[0].user: no user named "-1"'
printf '%s\nuser = "4294967294:7"\n' "$S" > "$T/c.toml"
tm-ctl compile "$T/c.toml" "$T/tree-max" > "$T/out" 2>&1 || fail "compile of user = 4294967294:7: $(cat "$T/out")"
assert_eq "$(cat "$T/tree-max/app/uid"):$(cat "$T/tree-max/app/gid")" 4294967294:7 "uid:gid of user = 4294967294:7"
# [control] group: a gid in the same range
refuses '[control]
group = "4294967296"' 'c.toml:2: control.group: no group named "4294967296"'

# restart_delay = 60 alone: SPEC gives no bound that refuses it; the
# maximum (default 30) follows it. Both set, the maximum smaller: an error
# at restart_max_delay's line, naming its key path.
checks "$S
restart_delay = 60"
printf '%s\nrestart_delay = 60\n' "$S" > "$T/c.toml"
tm-ctl compile "$T/c.toml" "$T/tree-rd" > "$T/out" 2>&1 || fail "compile of restart_delay = 60: $(cat "$T/out")"
assert_eq "$(cat "$T/tree-rd/app/restart-delay") $(cat "$T/tree-rd/app/restart-max-delay")" "60000 60000" "restart-delay, restart-max-delay"
checks "$S
restart_max_delay = 0.5"
refuses "$S
restart_delay = 60
restart_max_delay = 10" 'c.toml:5: services[0].restart_max_delay: 10000 ms is less than restart_delay (60000 ms)'

# seconds out of (0, 86400]: the value as written
refuses '[timeouts]
post_script_timeout = 86400.001' 'c.toml:2: timeouts.post_script_timeout: 86400.001 is out of range: it must be more than 0 and at most 86400 seconds'
refuses '[timeouts]
global_shutdown_timeout = 9223372036854775807' 'c.toml:2: timeouts.global_shutdown_timeout: 9223372036854775807 is out of range'
checks '[timeouts]
dependency_wait_timeout = 86400.0'

# dependency cycles, printed as the cycle, the shortest too
refuses "$S
depends_on = \"app\"" 'c.toml:4: services[0].depends_on: dependency cycle: app -> app'
refuses "$S
depends_on = \"b\"
[[services]]
name = \"b\"
command = \"/bin/sleep\"
depends_on = [\"app\"]" 'services[1].depends_on: dependency cycle: app -> b -> app'
true

# [metrics] listen = ":PORT", as Go writes every address: taken, compiled
# as written, and the server it starts answers on 127.0.0.1
checks '[metrics]
listen = ":9100"'
refuses '[metrics]
listen = ":0"' 'is not ADDRESS:PORT'
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/sd"
tm-ctl -d "$T/sd" serve-metrics ":$PORT" 2>"$T/serve.err" &
spid=$!
waitfor 10 python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/metrics', timeout=1)" \
  || fail "serve-metrics :$PORT does not answer on 127.0.0.1: $(cat "$T/serve.err")"
kill "$spid" ; wait "$spid" 2>/dev/null
