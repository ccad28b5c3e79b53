/* ISC license. */

/* tm-ctl's configuration verbs, on top of libtmconf. */

#ifndef TM_CTL_CONFIG_H
#define TM_CTL_CONFIG_H

#include "tm-ctl/common/ctl.h"

/* ctl_check.c */
extern char const *ctl_default_config (void) ;
extern int ctl_check (ctl_args_t const *a) ;
extern int ctl_compile (ctl_args_t const *a) ;

/* ctl_reload.c */
extern int ctl_reload (ctl_args_t const *a) ;

/* ctl_install.c */
extern int ctl_install (ctl_args_t const *a) ;
extern int ctl_compat (int argc, char const **argv) ;  /* 1: under a seed name, and a tm-ctl verb */

#endif
