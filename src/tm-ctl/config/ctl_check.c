/* ISC license. */

/* tm-ctl check [--offline] [CONFIG] and tm-ctl compile CONFIG DIR */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "libtmconf/tmconf.h"

char const *ctl_default_config (void)
{
  char const *s = getenv("TM_CONFIG") ;
  if (s && *s) return s ;
  for (unsigned int i = 0 ; i + 1 < TM_CONFIG_NDEFAULTS ; i++)
    if (access(tm_config_defaults[i], F_OK) == 0) return tm_config_defaults[i] ;
  return tm_config_defaults[TM_CONFIG_NDEFAULTS - 1] ;
}

int ctl_check (ctl_args_t const *a)
{
  config_t c ;
  int ok ;
  if (a->nnames > 1) ctl_die(CTL_EX_USAGE, "check takes at most one CONFIG", 0, 0) ;
  ok = config_load(&c, a->nnames ? a->names[0] : ctl_default_config(), a->offline) ;
  if (ok) printf("ok: %u services\n", c.nservices) ;  /* SPEC §9 words it so, whatever N: scripts match it */
  else ctl_warnf("%u error%s in %s", c.nerrors, c.nerrors == 1 ? "" : "s", c.file) ;
  ok = ok ? CTL_EX_OK : c.syserr ? CTL_EX_SYS : CTL_EX_FALSE ;
  config_free(&c) ;
  return ok ;
}

int ctl_compile (ctl_args_t const *a)
{
  config_t c ;
  int code ;
  if (a->nnames != 2) ctl_die(CTL_EX_USAGE, "compile needs CONFIG and DIR", 0, 0) ;
  if (a->offline) ctl_die(CTL_EX_USAGE, "compile checks against this machine: --offline makes no sense here", 0, 0) ;
  /* 1: the configuration is wrong; 111: the system failed us (a
     read-only or full file system, an I/O error) */
  if (!config_load(&c, a->names[0], 0))
  {
    ctl_warnf("%u error%s in %s: nothing compiled", c.nerrors, c.nerrors == 1 ? "" : "s", c.file) ;
    code = c.syserr ? CTL_EX_SYS : CTL_EX_FALSE ;
  }
  else
  {
    int r = config_compile(&c, a->names[1]) ;
    code = r > 0 ? CTL_EX_OK : r < 0 ? CTL_EX_SYS : CTL_EX_FALSE ;
  }
  config_free(&c) ;
  return code ;
}
