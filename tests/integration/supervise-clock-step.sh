# wait_after and the restart back-off run on the monotonic clock: a step of
# the wall clock one hour back, between a dependency's readiness and the end
# of its wait_after, does not leave the dependent PENDING.
. "$(dirname "$0")/../lib.sh"
grep -qa '__asan_init' "$TM_BIN/tm-supervise" && skip "sanitizer build: the shim cannot come first"
command -v cc >/dev/null 2>&1 || skip "no C compiler"
cc -shared -fPIC -O1 -o "$T/clock-step.so" "$(dirname "$0")/../lib/clock-step.c" -ldl || fail "cannot build the shim"
export CLOCK_STEP_FILE="$T/stepped"
mksvc a "while [ ! -e $T/ready-a ] ; do sleep 0.05 ; done ; echo >&3 ; exec sleep 1000"
echo 3 > "$SD/a/notification-fd"
mksvc b 'exec sleep 1000'
mkdir -p "$SD/b/dependencies.d" "$SD/a/dependents.d"
echo 2000 > "$SD/b/dependencies.d/a"
: > "$SD/a/dependents.d/b"
LD_PRELOAD="$T/clock-step.so" boot
waitfor 10 sh -c "grep -q '^state=PENDING' $SD/b/supervise/status" || fail "b not pending"
touch "$T/ready-a"
waitfor 10 sh -c "grep -q '^ready=1' $SD/a/supervise/status" || fail "a not ready"
touch "$T/stepped"
ns tm-ctl wait -u -t 6 b || fail "b still $(field b state) ($(field b reason)) after the clock step"
