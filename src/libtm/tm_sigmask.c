/* ISC license. */

/* The signal mask a program was started with, given back to what it
   starts: a service gets the mask its container gave, not the one its
   supervisor runs with (selfpipe blocks the signals it traps). */

#include <signal.h>

#include "tm.h"

static sigset_t saved ;  /* empty until saved */

void tm_sigmask_save (void)
{
  sigprocmask(SIG_BLOCK, 0, &saved) ;
}

sigset_t const *tm_sigmask_saved (void)
{
  return &saved ;
}

void tm_sigmask_allow (int sig)
{
  sigdelset(&saved, sig) ;
}

void tm_sigmask_restore (void)
{
  sigprocmask(SIG_SETMASK, &saved, 0) ;
}
