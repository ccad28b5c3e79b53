# Usage errors exit 100 (SPEC §1, §9), on every program: a missing or
# unknown option, a verb without the names it needs, and arguments where
# none are taken. A refused command does nothing: after `tm-ctl shutdown
# extra` the system still runs.
. "$(dirname "$0")/../lib.sh"
mksvc app 'exec sleep 1000'
boot
ns tm-ctl wait -u -t 10 app || fail "app not up"
usage () {  # usage CMD...: exits 100 with a usage message on stderr
  "$@" > "$T/o" 2> "$T/e" ; local rc=$?
  assert_eq "$rc" 100 "exit code of '$*'"
  grep -qi 'usage' "$T/e" || fail "'$*': no usage message: $(cat "$T/e")"
}
for args in "" "-d" "-x list" "frobnicate" "start" "stop" "restart" "signal" "signal HUP" \
  "signal BOGUS app" "wait" "wait -x app" "wait -t abc app" "restart app --wait -t" \
  "status --bogus" "logs -n x" "metrics extra" "check a b" "compile" "compile a" \
  "import-supervisord" "install a b" "shutdown extra" ; do
  usage ns tm-ctl $args
done
# the refused shutdown sent nothing: the system still runs
ns tm-ctl wait -u -t 1 app || fail "the system went down after a refused shutdown"
[ -e "/proc/$NS1" ] || fail "tm-svscan exited after a refused shutdown"
for args in "-x" "-c" "-d" "--bogus" ; do usage tm-init $args ; done
for args in "-x" "-d" "-c abc" "-t x" "$T/a $T/b" ; do usage tm-svscan $args ; done
for args in "" "-x" "-p x" "$T/a $T/b" ; do usage tm-supervise $args ; done
ns tm-ctl wait -u -t 1 app || fail "app went down"
