# A service gets the open-files soft limit, the signal mask and the
# real-time signal dispositions its container gave tm-init, not those
# tm-svscan and tm-supervise run with (a raised limit; stop signals held
# blocked; glibc's own signals ignored by posix_spawn).
. "$(dirname "$0")/../lib.sh"
# the container: a low soft limit, a real-time signal ignored, two blocked
container='ulimit -Sn 1024 ; exec env --default-signal=INT,QUIT --ignore-signal=RTMIN+2 --block-signal=USR1,RTMIN+4'
# the probe, with no shell in between (dash clears the mask)
probe="grep -h -E '^(SigIgn|SigBlk|Max open files)' /proc/self/status /proc/self/limits"
sh -c "$container $probe" > "$T/container.out" || fail "the container probe failed"
grep -q '^SigBlk:.*[1-9a-f]' "$T/container.out" || fail "the probe shows no blocked signal: $(cat "$T/container.out")"
cat > "$T/c.toml" <<TOML
[[services]]
name = "probe"
command = "grep"
args = ["-h", "-E", "^(SigIgn|SigBlk|Max open files)", "/proc/self/status", "/proc/self/limits"]
restart = "never"
TOML
rm -rf "$SD"
boot sh -c "$container tm-init -c $T/c.toml -d $SD"
waitfor 10 sh -c "[ \$(grep -c '^\[probe\] ' '$LOG') -ge 3 ]" || fail "the service did not report"
sed -n 's/^\[probe\] //p' "$LOG" > "$T/service.out"
diff "$T/container.out" "$T/service.out" > "$T/diff" || fail "the service's limit and signals differ from the container's: $(cat "$T/diff")"
exit 0
