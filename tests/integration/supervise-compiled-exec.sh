# A compiled run (and health/check) is read once by tm-supervise and its
# command exec'd directly: no execlineb at run time (here the #! line names
# one that does not exist), one exec fewer per start. A run edited into
# anything else is exec'd as it is. A spawn failure names the service and
# the program that could not be executed, on stderr and in the status.
. "$(dirname "$0")/../lib.sh"
printf '#!/bin/sh\nexec sleep 1000\n' > "$T/gone" && chmod 755 "$T/gone"
cat > "$T/c.toml" <<TOML
[[services]]
name = "direct"
command = "/bin/sh"
args = ["-c", "printf '%s|' \"\$0\" \"\$1\" \"\$2\" > $T/direct.out ; exec sleep 1000", "two words", "q\"uote\\\\", ""]
[services.healthcheck]
command = ["/bin/sh", "-c", "test -s $T/direct.out"]
interval = 0.3

[[services]]
name = "edited"
command = "/bin/sh"
args = ["-c", "printf '%s|' \"\$@\" > $T/edited.out ; exec sleep 1000", "sh"]

[[services]]
name = "missing"
command = "$T/gone"
restart = "never"
TOML
tm-ctl compile "$T/c.toml" "$SD" || fail "compile"
for f in direct/run direct/health/check ; do
  sed -i '1s|^#!.*$|#!/nonexistent/execlineb -P|' "$SD/$f"
done
printf '"extra"\n' >> "$SD/edited/run"      # execlineb reads it as one more word
rm -f "$T/gone"
mkdir -p "$SD/hand" && printf '#!/nonexistent/interp\nexit 0\n' > "$SD/hand/run" && chmod 755 "$SD/hand/run"
boot
# the tree was there before tm-svscan: wait for it to run (tm-ctl wait
# gives up on a service no supervisor will ever come for)
waitfor 10 test -e "$SD/.tm-svscan/status" || fail "tm-svscan did not start: $(cat "$ERR")"
ns tm-ctl wait -r -t 10 direct edited || fail "not ready: $(ns tm-ctl list) $(cat "$ERR")"
assert_eq "$(cat "$T/direct.out")" 'two words|q"uote\||' "argv of the directly exec'd command"
assert_eq "$(field direct health)" healthy "health of the directly exec'd check"
assert_eq "$(cat "$T/edited.out")" 'extra|' "argv of an edited run (exec'd by execlineb)"
pid=$(field direct pid)
# the service is the command itself, a child of its supervisor
assert_eq "$(ns cat /proc/$pid/comm)" sleep "the service's process"
waitfor 10 sh -c "grep -q '^state=FAILED' '$SD/missing/supervise/status'" || fail "missing not FAILED: $(cat "$SD/missing/supervise/status")"
assert_eq "$(field missing reason)" "unable to spawn $T/gone: No such file or directory" "reason of missing"
assert_eq "$(field missing exit_code)" 127 "exit code of missing"
grep -qF "tm-supervise: warning: missing: unable to spawn $T/gone: No such file or directory" "$ERR" || fail "no message for missing: $(cat "$ERR")"
want="unable to spawn /nonexistent/interp (the interpreter of run): No such file or directory"
waitfor 10 grep -qF "tm-supervise: warning: hand: $want" "$ERR" || fail "no message for hand: $(cat "$ERR")"
waitfor 5 sh -c "grep -qF 'reason=$want' '$SD/hand/supervise/status'" || fail "reason of hand: $(cat "$SD/hand/supervise/status")"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
