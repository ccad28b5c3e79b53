# The static release (make dist) runs a real system from a root that holds
# only the unpacked tarball, /etc/passwd, /etc/group, a static test service
# and its services.toml (no libc, no shell, no execline), as a container
# would get it: chroot in a PID namespace, /proc mounted inside, /dev with
# its usual nodes, a tmpfs on /run. Services start, a user switch works, a
# tcp healthcheck works, `tm-ctl restart --wait` works, SIGTERM gives exit
# 0, the main command's exit code comes out. Then again as an arbitrary
# uid without a passwd entry, with the root read-only.
. "$(dirname "$0")/../lib.sh"
DIST=$TM_BIN/dist
[ -f "$DIST/SKIP" ] && skip "$(cat "$DIST/SKIP")"
tarball=$(ls "$DIST"/tm-*.tar.gz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || skip "no static release in $DIST (make dist; the sanitizer build has none)"
command -v musl-gcc >/dev/null || skip "musl-gcc needed for the static test service"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
unset TM_SCANDIR      # tm-ctl in the root uses its default, /run/tm/services
U=tmt$$u
trap 'rc=$? ; userdel -f "$U" 2>/dev/null ; (exit $rc) ; cleanup' EXIT
useradd -M -r -s /usr/sbin/nologin "$U" || fail "useradd $U"
uid=$(id -u "$U") gid=$(id -g "$U")

R=$T/root
mkdir -p "$R"
tar -xzf "$tarball" -C "$R" || fail "unpack $tarball"
# the archive holds no directory entries: nothing of an image is replaced
[ -z "$(tar -tzvf "$tarball" | grep '^d')" ] || fail "directory entries in the tarball"
for p in tm-init tm-svscan tm-supervise tm-ctl ; do
  file "$R/usr/local/bin/$p" | grep -q 'statically linked' || fail "$p is not static: $(file "$R/usr/local/bin/$p")"
done
for l in tm-orchestrator go-overlay entrypoint ; do
  assert_eq "$(readlink "$R/usr/local/bin/$l")" tm-ctl "compat link $l"
done
mkdir -p "$R/etc/tm" "$R/svc" "$R/proc" "$R/run" "$R/dev"
printf 'root:x:0:0:root:/root:/nonexistent\n%s:x:%s:%s::/nonexistent:/nonexistent\n' "$U" "$uid" "$gid" > "$R/etc/passwd"
printf 'root:x:0:\n%s:x:%s:\n' "$U" "$gid" > "$R/etc/group"
musl-gcc -static -Os -o "$R/svc/tmsvc" "$TOP/tests/bin/tmsvc.c" || fail "build the static test service"
# nothing else: no shell, no libc, no execlineb
[ ! -e "$R/bin" ] && [ ! -e "$R/lib" ] && [ ! -e "$R/usr/bin" ] && [ ! -e "$R/usr/lib" ] || fail "the root holds more than it should: $(ls "$R" "$R/usr")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null) || port=$((20000 + $$ % 20000))

config () {  # config WITH_USER
  cat <<TOML
[[services]]
name = "hello"
command = "/svc/tmsvc"
args = ["print", "hello from a static root", "two words"]

[[services]]
name = "web"
command = "/svc/tmsvc"
args = ["listen", "$port"]
$1
[services.healthcheck]
tcp = "127.0.0.1:$port"
interval = 0.3

[[services]]
name = "job"
type = "oneshot"
command = "/svc/tmsvc"
args = ["exit", "0"]

[[services]]
name = "app"
command = "/svc/tmsvc"
args = ["print", "app up"]
depends_on = ["web", "job"]
TOML
  [ -n "$1" ] && printf '\n[[services]]\nname = "who"\ncommand = "/svc/tmsvc"\nargs = ["id"]\n%s\n' "$1"
}

# bootroot RO USERSPEC [MAIN...]: tm-init as PID 1 of a new PID namespace,
# chrooted into $R
bootroot () {
  local ro=$1 userspec=$2 ; shift 2
  local setup="set -e
    [ $ro = 0 ] || { mount --bind '$R' '$R' ; mount -o remount,bind,ro '$R' ; }
    mount -t proc proc '$R/proc'
    mount -t tmpfs -o mode=1777 tmpfs '$R/run'
    mount -t tmpfs -o mode=755 tmpfs '$R/dev'
    for n in null zero full random urandom tty ; do touch '$R/dev/'\$n ; mount --bind /dev/\$n '$R/dev/'\$n ; done
    exec /usr/bin/env -i PATH=/usr/local/bin TERM=dumb /usr/sbin/chroot --userspec=$userspec '$R' /usr/local/bin/tm-init \"\$@\""
  boot /bin/sh -c "$setup" tm-init "$@"
  waitfor 10 sh -c "[ -e '/proc/$NS1/root/run/tm/services/.tm-svscan/status' ] || ! kill -0 $UNSHARE 2>/dev/null" \
    || fail "tm-svscan did not start: $(cat "$ERR")"
}

# inroot [-u UID] CMD...: CMD from the root (its own static tm-ctl), in the namespace
inroot () {
  local as=
  [ "$1" = -u ] && { as="-S $2 -G $2" ; shift 2 ; }
  nsenter -t "$NS1" -p -m -r -w $as -- "$@"
}
status_of () {  # status_of NAME KEY
  sed -n "s/^$2=//p" "/proc/$NS1/root/run/tm/services/$1/supervise/status" 2>/dev/null
}

check_system () {  # check_system UID
  local as="-u $1"
  [ "$1" = 0 ] && as=
  inroot $as /usr/local/bin/tm-ctl wait -r -t 15 hello web app > "$T/wait" 2>&1 \
    || fail "not ready: $(cat "$T/wait") $(inroot /usr/local/bin/tm-ctl list 2>&1) $(cat "$ERR")"
  inroot /usr/local/bin/tm-ctl list > "$T/list" 2>&1 || fail "tm-ctl list in the root: $(cat "$T/list")"
  assert_eq "$(status_of job reason)" completed "the oneshot"
  assert_eq "$(status_of web health)" healthy "web's tcp healthcheck"
  waitfor 5 grep -q '^\[hello *\] hello from a static root$' "$LOG" || fail "hello's line: $(cat "$LOG")"
  grep -q '^\[hello *\] two words$' "$LOG" || fail "hello's argv: $(cat "$LOG")"
  local old ; old=$(status_of app pid)
  inroot $as /usr/local/bin/tm-ctl restart app --wait -t 10 > "$T/rs" 2>&1 || fail "restart --wait: $(cat "$T/rs") $(cat "$ERR")"
  [ "$(status_of app pid)" != "$old" ] || fail "app not restarted"
  [ "$(status_of app state)" = RUNNING ] || fail "app after restart: $(status_of app state)"
}

# 1. as root: services, a user switch, health, restart --wait, SIGTERM -> 0
config "user = \"$U\"" > "$R/etc/tm/services.toml"
bootroot 0 0:0
check_system 0
waitfor 5 grep -q "^\[who *\] uid=$uid gid=$gid groups=1\$" "$LOG" || fail "the user switch: $(grep who "$LOG")"
assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$NS1/root/proc/$(status_of web pid)/status")" "$uid" "web's uid"
grep -q 'unable to spawn' "$ERR" && fail "a spawn failed: $(cat "$ERR")"
kill -TERM "$NS1" ; wait_exit 30
assert_eq "$RC" 0 "exit code after SIGTERM"

# 2. the main command's exit code comes out of tm-init
: > "$LOG"
bootroot 0 0:0 -- /svc/tmsvc exit 7
wait_exit 30
assert_eq "$RC" 7 "exit code of the main command"
grep -q '^\[app *\] app up$' "$LOG" || fail "the services did not run before the main command: $(cat "$LOG")"

# 3. as an arbitrary uid (no passwd entry), the root read-only, a tmpfs on /run
config "" > "$R/etc/tm/services.toml"
: > "$LOG"
bootroot 1 12345:12345
nsenter -t "$NS1" -m -- touch "$R/etc/probe" 2>/dev/null && fail "the root is writable in the namespace"
check_system 12345
assert_eq "$(stat -c %u "/proc/$NS1/root/run/tm/services/web/supervise/status")" 12345 "owner of the status files"
assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$NS1/status")" 12345 "PID 1's uid"
grep -q 'unable to spawn' "$ERR" && fail "a spawn failed: $(cat "$ERR")"
kill -TERM "$NS1" ; wait_exit 30
assert_eq "$RC" 0 "exit code after SIGTERM (uid 12345)"
