/* ISC license. */

#include <string.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>

#include "tm.h"

/* A process's start time (clock ticks after boot, /proc/PID/stat's 22nd
   field): with the pid, it names one process, never a later one that got
   the same pid. */
int tm_proc_starttime (pid_t pid, uint64_t *t)
{
  char path[6 + PID_FMT + 6] = "/proc/" ;
  char buf[1024] ;
  char const *p ;
  size_t n = 6 ;
  ssize_t r ;
  n += pid_fmt(path + n, pid) ;
  memcpy(path + n, "/stat", 6) ;
  r = openreadnclose(path, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  p = strrchr(buf, ')') ;  /* the command name may hold anything */
  if (!p) return 0 ;
  /* field 3 (state) follows ") "; the start time is field 22 */
  for (unsigned int field = 2 ; field < 22 ; field++)
  {
    p = strchr(p + 1, ' ') ;
    if (!p) return 0 ;
  }
  return uint64_scan(p + 1, t) > 0 ;
}
