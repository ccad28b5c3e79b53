/* ISC license. */

/* Unit tests of the relay's JSON: which lines are one JSON object (and
   which of the keys tm adds they have), and escaping into a string. */

#include <stdio.h>
#include <string.h>

#include "../src/tm-supervise/sv.h"

static int failures = 0 ;

#define CHECK(name, cond) do { if (cond) printf("ok %s\n", name) ; else { printf("FAIL %s at line %d\n", name, __LINE__) ; failures++ ; } } while (0)

static int object (char const *s, unsigned int *has)
{
  size_t a, b ;
  unsigned int h ;
  int r = json_object_scan(s, strlen(s), &h, &a, &b) ;
  if (has) *has = h ;
  return r ;
}

static void test_objects (void)
{
  unsigned int has ;
  static char const *const good[] =
  {
    "{}", " { } ", "{\"a\":1}", "{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}",
    "{\"n\":-0.5e+10,\"m\":0,\"s\":\"\\u00e9\\n\\\"\"}", "{\"deep\":[[[[[]]]]]}",
    "{\"u\":\"\xc3\xa9\"}", "\t{\"a\" : \"b\"}\r",
  } ;
  static char const *const bad[] =
  {
    "", "[]", "1", "\"s\"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1}x",
    "{\"a\":1}{}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":tru}", "{\"a\":\"\\x\"}",
    "{\"a\":\"\\u12\"}", "{\"a\":\"\x01\"}", "{\"a\":\"\xe9\"}", "{\"a\":\"\xed\xa0\x80\"}",
    "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\":1]}",
  } ;
  char deep[200] ;
  for (size_t i = 0 ; i < sizeof(good) / sizeof(*good) ; i++)
  {
    char name[32] ;
    snprintf(name, sizeof(name), "json/good-%zu", i) ;
    CHECK(name, object(good[i], 0)) ;
  }
  for (size_t i = 0 ; i < sizeof(bad) / sizeof(*bad) ; i++)
  {
    char name[32] ;
    snprintf(name, sizeof(name), "json/bad-%zu", i) ;
    CHECK(name, !object(bad[i], 0)) ;
  }
  CHECK("json/keys", object("{\"time\":1,\"x\":{\"service\":2},\"stream\":3}", &has) && has == (JSON_HAS_TIME | JSON_HAS_STREAM)) ;
  CHECK("json/keys-service", object("{\"service\":\"a\"}", &has) && has == JSON_HAS_SERVICE) ;
  /* 64 levels of containers are fine, 65 are not */
  for (unsigned int k = 63 ; k <= 64 ; k++)
  {
    memset(deep, 0, sizeof(deep)) ;
    memcpy(deep, "{\"a\":", 5) ;
    memset(deep + 5, '[', k) ;
    deep[5 + k] = '1' ;
    memset(deep + 6 + k, ']', k) ;
    deep[6 + 2 * k] = '}' ;
    if (k == 63) CHECK("json/depth-64", object(deep, 0)) ;
    else CHECK("json/depth-65", !object(deep, 0)) ;
  }
}

static void test_escape (void)
{
  char out[64] ;
  size_t used, n ;
  n = json_escape(out, sizeof(out), "a\"b\\c\n\t\x01\x7f", 9, &used) ;
  CHECK("escape/controls", n == 23 && used == 9 && !memcmp(out, "a\\\"b\\\\c\\n\\t\\u0001\\u007f", 23)) ;
  n = json_escape(out, sizeof(out), "\xc3\xa9\xe9x", 4, &used) ;
  CHECK("escape/utf8", n == 6 && used == 4 && !memcmp(out, "\xc3\xa9\xef\xbf\xbdx", 6)) ;
  n = json_escape(out, 5, "ab\x01" "cd", 5, &used) ;
  CHECK("escape/whole-escapes", n == 2 && used == 2) ;
  n = json_escape(out, 1, "\xc3\xa9", 2, &used) ;
  CHECK("escape/whole-characters", n == 0 && used == 0) ;
  CHECK("escape/length", json_escaped_len("a\"b\\c\n\t\x01\x7f", 9) == 23 && json_escaped_len("\xc3\xa9\xe9x", 4) == 6) ;
  n = json_escape(out, 3, "abcdef", 6, &used) ;
  CHECK("escape/run-cut-to-room", n == 3 && used == 3 && !memcmp(out, "abc", 3)) ;
}

int main (void)
{
  test_objects() ;
  test_escape() ;
  return !!failures ;
}
