# notification-fd: STARTING until the service writes a newline, then RUNNING.
. "$(dirname "$0")/../lib.sh"
mksvc slow 'while [ ! -e go ] ; do sleep 0.05 ; done
echo >&3
exec sleep 1000'
echo 3 > "$SD/slow/notification-fd"
boot
ns tm-ctl wait -u -t 10 slow || fail "not up"
assert_eq "$(field slow state)" STARTING state
assert_eq "$(field slow ready)" 0 ready
ns tm-ctl wait -r -t 0.3 slow && fail "wait -r succeeded before readiness"
touch "$SD/slow/go"
ns tm-ctl wait -r -t 10 slow || fail "never ready"
assert_eq "$(field slow state)" RUNNING state
assert_eq "$(field slow ready)" 1 ready
# the fd is not leaked when unset: a plain service sees only 0 1 2
mksvc plain 'ls /proc/self/fd > fds ; exec sleep 1000'
ns tm-ctl -d "$SD" list >/dev/null
echo a > "$SD/.tm-svscan/control"
waitfor 5 test -s "$SD/plain/fds" || fail "plain never ran"
assert_eq "$(grep -cv '^[012]$' "$SD/plain/fds")" 1 "fds other than 0 1 2 (only ls's own)"
# any readiness fd works, whatever fds the supervisor happens to hold: one
# service per fd from 3 to 24, each also as another user (the fork path)
U=tmt$$r   # unique to this run, removed at cleanup
mkuser "$U"
uid=$(id -u "$U")
for fd in $(seq 3 24) ; do
  for who in root user ; do
    mkdir -p "$SD/fd$fd-$who"
    printf '#!/bin/bash\necho >&%s ; exec sleep 1000\n' "$fd" > "$SD/fd$fd-$who/run"
    chmod 755 "$SD/fd$fd-$who/run"
    echo "$fd" > "$SD/fd$fd-$who/notification-fd"
    [ $who = user ] && echo "$uid" > "$SD/fd$fd-$who/uid"
  done
done
echo a > "$SD/.tm-svscan/control"
for fd in $(seq 3 24) ; do
  ns tm-ctl wait -r -t 10 "fd$fd-root" "fd$fd-user" || fail "readiness on fd $fd never came: $(field fd$fd-root state) $(field fd$fd-user state)"
done
