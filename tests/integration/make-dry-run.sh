# `make -n check` only prints (SPEC-silent, what package builders expect):
# no recipe line of check, check-dist, dist or bench names make's own
# variable, so none of them runs under -n. With a build directory that does
# not exist, nothing may appear in it.
. "$(dirname "$0")/../lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd -P)
[ -f "$SRC/config.mak" ] || skip "the tree is not configured (./configure)"
for target in check check-dist dist ; do
  (cd "$SRC" && timeout 60 make -n "$target" B="$T/b" > "$T/out" 2>&1) ; rc=$?
  assert_eq "$rc" 0 "make -n $target ($(tail -n 3 "$T/out"))"
  [ ! -e "$T/b" ] || fail "make -n $target built something: $(ls "$T/b" | head -n 5)"
  grep -q "tools/make-dist\|tests/run" "$T/out" || fail "make -n $target printed no recipe: $(cat "$T/out")"
done
