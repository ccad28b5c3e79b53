/* ISC license. */

#include <stdio.h>
#include <stdlib.h>

#include "tm-ctl/common/ctl.h"

void ctl_warn (char const *a, char const *b, char const *c)
{
  fprintf(stderr, "tm-ctl: %s%s%s\n", a, b ? b : "", c ? c : "") ;
}

void ctl_die (int code, char const *a, char const *b, char const *c)
{
  fflush(stdout) ;
  fprintf(stderr, "tm-ctl: %s: %s%s%s\n", code == CTL_EX_USAGE ? "usage" : "fatal", a, b ? b : "", c ? c : "") ;
  exit(code) ;
}
