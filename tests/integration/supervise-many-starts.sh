# 200 supervisors start and stay: none dies on its way into its loop. (The
# start-up's stack pages are given back before the loop: once, the page
# under the call that gives them back went too, in about 2 % of starts,
# depending on where the kernel put the stack: 200 starts catch it 98 times
# in 100.) The event: every service RUNNING; then no supervisor death.
. "$(dirname "$0")/../lib.sh"
names=
for i in $(seq 1 200) ; do mksvc "s$i" "exec sleep 1000" ; names="$names s$i" ; done
boot tm-svscan -c 500 -d "$SD"
ns tm-ctl wait -u -t 60 $names || fail "not all 200 services came up"
pids=$(cat "$SD"/s*/supervise/status | sed -n 's/^supervisor=//p' | sort -u | wc -l)
assert_eq "$pids" 200 "distinct supervisors"
if grep -q 'died' "$ERR" ; then fail "a supervisor died: $(grep died "$ERR" | head -n 3)" ; fi
true
