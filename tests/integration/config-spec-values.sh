# Values SPEC §3 gives, at their edges, as tm-ctl check and compile take
# them: [logging] buffer = "0" turns the buffer off (a string, as SPEC
# writes it, not only the integer 0).
. "$(dirname "$0")/../lib.sh"

# checks CONFIG-TEXT: tm-ctl check --offline accepts it
checks () {
  printf '%s\n' "$1" > "$T/c.toml"
  tm-ctl check --offline "$T/c.toml" > "$T/out" 2>&1 || fail "refused: $1: $(cat "$T/out")"
}
# refuses CONFIG-TEXT MESSAGE: tm-ctl check exits 1 and prints MESSAGE
refuses () {
  printf '%s\n' "$1" > "$T/c.toml"
  tm-ctl check "$T/c.toml" > "$T/out" 2>&1 ; local rc=$?
  assert_eq "$rc" 1 "exit code of check: $1"
  grep -qF "$2" "$T/out" || fail "check of $1: expected '$2', got: $(cat "$T/out")"
}

# [logging] buffer = "0": no buffer, compiled as 0 bytes
for b in '"0"' '"0KB"' 0 ; do checks "[logging]
buffer = $b" ; done
printf '[logging]\nbuffer = "0"\n' > "$T/c.toml"
tm-ctl compile "$T/c.toml" "$T/tree" > "$T/out" 2>&1 || fail "compile of buffer = \"0\": $(cat "$T/out")"
assert_eq "$(cat "$T/tree/.tm-svscan/log-buffer")" 0 "log-buffer of buffer = \"0\""
refuses '[logging]
buffer = "65MB"' 'c.toml:2: logging.buffer: "65MB" is not a size of at most 64MB'
refuses '[logging]
buffer = "-1KB"' 'c.toml:2: logging.buffer: "-1KB" is not a size'
true
