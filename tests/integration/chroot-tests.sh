# The tests run where package builders run them: in a chroot, where "/" is
# no mount point. A root made of bind mounts of this system's /usr and /etc
# and of the checkout; inside it, a test system boots, is controlled and
# shuts down (tools/pidns, ns), and tools/demo-ctl finds no demo instead of
# reporting another system.
. "$(dirname "$0")/../lib.sh"
[ -n "${TM_IN_CHROOT:-}" ] && skip "already in the chroot"
top=$(cd "$(dirname "$0")/../.." && pwd)
R="$T/root"
mkdir -p "$R/usr" "$R/etc" "$R/dev" "$R/proc" "$R/tmp" "$R/work" "$R/bin-tm" "$R/run"
for l in bin sbin lib lib64 ; do [ -e "/$l" ] && ln -s "usr/$l" "$R/$l" ; done
cat > "$T/inside" <<SH
set -e
mount --bind /usr $R/usr ; mount --bind /etc $R/etc ; mount --rbind /dev $R/dev
mount --bind $top $R/work ; mount --bind $TM_BIN $R/bin-tm
mount -t tmpfs tmpfs $R/tmp ; mount -t tmpfs tmpfs $R/run
mount -t proc proc $R/proc
exec chroot $R /usr/bin/env -i PATH=/usr/sbin:/usr/bin TM_IN_CHROOT=1 TM_SHARED=/nonexistent \
  sh -c 'cd /work && for t in svscan-shutdown supervise-restart-new-pid ; do TM_BIN=/bin-tm bash tests/integration/\$t.sh || { echo "FAIL in the chroot: \$t" ; exit 1 ; } ; done
         tools/demo-ctl list > /tmp/dc 2>&1 ; rc=\$? ; cat /tmp/dc ; [ \$rc != 0 ] || { echo "demo-ctl reported a system where none runs" ; exit 1 ; }'
SH
unshare --mount --propagation private sh "$T/inside" > "$T/out" 2>&1 || fail "$(tail -n 20 "$T/out")"
