# A required longrun that ends for good shuts the system down with its exit
# code (128+signal when killed); a required oneshot only when it fails.
. "$(dirname "$0")/../lib.sh"
cat > "$T/exit.toml" <<TOML
[[services]]
name = "other"
command = "standin"
args = ["other"]
[[services]]
name = "core"
command = "standin"
args = ["core", "exit", "3"]
required = true
restart = "never"
TOML
boot_init "$T/exit.toml"
wait_event other start
wait_exit 20
assert_eq "$RC" 3 "exit code of a required longrun exiting 3"
[ -n "$(event other stop)" ] || fail "the other service was not stopped gracefully"
grep -q '^\[core *\] tm: required service ended for good: shutting the system down, exit code 3$' "$ERR" || fail "no message: $(cat "$ERR")"

cat > "$T/killed.toml" <<'TOML'
[[services]]
name = "core"
command = "/bin/sh"
args = ["-c", "sleep 0.3 ; kill -KILL $$$$"]   # $$ is a literal $ in tm strings
required = true
max_restarts = 1
restart_delay = 0.1
TOML
boot_init "$T/killed.toml"
wait_exit 20
assert_eq "$RC" 137 "exit code of a required longrun killed by SIGKILL, restarts exhausted"

cat > "$T/oneshot-ok.toml" <<TOML
[[services]]
name = "migrate"
type = "oneshot"
command = "/bin/true"
required = true
[[services]]
name = "app"
command = "standin"
args = ["app"]
depends_on = "migrate"
TOML
boot_init "$T/oneshot-ok.toml"
ns tm-ctl wait -u -t 10 app || fail "app not up after a successful required oneshot"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code after SIGTERM"

cat > "$T/oneshot-fail.toml" <<TOML
[[services]]
name = "migrate"
type = "oneshot"
command = "/bin/sh"
args = ["-c", "exit 42"]
required = true
restart = "never"
[[services]]
name = "app"
command = "standin"
args = ["app"]
depends_on = "migrate"
TOML
boot_init "$T/oneshot-fail.toml"
wait_exit 20
assert_eq "$RC" 42 "exit code of a failed required oneshot"
[ -z "$(event app start)" ] || fail "app started although its dependency failed"
# the shutdown may reach app before the failure does: either is right; so
# may it reach app's supervisor before that wrote any status (slow under
# the sanitizers): then there is none
if [ -e "$SD/app/supervise/status" ] ; then
  case "$(field app state)" in FAILED|STOPPED) ;; *) fail "state of the dependent: $(field app state)" ;; esac
fi
