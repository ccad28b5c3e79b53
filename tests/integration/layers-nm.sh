# The layers of doc/design.md hold, in the built objects and in the sources:
#  - tm-init, tm-svscan and tm-supervise link no TOML, configuration,
#    metrics or HTTP code (nm finds none of their symbols);
#  - tm-ctl's units (client, config, http, import) use nothing of each
#    other nor of the dispatcher: their objects' undefined symbols are
#    defined by no other unit; common/, libtmconf and libtm use nothing of
#    tm-ctl above them;
#  - the #include lines say the same: a unit includes its own headers,
#    tm-ctl/common/ctl.h, libtmconf's and libtm's, nothing else.
. "$(dirname "$0")/../lib.sh"
trap cleanup EXIT
command -v nm >/dev/null || skip "no nm"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OBJ=$TM_BIN/src
[ -x "$TM_BIN/tm-ctl" ] || skip "no tm-ctl in $TM_BIN"
[ -d "$OBJ/tm-ctl/client" ] || fail "no objects of tm-ctl's units under $OBJ/tm-ctl/{client,config,http,import}"

# 1. PID 1's programs: no symbol of the upper layers
upper='^(toml_|config_load$|config_free$|config_compile$|config_write_tree$|tmconf_|ctl_|cb_cat$|svi_)'
for p in tm-init tm-svscan tm-supervise ; do
  [ -x "$TM_BIN/$p" ] || fail "no $TM_BIN/$p"
  syms=$(nm "$TM_BIN/$p" | awk '{ print $NF }' | grep -E "$upper" | head -n 5)
  [ -z "$syms" ] || fail "$p links code of tm-ctl or libtmconf: $syms"
done
# the check itself sees these symbols where they are
nm "$TM_BIN/tm-ctl" | awk '{ print $NF }' | grep -qx toml_parse_at || fail "nm finds no toml_parse_at in tm-ctl: the check above proves nothing"
nm "$TM_BIN/tm-ctl" | awk '{ print $NF }' | grep -qx ctl_serve_metrics || fail "nm finds no ctl_serve_metrics in tm-ctl"

# 2. objects: what each layer needs is defined below it
defined () { nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u ; }
undefined () { nm -u "$@" 2>/dev/null | awk '{ print $NF }' | sort -u ; }
units="client config http import"
for u in $units ; do
  ls "$OBJ/tm-ctl/$u"/*.o >/dev/null 2>&1 || fail "no objects of unit $u"
  need=$(undefined "$OBJ/tm-ctl/$u"/*.o)
  for v in $units ; do
    [ "$v" = "$u" ] && continue
    both=$(comm -12 <(echo "$need") <(defined "$OBJ/tm-ctl/$v"/*.o))
    [ -z "$both" ] || fail "unit $u uses unit $v: $both"
  done
  both=$(comm -12 <(echo "$need") <(defined "$OBJ/tm-ctl/tm-ctl.o"))
  [ -z "$both" ] || fail "unit $u uses the dispatcher: $both"
done
above=$(defined "$OBJ/tm-ctl/tm-ctl.o" "$OBJ"/tm-ctl/*/*.o | comm -23 - <(defined "$OBJ/tm-ctl/common"/*.o))
for l in tm-ctl/common libtmconf libtm ; do
  both=$(comm -12 <(undefined "$OBJ/$l"/*.o) <(echo "$above"))
  [ -z "$both" ] || fail "$l uses what is above it: $both"
done
both=$(comm -12 <(undefined "$OBJ/libtm"/*.o) <(defined "$OBJ/libtmconf"/*.o "$OBJ/tm-ctl/common"/*.o))
[ -z "$both" ] || fail "libtm uses libtmconf or tm-ctl: $both"

# 3. sources: the include lines
declare -A libtm_header
for h in "$TOP"/src/libtm/*.h ; do libtm_header[${h##*/}]=1 ; done
check_includes () {  # check_includes DIR ALLOWED-EXTRA-REGEX
  local dir=$1 extra=$2 f inc
  for f in "$TOP/src/$dir"/*.[ch] ; do
    [ -f "$f" ] || continue
    while read -r inc ; do
      [ -f "$TOP/src/$dir/$inc" ] && continue                    # its own
      [ -n "${libtm_header[$inc]:-}" ] && continue                # libtm
      [ "$inc" = tm/config.h ] && continue                        # configure's
      [ -n "$extra" ] && [[ $inc =~ $extra ]] && continue
      fail "${f#$TOP/} includes \"$inc\": not below it"
    done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$f")
  done
}
check_includes libtm ''
check_includes libtmconf ''
check_includes tm-ctl/common '^tm-ctl/common/ctl\.h$'
for u in $units ; do check_includes "tm-ctl/$u" '^(tm-ctl/common/ctl\.h|libtmconf/[a-z_]+\.h)$' ; done
# no source of PID 1's programs names libtmconf or tm-ctl
hits=$(grep -lE '^#include "(libtmconf|tm-ctl)/' "$TOP"/src/tm-init/*.[ch] "$TOP"/src/tm-svscan/*.[ch] "$TOP"/src/tm-supervise/*.[ch])
[ -z "$hits" ] || fail "PID 1's programs include tm-ctl or libtmconf: $hits"
echo "ok: layers hold"
