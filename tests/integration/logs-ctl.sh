# tm-ctl logs: the last lines of the services from their buffers, in time
# order with prefixes (-n), of some services only, followed (-f) across a
# restart and a service that a reload adds; readable by root and the
# [control] group, not by other users.
. "$(dirname "$0")/../lib.sh"
G=tmlg$$ M=tmlm$$ U=tmlu$$
mkgroup "$G"
mkuser "$M" "$G"
mkuser "$U"
conf () {
  cat > "$T/c.toml" <<TOML
[control]
group = "$G"

[[services]]
name = "alpha"
command = "/bin/sh"
args = ["-c", "for i in 1 2 3 ; do echo alpha-\$i ; sleep 0.2 ; done ; echo alpha-err >&2 ; exec sleep 1000"]

[[services]]
name = "b"
command = "/bin/sh"
args = ["-c", "sleep 0.1 ; for i in 1 2 3 ; do echo b-\$i ; sleep 0.2 ; done ; exec sleep 1000"]
depends_on = "alpha"
$1
TOML
}
conf ""
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 alpha b || fail "not up"
waitfor 5 grep -q 'alpha-err' "$ERR" || fail "alpha did not print"
waitfor 5 grep -q 'b-3' "$LOG" || fail "b did not print"
ns tm-ctl logs > "$T/all" 2> "$T/all.err" || fail "logs: $(cat "$T/all.err")"
assert_eq "$(grep -c '' "$T/all")" 6 "stdout lines of all services"
# in time order: alpha-1 before b-1 before alpha-2 ...
assert_eq "$(tr '\n' ' ' < "$T/all")" "[alpha] alpha-1 [b    ] b-1 [alpha] alpha-2 [b    ] b-2 [alpha] alpha-3 [b    ] b-3 " "order"
grep -qx '\[alpha\] alpha-err' "$T/all.err" || fail "stderr line not on stderr: $(cat "$T/all.err")"
ns tm-ctl logs -n 2 b > "$T/two" 2>&1 || fail "logs -n 2 b"
assert_eq "$(tr '\n' ' ' < "$T/two")" "[b] b-2 [b] b-3 " "logs -n 2 b"
ns tm-ctl logs nosuch > /dev/null 2>&1 && fail "logs of an unknown service succeeded"
# who may read them
asuser () { ns setpriv --reuid="$(id -u "$1")" --regid="$(id -g "$1")" --init-groups --reset-env env PATH="$PATH" TM_SCANDIR="$SD" "${@:2}" ; }
asuser "$M" tm-ctl logs b > "$T/m" 2>&1 || fail "a [control] group member cannot read the logs: $(cat "$T/m")"
grep -q 'b-3' "$T/m" || fail "member: $(cat "$T/m")"
asuser "$U" tm-ctl logs b > "$T/u" 2>&1 ; rc=$?
assert_eq "$rc" 1 "exit code of logs for a non-member"
grep -q 'permission denied' "$T/u" || fail "non-member: $(cat "$T/u")"
grep -q 'b-3' "$T/u" && fail "a non-member read the logs"
# -f: across a restart of alpha and a new service
ns sh -c "exec tm-ctl logs -f -n 0 > $T/follow 2>&1" &
follower=$!
waitfor 5 grep -q 'b-3' "$T/follow" || fail "follow: no tail"
ns tm-ctl restart --wait -t 10 alpha || fail "restart"
waitfor 5 sh -c "[ \$(grep -c 'alpha-3' $T/follow) = 2 ]" || fail "follow: the restarted run's lines: $(cat $T/follow)"
conf '[[services]]
name = "gamma"
command = "/bin/sh"
args = ["-c", "echo gamma-hello ; exec sleep 1000"]'
ns tm-ctl reload > /dev/null || fail "reload"
waitfor 5 grep -q '^\[gamma *\] gamma-hello$' "$T/follow" || fail "follow: the new service: $(cat $T/follow)"
kill "$follower" 2>/dev/null
