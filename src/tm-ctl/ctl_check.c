/* ISC license. */

/* tm-ctl check [--offline] [CONFIG] and tm-ctl compile CONFIG DIR */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tm-ctl.h"
#include "ctl_config.h"

char const *ctl_default_config (void)
{
  char const *s = getenv("TM_CONFIG") ;
  if (s && *s) return s ;
  if (access("/etc/tm/services.toml", F_OK) == 0) return "/etc/tm/services.toml" ;
  return "/services.toml" ;
}

int ctl_check (ctl_args_t const *a)
{
  config_t c ;
  int ok ;
  if (a->nnames > 1) ctl_die(EX_USAGE, "check takes at most one CONFIG", 0, 0) ;
  ok = config_load(&c, a->nnames ? a->names[0] : ctl_default_config(), a->offline) ;
  if (ok) printf("ok: %u service%s\n", c.nservices, c.nservices == 1 ? "" : "s") ;
  else fprintf(stderr, "tm-ctl: %u error%s in %s\n", c.nerrors, c.nerrors == 1 ? "" : "s", c.file) ;
  config_free(&c) ;
  return ok ? EX_OK : EX_FALSE ;
}

int ctl_compile (ctl_args_t const *a)
{
  config_t c ;
  int ok ;
  if (a->nnames != 2) ctl_die(EX_USAGE, "compile needs CONFIG and DIR", 0, 0) ;
  if (a->offline) ctl_die(EX_USAGE, "compile checks against this machine: --offline makes no sense here", 0, 0) ;
  ok = config_load(&c, a->names[0], 0) ;
  if (!ok) fprintf(stderr, "tm-ctl: %u error%s in %s: nothing compiled\n", c.nerrors, c.nerrors == 1 ? "" : "s", c.file) ;
  else ok = config_compile(&c, a->names[1]) ;
  config_free(&c) ;
  return ok ? EX_OK : EX_FALSE ;
}
