# The user files of a service directory are read whole and any doubt fails
# closed: a groups file longer than 4 KiB gives exactly its groups; a bad
# groups or uid file never runs the service (as root or otherwise): the
# status says FAILED with the reason.
. "$(dirname "$0")/../lib.sh"
U=tmb$$
mkuser "$U"
uid=$(id -u "$U")
mkdir -m 777 "$T/w"
# 700 groups: more than 4 KiB, the last ones five and six digits long
groups=$(seq 100001 100700 | tr '\n' ',' | sed 's/,$//')
[ ${#groups} -gt 4096 ] || fail "the list is too short"
mksvc many "grep '^Groups:' /proc/self/status > $T/w/groups ; exec sleep 1000"
echo "$uid" > "$SD/many/uid" ; echo "$uid" > "$SD/many/gid" ; echo "$groups" > "$SD/many/groups"
mksvc badgroups "touch $T/w/badgroups-ran ; exec sleep 1000"
echo "$uid" > "$SD/badgroups/uid" ; echo "$uid" > "$SD/badgroups/gid" ; echo "10,20,x" > "$SD/badgroups/groups"
mksvc baduid "touch $T/w/baduid-ran ; exec sleep 1000"
echo "12x" > "$SD/baduid/uid"
boot
ns tm-ctl wait -u -t 10 many || fail "many not up"
waitfor 5 test -s "$T/w/groups" || fail "no groups"
assert_eq "$(tr -s '\t ' '\n\n' < "$T/w/groups" | grep -c '^1[0-9]*$')" 700 "supplementary groups of the service"
grep -qw 100700 "$T/w/groups" || fail "the last group is missing"
for s in badgroups baduid ; do
  waitfor 5 sh -c "grep -q '^state=FAILED' $SD/$s/supervise/status" || fail "$s: $(cat $SD/$s/supervise/status 2>&1)"
  grep -q '^reason=invalid service directory: invalid' "$SD/$s/supervise/status" || fail "$s reason: $(field $s reason)"
done
# they had every chance to start: 2 s more
sleep 2
[ -e "$T/w/badgroups-ran" ] && fail "a service with a bad groups file ran"
[ -e "$T/w/baduid-ran" ] && fail "a service with a bad uid file ran"
ns tm-ctl wait -u -t 5 many || fail "many went down"
