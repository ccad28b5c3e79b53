/* ISC license. */

#include <stdlib.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "tm.h"

char const *tm_scandir (char const *opt)
{
  char const *s = opt ? opt : getenv("TM_SCANDIR") ;
  return s && *s ? s : TM_SCANDIR_DEFAULT ;
}

int tm_secs_scan (char const *s, tain *t)
{
  uint64_t secs = 0 ;
  uint64_t frac = 0, scale = 1 ;
  size_t n = uint64_scan(s, &secs) ;
  s += n ;
  if (*s == '.')
    for (s++ ; *s >= '0' && *s <= '9' ; s++, n++)
      if (scale < 1000000000) { frac = frac * 10 + (*s - '0') ; scale *= 10 ; }
  if (*s || !n) return 0 ;
  if (secs > 1000000000) secs = 1000000000 ;
  tain_from_millisecs(t, 0) ;
  t->sec.x = secs ;
  t->nano = frac * (1000000000 / scale) ;
  return 1 ;
}
