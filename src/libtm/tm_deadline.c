/* ISC license. */

#include <skalibs/tai.h>

#include "tm.h"

void tm_deadline_in (tain *d, unsigned int ms)
{
  tain t ;
  tain_from_millisecs(&t, ms > 0x7fffffff ? 0x7fffffff : ms) ;
  tain_add_g(d, &t) ;
}
