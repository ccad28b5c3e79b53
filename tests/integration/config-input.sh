# The config must be a regular file (a symlink to one is fine) of at most
# 4 MiB, or the null device (an empty config): /dev/zero, a FIFO, a
# directory and a 5 MiB file are refused at once, with the file named.
# ${A:-${B}} is an error naming file, line and key, not the text ${B}.
. "$(dirname "$0")/../lib.sh"
printf '[[services]]\nname = "a"\ncommand = "/bin/true"\n' > "$T/ok.toml"
ln -s "$T/ok.toml" "$T/link.toml"
tm-ctl check "$T/link.toml" > "$T/out" 2>&1 || fail "a symlink to a regular file: $(cat "$T/out")"
assert_eq "$(cat "$T/out")" "ok: 1 services" "check of a symlink"
tm-ctl check /dev/null > "$T/out" 2>&1 || fail "the null device: $(cat "$T/out")"
assert_eq "$(cat "$T/out")" "ok: 0 services" "check of /dev/null"
mkfifo "$T/fifo"
head -c 5242880 /dev/zero | tr '\0' '#' > "$T/big.toml"
ln -s /dev/zero "$T/zero.toml"
# at most 256 MiB of address space, where tm-ctl starts within that (not
# under ASan, which reserves terabytes of shadow)
VMAX=262144
sh -c 'ulimit -v "$1" ; tm-ctl --version ; exit $?' sh $VMAX >/dev/null 2>&1 || VMAX=unlimited
# refused FILE WHAT: check exits 1 at once (no read of /dev/zero, no hang
# on the FIFO, little memory) and says what is wrong with FILE
refused () {
  ( ulimit -v $VMAX ; timeout 10 tm-ctl check "$1" ) > "$T/out" 2>&1 ; local rc=$?
  [ $rc = 124 ] && fail "check $1 hangs"
  assert_eq "$rc" 1 "exit code of check $1"
  grep -qF "$1: $2" "$T/out" || fail "check $1: $(cat "$T/out")"
}
refused /dev/zero "a character device: the configuration must be a regular file"
refused "$T/zero.toml" "a character device: the configuration must be a regular file"
refused "$T/fifo" "a FIFO: the configuration must be a regular file"
refused "$T" "a directory: the configuration must be a regular file"
refused "$T/big.toml" "too large: a configuration has at most 4194304 bytes (4 MiB)"
refused "$T/none.toml" "unable to read: No such file or directory"
# compile and reload read it the same way
( ulimit -v $VMAX ; timeout 10 tm-ctl compile "$T/fifo" "$T/tree" ) > "$T/out" 2>&1 ; assert_eq $? 1 "compile of a FIFO"
grep -qF "$T/fifo: a FIFO" "$T/out" || fail "compile of a FIFO: $(cat "$T/out")"
[ ! -e "$T/tree" ] || fail "a tree was written"
# nested substitution
cat > "$T/nest.toml" <<'TOML'
[[services]]
name = "a"
command = "/bin/true"
args = ["x"]
env = { B = "${TM_T_UNSET_A:-${TM_T_B}}", C = "${TM_T_UNSET_A:?need ${TM_T_B}}" }
TOML
TM_T_B=b tm-ctl check "$T/nest.toml" > "$T/out" 2>&1 ; assert_eq $? 1 "exit code of a nested substitution"
grep -qF "nest.toml:5: services[0].env.B: nested substitution in \"\${TM_T_UNSET_A:-\${TM_T_B}}\": the default of \${TM_T_UNSET_A} is taken as written and cannot hold \${" "$T/out" || fail "nested default: $(cat "$T/out")"
grep -qF "nest.toml:5: services[0].env.C: nested substitution" "$T/out" || fail "nested message: $(cat "$T/out")"
grep -qF "the message of \${TM_T_UNSET_A}" "$T/out" || fail "nested message: $(cat "$T/out")"
# also when the variable is set: the config is wrong whatever the environment
TM_T_UNSET_A=x tm-ctl check "$T/nest.toml" > "$T/out" 2>&1 ; assert_eq $? 1 "exit code with the variable set"
true
