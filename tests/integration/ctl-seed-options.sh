# The Go seed's own options under its names (SPEC §1: invoked as go-overlay,
# tm-orchestrator or entrypoint, the suite behaves as the seed did): its
# -c/--config FILE runs the system on FILE (tm-init -c), with --debug
# before or after; -c without FILE is a usage error.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/links"
for l in go-overlay tm-orchestrator entrypoint ; do ln -s "$TM_BIN/tm-ctl" "$T/links/$l" ; done
cat > "$T/c.toml" <<TOML
[[services]]
name = "app"
command = "standin"
args = ["app"]
TOML
export TM_NO_AUTO_INSTALL=1 TM_CONFIG="$T/none.toml"   # only -c names the config
for form in "go-overlay -c $T/c.toml" "tm-orchestrator --config $T/c.toml --debug" \
  "entrypoint --debug --config=$T/c.toml" ; do
  rm -rf "$SD"
  set -- $form
  prog=$1 ; shift
  boot "$T/links/$prog" "$@"
  waitfor 10 test -e "$SD/.tm-svscan/status" || fail "$form did not start the system: $(cat "$ERR")"
  ns tm-ctl wait -u -t 10 app || fail "$form: app not up"
  kill -TERM "$NS1" ; wait_exit 20
  assert_eq "$RC" 0 "exit code of $form"
done
"$T/links/go-overlay" -c > "$T/o" 2> "$T/e" ; assert_eq $? 100 "go-overlay -c without FILE"
