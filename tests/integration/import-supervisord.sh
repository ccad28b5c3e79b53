# tm-ctl import-supervisord: every tests/data/supervisord/NAME.conf gives
# NAME.toml.expected byte for byte, as valid TOML that tm-ctl check accepts;
# then the error exits. UPDATE=1 rewrites the .expected files instead.
. "$(dirname "$0")/../lib.sh"
SRC=$(cd "$(dirname "$0")/../data/supervisord" && pwd -P)
DECODER="$TM_BIN/tests/toml-decoder"
[ -x "$DECODER" ] || fail "no $DECODER (make tests builds it)"

# %(here)s makes absolute paths: run on a copy whose path always has the
# same length (so that lines wrap alike), shown as @DATA@ in .expected
DATA="$T/data"
cp -R "$SRC" "$DATA" || fail "cannot copy $SRC"
DATA=$(cd "$DATA" && pwd -P)

has_check=0
if tm-ctl check --help >/dev/null 2>&1 && tm-ctl --help 2>&1 | grep -q '^ *check ' ; then has_check=1 ; fi

n=0
for conf in "$DATA"/*.conf ; do
  name=${conf##*/}
  expected="$SRC/${name%.conf}.toml.expected"
  (cd "$DATA" && tm-ctl import-supervisord "$name") >"$T/out" 2>"$T/err" ; rc=$?
  assert_eq "$rc" 0 "$name: exit code ($(cat "$T/err"))"
  [ -s "$T/err" ] && fail "$name: wrote to stderr: $(cat "$T/err")"
  same_as_expected "$name" "$expected"
  if [ $has_check = 1 ] ; then
    # the ${VARIABLES} the data files refer to
    GUNICORN_WORKERS=4 API_TOKEN=t0k3n HOSTNAME=box tm-ctl check --offline "$T/out" >"$T/err" 2>&1 \
      || fail "$name: tm-ctl check --offline rejects the output: $(cat "$T/err")"
  fi
  n=$((n + 1))
done
[ $n -ge 4 ] || fail "only $n data files in $SRC"

# no FILE: usage; two: usage
tm-ctl import-supervisord >/dev/null 2>"$T/err" ; assert_eq $? 100 "no FILE"
tm-ctl import-supervisord a b >/dev/null 2>"$T/err" ; assert_eq $? 100 "two FILEs"

# a missing file: exit 1, named, nothing on stdout
tm-ctl import-supervisord "$T/nosuch.conf" >"$T/out" 2>"$T/err" ; assert_eq $? 1 "missing file"
grep -q "nosuch.conf" "$T/err" || fail "missing file: the message does not name it: $(cat "$T/err")"
[ -s "$T/out" ] && fail "missing file: something on stdout"

# invalid files: exit 1 with FILE:LINE, nothing on stdout
bad () {  # bad LINE TEXT: the file TEXT fails at LINE
  printf '%b' "$2" >"$T/bad.conf"
  tm-ctl import-supervisord "$T/bad.conf" >"$T/out" 2>"$T/err" ; rc=$?
  assert_eq "$rc" 1 "invalid file $2"
  grep -q "^tm-ctl: fatal: $T/bad.conf:$1: " "$T/err" || fail "invalid file $2: no FILE:$1: in: $(cat "$T/err")"
  [ -s "$T/out" ] && fail "invalid file $2: something on stdout"
}
bad 3 '[program:a]\ncommand=/bin/true\nno equals sign\n'
bad 1 '[program:a\ncommand=/bin/true\n'
bad 1 'command=/bin/true\n'
bad 3 '[program:a]\ncommand=/bin/true\nautostart=maybe\n'
bad 3 '[program:a]\ncommand=/bin/true\nautorestart=sometimes\n'
bad 2 '[program:a]\ncommand=/bin/echo "unclosed\n'
bad 2 '[program:a]\ncommand=/bin/date +%Y\n'
bad 2 '[program:a]\ncommand=/bin/echo %(nosuch)s\n'
bad 1 '[program:a]\ndirectory=/\n'
bad 3 '[program:a]\ncommand=/bin/true\nenvironment=A=1,B\n'
bad 3 '[program:a]\ncommand=/bin/true\nstopsignal=NOSUCH\n'
bad 2 '[program:a]\ncommand=/bin/true \xff\n'

# long lines: 6000 bytes of command, 5000 of environment value
long=$(printf 'x%.0s' $(seq 1 5000))
{
  printf '[program:long]\ncommand=/bin/echo'
  for i in $(seq 1 100) ; do printf ' --option%d=%s' "$i" "0123456789012345678901234567890123456789012345" ; done
  printf ' ; a comment\nenvironment=LONG="%s"\n' "$long"
} >"$T/long.conf"
[ "$(wc -L <"$T/long.conf")" -ge 4096 ] || fail "the long line is not long"
tm-ctl import-supervisord "$T/long.conf" >"$T/out" 2>"$T/err" || fail "long lines: $(cat "$T/err")"
"$DECODER" <"$T/out" >"$T/json" || fail "long lines: not valid TOML"
grep -q -- "--option100=0123456789012345678901234567890123456789012345\"" "$T/json" || fail "long lines: the last argument is missing"
grep -q "a comment" "$T/json" && fail "long lines: the inline comment became an argument"
grep -q "\"$long\"" "$T/json" || fail "long lines: the long environment value was cut"

# [include] patterns match as supervisord's Python glob.glob matches them:
# the same files, in the same order, on a tree made to tell them apart
# (hidden names, brackets with ! and ], ranges, a [ without ], a dangling
# symlink, a symlinked directory, wildcards in a middle component)
if command -v python3 >/dev/null 2>&1 ; then
  G="$T/glob"
  mkdir -p "$G/conf.d" "$G/a1/x" "$G/a2/x" "$G/b/x" "$G/.hid/x"
  for f in a.conf b.conf .h.conf '[x].conf' x.conf 'c]d.conf' '!n.conf' z-b.conf ; do : >"$G/conf.d/$f" ; done
  : >"$G/a1/x/p.conf" ; : >"$G/a2/x/q.conf" ; : >"$G/b/x/r.conf" ; : >"$G/.hid/x/s.conf" ; : >"$G/a1/f"
  ln -s a1 "$G/link" ; ln -s nowhere "$G/conf.d/dang.conf"
  pats='conf.d/*.conf conf.d/.* conf.d/[ab].conf conf.d/[!ab].conf conf.d/[]x].conf conf.d/[x].conf
conf.d/c].conf conf.d/c]* conf.d/[a-c]* conf.d/[c-a]* conf.d/?.conf */x/*.conf a?/x/* .*/x/* link/*
conf.d/[!!]* conf.d/*[ */f a1/f a1/nothere conf.d/[* */*/*'
  set -f   # the patterns are words, for tm and for Python, never for this shell
  printf '[include]\nfiles = %s\n' "$(echo $pats)" >"$G/main.conf"
  tm-ctl import-supervisord "$G/main.conf" >"$T/out" 2>"$T/err" || fail "glob: $(cat "$T/err")"
  sed -n 's/^#   read \([^;]*\).*/\1/p; s/^#   \(.*\) could not be read.*/\1/p; s/^#   \(.*\) matches no file.*/none \1/p' "$T/out" >"$T/glob.tm"
  (cd "$G" && python3 -c '
import glob, sys
for p in sys.argv[1:]:
    r = sorted(glob.glob(p))
    print("\n".join(r) if r else "none " + p)' $pats) >"$T/glob.py"
  set +f
  [ "$(wc -l <"$T/glob.py")" -ge 40 ] || fail "glob: python found too little: $(cat "$T/glob.py")"
  diff "$T/glob.py" "$T/glob.tm" >"$T/diff" || fail "glob: not what Python's glob finds (< python, > tm): $(cat "$T/diff")"
fi

exit 0
