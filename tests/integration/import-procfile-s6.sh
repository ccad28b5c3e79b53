# tm-ctl import-procfile and import-s6: each tests/data/procfile/NAME.Procfile
# and each tests/data/s6/NAME/ directory gives NAME.toml.expected byte for
# byte, valid TOML that tm-ctl check --offline accepts; the error exits; an
# imported Procfile and an imported services.d run for real. UPDATE=1
# rewrites the .expected files instead.
. "$(dirname "$0")/../lib.sh"
DECODER="$TM_BIN/tests/toml-decoder"
[ -x "$DECODER" ] || fail "no $DECODER (make tests builds it)"
SRC=$(cd "$(dirname "$0")/../data" && pwd -P)
DATA="$T/data"
mkdir -p "$DATA" && cp -R "$SRC/procfile" "$SRC/s6" "$DATA/" || fail "cannot copy the data"
DATA=$(cd "$DATA" && pwd -P)

golden () {  # golden VERB INPUT EXPECTED
  tm-ctl "$1" "$2" >"$T/out" 2>"$T/err" ; rc=$?
  assert_eq "$rc" 0 "$2: exit code ($(cat "$T/err"))"
  [ -s "$T/err" ] && fail "$2: wrote to stderr: $(cat "$T/err")"
  same_as_expected "$2" "$3"
  tm-ctl check --offline "$T/out" >"$T/err" 2>&1 || fail "$2: tm-ctl check --offline rejects the output: $(cat "$T/err")"
}
n=0
for f in "$DATA"/procfile/*.Procfile ; do
  golden import-procfile "$f" "$SRC/procfile/$(basename "$f" .Procfile).toml.expected" ; n=$((n + 1))
done
for d in "$DATA"/s6/*/ ; do
  d=${d%/}
  golden import-s6 "$d" "$SRC/s6/${d##*/}.toml.expected" ; n=$((n + 1))
done
[ $n -ge 4 ] || fail "only $n inputs"

# usage, missing input: exit 100, 1; nothing on stdout
for verb in import-procfile import-s6 ; do
  tm-ctl $verb >/dev/null 2>&1 ; assert_eq $? 100 "$verb with no argument"
  tm-ctl $verb a b >/dev/null 2>&1 ; assert_eq $? 100 "$verb with two"
  tm-ctl $verb "$T/nosuch" >"$T/out" 2>"$T/err" ; assert_eq $? 1 "$verb of a missing path"
  grep -q "$T/nosuch" "$T/err" || fail "$verb: the message does not name the path: $(cat "$T/err")"
  [ -s "$T/out" ] && fail "$verb: something on stdout for a missing path"
done

# invalid Procfiles: exit 1 with FILE:LINE:, nothing on stdout
bad () {  # bad LINE TEXT
  printf '%b' "$2" >"$T/bad"
  tm-ctl import-procfile "$T/bad" >"$T/out" 2>"$T/err" ; rc=$?
  assert_eq "$rc" 1 "invalid Procfile $2"
  grep -q "^tm-ctl: fatal: $T/bad:$1: " "$T/err" || fail "invalid Procfile $2: no FILE:$1: in: $(cat "$T/err")"
  [ -s "$T/out" ] && fail "invalid Procfile $2: something on stdout"
}
bad 2 'web: a\nweb x\n'
bad 2 'web: a\nweb: b\n'
bad 1 'we.b: a\n'
bad 3 '# c\n\nweb:   \n'
bad 1 'web: /bin/echo "open\n'
bad 2 'a: b\nweb: \xff\n'
bad 1 'web: a\0b\n'
printf '# nothing\n' >"$T/empty"
tm-ctl import-procfile "$T/empty" >/dev/null 2>"$T/err" ; assert_eq $? 1 "a Procfile without a process"
tm-ctl import-procfile /dev/zero >/dev/null 2>"$T/err" ; assert_eq $? 1 "a device as Procfile"
grep -q "not a regular file" "$T/err" || fail "/dev/zero: $(cat "$T/err")"

# invalid s6 directories
mkdir -p "$T/s6bad/a" "$T/s6empty"
echo longrunn >"$T/s6bad/a/type"
tm-ctl import-s6 "$T/s6bad" >"$T/out" 2>"$T/err" ; assert_eq $? 1 "an unknown type"
grep -q 'a/type: "longrunn" is none of longrun, oneshot, bundle' "$T/err" || fail "unknown type: $(cat "$T/err")"
echo oneshot >"$T/s6bad/a/type"
tm-ctl import-s6 "$T/s6bad" >/dev/null 2>"$T/err" ; assert_eq $? 1 "a oneshot without up"
grep -q 'a: a oneshot with no up file' "$T/err" || fail "no up: $(cat "$T/err")"
tm-ctl import-s6 "$T/s6empty" >/dev/null 2>"$T/err" ; assert_eq $? 1 "no service"
mkdir -p "$T/s6clash/x.y" "$T/s6clash/x-y"
for d in x.y x-y ; do printf '#!/bin/sh\n' >"$T/s6clash/$d/run" ; done
tm-ctl import-s6 "$T/s6clash" >/dev/null 2>"$T/err" ; assert_eq $? 1 "two names that become one"
grep -q 'both become the service name x-y' "$T/err" || fail "clash: $(cat "$T/err")"
# a FIFO planted where a file is expected is refused at once, never read:
# nothing writes to these, so opening them to read would wait forever
mkdir -p "$T/s6fifo/a" "$T/s6fifo/b"
mkfifo "$T/s6fifo/a/type" "$T/s6fifo/b/run" "$T/fifo.Procfile" "$T/fifo.conf"
for args in "import-s6 $T/s6fifo" "import-procfile $T/fifo.Procfile" "import-supervisord $T/fifo.conf" ; do
  timeout 10 tm-ctl $args >/dev/null 2>"$T/err" ; rc=$?
  [ $rc = 124 ] && fail "tm-ctl $args waited on a FIFO"
  assert_eq $rc 1 "tm-ctl $args on a FIFO"
  grep -q "not a regular file" "$T/err" || fail "tm-ctl $args on a FIFO: $(cat "$T/err")"
done
rm "$T/s6fifo/a/type"
printf '#!/bin/sh\n' >"$T/s6fifo/a/run"
timeout 10 tm-ctl import-s6 "$T/s6fifo" >/dev/null 2>"$T/err" ; assert_eq $? 1 "a FIFO as a run script"
grep -q "b/run: not a regular file" "$T/err" || fail "run FIFO: $(cat "$T/err")"

# files over the importers' limits are refused from their size, unread
# (sparse files: reading them would take a while): a Procfile over 1 MiB,
# a supervisord config over 64 MiB
truncate -s 2M "$T/big.Procfile" ; truncate -s 65M "$T/big.conf"
timeout 10 tm-ctl import-procfile "$T/big.Procfile" >/dev/null 2>"$T/err" ; assert_eq $? 1 "a 2 MiB Procfile"
grep -q "bigger than 1048576 bytes: not a Procfile" "$T/err" || fail "big Procfile: $(cat "$T/err")"
timeout 10 tm-ctl import-supervisord "$T/big.conf" >/dev/null 2>"$T/err" ; assert_eq $? 1 "a 65 MiB supervisord.conf"
grep -q "too big for a supervisord config" "$T/err" || fail "big supervisord.conf: $(cat "$T/err")"

# for real: an imported Procfile and services.d boot, print, and a line's
# $PORT is foreman's port when the container sets none
mkdir -p "$T/app/bin"
printf '#!/bin/sh\necho "web on $1"\nexec sleep 1000\n' >"$T/app/bin/web" ; chmod 755 "$T/app/bin/web"
printf 'web: ./bin/web $PORT\nworker: /bin/sh -c '"'"'echo worker in $(pwd) ; exec sleep 1000'"'"'\n' >"$T/app/Procfile"
tm-ctl import-procfile "$T/app/Procfile" >"$T/p.toml" || fail "import of the app's Procfile"
unset PORT
boot_init "$T/p.toml"
waitfor 10 grep -q '^\[web *\] web on 5000$' "$ERR" "$LOG" || fail "web did not print its port"
waitfor 10 grep -q "^\[worker\] worker in $T/app\$" "$ERR" "$LOG" || fail "worker did not run in the Procfile's directory"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code after SIGTERM"

mkdir -p "$T/sd/hello"
printf '#!/command/with-contenv sh\necho "hello from $GREETING"\nexec sleep 1000\n' >"$T/sd/hello/run" ; chmod 755 "$T/sd/hello/run"
tm-ctl import-s6 "$T/sd" >"$T/s.toml" || fail "import of services.d"
GREETING=tm boot_init "$T/s.toml"
waitfor 10 grep -q '^\[hello\] hello from tm$' "$ERR" "$LOG" || fail "the imported run script did not run"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code after SIGTERM"
