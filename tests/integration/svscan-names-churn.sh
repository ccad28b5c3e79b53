# tm-svscan keeps the services' names packed in an area sized with its
# table: services that come and go (reloads) do not use it up, the names of
# removed ones are reclaimed. With room for two services, long names come and
# go eight times, and the one that stays keeps its name throughout.
. "$(dirname "$0")/../lib.sh"
long () { printf "$1%.0s" $(seq 1 200) ; }
mksvc keep 'exec sleep 1000'
boot tm-svscan -c 2 -d "$SD"
waitfor 10 sh -c "grep -q '^state=RUNNING' $SD/keep/supervise/status" || fail "keep not up"
for c in a b c d e f g h ; do
  n=$(long $c)
  mksvc "$n" 'exec sleep 1000'
  echo a > "$SD/.tm-svscan/control"
  waitfor 10 sh -c "grep -q '^state=RUNNING' $SD/$n/supervise/status" || fail "$c: not up"
  rm -rf "${SD:?}/$n"
  echo a > "$SD/.tm-svscan/control"
  waitfor 10 sh -c "! nsenter -t $NS1 -p -m -r pgrep -f -- '-- $n\$'" || fail "$c: supervisor still there"
done
ns tm-ctl restart --wait -t 10 keep || fail "keep no longer controllable"
waitfor 5 sh -c "nsenter -t $NS1 -p -m -r pgrep -f -- '-- keep\$'" || fail "keep's supervisor lost its name"
# respawned under its name, which compaction moved
old=$(field keep supervisor)
ns kill -9 "$old"
waitfor 5 sh -c "s=\$(sed -n 's/^supervisor=//p' $SD/keep/supervise/status) ; [ -n \"\$s\" ] && [ \"\$s\" != $old ] && grep -q '^state=RUNNING' $SD/keep/supervise/status" || fail "keep not respawned under its name"
