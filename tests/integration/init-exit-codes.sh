# Exit codes of tm-init and tm-ctl compile (SPEC §9): an invalid or missing
# configuration is 1, a system failure (tm-ctl not found, a read-only
# scandir) is 111, each with a message that says which; with no config,
# tm-init names the paths it tried. With no config but a command, tm-init
# still runs the command alone (tm-ctl compiles /dev/null as empty).
. "$(dirname "$0")/../lib.sh"
export TM_NO_AUTO_INSTALL=1
printf '[[services]]\nname = "a"\ncommand = "/bin/true"\n' > "$T/ok.toml"
printf '[[services]]\nname = "a"\ncommand = "/nonexistent"\n' > "$T/bad.toml"
mkdir "$T/ro"
# ro CMD...: CMD in a mount namespace where $T/ro is a read-only file system
ro () {
  unshare -m sh -c 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"' "$T/ro" "$@"
}

# tm-ctl compile
ro tm-ctl compile "$T/ok.toml" "$T/ro/services" > "$T/out" 2>&1 ; assert_eq $? 111 "compile into a read-only file system"
grep -q "Read-only file system" "$T/out" || fail "message: $(cat "$T/out")"
tm-ctl compile "$T/bad.toml" "$T/tree" > "$T/out" 2>&1 ; assert_eq $? 1 "compile of an invalid config"
tm-ctl compile "$T/none.toml" "$T/tree" > "$T/out" 2>&1 ; assert_eq $? 1 "compile of a missing config"
tm-ctl compile "$T/ok.toml" "$T/tree" > "$T/out" 2>&1 ; assert_eq $? 0 "compile"

# tm-init (not PID 1: it stops before tm-svscan on each of these)
tm-init -c "$T/bad.toml" -d "$T/sd1" > "$T/out" 2>&1 ; assert_eq $? 1 "tm-init, invalid config"
grep -q "tm-init: fatal: invalid configuration in $T/bad.toml: nothing started" "$T/out" || fail "message: $(cat "$T/out")"
ro tm-init -c "$T/ok.toml" -d "$T/ro/services" > "$T/out" 2>&1 ; assert_eq $? 111 "tm-init, read-only scandir"
grep -q "tm-init: fatal: unable to compile $T/ok.toml into $T/ro/services: tm-ctl compile exited 111: nothing started" "$T/out" || fail "message: $(cat "$T/out")"
grep -q "invalid configuration" "$T/out" && fail "a system failure called an invalid configuration: $(cat "$T/out")"
# tm-ctl neither beside tm-init nor in PATH
mkdir "$T/alone" && cp "$TM_BIN/tm-init" "$T/alone/"
env PATH=/usr/bin:/bin "$T/alone/tm-init" -c "$T/ok.toml" -d "$T/sd2" > "$T/out" 2>&1 ; assert_eq $? 111 "tm-init without tm-ctl"
grep -q "unable to exec tm-ctl" "$T/out" || fail "message: $(cat "$T/out")"
grep -q "tm-ctl compile exited 127 (could not run tm-ctl): nothing started" "$T/out" || fail "message: $(cat "$T/out")"
# no configuration and no command: the paths it tried
TM_CONFIG="$T/none.toml" tm-init -d "$T/sd3" > "$T/out" 2>&1 ; assert_eq $? 1 "tm-init, no config"
grep -q "tm-init: fatal: no configuration: tried \$TM_CONFIG ($T/none.toml)" "$T/out" || fail "message: $(cat "$T/out")"
if [ ! -e /etc/tm/services.toml ] && [ ! -e /services.toml ] ; then
  env -u TM_CONFIG tm-init -d "$T/sd3" > "$T/out" 2>&1 ; assert_eq $? 1 "tm-init, no config anywhere"
  grep -q "no configuration: tried /etc/tm/services.toml, /services.toml" "$T/out" || fail "message: $(cat "$T/out")"
fi
[ ! -e "$T/sd1" ] && [ ! -e "$T/sd2" ] && [ ! -e "$T/sd3" ] || fail "a tree was written"

# no configuration but a command: the command alone, its exit code
export TM_CONFIG="$T/none.toml"
rm -rf "$SD"
boot tm-init -d "$SD" -- sh -c 'exit 7'
wait_exit 20
assert_eq "$RC" 7 "exit code of the command run alone"
grep -q "no configuration (tried \$TM_CONFIG ($T/none.toml)): running the command alone" "$ERR" || fail "warning: $(cat "$ERR")"
