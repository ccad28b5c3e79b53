# Shared helpers for the integration tests. Each test is a bash script that
# sources this file; it runs the real programs as processes, usually with
# tm-svscan as PID 1 of a fresh PID namespace, and talks to them only through
# the contract: files, FIFOs, tm-ctl, signals, stdout.
#
# TM_BIN must point at the directory holding the built programs.

set -u
: "${TM_BIN:?TM_BIN must name the directory of the built programs}"
export PATH="$TM_BIN:$PATH"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

T=$(mktemp -d /tmp/tm-test.XXXXXX)
chmod 755 "$T"
SD="$T/services"
LOG="$T/out.log"
ERR="$T/err.log"
mkdir -p "$SD"
export TM_SCANDIR="$SD"
NS1=                    # host pid of the namespace's PID 1
UNSHARE=

# The steering repository's shared data (seed configs, toml-test): beside
# the checkout, or where TM_SHARED says.
shared_dir () {
  local top ; top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  for d in "${TM_SHARED:-}" "$top/../shared" /work/shared ; do
    [ -n "$d" ] && [ -d "$d/seed-configs" ] && { (cd "$d" && pwd) ; return 0 ; }
  done
  return 1
}

# skip REASON: this test cannot run here (exit 77: reported, not counted)
skip () {
  echo "SKIP: $*" >&2
  exit 77
}

fail () {
  echo "FAIL: $*" >&2
  if [ -s "$LOG" ] ; then echo "--- stdout of the system (tail):" >&2 ; tail -n 20 "$LOG" >&2 ; fi
  if [ -s "$ERR" ] ; then echo "--- stderr of the system (tail):" >&2 ; tail -n 20 "$ERR" >&2 ; fi
  exit 1
}

# A sanitizer report anywhere in the test's files (the system's stderr,
# captured outputs) fails the test, whatever it asserted.
sanitizer_reports () {
  grep -rlsE 'ERROR: (Address|Leak)Sanitizer|runtime error: ' "$T" 2>/dev/null | head -n 3
}

cleanup () {
  local rc=$? reports
  [ -n "$NS1" ] && kill -9 "$NS1" 2>/dev/null
  [ -n "$UNSHARE" ] && wait "$UNSHARE" 2>/dev/null
  for u in "${TEST_USERS[@]}" ; do userdel -f "$u" >/dev/null 2>&1 ; done
  for g in "${TEST_GROUPS[@]}" ; do groupdel "$g" >/dev/null 2>&1 ; done
  reports=$(sanitizer_reports)
  if [ -n "$reports" ] ; then
    echo "FAIL: sanitizer report in: $reports" >&2
    grep -hE -A12 'ERROR: (Address|Leak)Sanitizer|runtime error: ' $reports | head -n 40 >&2
    rc=1
  fi
  rm -rf "$T"
  exit $rc
}
trap cleanup EXIT

# Users and groups of a test: names unique to the run (tmt$$a), removed at
# cleanup, also on failure. Other tests may be adding users at the same
# moment: useradd then finds /etc/passwd locked and is tried again.
TEST_USERS=() TEST_GROUPS=()
retry_locked () {
  local i
  for i in $(seq 1 50) ; do "$@" 2>"$T/.useradd.err" && return 0 ; grep -qi lock "$T/.useradd.err" || break ; sleep 0.1 ; done
  cat "$T/.useradd.err" >&2 ; return 1
}
# mkgroup NAME: a system group
mkgroup () {
  TEST_GROUPS+=("$1")
  retry_locked groupadd -r "$1" || fail "cannot create group $1"
}
# mkuser NAME [GROUP,...]: a system user without home, in these supplementary groups
mkuser () {
  TEST_USERS+=("$1")
  retry_locked useradd -M -r -s /usr/sbin/nologin ${2:+-G "$2"} "$1" || fail "cannot create user $1"
}

# same_as_expected WHAT EXPECTED: an importer's output, $T/out, with $DATA
# written @DATA@, is EXPECTED byte for byte (UPDATE=1 rewrites EXPECTED
# instead) and valid TOML
same_as_expected () {
  local got
  got=$(cat "$T/out" ; printf x) ; got=${got%x}
  printf '%s' "${got//"$DATA"/@DATA@}" >"$T/got"
  if [ -n "${UPDATE:-}" ] ; then cp "$T/got" "$2" ; echo "updated ${2##*/}" ; fi
  [ -f "$2" ] || fail "$1: no ${2##*/}"
  if ! cmp -s "$T/got" "$2" ; then
    diff -u "$2" "$T/got" | head -n 60 >&2
    fail "$1: the output differs from ${2##*/}"
  fi
  "$TM_BIN/tests/toml-decoder" <"$T/out" >/dev/null 2>"$T/err" || fail "$1: the output is not valid TOML: $(cat "$T/err")"
}

# mksvc NAME SCRIPT-BODY: a service directory whose run is a /bin/sh script
mksvc () {
  mkdir -p "$SD/$1"
  printf '#!/bin/sh\n%s\n' "$2" > "$SD/$1/run"
  chmod 755 "$SD/$1/run"
}

# pidns CMD...: CMD as PID 1 of a new PID namespace with its own /proc
# (tools/pidns: also in a chroot)
PIDNS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/pidns"
# whether mounts made in a namespace stay there: not in a chroot, where
# "/" is no mount point (tools/pidns)
private_mounts () {
  unshare --mount --propagation private true 2>/dev/null
}

# boot [CMD...]: start CMD (default: tm-svscan on $SD) as PID 1 of a new
# PID namespace, stdout to $LOG, stderr to $ERR; without CMD, until
# tm-svscan runs (a tm-ctl wait before would find no tm-svscan to wait for)
boot () {
  local scanner=
  [ $# -gt 0 ] || { set -- tm-svscan -d "$SD" ; scanner=1 ; rm -f "$SD/.tm-svscan/status" ; }
  rm -f "$T/.ns-ready"
  PIDNS_READY="$T/.ns-ready" "$PIDNS" "$@" >"$LOG" 2>"$ERR" &
  UNSHARE=$!
  for _ in $(seq 1 500) ; do
    [ -e "$T/.ns-ready" ] && NS1=$(pgrep -P "$UNSHARE" | head -n 1)
    [ -n "$NS1" ] && break
    kill -0 "$UNSHARE" 2>/dev/null || return 0   # it already exited
    sleep 0.01
  done
  [ -n "$NS1" ] || fail "the namespace did not start"
  [ -z "$scanner" ] || waitfor 10 sh -c "[ -e '$SD/.tm-svscan/status' ] || ! kill -0 $UNSHARE 2>/dev/null"
}

# ns CMD...: run CMD inside the namespace (its pids, its /proc), in its root
# directory and ours: entering the mount namespace alone would land at the
# host's / when the tests run in a chroot
ns () {
  nsenter -t "$NS1" -p -m -r -- "$@"
}

# not CMD...: CMD fails (for waitfor)
not () {
  ! "$@"
}

# nspgrep PGREP-ARGS...: host pids of the matching processes of the
# namespace, never of the rest of the machine
nspgrep () {
  pgrep --ns "$NS1" --nslist pid "$@"
}

# waitfor SECS CMD...: run CMD until it succeeds, at most SECS seconds
waitfor () {
  local secs=$1 ; shift
  local end=$(( $(date +%s%N) + secs * 1000000000 ))
  while ! "$@" >/dev/null 2>&1 ; do
    [ "$(date +%s%N)" -lt "$end" ] || return 1
    sleep 0.02
  done
}

# field NAME KEY: a key of a service's status file
field () {
  sed -n "s/^$2=//p" "$SD/$1/supervise/status" 2>/dev/null
}

# the system ended: wait for PID 1 to exit, give its exit code in $RC
RC=
wait_exit () {
  local secs=${1:-20}
  local end=$(( $(date +%s) + secs ))
  while kill -0 "$UNSHARE" 2>/dev/null ; do
    [ "$(date +%s)" -lt "$end" ] || fail "the system did not exit within ${secs}s"
    sleep 0.02
  done
  wait "$UNSHARE" ; RC=$?
  NS1= ; UNSHARE=
}

# supervisor_pid NAME: host pid of the tm-supervise of NAME in the namespace
supervisor_pid () {
  local p ; p=$(nspgrep -f "^tm-supervise .* -- $1\$" | head -n 1)
  [ -n "$p" ] && echo "$p"
}

assert_eq () {
  [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

# boot_init CONFIG [CMD...]: tm-init as PID 1 of a new namespace
# python3 itself first in PATH, not a version manager's shim (a shell
# script slow enough under load to fail a service's first health checks)
if py=$(python3 -c 'import sys ; print(sys.executable)' 2>/dev/null) && [ -x "$py" ] ; then
  mkdir -p "$T/bin" && ln -sf "$py" "$T/bin/python3" && export PATH="$T/bin:$PATH"
fi

export STANDIN_LOG="$T/events"
STANDIN="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bin/standin"
export PATH="$(dirname "$STANDIN"):$PATH"
boot_init () {
  local config=$1 ; shift
  : > "$STANDIN_LOG" ; chmod 666 "$STANDIN_LOG"
  rm -rf "$SD"
  if [ $# -gt 0 ] ; then boot tm-init -c "$config" -d "$SD" -- "$@"
  else boot tm-init -c "$config" -d "$SD" ; fi
  # until tm-svscan runs (or the system gave up)
  waitfor 10 sh -c "[ -e '$SD/.tm-svscan/status' ] || ! kill -0 $UNSHARE 2>/dev/null"
}

# event NAME WHAT: the time of the first such event, or nothing
event () {
  awk -v n="$1" -v w="$2" '$2 == n && $3 == w { print $1 ; exit }' "$STANDIN_LOG" 2>/dev/null
}

# before A B: the time A is strictly before the time B
before () {
  awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'
}

# wait_event NAME WHAT [SECS]: until a stand-in has logged that event (a
# service is up as soon as it is spawned, a moment before it logs)
wait_event () {
  local end=$(( $(date +%s) + ${3:-10} ))
  while [ -z "$(event "$1" "$2")" ] ; do
    [ "$(date +%s)" -lt "$end" ] || fail "no event '$1 $2' in $STANDIN_LOG"
    sleep 0.02
  done
}
