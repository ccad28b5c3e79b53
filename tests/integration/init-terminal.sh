# The main command runs on tm-init's terminal, in the foreground process
# group (so that `docker run -it image bash` works and Ctrl-C reaches bash,
# not PID 1). util-linux's script(1) gives us a pseudo-terminal.
. "$(dirname "$0")/../lib.sh"
command -v script >/dev/null || skip "no script(1)"
cat > "$T/c.toml" <<TOML
[[services]]
name = "app"
command = "standin"
args = ["app"]
TOML
cat > "$T/cmd" <<'SH'
#!/bin/sh
# the foreground group of our terminal is our own group, and it is not PID 1's
tty > "$OUT.tty"
echo "$(ps -o pgid= -p $$) $(ps -o tpgid= -p $$) $(ps -o pgid= -p 1)" > "$OUT.groups"
SH
chmod 755 "$T/cmd"
OUT="$T/r" script -qec "$PIDNS env OUT=$T/r tm-init -c $T/c.toml -d $SD -- $T/cmd" /dev/null > "$T/script.out" 2>&1
rc=$?
assert_eq "$rc" 0 "exit code through script(1)"
grep -q '^/dev/pts/' "$T/r.tty" || fail "the command has no terminal: $(cat "$T/r.tty" 2>/dev/null) $(cat "$T/script.out")"
read -r pgid tpgid init_pgid < "$T/r.groups"
assert_eq "$tpgid" "$pgid" "terminal's foreground group vs the command's group"
[ "$pgid" != "$init_pgid" ] || fail "the command runs in PID 1's process group"
