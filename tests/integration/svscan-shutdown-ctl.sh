# tm-ctl shutdown stops everything; SIGINT and SIGHUP do too.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1000'
for how in ctl INT HUP ; do
  boot
  ns tm-ctl wait -u -t 10 app || fail "not up ($how)"
  case $how in ctl) ns tm-ctl shutdown || fail "tm-ctl shutdown failed" ;; *) kill -$how "$NS1" ;; esac
  wait_exit 20
  assert_eq "$RC" 0 "exit code after $how"
  assert_eq "$(field app state)" STOPPED "state after $how"
done
# no tm-svscan: shutdown says so, exit 1
tm-ctl shutdown 2>"$T/e" ; rc=$?
assert_eq "$rc" 1 "shutdown without tm-svscan"
grep -q 'no tm-svscan' "$T/e" || fail "message: $(cat "$T/e")"
