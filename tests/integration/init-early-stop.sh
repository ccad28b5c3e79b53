# A stop request that reaches tm-init before tm-svscan runs (docker stop
# right after docker run) is not lost: the system stops at once, exit 0,
# nothing started. The config is a FIFO, so that the compile waits for us.
. "$(dirname "$0")/../lib.sh"
for cmd in "" "sleep 1000" ; do
  rm -f "$T/c.toml"
  mkfifo "$T/c.toml"
  : > "$STANDIN_LOG"
  rm -rf "$SD"
  boot tm-init -c "$T/c.toml" -d "$SD" ${cmd:+-- $cmd}
  waitfor 5 ns pgrep -f 'tm-ctl compile' || fail "the compile did not start"
  kill -TERM "$NS1"
  sleep 0.2
  kill -0 "$UNSHARE" 2>/dev/null || fail "the early SIGTERM ended tm-init before the compile"
  printf '[[services]]\nname = "app"\ncommand = "standin"\nargs = ["app"]\n' > "$T/c.toml"
  wait_exit 10
  assert_eq "$RC" 0 "exit code after an early SIGTERM (command: ${cmd:-none})"
  [ -z "$(event app start)" ] || fail "app was started (command: ${cmd:-none})"
done
