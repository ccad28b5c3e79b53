# tm-ctl check prints every error of a bad config, each with its line and
# key path, in one run; exit 1.
. "$(dirname "$0")/../lib.sh"
cd "$(dirname "$0")/../data/config"
tm-ctl check bad.toml > "$T/out" 2> "$T/err" ; rc=$?
assert_eq "$rc" 1 "exit code"
diff -u bad.expected "$T/err" >&2 || fail "the errors differ from bad.expected"
tm-ctl check syntax.toml 2> "$T/err" ; assert_eq $? 1 "syntax error exit code"
grep -q '^syntax.toml:4: TOML syntax error' "$T/err" || fail "syntax error: $(cat "$T/err")"
tm-ctl check nosuchfile.toml 2> "$T/err" ; assert_eq $? 1 "missing file"
grep -q 'nosuchfile.toml' "$T/err" || fail "missing file message: $(cat "$T/err")"
tm-ctl check --offline good.toml > "$T/out" || fail "good.toml rejected: $(cat "$T/out")"
assert_eq "$(cat "$T/out")" "ok: 3 services" "check output"
