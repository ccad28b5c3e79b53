# compile is atomic: a failed compile leaves an existing tree untouched, a
# good one replaces it whole; the live tree of a running system is refused.
. "$(dirname "$0")/../lib.sh"
printf '[[services]]\nname = "one"\ncommand = "/bin/true"\n' > "$T/a.toml"
printf '[[services]]\nname = "two"\ncommand = "/bin/true"\n' > "$T/b.toml"
printf '[[services]]\nname = "three"\ncommand = "/nonexistent"\n' > "$T/bad.toml"
tm-ctl compile "$T/a.toml" "$T/tree" || fail "first compile"
[ -x "$T/tree/one/run" ] || fail "no one/run"
ino=$(stat -c %i "$T/tree/one/run")
tm-ctl compile "$T/bad.toml" "$T/tree" 2>/dev/null ; assert_eq $? 1 "bad compile"
assert_eq "$(stat -c %i "$T/tree/one/run")" "$ino" "tree after a failed compile"
[ "$(ls "$T" | grep -c 'tree\.')" = 0 ] || fail "leftovers: $(ls "$T")"
tm-ctl compile "$T/b.toml" "$T/tree" || fail "second compile"
[ -d "$T/tree/two" ] && [ ! -e "$T/tree/one" ] || fail "not replaced whole: $(ls "$T/tree")"
[ "$(ls "$T" | grep -c 'tree\.')" = 0 ] || fail "leftovers: $(ls "$T")"
# a running system's tree
mksvc live 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 live || fail "not up"
tm-ctl compile "$T/a.toml" "$SD" 2> "$T/err" ; assert_eq $? 1 "compile over a live tree"
grep -q 'reload' "$T/err" || fail "message: $(cat "$T/err")"
[ -d "$SD/live" ] || fail "live tree touched"
