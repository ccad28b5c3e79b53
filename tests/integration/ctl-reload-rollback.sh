# A reload that fails half-way (here: a changed service's run cannot be
# moved, it is a mount point) undoes every change it made: exit 111, the
# failure named, the tree and the services as before, no leftovers. Once
# the cause is gone, the same reload succeeds.
. "$(dirname "$0")/../lib.sh"
cfg () {
  cat > "$1" <<TOML
[[services]]
name = "keep"
command = "standin"
args = ["keep"]
[[services]]
name = "$2"
command = "standin"
args = ["$2"]
[[services]]
name = "chg"
command = "standin"
args = ["chg", "run", "v$3"]
TOML
}
cfg "$T/a.toml" a1 1
cfg "$T/b.toml" b1 2
printf '[timeouts]\nglobal_shutdown_timeout = 9\n' >> "$T/b.toml"
boot_init "$T/a.toml"
ns tm-ctl wait -u -t 10 keep a1 chg || fail "not up"
pids () { for s in keep a1 chg ; do printf '%s=%s ' "$s" "$(field "$s" pid)" ; done ; }
before=$(pids)
cp -a "$SD/.tm-svscan" "$T/globals.before"
ns mount --bind "$SD/chg/run" "$SD/chg/run" || fail "cannot bind-mount"
ns tm-ctl reload "$T/b.toml" > "$T/out" 2> "$T/err" ; rc=$?
assert_eq "$rc" 111 "exit code of the failed reload"
grep -q "tm-ctl: reload: unable to move $SD/chg/run to .*: Device or resource busy" "$T/err" || fail "no reason: $(cat "$T/err")"
grep -q "every change was undone: the services run as before, nothing changed" "$T/err" || fail "no word of the rollback: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "a summary was printed: $(cat "$T/out")"
assert_eq "$(ls "$SD" | tr '\n' ' ')" "a1 chg keep " "the services after the rollback"
grep -q '"v1"' "$SD/chg/run" || fail "chg's run changed"
for f in timeout-shutdown config working-dir ; do
  cmp -s "$SD/.tm-svscan/$f" "$T/globals.before/$f" || fail ".tm-svscan/$f changed: $(cat "$SD/.tm-svscan/$f")"
done
[ ! -e "$SD/.tm-svscan/reload" ] && [ -z "$(ls -A "$SD/.tm-svscan/removed" 2>/dev/null)" ] || fail "leftovers: $(find "$SD/.tm-svscan")"
ns umount "$SD/chg/run" || fail "cannot unmount"
# a reload of the live config changes nothing and has tm-svscan rescan: had
# the failed reload left anything behind, it would show now
ns tm-ctl reload "$T/a.toml" > "$T/out" 2>&1 || fail "reload of the same config: $(cat "$T/out")"
assert_eq "$(cat "$T/out")" "reload: 0 added, 0 removed, 0 restarted, 3 unchanged" "summary of a no-op"
assert_eq "$(pids)" "$before" "the services' pids"
# the same reload, now that it can
ns tm-ctl reload "$T/b.toml" > "$T/out" 2>&1 || fail "the reload after the cause is gone: $(cat "$T/out")"
assert_eq "$(cat "$T/out")" "reload: 1 added, 1 removed, 1 restarted, 1 unchanged" "summary"
ns tm-ctl wait -u -t 10 b1 chg || fail "b1, chg not up"
grep -q '"v2"' "$SD/chg/run" || fail "chg's run not updated"
assert_eq "$(cat "$SD/.tm-svscan/timeout-shutdown")" 9000 "global timeout"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
