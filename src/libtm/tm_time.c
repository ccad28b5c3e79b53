/* ISC license. */

#include <time.h>

#include "tm.h"

static char *two (char *s, unsigned int v)
{
  s[0] = '0' + v / 10 % 10 ;
  s[1] = '0' + v % 10 ;
  return s + 2 ;
}

/* "2026-11-26T18:15:00.123Z" (RFC 3339, UTC): 24 bytes, no terminator */
size_t tm_rfc3339_fmt (char *buf, uint64_t ms)
{
  time_t t = ms / 1000 ;
  struct tm tm ;
  char *s = buf ;
  unsigned int frac = ms % 1000 ;
  gmtime_r(&t, &tm) ;
  s = two(s, (tm.tm_year + 1900) / 100) ; s = two(s, tm.tm_year + 1900) ; *s++ = '-' ;
  s = two(s, tm.tm_mon + 1) ; *s++ = '-' ; s = two(s, tm.tm_mday) ; *s++ = 'T' ;
  s = two(s, tm.tm_hour) ; *s++ = ':' ; s = two(s, tm.tm_min) ; *s++ = ':' ; s = two(s, tm.tm_sec) ;
  *s++ = '.' ;
  *s++ = '0' + frac / 100 ;
  s = two(s, frac) ;
  *s++ = 'Z' ;
  return s - buf ;
}
