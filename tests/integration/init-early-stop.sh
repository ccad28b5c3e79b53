# A stop request that reaches tm-init before tm-svscan runs (docker stop
# right after docker run) is not lost: the system stops at once, exit 0,
# nothing started. tm-init runs a tm-ctl beside it that waits at a gate (a
# FIFO) before it compiles, so that the compile waits for us. (The config
# itself cannot be a FIFO: tm-ctl refuses anything but a regular file.)
. "$(dirname "$0")/../lib.sh"
mkdir "$T/bin"
cp "$TM_BIN/tm-init" "$T/bin/"
cat > "$T/bin/tm-ctl" <<SH
#!/bin/sh
read gate < "$T/gate"
exec "$TM_BIN/tm-ctl" "\$@"
SH
chmod 755 "$T/bin/tm-ctl"
printf '[[services]]\nname = "app"\ncommand = "standin"\nargs = ["app"]\n' > "$T/c.toml"
for cmd in "" "sleep 1000" ; do
  rm -f "$T/gate"
  mkfifo "$T/gate"
  : > "$STANDIN_LOG"
  rm -rf "$SD"
  boot "$T/bin/tm-init" -c "$T/c.toml" -d "$SD" ${cmd:+-- $cmd}
  waitfor 5 ns pgrep -f "$T/bin/tm-ctl compile" || fail "the compile did not start"
  kill -TERM "$NS1"
  sleep 0.2
  kill -0 "$UNSHARE" 2>/dev/null || fail "the early SIGTERM ended tm-init before the compile"
  echo open > "$T/gate"
  wait_exit 10
  assert_eq "$RC" 0 "exit code after an early SIGTERM (command: ${cmd:-none})"
  [ -z "$(event app start)" ] || fail "app was started (command: ${cmd:-none})"
done
