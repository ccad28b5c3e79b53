# The man pages (doc/man/, written by hand): each renders without a warning
# (groff -ww, and man --warnings=all when man-db is there) and has the
# sections a reader looks for; every option in the --help of each
# program, and every verb of tm-ctl --help, is in its
# page, so that the pages do not drift from the code; `make install
# DESTDIR=...` puts them under $(mandir)/man5 and man8, mode 0644, `make
# uninstall` removes them; the release tarball, when there is one, carries
# them. Needs groff (groff-base): skips without it, installs nothing.
. "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
command -v groff >/dev/null || skip "no groff to render the man pages (apt-get install groff-base)"
mandir=$(sed -n 's/^mandir := //p' "$TOP/config.mak" 2>/dev/null)
[ -n "$mandir" ] || skip "no config.mak with a mandir: run ./configure"
pages="man8/tm-init.8 man8/tm-svscan.8 man8/tm-supervise.8 man8/tm-ctl.8 man5/services.toml.5"

# install what was built (PROGRAMS= empties `all`: a test builds nothing,
# and TM_BIN may be the sanitizer build)
D=$T/root
make -s -C "$TOP" --no-print-directory install DESTDIR="$D" B="$TM_BIN" PROGRAMS= > "$T/install.out" 2>&1 \
  || fail "make install: $(cat "$T/install.out")"
for p in $pages ; do
  [ -f "$D$mandir/$p" ] || fail "make install did not put $mandir/$p: $(cd "$D" && find . -path '*man*' -type f)"
  assert_eq "$(stat -c %a "$D$mandir/$p")" 644 "mode of $mandir/$p"
  cmp -s "$D$mandir/$p" "$TOP/doc/man/${p#*/}" || fail "$mandir/$p differs from doc/man/${p#*/}"
done

# text PAGE: the page as a reader sees it, one long line per paragraph (no
# hyphenation, no line breaks inside an option), hyphens and minus signs
# as '-'
text () {
  LC_ALL=C.UTF-8 groff -man -Tutf8 -rLL=400n -rHY=0 -P-cbou "$1" 2>/dev/null \
    | sed 's/\xe2\x80\x90/-/g ; s/\xe2\x88\x92/-/g'
}
for p in $pages ; do
  f=$D$mandir/$p
  LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$f" > "$T/err" 2>&1 || fail "groff fails on $p: $(cat "$T/err")"
  [ -s "$T/err" ] && fail "groff warns on $p: $(head -n 5 "$T/err")"
  if command -v man >/dev/null && man --version >/dev/null 2>&1 ; then
    MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings=all -l "$f" > "$T/out" 2> "$T/err" || fail "man -l $p failed: $(cat "$T/err")"
    [ -s "$T/err" ] && fail "man --warnings=all warns on $p: $(head -n 5 "$T/err")"
  fi
  text "$f" > "$T/plain"
  # no escape or macro the formatter left as text
  grep -nE '\\[efs(*&~-]|^\.[A-Za-z]{1,2}( |$)' "$T/plain" > "$T/markup"
  [ -s "$T/markup" ] && fail "$p: markup in the output: $(head -n 3 "$T/markup")"
  sections="NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES EXIT_STATUS EXAMPLES SEE_ALSO"
  case $p in man8/*) sections="$sections OPTIONS" ;; esac
  [ "$p" = man5/services.toml.5 ] && sections=${sections/EXIT_STATUS/}
  for s in $sections ; do
    grep -qx "${s/_/ }" "$T/plain" || fail "$p has no ${s/_/ } section"
  done
done

# options_in TEXT-FILE: every option a help text offers: -x or --word in
# brackets or after a bar ([-c CONFIG], [-u|-r|-d]), or anywhere on a line
# that starts with one (  -h, --help   this text; -V, --version: ...); not
# those of other programs named in its prose
options_in () {
  { grep -oE '(\[ ?|\|)--?[A-Za-z][A-Za-z0-9-]*' "$1"
    grep -E '^ +-' "$1" | grep -oE '(^|[ ,;(])--?[A-Za-z][A-Za-z0-9-]*'
  } | sed 's/^[^-]*//' | sort -u
}
# documents PAGE OPTION: the page names OPTION as a word of its own
documents () {
  grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" "$T/text.${1#*/}"
}
for p in $pages ; do text "$D$mandir/$p" > "$T/text.${p#*/}" ; done
for prog in tm-init tm-svscan tm-ctl tm-supervise ; do
  "$TM_BIN/$prog" --help > "$T/help" 2>&1 || fail "$prog --help failed: $(cat "$T/help")"
  options_in "$T/help" > "$T/options"
  [ "$(wc -l < "$T/options")" -ge 2 ] || fail "too few options found in $prog's help: $(cat "$T/help")"
  while read -r o ; do
    documents "man8/$prog.8" "$o" || fail "$prog(8) does not name the option $o of its --help"
  done < "$T/options"
done
"$TM_BIN/tm-ctl" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' > "$T/verbs"
[ "$(wc -l < "$T/verbs")" -ge 15 ] || fail "too few verbs in tm-ctl --help: $(cat "$T/verbs")"
while read -r v ; do
  grep -qE "^ +$v( |\$)" "$T/text.tm-ctl.8" || fail "tm-ctl(8) has no entry for the verb $v"
done < "$T/verbs"
# and the page of the configuration names every table
for t in '\[timeouts\]' '\[\[services\]\]' '\[services.healthcheck\]' '\[metrics\]' '\[control\]' '\[logging\]' ; do
  grep -q "^ *$t" "$T/text.services.toml.5" || fail "services.toml(5) has no section $t"
done

make -s -C "$TOP" --no-print-directory uninstall DESTDIR="$D" B="$TM_BIN" > "$T/uninstall.out" 2>&1 \
  || fail "make uninstall: $(cat "$T/uninstall.out")"
for p in $pages ; do
  [ -e "$D$mandir/$p" ] && fail "make uninstall left $mandir/$p"
done

# the release carries them (make check builds it before the tests)
tarball=$(ls "$TM_BIN"/dist/tm-*.tar.gz 2>/dev/null | head -n 1)
if [ -n "$tarball" ] && [ ! -f "$TM_BIN/dist/SKIP" ] ; then
  tar -tzf "$tarball" > "$T/list" || fail "list $tarball"
  for p in $pages ; do
    grep -qx "usr/local/share/man/$p" "$T/list" || fail "$tarball does not carry usr/local/share/man/$p"
  done
fi
exit 0
