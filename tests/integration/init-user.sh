# user = NAME: supplementary groups from /etc/group, then gid, then uid (real,
# effective and saved all changed); HOME, USER, LOGNAME; only fds 0 1 2 (and
# the readiness fd); the environment and working directory of the config.
. "$(dirname "$0")/../lib.sh"
U=tmt$$u G=tmt$$g   # unique to this run, removed at cleanup
mkgroup "$G"
TEST_USERS+=("$U")
retry_locked useradd -M -r -d /nonexistent-home -s /usr/sbin/nologin -G "$G" "$U" || fail "useradd"
uid=$(id -u "$U") gid=$(id -g "$U") extra=$(getent group "$G" | cut -d: -f3)
mkdir -p "$T/work" && chmod 777 "$T/work"
cat > "$T/c.toml" <<TOML
[[services]]
name = "who"
command = "/bin/sh"
args = ["-c", "grep -E '^(Uid|Gid|Groups):' /proc/self/status > $T/work/ids ; env > $T/work/env ; pwd > $T/work/pwd ; ls /proc/self/fd > $T/work/fds ; echo >&4 ; exec sleep 1000"]
user = "$U"
working_dir = "$T/work"
ready_fd = 4
env = { GREETING = "hello world", LOGNAME = "override" }
TOML
boot_init "$T/c.toml"
ns tm-ctl wait -r -t 10 who || fail "not ready: $(cat "$ERR")"
grep -q "^Uid:	$uid	$uid	$uid	$uid\$" "$T/work/ids" || fail "uids: $(cat "$T/work/ids")"
grep -q "^Gid:	$gid	$gid	$gid	$gid\$" "$T/work/ids" || fail "gids: $(cat "$T/work/ids")"
grep -q "^Groups:.*\b$extra\b" "$T/work/ids" || fail "supplementary groups: $(cat "$T/work/ids")"
grep -qx "HOME=/nonexistent-home" "$T/work/env" || fail "HOME: $(grep HOME "$T/work/env")"
grep -qx "USER=$U" "$T/work/env" || fail "USER"
grep -qx "LOGNAME=override" "$T/work/env" || fail "env overrides LOGNAME"
grep -qx "GREETING=hello world" "$T/work/env" || fail "GREETING"
assert_eq "$(cat "$T/work/pwd")" "$T/work" "working directory"
# ls's own directory fd is the one more
assert_eq "$(sort -n "$T/work/fds" | tr '\n' ' ')" "0 1 2 3 4 " "fds of the service"
