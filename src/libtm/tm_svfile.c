/* ISC license. */

#include <errno.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>

#include "tm.h"

int tm_svfile_read (char const *file, char *buf, size_t max)
{
  ssize_t r = openreadnclose(file, buf, max - 1) ;
  if (r < 0) return errno == ENOENT ? -1 : -2 ;
  while (r && (buf[r-1] == '\n' || buf[r-1] == ' ' || buf[r-1] == '\t' || buf[r-1] == '\r')) r-- ;
  buf[r] = 0 ;
  return r ;
}

int tm_svfile_uint (char const *file, unsigned int *u)
{
  char buf[32] ;
  int r = tm_svfile_read(file, buf, sizeof(buf)) ;
  if (r == -1) return 0 ;
  if (r < 0 || !r || !uint0_scan(buf, u)) return -1 ;
  return 1 ;
}

int tm_svfile_exists (char const *file)
{
  return access(file, F_OK) == 0 ;
}
