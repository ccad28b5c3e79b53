# Concurrent tm-ctl reloads take turns (one lock for the whole reload):
# three rounds of three at once, alternating two configs, leave a tree that
# is exactly one of the two, no leftovers (work space, removed services),
# every service supervised from its live directory with the files of that
# config, and controllable. The lock is root's alone.
. "$(dirname "$0")/../lib.sh"
# cfg FILE ONLY VERSION: keep, ONLY (a1 or b1), chg running "run vVERSION"
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
depends_on = "keep"
[[services]]
name = "chg"
command = "standin"
args = ["chg", "run", "v$3"]
TOML
}
cfg "$T/a.toml" a1 1
cfg "$T/b.toml" b1 2
boot_init "$T/a.toml"
ns tm-ctl wait -u -t 10 keep a1 chg || fail "not up"

check_tree () {
  local set v s sup pid
  ls -d "$SD".* 2>/dev/null && fail "leftovers beside the tree: $(ls -d "$SD".*)"
  [ ! -e "$SD/.tm-svscan/reload" ] || fail "the reload work space was left: $(find "$SD/.tm-svscan/reload")"
  [ -z "$(ls -A "$SD/.tm-svscan/removed" 2>/dev/null)" ] || fail "removed services left: $(ls -R "$SD/.tm-svscan/removed")"
  set=$(ls "$SD" | sort | tr '\n' ' ')
  case "$set" in
    "a1 chg keep ") v=1 ;;
    "b1 chg keep ") v=2 ;;
    *) fail "the tree is neither config: $set" ;;
  esac
  grep -q "\"v$v\"" "$SD/chg/run" || fail "chg's run is not that of config $v: $(tail -n 1 "$SD/chg/run")"
  for s in $set ; do
    ns tm-ctl wait -u -t 10 "$s" || fail "$s is not up: $(tm-ctl list)"
    sup=$(field "$s" supervisor)
    assert_eq "$(ns readlink "/proc/$sup/cwd")" "$SD/$s" "working directory of the supervisor of $s"
    pid=$(field "$s" pid)
    [ "$s" != chg ] || ns grep -q "v$v" "/proc/$pid/cmdline" || fail "chg runs $(ns tr '\0' ' ' < /proc/$pid/cmdline), not v$v"
    ns tm-ctl restart --wait -t 10 "$s" > "$T/rs" 2>&1 || fail "$s is not controllable: $(cat "$T/rs")"
  done
  # nothing runs from a removed service's directory
  ns sh -c 'for p in /proc/[0-9]*/cwd ; do readlink "$p" ; done' 2>/dev/null | grep -vx "$SD\(/keep\|/a1\|/b1\|/chg\)\?" | grep "^$SD" && fail "something runs outside the live tree"
  return 0
}

for round in 1 2 3 ; do
  pids=
  for f in a b a ; do
    ns tm-ctl reload "$T/$f.toml" > "$T/r$round$f.$RANDOM.out" 2>&1 &
    pids="$pids $!"
  done
  for p in $pids ; do wait "$p" || fail "round $round: a reload failed: $(cat "$T"/r$round*)" ; done
  check_tree
done
grep -l "another reload runs" "$T"/r*.out >/dev/null || fail "no reload ever waited for another"

# the lock: a regular file only root may open
assert_eq "$(stat -c '%a %U %F' "$SD/.tm-svscan/reload-lock")" "600 root regular empty file" "the reload lock"
id nobody >/dev/null 2>&1 && {
  ns setpriv --reuid=nobody --regid=nogroup --clear-groups env PATH="$PATH" TM_SCANDIR="$SD" tm-ctl reload "$T/a.toml" > "$T/nr" 2>&1 ; rc=$?
  assert_eq "$rc" 1 "exit code of a reload by nobody"
  grep -q "permission denied: only root may reload" "$T/nr" || fail "message: $(cat "$T/nr")"
}
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
