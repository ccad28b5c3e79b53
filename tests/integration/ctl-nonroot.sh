# A user without write access to the FIFOs can read the status but not
# control services: exit 1 with "permission denied".
. "$(dirname "$0")/../lib.sh"
id tmtest >/dev/null 2>&1 || useradd -M -r -s /usr/sbin/nologin tmtest || fail "cannot create user tmtest"
mksvc app 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 app || fail "app did not come up"
pid=$(field app pid)
asuser () { ns setpriv --reuid=tmtest --regid=tmtest --clear-groups --reset-env env PATH="$PATH" TM_SCANDIR="$SD" "$@" ; }
asuser tm-ctl status app > "$T/st" 2>&1 || fail "non-root status failed: $(cat "$T/st")"
grep -q '^state=RUNNING$' "$T/st" || fail "non-root status: $(cat "$T/st")"
asuser tm-ctl list > "$T/ls" 2>&1 || fail "non-root list failed: $(cat "$T/ls")"
asuser tm-ctl restart app > "$T/rs" 2>&1 ; rc=$?
assert_eq "$rc" 1 "exit code of non-root restart"
grep -qi 'permission denied' "$T/rs" || fail "no 'permission denied' message: $(cat "$T/rs")"
asuser tm-ctl shutdown > "$T/sd" 2>&1 ; rc=$?
assert_eq "$rc" 1 "exit code of non-root shutdown"
assert_eq "$(field app pid)" "$pid" "pid after refused restart"
