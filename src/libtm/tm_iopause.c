/* ISC license. */

#include <skalibs/iopause.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include "tm.h"

/* iopause failed (it should not): say it, and wait a little rather than
   spin; for the loops of tm-svscan and tm-supervise */
void tm_iopause_backoff (void)
{
  tain d ;
  strerr_warnwu1sys("iopause") ;
  tm_deadline_in(&d, 100) ;
  iopause_g(0, 0, &d) ;
}
