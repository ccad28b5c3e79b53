# [control] group changed or removed by tm-ctl reload is applied to the
# running services: the control FIFO (root:GROUP 0620, root:root 0600
# without) and the event fifodir (root:GROUP 3730, group root without),
# with real groups and a real user made for this test. What a member put
# in event/ (a symlink to a root file) is never followed.
. "$(dirname "$0")/../lib.sh"
G1=tmt$$a G2=tmt$$b U=tmt$$u
users_cleanup () {
  local rc=$?
  userdel "$U" 2>/dev/null ; groupdel "$G1" 2>/dev/null ; groupdel "$G2" 2>/dev/null
  (exit $rc) ; cleanup
}
trap users_cleanup EXIT
groupadd "$G1" && groupadd "$G2" || fail "cannot create groups"
useradd -M -N -s /usr/sbin/nologin -G "$G1" "$U" || fail "cannot create user $U"
# as U, with U's groups
asu () { ns setpriv --reuid="$U" --regid="$G1" --init-groups --reset-env env PATH="$PATH" TM_SCANDIR="$SD" "$@" ; }
cfg () {
  { [ -n "$1" ] && printf '[control]\ngroup = "%s"\n' "$1"
    printf '[[services]]\nname = "app"\ncommand = "standin"\nargs = ["app"]\n' ; } > "$T/c.toml"
}
# perms GROUP: the FIFO and event/ as a supervisor would make them for GROUP
perms () {
  if [ -n "$1" ] ; then
    assert_eq "$(stat -c '%a %U %G' "$SD/app/supervise/control")" "620 root $1" "control FIFO with group $1"
    assert_eq "$(stat -c '%a %U %G' "$SD/app/event")" "3730 root $1" "event/ with group $1"
  else
    assert_eq "$(stat -c '%a %U %G' "$SD/app/supervise/control")" "600 root root" "control FIFO without a group"
    assert_eq "$(stat -c '%a %U %G' "$SD/app/event")" "3730 root root" "event/ without a group"
  fi
}
# can_control YES|NO: whether U may restart app and subscribe to its events
can_control () {
  asu tm-ctl restart app --wait -t 10 > "$T/u.out" 2>&1 ; local rc=$?
  if [ "$1" = yes ] ; then
    assert_eq "$rc" 0 "restart by $U: $(cat "$T/u.out")"
    asu mkfifo "$SD/app/event/u$RANDOM" || fail "$U cannot make a FIFO in event/"
  else
    assert_eq "$rc" 1 "restart by $U"
    grep -qi "permission denied" "$T/u.out" || fail "message: $(cat "$T/u.out")"
    asu mkfifo "$SD/app/event/u$RANDOM" 2>/dev/null && fail "$U can still make a FIFO in event/"
  fi
  return 0
}
reload () {
  ns tm-ctl reload > "$T/r.out" 2>&1 || fail "reload: $(cat "$T/r.out")"
  assert_eq "$(cat "$T/r.out")" "reload: 0 added, 0 removed, 0 restarted, 1 unchanged" "summary"
}

cfg "$G1"
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 app || fail "app not up"
perms "$G1"
can_control yes
# a member plants a symlink to a root file in event/
echo secret > "$T/victim" ; chmod 640 "$T/victim"
asu ln -s "$T/victim" "$SD/app/event/zz" || fail "$U cannot write in event/"

cfg "$G2" ; reload
perms "$G2"
can_control no
assert_eq "$(stat -c '%a %U %G' "$T/victim")" "640 root root" "the file a member's symlink points to"

cfg "" ; reload
perms ""
can_control no
assert_eq "$(stat -c '%a %U %G' "$T/victim")" "640 root root" "the file a member's symlink points to"
# a new supervisor keeps it so
sup=$(field app supervisor)
ns kill -9 "$sup"
waitfor 10 sh -c "s=\$(sed -n 's/^supervisor=//p' '$SD/app/supervise/status') ; [ -n \"\$s\" ] && [ \"\$s\" != $sup ]" || fail "no new supervisor"
ns tm-ctl wait -u -t 10 app || fail "app not up after the supervisor's respawn"
perms ""

cfg "$G1" ; reload
perms "$G1"
can_control yes
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
