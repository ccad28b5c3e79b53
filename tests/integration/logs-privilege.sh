# output_file and log_file are opened with the service's user's rights,
# never root's: a service whose user owns the log directory swaps its files
# for symlinks to root-only files (with the rotation slots blocked by
# directories, with output_max_files = 0, and for its log_file), and /dev/zero
# as log_file. No root-only file is written, truncated or read; supervision
# goes on.
. "$(dirname "$0")/../lib.sh"
U=tmr$$
mkuser "$U"
for d in rot trunc follow zero ; do mkdir -p "$T/$d" ; chown "$U" "$T/$d" ; done
printf 'precious root data\n' > "$T/rootfile" ; chmod 600 "$T/rootfile"
printf 'precious root data\n' > "$T/rootfile2" ; chmod 600 "$T/rootfile2"
printf 'SECRET-CONTENT\n' > "$T/secret" ; chmod 600 "$T/secret"
# each service: a first line, then on $T/go the attack, then lines
attack () {  # attack NAME SETUP
  printf '%s' "echo first ; while [ ! -e $T/go ] ; do sleep 0.05 ; done ; cd $T/$1 && $2 ; i=0 ; while [ \$i -lt 10 ] ; do echo after-attack-\$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ; i=\$((i+1)) ; done ; exec sleep 1000"
}
cat > "$T/c.toml" <<TOML
[[services]]
name = "rot"
command = "/bin/sh"
args = ["-c", "$(attack rot 'rm -f rot.out ; ln -s ../rootfile rot.out ; mkdir rot.out.1 ; mkdir -p rot.out.2/full')"]
user = "$U"
output_file = "$T/rot/rot.out"
output_max_size = 200
output_max_files = 2

[[services]]
name = "trunc"
command = "/bin/sh"
args = ["-c", "$(attack trunc 'rm -f trunc.out ; ln -s ../rootfile2 trunc.out')"]
user = "$U"
output_file = "$T/trunc/trunc.out"
output_max_size = 200
output_max_files = 0

[[services]]
name = "follow"
command = "/bin/sh"
args = ["-c", "$(attack follow 'rm -f app.log ; ln -s ../secret app.log')"]
user = "$U"
log_file = "$T/follow/app.log"

[[services]]
name = "zero"
command = "/bin/sh"
args = ["-c", "$(attack zero 'ln -sf /dev/zero zero.log')"]
user = "$U"
log_file = "$T/zero/zero.log"
TOML
: > "$T/follow/app.log" ; chown "$U" "$T/follow/app.log"
boot_init "$T/c.toml"
ns tm-ctl wait -u -t 10 rot trunc follow zero || fail "not up: $(cat "$ERR")"
waitfor 5 grep -q '^first$' "$T/rot/rot.out" || fail "no first line in rot.out"
# the file the relay creates belongs to the service's user, not to root
assert_eq "$(stat -c %U "$T/rot/rot.out")" "$U" "owner of the output_file it created"
touch "$T/go"
for s in rot trunc ; do
  waitfor 20 grep -q "^\[$s *\] after-attack-9-" "$LOG" || fail "$s: the relay stopped after the attack"
done
# the positive event for log_file: the supervisor looked at the new file
waitfor 5 sh -c "grep -q SECRET '$LOG' || grep -q 'follow/app.log' '$ERR'" || fail "follow: the new log_file was never looked at"
waitfor 5 sh -c "grep -q 'zero/zero.log' '$ERR'" || fail "zero: no word about /dev/zero"
sleep 0.5   # a few more polls of both log files
assert_eq "$(cat "$T/rootfile")" "precious root data" "root-only file behind rot.out (failed rotation)"
assert_eq "$(cat "$T/rootfile2")" "precious root data" "root-only file behind trunc.out (max_files 0)"
assert_eq "$(stat -c %s:%U:%a "$T/rootfile" "$T/rootfile2" | tr '\n' ' ')" "19:root:600 19:root:600 " "root files untouched"
grep -q SECRET "$LOG" "$ERR" && fail "a root-only file was relayed through log_file"
[ "$(stat -c %s "$LOG")" -lt 100000 ] || fail "the console got a flood: $(stat -c %s "$LOG") bytes"
grep -qa "$(printf '\\000')" "$LOG" && fail "NULs on the console"
# supervision goes on: a stop and a restart in time
ns tm-ctl stop --wait -t 5 zero follow || fail "stop did not work in time"
ns tm-ctl restart --wait -t 10 rot || fail "restart of rot"
kill -TERM "$NS1" ; wait_exit 20
assert_eq "$RC" 0 "exit code"
