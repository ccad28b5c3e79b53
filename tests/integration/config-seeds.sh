# Every services.toml written for the Go seed passes check --offline, and
# compiles to the meaning the seed gave it.
. "$(dirname "$0")/../lib.sh"
SEEDS=$(shared_dir)/seed-configs || skip "no shared/seed-configs beside the checkout (set TM_SHARED)"
for f in "$SEEDS"/*.toml ; do
  out=$(tm-ctl check --offline "$f" 2>&1) || fail "$(basename "$f") rejected: $out"
  echo "$out" | tail -n 1 | grep -q '^ok: [0-9]* services\?$' || fail "$(basename "$f"): $out"
done
# compile the syntax variations (real commands there: /bin/sleep)
tm-ctl compile "$SEEDS/examples-syntax-variations.toml" "$T/tree" || fail "compile failed"
w () { cat "$T/tree/$1/dependencies.d/$2" ; }
assert_eq "$(ls "$T/tree/base-service/dependencies.d" | wc -l)" 0 "base-service deps"
assert_eq "$(w service-old-style base-service)" 2000 "string depends_on + number wait_after"
assert_eq "$(w service-array-single base-service)" 3000 "array depends_on + number wait_after"
assert_eq "$(w service-array-single-map base-service)" 4000 "per-dependency wait_after"
assert_eq "$(w service-multi-global service-old-style)" 5000 "global wait on the 2nd dep"
assert_eq "$(w service-multi-perdep service-array-single)" 3000 "per-dep wait, 3rd"
assert_eq "$(w service-no-wait base-service)" 0 "no wait_after"
[ -e "$T/tree/base-service/required" ] || fail "required not compiled"
[ -e "$T/tree/service-no-wait/required" ] && fail "required where it is not"
assert_eq "$(cat "$T/tree/base-service/timeout-kill")" 15000 "service_shutdown_timeout"
assert_eq "$(cat "$T/tree/.tm-svscan/timeout-shutdown")" 45000 "global_shutdown_timeout"
ls "$T/tree/base-service/dependents.d" | sort > "$T/dependents"
grep -qx service-old-style "$T/dependents" || fail "dependents.d not written"
# an inline multi-line pre_script becomes an executable in the service dir
sed -e 's|/usr/local/bin/alembic|/bin/true|; s|/usr/lib/postgresql/14/bin/postgres|/bin/true|; s|/usr/bin/redis-server|/bin/true|; s|/usr/local/bin/uvicorn|/bin/true|; s|/usr/bin/caddy|/bin/true|; s|user = "postgres"|user = "root"|' \
  "$SEEDS/examples-production-stack.toml" > "$T/prod.toml"
tm-ctl compile "$T/prod.toml" "$T/prod" || fail "production stack does not compile"
[ -x "$T/prod/db-migration/pre-start" ] || fail "inline pre_script not executable"
head -n 1 "$T/prod/db-migration/pre-start" | grep -qx '#!/bin/bash' || fail "pre-start: $(head -n 2 "$T/prod/db-migration/pre-start")"
grep -q 'until pg_isready' "$T/prod/db-migration/pre-start" || fail "pre-start body lost"
# a bare command name is resolved in PATH at compile time
printf '[[services]]\nname = "m"\ncommand = "sleep"\nargs = ["5"]\n' > "$T/bare.toml"
tm-ctl compile "$T/bare.toml" "$T/bare" || fail "bare name"
grep -q "\"$(command -v sleep)\" \"5\"" "$T/bare/m/run" || fail "bare command not resolved: $(cat "$T/bare/m/run")"
