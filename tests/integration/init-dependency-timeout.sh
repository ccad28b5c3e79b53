# dependency_wait_timeout: a service waiting longer FAILS, naming the dependency.
. "$(dirname "$0")/../lib.sh"
cat > "$T/c.toml" <<TOML
[timeouts]
dependency_wait_timeout = 1
[[services]]
name = "never-ready"
command = "standin"
args = ["never-ready"]
ready_fd = 3
[[services]]
name = "app"
command = "standin"
args = ["app"]
depends_on = "never-ready"
TOML
boot_init "$T/c.toml"
waitfor 5 sh -c "grep -q '^state=PENDING' '$SD/app/supervise/status'" || fail "app not PENDING"
grep -q '^reason=waiting for dependency: never-ready$' "$SD/app/supervise/status" || fail "reason: $(field app reason)"
waitfor 5 sh -c "grep -q '^state=FAILED' '$SD/app/supervise/status'" || fail "app did not fail"
assert_eq "$(field app reason)" "dependency timeout: never-ready" reason
[ -z "$(event app start)" ] || fail "app started"

# a FAILED dependency fails its dependents at once (one that never got
# ready: without a readiness fd, a dependency is ready when spawned)
cat > "$T/f.toml" <<TOML
[[services]]
name = "broken"
command = "/bin/sh"
args = ["-c", "sleep 0.3 ; exit 1"]
ready_fd = 3
restart = "never"
[[services]]
name = "app"
command = "standin"
args = ["app"]
depends_on = "broken"
TOML
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
boot_init "$T/f.toml"
waitfor 5 sh -c "grep -q '^state=FAILED' '$SD/app/supervise/status'" || fail "app did not fail with its dependency"
assert_eq "$(field app reason)" "dependency failed: broken" reason
[ -z "$(event app start)" ] || fail "app started"
