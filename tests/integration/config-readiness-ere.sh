# ready_log_line as a full POSIX extended regular expression (SPEC §3):
# tm-ctl check accepts groups, alternation, counts and [:classes:], and
# still refuses a back-reference and a count that would not fit, with the
# reason; booted by tm-init, a service whose lines nearly match (the count
# not met, the other word of the alternation) stays STARTING and its
# dependent PENDING, and the line that matches makes it ready.
. "$(dirname "$0")/../lib.sh"
cat > "$T/bad.toml" <<'TOML'
[[services]]
name = "a"
command = "/bin/sleep"
ready_log_line = "(ready)\\1"
[[services]]
name = "b"
command = "/bin/sleep"
ready_log_line = "([0-9]{1,255}){9}"
[[services]]
name = "c"
command = "/bin/sleep"
ready_log_line = "(ready|)"
TOML
tm-ctl check --offline "$T/bad.toml" > "$T/out" 2>&1 ; assert_eq $? 1 "check of refused patterns"
for want in \
  'bad.toml:4: services\[0\].ready_log_line: a \\ before a character that is not special (.*back-references' \
  'bad.toml:8: services\[1\].ready_log_line: too big a pattern: more than 1024 states' \
  'bad.toml:12: services\[2\].ready_log_line: an empty group or alternative' ; do
  grep -q "$want" "$T/out" || fail "no error like: $want in: $(cat "$T/out")"
done

cat > "$T/c.toml" <<TOML
[[services]]
name = "app"
command = "/bin/sh"
args = ["-c", "echo 'Server started on port 8' ; echo 'Server stopped on port 8080' ; echo 'Server running on port 80 now' ; echo tried ; while [ ! -e $T/go ] ; do sleep 0.05 ; done ; echo 'Server running on port 8080' ; exec sleep 1000"]
ready_log_line = "^Server (started|running) on port [[:digit:]]{4,5}([^0-9]|\$)"

[[services]]
name = "dep"
command = "/bin/sh"
args = ["-c", "echo dep started ; exec sleep 1000"]
depends_on = ["app"]
TOML
tm-ctl check --offline "$T/c.toml" > "$T/out" 2>&1 || fail "check refused the pattern: $(cat "$T/out")"
boot_init "$T/c.toml"
waitfor 10 grep -q '^\[app *\] tried' "$LOG" || fail "app did not print its lines"
assert_eq "$(field app state)" STARTING "app after lines that nearly match"
assert_eq "$(field dep state)" PENDING "dep while app is not ready"
touch "$T/go"
ns tm-ctl wait -r -t 10 app || fail "app not ready after its line"
ns tm-ctl wait -u -t 10 dep || fail "dep did not start"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code after SIGTERM"
