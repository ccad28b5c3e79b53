/* ISC license. */

/* Our own programs find each other beside the running executable first
   (a build directory, an unusual prefix), then in PATH. */

#include <string.h>
#include <unistd.h>

#include "tm.h"

int tm_self_path (char *buf, size_t max)
{
  ssize_t n = readlink("/proc/self/exe", buf, max - 1) ;
  if (n <= 0) return 0 ;
  buf[n] = 0 ;
  return 1 ;
}

char const *tm_sibling (char const *name, char *buf, size_t max)
{
  char *slash ;
  size_t n ;
  if (!tm_self_path(buf, max)) return name ;
  slash = strrchr(buf, '/') ;
  if (!slash) return name ;
  n = slash + 1 - buf ;
  if (n + strlen(name) + 1 > max) return name ;
  strcpy(buf + n, name) ;
  return access(buf, X_OK) == 0 ? buf : name ;
}
