/* ISC license. */

#ifndef TM_CTL_H
#define TM_CTL_H

#include <stddef.h>

#include <skalibs/tai.h>

#include "tm.h"

/* exit codes (SPEC §9) */
#define EX_OK 0
#define EX_FALSE 1
#define EX_USAGE 100
#define EX_SYS 111

/* the parsed command line, options in any position */
typedef struct ctl_args_s ctl_args_t ;
struct ctl_args_s
{
  char const *scandir ;
  char const *verb ;
  char const **names ;          /* positional arguments after the verb */
  unsigned int nnames ;
  int json ;
  int wait ;                    /* --wait, or wait's -u/-r/-d as 'u' 'r' 'd' */
  int offline ;
  int timeout_set ;
  tain timeout ;                /* relative */
} ;

/* tm-ctl.c */
extern void ctl_die (int code, char const *a, char const *b, char const *c) ;
extern void ctl_warn (char const *a, char const *b, char const *c) ;

/* ctl_service.c */
extern int ctl_list (ctl_args_t const *a) ;
extern int ctl_status (ctl_args_t const *a) ;
extern int ctl_control (ctl_args_t const *a, char cmd) ;
extern int ctl_signal (ctl_args_t const *a) ;
extern int ctl_wait (ctl_args_t const *a) ;
extern int ctl_health (ctl_args_t const *a) ;
extern int ctl_shutdown (ctl_args_t const *a) ;

/* ctl_check.c */
extern char const *ctl_default_config (void) ;
extern int ctl_check (ctl_args_t const *a) ;
extern int ctl_compile (ctl_args_t const *a) ;

/* ctl_reload.c */
extern int ctl_reload (ctl_args_t const *a) ;

/* ctl_probe.c */
extern int ctl_probe (ctl_args_t const *a) ;

/* ctl_install.c */
extern int ctl_install (ctl_args_t const *a) ;
extern void ctl_compat (int argc, char const **argv) ;

/* ctl_import.c: import-supervisord FILE */
extern int ctl_import_supervisord (ctl_args_t const *a) ;

#endif
