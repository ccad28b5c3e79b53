# An invalid config: every error printed, exit 1, nothing started. A bad
# option: exit 100; --help: a summary on stdout, exit 0, nothing started;
# --version on all four programs.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[[services]]
name = "a"
command = "standin"
args = ["a"]
[[services]]
name = "b"
command = "/nonexistent/b"
depends_on = "zz"
TOML
boot_init "$T/c.toml"
wait_exit 10
assert_eq "$RC" 1 "exit code"
grep -q 'c.toml:7: services\[1\].command: /nonexistent/b does not exist' "$ERR" || fail "error: $(cat "$ERR")"
grep -q 'c.toml:8: services\[1\].depends_on: no service named "zz"' "$ERR" || fail "error: $(cat "$ERR")"
[ ! -e "$SD/a" ] || fail "a tree was written"
[ -z "$(event a start)" ] || fail "a service started"
# usage
tm-init -x > "$T/out" 2>&1 ; assert_eq $? 100 "tm-init -x"
grep -q 'usage: tm-init' "$T/out" || fail "no usage: $(cat "$T/out")"
for p in tm-init tm-svscan tm-supervise ; do
  TM_SCANDIR="$T/none" $p --help > "$T/out" 2> "$T/err" ; assert_eq $? 0 "$p --help"
  grep -q "^usage: $p " "$T/out" || fail "$p --help: $(cat "$T/out" "$T/err")"
  [ ! -e "$T/none" ] || fail "$p --help started something"
done
# --version (and -V) on all four: "PROGRAM VERSION", the same version
for p in tm-init tm-svscan tm-supervise tm-ctl ; do
  for o in --version -V ; do
    TM_SCANDIR="$T/none" $p $o > "$T/out" 2> "$T/err" ; assert_eq $? 0 "$p $o"
    grep -qx "$p [0-9][0-9.]*" "$T/out" || fail "$p $o: $(cat "$T/out" "$T/err")"
    [ ! -e "$T/none" ] || fail "$p $o started something"
  done
done
assert_eq "$(for p in tm-init tm-svscan tm-supervise tm-ctl ; do $p -V ; done | cut -d' ' -f2 | sort -u | wc -l)" 1 "one version"
