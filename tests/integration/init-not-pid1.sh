# tm-init not as PID 1: a subreaper that leaves processes outside its tree
# alone, and kills what is left of its own tree at the end.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[[services]]
name = "daemon"
command = "/bin/sh"
args = ["-c", "(setsid sleep 1013 &) ; exec standin daemon"]
TOML
boot sh -c "sleep 1012 & echo \$! > $T/outsider ; tm-init -c $T/c.toml -d $SD ; echo init-exit=\$? ; wait"
waitfor 10 nspgrep -fx 'sleep 1013' || fail "daemon's child did not start"
init=$(nspgrep -f "tm-svscan -d $SD")
kill -TERM "$init"
waitfor 15 grep -q 'init-exit=0' "$LOG" || fail "tm-init did not exit 0: $(cat "$ERR")"
nspgrep -fx 'sleep 1013' >/dev/null && fail "an orphan of its tree survived"
ns kill -0 "$(cat "$T/outsider")" || fail "a process outside its tree was killed"
