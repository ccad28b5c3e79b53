# tm-ctl wait, signal and the exit codes of §9.
. "$(dirname "$0")/../lib.sh"
mksvc app 'trap "echo got USR1 >> sig" USR1
while :; do sleep 0.05 ; done'
boot
ns tm-ctl wait -u -t 10 app || fail "not up"
ns tm-ctl signal SIGUSR1 app || fail "signal SIGUSR1"
waitfor 5 grep -q 'got USR1' "$SD/app/sig" || fail "USR1 not delivered"
ns tm-ctl signal usr1 app || fail "signal usr1 (no SIG, lower case)"
ns tm-ctl signal BOGUS app 2>/dev/null ; assert_eq $? 100 "unknown signal"
ns tm-ctl wait -d -t 0.3 app ; assert_eq $? 1 "wait -d timing out"
ns tm-ctl stop app || fail stop
ns tm-ctl wait -d -t 5 app || fail "wait -d"
ns tm-ctl status nosuch >/dev/null 2>&1 ; assert_eq $? 1 "status of an unknown service"
ns tm-ctl start nosuch 2>/dev/null ; assert_eq $? 1 "start of an unknown service"
# VERB --help: that verb's lines
for v in restart logs wait check ; do
  tm-ctl $v --help > "$T/h" 2>&1 ; assert_eq $? 0 "$v --help"
  assert_eq "$(head -n 1 "$T/h")" "usage: tm-ctl [-d SCANDIR] $v ..." "$v --help, first line"
  grep -q "^  $v " "$T/h" || fail "$v --help: $(cat "$T/h")"
  [ "$(wc -l < "$T/h")" -le 4 ] || fail "$v --help printed every verb: $(cat "$T/h")"
done
# a likely typo of a service's name: did you mean
ns tm-ctl status ap > /dev/null 2> "$T/err" ; assert_eq $? 1 "status of a typo"
assert_eq "$(cat "$T/err")" "tm-ctl: unknown service: ap (did you mean app?)" "the typo's message"
ns tm-ctl restart aPp 2> "$T/err" ; assert_eq $? 1 "restart of a typo"
grep -qx 'tm-ctl: fatal: unknown service: aPp (did you mean app?)' "$T/err" || fail "restart of a typo: $(cat "$T/err")"
ns tm-ctl status nosuch > /dev/null 2> "$T/err"
if grep -q 'did you mean' "$T/err" ; then fail "a suggestion for a name like none: $(cat "$T/err")" ; fi
ns tm-ctl frobnicate 2>/dev/null ; assert_eq $? 100 "unknown verb"
ns tm-ctl start 2>/dev/null ; assert_eq $? 100 "start without names"
ns tm-ctl --help >/dev/null ; assert_eq $? 0 "--help"
# a service whose supervisor is gone, with no tm-svscan: reported at once
kill -9 "$NS1" ; wait_exit 5
t0=$(date +%s%N)
tm-ctl wait -u -t 10 app 2>"$T/e" ; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "$rc" 1 "wait with no supervisor"
[ $ms -lt 1000 ] || fail "took ${ms}ms to report no supervisor"
grep -q 'no supervisor' "$T/e" || fail "message: $(cat "$T/e")"
tm-ctl restart app 2>"$T/e" ; assert_eq $? 1 "restart with no supervisor"
grep -q 'no supervisor' "$T/e" || fail "message: $(cat "$T/e")"
tm-ctl list | grep -q 'no supervisor' || fail "list does not flag the missing supervisor"
