# event/ is writable by the [control] group: root writes its notification
# byte only to a listener's FIFO there, never through a symlink a member
# made, nor into a file, nor into a FIFO linked from elsewhere.
. "$(dirname "$0")/../lib.sh"
g=tmt$$g ; u=tmt$$a
mkgroup "$g" ; mkuser "$u" "$g"
asuser () { ns setpriv --reuid="$u" --regid="$g" --init-groups --reset-env env PATH="$PATH" "$@" ; }
mksvc web 'exec sleep 1000'
mkdir -p "$SD/.tm-svscan"
getent group "$g" | cut -d: -f3 > "$SD/.tm-svscan/control-gid"
printf 'ROOTFILE' > "$T/victim" ; chmod 644 "$T/victim"
mkdir -m 777 "$T/u"
boot
ns tm-ctl wait -u -t 10 web || fail "web did not come up"
ev="$SD/web/event"
asuser touch "$ev/probe" || fail "event/ is not writable by the group: $(stat -c '%a %G' "$ev")"
rm -f "$ev/probe"

# listen FIFO OUT [noread]: as the member (in the namespace: it dies with
# it), make FIFO, keep it open, copy what comes to OUT, or never read; the
# FIFO is open once OUT.ready exists
listen () {
  ( asuser python3 -c '
import os, sys, time
fifo, out = sys.argv[1], sys.argv[2]
if not os.path.exists(fifo): os.mkfifo(fifo, 0o600)
fd = os.open(fifo, os.O_RDWR)
open(out + ".ready", "w").close()
while True:
    if len(sys.argv) > 3: time.sleep(1) ; continue
    b = os.read(fd, 64)
    with open(out, "ab") as f: f.write(b)
' "$@" & )
}

# what a member leaves there
asuser ln -s "$T/victim" "$ev/link" || fail "cannot make the symlink"
asuser sh -c "printf OWNFILE > '$ev/own'" || fail "cannot make the file"
asuser mkdir "$ev/dir" || fail "cannot make the directory"
asuser mkfifo "$T/u/fifo" && asuser ln "$T/u/fifo" "$ev/alias" || fail "cannot link a FIFO"
listen "$T/u/fifo" "$T/u/alias.got"
# a FIFO whose reader never reads must not hold the supervisor up
listen "$ev/stuck" "$T/u/stuck.got" noread
# a listener's FIFO, which gets its bytes: the proof that notifications went out
listen "$ev/listener" "$T/u/listener.got"
for f in alias listener stuck ; do waitfor 10 test -e "$T/u/$f.got.ready" || fail "listener $f did not start" ; done

for i in 1 2 3 ; do
  ns tm-ctl restart web --wait -t 10 >/dev/null || fail "restart $i did not complete"
done
waitfor 5 test -s "$T/u/listener.got" || fail "the listener's FIFO got no notification"
assert_eq "$(cat "$T/victim")" ROOTFILE "the file behind the symlink"
assert_eq "$(cat "$ev/own")" OWNFILE "the member's regular file"
[ -d "$ev/dir" ] || fail "the directory is gone"
[ -s "$T/u/alias.got" ] && fail "the FIFO linked from elsewhere got bytes: $(cat "$T/u/alias.got")"
exit 0
