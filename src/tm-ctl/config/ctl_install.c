/* ISC license. */

/* tm-ctl install [DIR], and the seed's names: invoked as tm-orchestrator,
   go-overlay or entrypoint, the suite behaves as the Go seed did. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int ctl_install (ctl_args_t const *a)
{
  char const *dir = a->nnames ? a->names[0] : "/usr/local/bin" ;
  char self[PATH_MAX] ;
  int rc = CTL_EX_OK ;
  if (a->nnames > 1) ctl_die(CTL_EX_USAGE, "install takes at most one DIR", 0, 0) ;
  if (!tm_self_path(self, sizeof(self))) ctl_diesys(CTL_EX_SYS, "unable to find tm-ctl's own path", 0) ;
  for (unsigned int i = 0 ; i < TM_NLINKS ; i++)
  {
    char path[PATH_MAX] ;
    char cur[PATH_MAX] ;
    ssize_t n ;
    if (!tm_path_cat(path, sizeof(path), dir, "/", tm_link_names[i])) ctl_die(CTL_EX_USAGE, "path too long: ", dir, 0) ;
    if (!strcmp(path, self)) continue ;
    n = readlink(path, cur, sizeof(cur) - 1) ;
    if (n > 0) { cur[n] = 0 ; if (!strcmp(cur, self)) { printf("%s -> %s (already)\n", path, self) ; continue ; } }
    if (n > 0 || access(path, F_OK) == 0) unlink(path) ;
    if (symlink(self, path) < 0)
    {
      int e = errno ;
      if (e == EACCES) ctl_warn("unable to create ", path, ": permission denied") ;
      else ctl_warnsys("unable to create ", path) ;
      rc = e == EACCES || e == EPERM ? CTL_EX_FALSE : CTL_EX_SYS ;
      continue ;
    }
    printf("%s -> %s\n", path, self) ;
  }
  return rc ;
}

/* tm-orchestrator / go-overlay / entrypoint: no arguments run the system (tm-init);
   list, status, restart, install are tm-ctl's; anything else is the
   container's command, run by tm-init. The seed's own options come first:
   --debug, and -c/--config FILE, which is tm-init's -c. */
int ctl_compat (int argc, char const **argv)
{
  char const *base = strrchr(argv[0], '/') ;
  char init[PATH_MAX] ;
  char const *config = 0 ;
  int f = 1 ;                      /* the first argument after the seed's options */
  base = base ? base + 1 : argv[0] ;
  unsigned int k = 1 ;             /* tm_link_names[0] is tm-ctl itself */
  while (k < TM_NLINKS && strcmp(base, tm_link_names[k])) k++ ;
  if (k == TM_NLINKS) return 0 ;
  for (; f < argc ; f++)
  {
    if (!strcmp(argv[f], "--debug")) setenv("TM_DEBUG", "1", 1) ;  /* tm-init says a little more */
    else if ((!strcmp(argv[f], "-c") || !strcmp(argv[f], "--config")) && f + 1 < argc) config = argv[++f] ;
    else if (!strncmp(argv[f], "--config=", 9)) config = argv[f] + 9 ;
    else break ;
  }
  if (f < argc && (!strcmp(argv[f], "list") || !strcmp(argv[f], "status") || !strcmp(argv[f], "restart")
    || !strcmp(argv[f], "install") || argv[f][0] == '-')) return 1 ;
  {
    char const *nargv[argc + 3] ;
    char const *prog = tm_sibling("tm-init", init, sizeof(init)) ;
    int n = 0 ;
    nargv[n++] = "tm-init" ;
    if (config) { nargv[n++] = "-c" ; nargv[n++] = config ; }
    if (f < argc) nargv[n++] = "--" ;
    for (int i = f ; i < argc ; i++) nargv[n++] = argv[i] ;
    nargv[n] = 0 ;
    if (strchr(prog, '/')) execv(prog, (char *const *)nargv) ;
    else execvp(prog, (char *const *)nargv) ;
    ctl_die(errno == ENOENT ? 127 : 126, "unable to exec ", prog, 0) ;
  }
}
