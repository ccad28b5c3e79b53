/* ISC license. */

/* Unit tests for the TOML parser: positions, lookups, error messages. */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libtmconf/toml.h"

static int failures = 0 ;

static void result (char const *name, int ok)
{
  printf("%s %s\n", ok ? "ok" : "FAIL", name) ;
  if (!ok) failures++ ;
}

static toml_value_t *parse (char const *s, char *err)
{
  return toml_parse(s, strlen(s), err, 256) ;
}

 /* s must fail with exactly msg */
static void error_is (char const *name, char const *s, char const *msg)
{
  char err[256] ;
  toml_value_t *v = parse(s, err) ;
  int ok = !v && !strcmp(err, msg) ;
  if (!ok) fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", name, v ? "(success)" : err, msg) ;
  toml_free(v) ;
  result(name, ok) ;
}

static int at (toml_value_t const *v, unsigned int line, unsigned int col)
{
  return v && v->line == line && v->col == col ;
}

static void test_positions (void)
{
  static char const doc[] =
    "# comment\n"
    "title = \"été\"  \n"
    "[server]\r\n"
    "  \"quoted key\" = 42\n"
    "  a.b.c = [ 1,\n"
    "    { x = true } ]\n"
    "[[svc]]\n"
    "name = 'one'\n"
    "[[svc]]\n"
    "\"é\" = 1\n" ;
  char err[256] ;
  toml_value_t *root = parse("x = \"日本\" ; y = 1", err) ;
  toml_value_t const *srv, *c, *svc ;
  toml_free(root) ;
  root = parse(doc, err) ;
  if (!root) { fprintf(stderr, "%s\n", err) ; result("positions", 0) ; return ; }
  srv = toml_table_get(root, "server") ;
  c = toml_table_get(toml_table_get(toml_table_get(srv, "a"), "b"), "c") ;
  svc = toml_table_get(root, "svc") ;
  result("positions/string", at(toml_table_get(root, "title"), 2, 9)) ;
  result("positions/key", root->keys[0].line == 2 && root->keys[0].col == 1) ;
  result("positions/table", at(srv, 3, 1)) ;
  result("positions/quoted-key", srv->keys[0].line == 4 && srv->keys[0].col == 3) ;
  result("positions/integer", at(toml_table_get(srv, "quoted key"), 4, 18)) ;
  result("positions/dotted-key", srv->keys[1].col == 3 && toml_table_get(srv, "a")->keys[0].col == 5) ;
  result("positions/array", at(c, 5, 11) && c->n == 2 && at(c->items[0], 5, 13)) ;
  result("positions/inline", at(c->items[1], 6, 5) && at(toml_table_get(c->items[1], "x"), 6, 11)) ;
  result("positions/aot", svc && svc->type == TOML_ARRAY && svc->n == 2 && at(svc->items[0], 7, 1) && at(svc->items[1], 9, 1)) ;
  result("positions/utf8-key", svc && svc->items[1]->keys[0].line == 10 && svc->items[1]->keys[0].col == 1 && at(svc->items[1]->items[0], 10, 7)) ;
  result("lookup/absent", !toml_table_get(root, "nope") && !toml_table_get(c, "x")) ;
  result("order", root->n == 3 && !strcmp(root->keys[0].s, "title") && !strcmp(root->keys[1].s, "server") && !strcmp(root->keys[2].s, "svc")) ;
  result("string/utf8", !strcmp(toml_table_get(root, "title")->s, "\xc3\xa9t\xc3\xa9")) ;
  toml_free(root) ;
}

static void test_values (void)
{
  char err[256] ;
  toml_value_t *root = parse(
    "min = -9223372036854775808\nmax = 0x7fffffffffffffff\nb = 0b1_0\n"
    "f = -1_0.5e-1_0\ninf = -inf\nnul = \"a\\u0000b\"\n"
    "ml = \"\"\"\r\nx\\\r\n   y\r\nz\"\"\"\n"
    "dt = 1979-05-27 07:32:00.5z\nt = 00:00:60\n", err) ;
  toml_value_t const *v ;
  if (!root) { fprintf(stderr, "%s\n", err) ; result("values", 0) ; return ; }
  result("integer/min", toml_table_get(root, "min")->i == LLONG_MIN) ;
  result("integer/max", toml_table_get(root, "max")->i == LLONG_MAX) ;
  result("integer/bin", toml_table_get(root, "b")->i == 2) ;
  result("float", toml_table_get(root, "f")->f == -10.5e-10) ;
  result("float/inf", toml_table_get(root, "inf")->f < -1e308) ;
  v = toml_table_get(root, "nul") ;
  result("string/nul", v->slen == 3 && !memcmp(v->s, "a\0b", 4)) ;
  result("string/multiline-crlf", !strcmp(toml_table_get(root, "ml")->s, "xy\nz")) ;
  v = toml_table_get(root, "dt") ;
  result("datetime", v->type == TOML_DATETIME && !strcmp(v->s, "1979-05-27T07:32:00.5Z")) ;
  result("time/leap-second", toml_table_get(root, "t")->type == TOML_TIME_LOCAL) ;
  result("type-name", !strcmp(toml_type_name(TOML_INTEGER), "integer") && !strcmp(toml_type_name(TOML_TIME_LOCAL), "local time")) ;
  toml_free(root) ;
}

static void test_big (void)
{
  char err[256] ;
  size_t n = 5000, i, len = 0 ;
  char *s = malloc(n * 32 + 1), key[32] ;
  toml_value_t *root ;
  int ok = 1 ;
  for (i = 0 ; i < n ; i++) len += sprintf(s + len, "k%zu = %zu\n", i * 7919 % n, i) ;
  root = toml_parse(s, len, err, sizeof err) ;
  ok = root && root->n == n ;
  for (i = 0 ; ok && i < n ; i++)
  {
    toml_value_t const *v ;
    sprintf(key, "k%zu", i * 7919 % n) ;
    v = toml_table_get(root, key) ;
    ok = v && v->i == (long long)i && v->line == i + 1 && root->items[i] == v ;
  }
  result("big-table", ok) ;
  toml_free(root) ;
  len = sprintf(s, "a = %s", "") ;
  for (i = 0 ; i < 100000 ; i++) s[len++] = '[' ;
  s[len] = 0 ;
  error_is("deep-nesting", s, "line 1, column 133: nesting too deep (more than 128 levels)") ;
  free(s) ;
}

int main (void)
{
  test_positions() ;
  test_values() ;
  test_big() ;
  error_is("err/duplicate", "a = 1\nname = 2\n  name = 3\n", "line 3, column 3: duplicate key \"name\" (first defined at line 2)") ;
  error_is("err/duplicate-dotted", "a.b = 1\na . b = 2", "line 2, column 1: duplicate key \"a.b\" (first defined at line 1)") ;
  error_is("err/equals", "a 1", "line 1, column 3: expected '=' after key, found '1'") ;
  error_is("err/escape", "s = \"ab\\q\"", "line 1, column 8: invalid escape \\q in string") ;
  error_is("err/escape-e", "s = \"\\e\"", "line 1, column 6: invalid escape \\e in string") ;
  error_is("err/surrogate", "s = \"\\uD800\"", "line 1, column 6: invalid escape: \\uD800 is not a Unicode scalar value") ;
  error_is("err/overflow", "i = 9223372036854775808", "line 1, column 5: integer overflow") ;
  error_is("err/overflow-neg", "i = -9_223_372_036_854_775_809", "line 1, column 5: integer overflow") ;
  error_is("err/overflow-hex", "i = 0x8000000000000000", "line 1, column 5: integer overflow") ;
  error_is("err/float-range", "f = 1e400", "line 1, column 5: float out of range") ;
  error_is("err/table-twice", "[a]\n[b]\n[ a ]", "line 3, column 3: table [a] defined twice (first at line 1)") ;
  error_is("err/super-twice", "[a.b]\n[a]\n[a]", "line 3, column 2: table [a] defined twice (first at line 2)") ;
  error_is("err/dotted-header", "[a]\nb.c = 1\n[a.b]", "line 3, column 2: table [a.b] was already defined by dotted keys at line 2") ;
  error_is("err/dotted-into-header", "[a.b]\n[a]\nb.c = 1", "line 3, column 1: cannot add keys to table \"b\" with dotted keys: it has its own [header] at line 1") ;
  error_is("err/static-array", "a = []\n[[a]]", "line 2, column 3: cannot define array of tables [[a]]: it is already an array (defined at line 1)") ;
  error_is("err/inline-sealed", "a = {b = 1}\n[a.c]", "line 2, column 2: cannot add a table to \"a\": it is an inline table (defined at line 1)") ;
  error_is("err/inline-trailing-comma", "a = {b = 1,}", "line 1, column 12: trailing comma not allowed in inline table") ;
  error_is("err/inline-newline", "a = {b = 1,\nc = 2}", "line 1, column 12: newlines are not allowed in inline tables") ;
  error_is("err/bare-string", "a = hello", "line 1, column 5: invalid value 'hello' (strings must be quoted)") ;
  error_is("err/unterminated", "a = \"abc\nb = 1", "line 1, column 5: unterminated string") ;
  error_is("err/utf8", "a = \"\xc3\x28\"", "line 1, column 6: invalid UTF-8") ;
  error_is("err/control", "a = 1 # \x01", "line 1, column 9: control character U+0001 is not allowed here") ;
  error_is("err/bare-cr", "a = 1\rb = 2", "line 1, column 6: carriage return not followed by a line feed") ;
  error_is("err/column-utf8", "\"é\" = \"ü\" x", "line 1, column 11: expected a newline after value, found 'x'") ;
  error_is("err/date", "d = 2023-02-29", "line 1, column 5: invalid date: 2023-02-29 does not exist") ;
  error_is("err/leading-zero", "a = [1, 02]", "line 1, column 9: leading zeros are not allowed") ;
  error_is("err/underscore", "a = 1__2", "line 1, column 5: invalid number: an underscore must be between two digits") ;
  error_is("err/unclosed-array", "a = [1,\n2\n", "line 3, column 1: unterminated array (opened at line 1)") ;
  error_is("err/bom-only-at-start", "\xef\xbb\xbf\xef\xbb\xbf" "a = 1", "line 1, column 1: expected a key, found '\xef\xbb\xbf' (U+FEFF)") ;
  return failures ? 1 : 0 ;
}
