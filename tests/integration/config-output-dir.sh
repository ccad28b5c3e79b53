# tm-ctl check warns (exit 0) when an output_file's directory may be written
# by someone else than the service's user: world-writable, another owner, a
# group the user is not in; not for the user's own directory or root's.
. "$(dirname "$0")/../lib.sh"
U=tmo$$
mkuser "$U"
mkdir -m 755 "$T/rootdir" "$T/mine" "$T/others"
chmod 1777 "$T/others"
chown "$U" "$T/mine"
mkdir -m 775 "$T/grp" ; chgrp daemon "$T/grp"
cat > "$T/c.toml" <<TOML
[[services]]
name = "a"
command = "/bin/true"
output_file = "$T/rootdir/a.out"

[[services]]
name = "b"
command = "/bin/true"
user = "$U"
output_file = "$T/mine/b.out"

[[services]]
name = "c"
command = "/bin/true"
user = "$U"
output_file = "$T/others/c.out"

[[services]]
name = "d"
command = "/bin/true"
output_file = "$T/mine/d.out"

[[services]]
name = "e"
command = "/bin/true"
user = "$U"
output_file = "$T/grp/e.out"
TOML
tm-ctl check "$T/c.toml" > "$T/out" 2>&1 || fail "check failed: $(cat "$T/out")"
grep -q 'ok: 5 services' "$T/out" || fail "$(cat "$T/out")"
for s in 0 1 ; do grep -q "services\[$s\].output_file: warning" "$T/out" && fail "a warning for services[$s]: $(cat "$T/out")" ; done
grep -q "services\[2\].output_file: warning: $T/others may be written by every user" "$T/out" || fail "no warning for a world-writable directory: $(cat "$T/out")"
grep -q "services\[3\].output_file: warning: $T/mine may be written by its owner" "$T/out" || fail "no warning for a root service in a user's directory: $(cat "$T/out")"
grep -q "services\[4\].output_file: warning: $T/grp may be written by its group" "$T/out" || fail "no warning for a group-writable directory: $(cat "$T/out")"
tm-ctl check --offline "$T/c.toml" 2>&1 | grep -q warning && fail "--offline looked at the directories"
true
