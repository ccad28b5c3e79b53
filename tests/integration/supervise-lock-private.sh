# The lock files are root's alone (0600): a local user who could hold a
# shared lock on supervise/lock would make every new supervisor of the
# service believe another one runs, and the service would never come back.
# A plain user's tm-ctl still tells a supervised service from one without.
. "$(dirname "$0")/../lib.sh"
u=tmt$$u
mkuser "$u"
asuser () { ns setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups --reset-env env PATH="$PATH" TM_SCANDIR="$SD" "$@" ; }
mksvc app 'exec sleep 1000'
# a lock file left open to all, and the user's, by an older version
mkdir -p "$SD/app/supervise" ; touch "$SD/app/supervise/lock"
chown "$u" "$SD/app/supervise/lock" ; chmod 644 "$SD/app/supervise/lock"
boot
ns tm-ctl wait -u -t 10 app || fail "app did not come up"
assert_eq "$(stat -c '%a %U' "$SD/app/supervise/lock")" "600 root" "supervise/lock"
assert_eq "$(stat -c '%a %U' "$SD/.tm-svscan/lock")" "600 root" ".tm-svscan/lock"

# the user queues for a shared lock on both (it gets one the moment the
# holder dies), and keeps it
for f in supervise:"$SD/app/supervise/lock" svscan:"$SD/.tm-svscan/lock" ; do
  ( asuser python3 -c '
import fcntl, sys, time
try:
    f = open(sys.argv[1], "r")
except OSError as e:
    print("denied", e) ; sys.exit(0)
print("waiting") ; sys.stdout.flush()
fcntl.lockf(f, fcntl.LOCK_SH)
print("locked") ; sys.stdout.flush()
time.sleep(60)
' "${f#*:}" > "$T/try.${f%%:*}" 2>&1 & )
done
waitfor 10 grep -q . "$T/try.supervise" || fail "the user's attempt did not finish"
waitfor 10 grep -q . "$T/try.svscan" || fail "the user's attempt did not finish"

# the supervisor dies: the new one takes over and the service comes back
pid=$(field app pid)
sup=$(supervisor_pid app)
kill -9 "$sup"
respawned () { local p ; p=$(field app supervisor) ; [ -n "$p" ] && [ "$(supervisor_pid app)" ] && [ "$(field app state)" = RUNNING ] && [ "$(field app pid)" != "$pid" ] ; }
waitfor 10 respawned || fail "the service did not come back: $(grep -c 'another tm-supervise' "$ERR") supervisors refused"
grep -q denied "$T/try.supervise" || fail "the user could open supervise/lock: $(cat "$T/try.supervise")"
grep -q denied "$T/try.svscan" || fail "the user could open .tm-svscan/lock: $(cat "$T/try.svscan")"

# a plain user's view: supervised, and a service whose status names a live
# process that holds no lock is not
asuser tm-ctl list > "$T/list" 2>&1 || fail "tm-ctl list as a user failed: $(cat "$T/list")"
grep -q '^app .*no supervisor' "$T/list" && fail "the user sees app unsupervised: $(cat "$T/list")"
grep -q '^app ' "$T/list" || fail "app not listed: $(cat "$T/list")"
assert_eq "$(asuser tm-ctl status app | sed -n 's/^supervised=//p')" 1 "supervised, for the user"
mkdir -p "$SD/ghost/supervise"
sed -e 's/^name=.*/name=ghost/' -e 's/^supervisor=.*/supervisor=1/' "$SD/app/supervise/status" > "$SD/ghost/supervise/status"
install -m 600 /dev/null "$SD/ghost/supervise/lock"
asuser tm-ctl list > "$T/list" 2>&1
grep -q '^ghost .*no supervisor' "$T/list" || fail "ghost shown as supervised to the user: $(cat "$T/list")"
assert_eq "$(asuser tm-ctl status ghost | sed -n 's/^supervised=//p')" 0 "ghost supervised, for the user"
assert_eq "$(ns tm-ctl status ghost | sed -n 's/^supervised=//p')" 0 "ghost supervised, for root"
exit 0
