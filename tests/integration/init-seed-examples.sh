# The seed's example configs, with stand-in programs in place of the real
# ones: they boot in dependency order with their waits, as their users, log
# with prefixes, and stop in reverse order on SIGTERM.
. "$(dirname "$0")/../lib.sh"
SEEDS=$(shared_dir)/seed-configs || skip "no shared/seed-configs beside the checkout (set TM_SHARED)"
# the seed's configs name appuser: made for this run unless it exists, and
# then removed at cleanup
id appuser >/dev/null 2>&1 || mkuser appuser
mkdir -p "$T/bin"
cat > "$T/bin/stub" <<'SH'
#!/bin/sh
name=$(basename "$0")
echo "$(date +%s.%N) $name start $(id -un) $*" >> "$STANDIN_LOG"
trap 'echo "$(date +%s.%N) $name stop" >> "$STANDIN_LOG" ; exit 0' TERM
echo "$name running"
while : ; do sleep 1 & wait $! ; done
SH
chmod 755 "$T/bin/stub" "$T"
# command = "..." -> a stub named after the service; path scripts dropped
standin_config () {
  awk -v bin="$T/bin" '
    /^name *=/ { n = $0 ; sub(/^name *= *"/, "", n) ; sub(/".*/, "", n) ; print ; next }
    /^command *=/ { print "command = \"" bin "/" n "\"" ; system("ln -sf stub " bin "/" n) ; next }
    /^(pre_script|pos_script) *= *"\// { next }
    { print }' "$1"
}

standin_config "$SEEDS/examples-flask-celery-stack.toml" > "$T/flask.toml"
boot_init "$T/flask.toml"
ns tm-ctl wait -u -t 15 redis web celery-worker celery-beat || fail "not all up: $(ns tm-ctl list)"
for s in redis web celery-worker celery-beat ; do wait_event $s start ; done
# wait_after counts from the dependency's spawn; its own "start" line comes
# a little later, more so on a loaded machine: hence the margins
awk -v r="$(event redis start)" -v w="$(event web start)" 'BEGIN { exit !(w - r >= 1.7) }' || fail "web did not wait 2 s after redis: $(cat "$STANDIN_LOG")"
awk '$2 == "web" && $3 == "start" { exit !($4 == "appuser") }' "$STANDIN_LOG" || fail "web not run as appuser: $(grep ' web start' "$STANDIN_LOG")"
grep -q '"/usr/local/bin/gunicorn"' "$SD/web/run" && fail "stub not used"
grep -q '^\[celery-worker\] celery-worker running$' "$LOG" || fail "prefix: $(cat "$LOG")"
grep -q '^\[web          \] web running$' "$LOG" || fail "padding: $(cat "$LOG")"
kill -TERM "$NS1"
wait_exit 30
assert_eq "$RC" 0 "exit code"
for s in web celery-worker celery-beat ; do
  before "$(event $s stop)" "$(event redis stop)" || fail "redis stopped before $s"
done

standin_config "$SEEDS/seed-era-root.toml" > "$T/era.toml"
boot_init "$T/era.toml"
ns tm-ctl wait -u -t 15 nginx logger background-task monitor || fail "not all up: $(ns tm-ctl list)"
for s in nginx logger background-task monitor ; do wait_event $s start ; done
awk -v a="$(event logger start)" -v b="$(event background-task start)" 'BEGIN { exit !(b - a >= 0.7) }' || fail "background-task did not wait 1 s after logger: $(cat "$STANDIN_LOG")"
kill -TERM "$NS1"
wait_exit 30
assert_eq "$RC" 0 "exit code"
before "$(event background-task stop)" "$(event logger stop)" || fail "logger stopped before background-task"
before "$(event logger stop)" "$(event nginx stop)" || fail "nginx stopped before logger"
