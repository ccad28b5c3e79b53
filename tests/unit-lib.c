/* ISC license. */

/* Unit tests of libtm's small pieces: status files, signals, durations. */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tm.h"

static int failures = 0 ;

#define CHECK(name, cond) do { if (cond) printf("ok %s\n", name) ; else { printf("FAIL %s at line %d\n", name, __LINE__) ; failures++ ; } } while (0)

static void test_status_roundtrip (void)
{
  tm_status_t a = TM_STATUS_ZERO, b ;
  char buf[TM_STATUS_MAX] ;
  size_t n ;
  strcpy(a.name, "app") ;
  a.state = TM_RUNNING ; a.want = 1 ; a.ready = 1 ; a.health = TM_HEALTH_HEALTHY ;
  a.required = 1 ; a.type = TM_ONESHOT ; a.pid = 1234 ; a.supervisor = 99 ;
  a.since = 1764164709123ULL ; a.restarts = 7 ; a.exit_code = 3 ; a.exit_signal = SIGKILL ;
  strcpy(a.reason, "dependency timeout: nginx") ;
  n = tm_status_fmt(buf, &a) ;
  buf[n] = 0 ;
  CHECK("status-fmt-since", strstr(buf, "\nsince=1764164709.123\n") != 0) ;
  CHECK("status-fmt-signal", strstr(buf, "\nexit_signal=SIGKILL\n") != 0) ;
  CHECK("status-fmt-keys", strstr(buf, "name=app\nstate=RUNNING\nwant=up\npid=1234\n") == buf) ;
  CHECK("status-parse", tm_status_parse(buf, n, &b) == 1) ;
  CHECK("status-roundtrip", !strcmp(a.name, b.name) && a.state == b.state && a.want == b.want
    && a.ready == b.ready && a.health == b.health && a.required == b.required && a.type == b.type
    && a.pid == b.pid && a.supervisor == b.supervisor && a.since == b.since && a.restarts == b.restarts
    && a.exit_code == b.exit_code && a.exit_signal == b.exit_signal && !strcmp(a.reason, b.reason)) ;
}

static void test_status_reject (void)
{
  tm_status_t st ;
  char const *bad1 = "name=x\nstate=DANCING\n" ;
  char const *bad2 = "name=x\npid=12\n" ;
  char const *bad3 = "name=x\nstate=RUNNING\npid=-5\n" ;
  char const *ok = "name=x\nstate=STOPPED\nfuture_key=whatever\n" ;
  CHECK("status-reject-state", !tm_status_parse(bad1, strlen(bad1), &st)) ;
  CHECK("status-reject-nostate", !tm_status_parse(bad2, strlen(bad2), &st)) ;
  CHECK("status-reject-pid", !tm_status_parse(bad3, strlen(bad3), &st)) ;
  CHECK("status-unknown-key-ignored", tm_status_parse(ok, strlen(ok), &st) && st.state == TM_STOPPED) ;
}

static void test_reason (void)
{
  tm_status_t st = TM_STATUS_ZERO ;
  char big[400] ;
  memset(big, 'x', sizeof(big) - 1) ; big[sizeof(big) - 1] = 0 ;
  tm_status_setreason(&st, "a\nb", ": c") ;
  CHECK("reason-newline", !strcmp(st.reason, "a b: c")) ;
  tm_status_setreason(&st, big, big) ;
  CHECK("reason-truncated", strlen(st.reason) == TM_REASON_MAX) ;
}

static void test_signals (void)
{
  CHECK("signal-scan-sig", tm_signal_scan("SIGTERM") == SIGTERM) ;
  CHECK("signal-scan-bare", tm_signal_scan("hup") == SIGHUP) ;
  CHECK("signal-scan-number", tm_signal_scan("10") == 10) ;
  CHECK("signal-scan-bad", tm_signal_scan("SIGBOGUS") == 0 && tm_signal_scan("") == 0 && tm_signal_scan("99") == 0) ;
  CHECK("signal-name", !strcmp(tm_signal_name(SIGUSR1), "SIGUSR1")) ;
  CHECK("signal-letters", tm_signal_letter(SIGUSR2) == '2' && tm_letter_signal('k') == SIGKILL && !tm_letter_signal('u')) ;
}

static void test_secs (void)
{
  tain t ;
  CHECK("secs-int", tm_secs_scan("10", &t) && tain_to_millisecs(&t) == 10000) ;
  CHECK("secs-frac", tm_secs_scan("1.5", &t) && tain_to_millisecs(&t) == 1500) ;
  CHECK("secs-dot", tm_secs_scan(".25", &t) && tain_to_millisecs(&t) == 250) ;
  CHECK("secs-bad", !tm_secs_scan("1s", &t) && !tm_secs_scan("", &t) && !tm_secs_scan("-1", &t)) ;
}

static int matches (char const *pattern, char const *line)
{
  static tm_match_t m ;
  char const *why ;
  if (!tm_match_compile(&m, pattern, &why)) return -1 ;
  return tm_match(&m, line, strlen(line)) ;
}

static void test_match (void)
{
  static struct { char const *p, *s ; int r ; } const cases[] =
  {
    { "listening on", "2026 INFO listening on :8080", 1 },
    { "listening on", "listening o", 0 },
    { "^ready$", "ready", 1 }, { "^ready$", "ready!", 0 }, { "^ready", "not ready", 0 },
    { "ready$", "is ready", 1 }, { "port [0-9]+", "port 8080", 1 }, { "port [0-9]+", "port x", 0 },
    { "a.c", "abc", 1 }, { "a.c", "ac", 0 }, { "ab*c", "ac", 1 }, { "ab*c", "abbbc", 1 },
    { "ab+c", "ac", 0 }, { "ab?c", "abc", 1 }, { "ab?c", "abbc", 0 }, { "[^ ]+ started", "web started", 1 },
    { "\\.\\*", "a.*b", 1 }, { "\\.\\*", "ab", 0 }, { "x*y*z*q", "xxyyzzzq", 1 },
    { "a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", 0 },
    { "[]x]", "]", 1 }, { "[a-c-]", "-", 1 }, { "", "anything", 1 }, { "a\\$b", "a$b", 1 }, { "\\^", "x^", 1 },
    { "(ready|listening)", "now listening", 1 }, { "(ready|listening)", "read", 0 },
    { "^Server (started|running) on port [0-9]{2,5}", "Server running on port 8080", 1 },
    { "^Server (started|running) on port [0-9]{2,5}", "Server started on port 8", 0 },
    { "^Server (started|running) on port [0-9]{2,5}$", "Server started on port 123456", 0 },
    { "[[:digit:]]+", "v1", 1 }, { "[[:digit:]]+", "none", 0 }, { "^[[:upper:]][[:lower:]]+$", "Ready", 1 },
    { "[[:space:][:punct:]]", "a;", 1 }, { "[^[:alnum:]]", "abc9", 0 }, { "[[:xdigit:]]{4}", "0x1fA3", 1 },
    { "a{3}", "aa", 0 }, { "a{3}", "xaaax", 1 }, { "^a{2,}$", "aaaa", 1 }, { "^a{2,}$", "a", 0 },
    { "^(ab){1,2}$", "ababab", 0 }, { "^(ab){0,2}c", "ababc", 1 }, { "x{0}y", "y", 1 },
    { "(^|[ ])ready", "is ready", 1 }, { "(^|[ ])ready", "already", 0 }, { "ready($|[.!])", "ready.", 1 },
    { "a^b", "a^b", 0 }, { "a$b", "a$b", 0 }, { "(a|b)*c", "abbac", 1 }, { "^(a|ab)(c|bcd)$", "abcd", 1 },
    { "(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", 0 }, { "((a|b)+){2}c", "abc", 1 }, { "(^a){0,2}b", "ab", 1 },
  } ;
  static char const *const refused[] = { "*a", "(*a)", "a|*b", "^*", "a**", "a{2}{3}", "()", "(a|)", "|a", "a|",
    "(a", "a)", "a{", "a{x}", "a{,2}", "a{3,2}", "a{256}", "[abc", "[[:digits:]]", "[[.a.]]", "[[=a=]]", "[[:digit:]-z]",
    "x\\", "a$?", "port \\d+", "\\<x", "(a)\\1", "(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))",
    "([0-9]{1,200}){10}", "(^a){2}", "(a|$){2,4}" } ;
  for (size_t i = 0 ; i < sizeof(cases) / sizeof(*cases) ; i++)
  {
    char name[48] ;
    snprintf(name, sizeof(name), "match/%zu", i) ;
    CHECK(name, matches(cases[i].p, cases[i].s) == cases[i].r) ;
  }
  for (size_t i = 0 ; i < sizeof(refused) / sizeof(*refused) ; i++)
  {
    char name[48] ;
    snprintf(name, sizeof(name), "match/refused-%zu", i) ;
    CHECK(name, matches(refused[i], "a") == -1) ;
  }
}

int main (void)
{
  test_match() ;
  test_status_roundtrip() ;
  test_status_reject() ;
  test_reason() ;
  test_signals() ;
  test_secs() ;
  return !!failures ;
}
