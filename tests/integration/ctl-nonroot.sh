# A user without write access to the FIFOs can read the status but not
# control services: exit 1 with "permission denied".
. "$(dirname "$0")/../lib.sh"
U=tmt$$u G=tmt$$g M=tmt$$m   # unique to this run, removed at cleanup
mkuser "$U"
mksvc app 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 app || fail "app did not come up"
pid=$(field app pid)
asuser () { ns setpriv --reuid="$U" --regid="$U" --clear-groups --reset-env env PATH="$PATH" TM_SCANDIR="$SD" "$@" ; }
asuser tm-ctl status app > "$T/st" 2>&1 || fail "non-root status failed: $(cat "$T/st")"
grep -q '^state=RUNNING$' "$T/st" || fail "non-root status: $(cat "$T/st")"
asuser tm-ctl list > "$T/ls" 2>&1 || fail "non-root list failed: $(cat "$T/ls")"
asuser tm-ctl restart app > "$T/rs" 2>&1 ; rc=$?
assert_eq "$rc" 1 "exit code of non-root restart"
grep -qi 'permission denied' "$T/rs" || fail "no 'permission denied' message: $(cat "$T/rs")"
asuser tm-ctl shutdown > "$T/sd" 2>&1 ; rc=$?
assert_eq "$rc" 1 "exit code of non-root shutdown"
assert_eq "$(field app pid)" "$pid" "pid after refused restart"

# [control] group: its members may control services (FIFO 0620) and wait
mkgroup "$G"
mkuser "$M" "$G"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
cat > "$T/c.toml" <<TOML
[control]
group = "$G"
[[services]]
name = "app"
command = "standin"
args = ["app"]
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 app || fail "app not up"
assert_eq "$(stat -c '%a %G' "$SD/app/supervise/control")" "620 $G" "control FIFO mode and group"
pid=$(field app pid)
ns setpriv --reuid="$M" --regid="$M" --init-groups --reset-env env PATH="$PATH" TM_SCANDIR="$SD" tm-ctl restart app --wait -t 10 > "$T/g" 2>&1 || fail "group member cannot restart: $(cat "$T/g")"
[ "$(field app pid)" != "$pid" ] || fail "not restarted"
asuser tm-ctl restart app > "$T/rs" 2>&1 ; assert_eq $? 1 "non-member restart"
