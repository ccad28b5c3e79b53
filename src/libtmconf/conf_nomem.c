/* ISC license. */

#include <stdio.h>
#include <stdlib.h>

#include "tmconf.h"

/* the words of tm-ctl's own error printer: libtmconf runs inside tm-ctl */
void tmconf_nomem (void)
{
  fflush(stdout) ;
  fputs("tm-ctl: fatal: out of memory\n", stderr) ;
  exit(111) ;
}
