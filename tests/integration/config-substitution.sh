# ${VAR}, ${VAR:-default}, ${VAR:?message}, $$ in strings, from the environment.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<'TOML'
[[services]]
name = "a"
command = "/bin/echo"
args = ["${TM_T_SET}", "${TM_T_UNSET:-fallback}", "${TM_T_EMPTY:-empty-fallback}", "cost: $$5", "$HOME stays", "x${TM_T_SET}y"]
env = { FROM = "${TM_T_SET}" }
pre_script = """#!/bin/sh
echo ${NOT_SUBSTITUTED_IN_INLINE_SCRIPTS}
"""
TOML
TM_T_SET=hello TM_T_EMPTY= tm-ctl compile "$T/c.toml" "$T/tree" || fail "compile"
grep -q '"/bin/echo" "hello" "fallback" "empty-fallback" "cost: \$5" "\$HOME stays" "xhelloy"' "$T/tree/a/run" || fail "run: $(tail -n 1 "$T/tree/a/run")"
assert_eq "$(cat "$T/tree/a/env/FROM")" hello "env value"
grep -q 'NOT_SUBSTITUTED_IN_INLINE_SCRIPTS' "$T/tree/a/pre-start" || fail "inline script was substituted"
cat > "$T/bad.toml" <<'TOML'
[[services]]
name = "a"
command = "/bin/echo"
args = ["${TM_T_UNSET}", "${TM_T_UNSET:?set TM_T_UNSET to the API key}", "${bad-name}", "${TM_T_SET"]
TOML
TM_T_SET=hello tm-ctl check "$T/bad.toml" 2> "$T/err" ; assert_eq $? 1 "exit code"
grep -q '^.*bad.toml:4: services\[0\].args\[0\]: environment variable TM_T_UNSET is not set' "$T/err" || fail "unset: $(cat "$T/err")"
grep -q 'args\[1\]: TM_T_UNSET: set TM_T_UNSET to the API key$' "$T/err" || fail ":? message: $(cat "$T/err")"
grep -q 'args\[2\]: invalid substitution ${bad-name}' "$T/err" || fail "bad name: $(cat "$T/err")"
grep -q 'args\[3\]: unterminated ${' "$T/err" || fail "unterminated: $(cat "$T/err")"
