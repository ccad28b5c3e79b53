/* ISC license. */

#include <string.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>

#include "tm.h"

/* n consecutive numbers of /proc/PID/stat from field `first` (numbered as
   in proc(5), from 3 on): 1 ok, 0 no such process */
int tm_proc_stat (pid_t pid, unsigned int first, unsigned int n, uint64_t *v)
{
  char path[6 + PID_FMT + 6] = "/proc/" ;
  char buf[1024] ;
  char const *p ;
  size_t len = 6 ;
  ssize_t r ;
  len += pid_fmt(path + len, pid) ;
  memcpy(path + len, "/stat", 6) ;
  r = openreadnclose(path, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  p = strrchr(buf, ')') ;  /* the command name may hold anything */
  if (!p) return 0 ;
  /* field 3 (state) follows ") " */
  for (unsigned int field = 2 ; field < first ; field++)
  {
    p = strchr(p + 1, ' ') ;
    if (!p) return 0 ;
  }
  for (unsigned int i = 0 ; i < n ; i++)
  {
    size_t k = uint64_scan(p + 1, v + i) ;
    if (!k) return 0 ;
    p += 1 + k ;
  }
  return 1 ;
}

/* A process's start time (clock ticks after boot, the 22nd field): with
   the pid, it names one process, never a later one that got the same pid. */
int tm_proc_starttime (pid_t pid, uint64_t *t)
{
  return tm_proc_stat(pid, 22, 1, t) ;
}
