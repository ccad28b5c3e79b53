# The compiled run script passes argv exactly as configured: no shell, no
# word splitting, quotes, backslashes, newlines, empty strings intact.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || fail "python3 needed"
cat > "$T/c.toml" <<TOML
[[services]]
name = "argv"
command = "python3"
args = ["-c", "import sys, json; print(json.dumps(sys.argv[1:]))", "two words", "", "q\"uote", "back\\\\slash", "new\nline", "\$HOME", "*", "{", "}", "tab\there", "--", ";"]
TOML
tm-ctl compile "$T/c.toml" "$T/tree" || fail compile
out=$("$T/tree/argv/run")
assert_eq "$out" '["two words", "", "q\"uote", "back\\slash", "new\nline", "$HOME", "*", "{", "}", "tab\there", "--", ";"]' "argv"
