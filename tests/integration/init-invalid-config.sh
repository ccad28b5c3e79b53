# An invalid config: every error printed, exit 1, nothing started.
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
