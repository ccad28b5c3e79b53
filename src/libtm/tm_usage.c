/* ISC license. */

/* --help and --version, the same in every program: as the first argument
   only, so that they can never be mistaken for a service's command. */

#include <string.h>
#include <unistd.h>

#include "tm.h"
#include "tm/config.h"

static int put (char const *s, size_t n)
{
  while (n)
  {
    ssize_t w = write(1, s, n) ;
    if (w < 0) return 0 ;
    s += w ; n -= w ;
  }
  return 1 ;
}

int tm_usage_answer (int argc, char const *const *argv, char const *prog, char const *help, size_t helplen)
{
  char const *a = argc > 1 ? argv[1] : "" ;
  if (!strcmp(a, "--help") || !strcmp(a, "-h")) return put(help, helplen) ? 0 : 111 ;
  if (!strcmp(a, "--version") || !strcmp(a, "-V"))
    return put(prog, strlen(prog)) && put(" " TM_VERSION "\n", sizeof(TM_VERSION) + 1) ? 0 : 111 ;
  return -1 ;
}
