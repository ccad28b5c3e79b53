/* LD_PRELOAD shim: once the file $CLOCK_STEP_FILE exists, the wall clock
   (CLOCK_REALTIME, gettimeofday, time) reads one hour earlier, as after a
   step of the system clock; the monotonic clock is left alone. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define STEP 3600

static int stepped (void)
{
  char const *f = getenv("CLOCK_STEP_FILE") ;
  return f && access(f, F_OK) == 0 ;
}

int clock_gettime (clockid_t id, struct timespec *ts)
{
  static int (*real)(clockid_t, struct timespec *) ;
  int r ;
  if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime") ;
  r = real(id, ts) ;
  if (!r && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE) && stepped()) ts->tv_sec -= STEP ;
  return r ;
}

int gettimeofday (struct timeval *tv, void *tz)
{
  struct timespec ts ;
  (void)tz ;
  if (clock_gettime(CLOCK_REALTIME, &ts) < 0) return -1 ;
  tv->tv_sec = ts.tv_sec ;
  tv->tv_usec = ts.tv_nsec / 1000 ;
  return 0 ;
}

time_t time (time_t *t)
{
  struct timespec ts ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  if (t) *t = ts.tv_sec ;
  return ts.tv_sec ;
}
