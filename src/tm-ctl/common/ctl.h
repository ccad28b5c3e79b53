/* ISC license. */

#ifndef TM_CTL_COMMON_CTL_H
#define TM_CTL_COMMON_CTL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include <skalibs/tai.h>

#include "tm.h"

/* exit codes (SPEC §9); not sysexits.h's: usage is 100, not 64 */
#define CTL_EX_OK 0
#define CTL_EX_FALSE 1
#define CTL_EX_USAGE 100
#define CTL_EX_SYS 111

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
  int follow ;                  /* logs -f */
  int timestamps ;              /* logs --timestamps */
  unsigned int lines ;          /* logs -n */
  int timeout_set ;
  tain timeout ;                /* relative */
  int seed ;                    /* invoked under one of the Go seed's names */
} ;

/* ctl_err.c: the one error printer of tm-ctl. ctl_die prints
   "tm-ctl: fatal: a b c" ("usage:" for CTL_EX_USAGE) and exits with code;
   ctl_warn prints "tm-ctl: a b c". A system error's message carries
   errno's text: ctl_diesys, ctl_warnsys. */
extern void ctl_die (int code, char const *a, char const *b, char const *c) __attribute__((noreturn)) ;
extern void ctl_warn (char const *a, char const *b, char const *c) ;
/* the same, ending with ": " and errno's text */
extern void ctl_diesys (int code, char const *a, char const *b) __attribute__((noreturn)) ;
extern void ctl_warnsys (char const *a, char const *b) ;
extern void ctl_warnf (char const *fmt, ...) __attribute__((format(printf, 1, 2))) ;  /* "tm-ctl: " fmt "\n" */
/* a b c into buf (PATH_MAX bytes), or die: a path is never cut short */
extern char *ctl_path (char *buf, char const *a, char const *b, char const *c) ;

/* one service as tm-ctl sees it */
typedef struct svinfo_s svinfo_t ;
struct svinfo_s
{
  char const *name ;
  tm_status_t st ;
  int has_status ;
  int supervised ;              /* a supervisor holds the lock */
  int fresh ;                   /* the status was written by that supervisor */
  int ourns ;                   /* its pids are in our pid namespace */
} ;

/* ctl_svinfo.c */
extern void svi_path (char *buf, char const *scandir, char const *name, char const *file) ;  /* PATH_MAX bytes */
extern int svi_is_dir (char const *scandir, char const *name) ;
extern int svi_svscan_runs (char const *scandir) ;
extern pid_t svi_supervisor (char const *scandir, char const *name) ;  /* the holder of its lock, 0 none, -1 error */
extern int svi_read (char const *scandir, char const *name, svinfo_t *sv) ;  /* 1 ok, 0 unknown, -1 error */
extern int svi_load (char const *scandir, char const *name, svinfo_t *sv) ;  /* svi_read, dying on an error */
extern int svi_names (char const *scandir, char const ***names, unsigned int *n) ; /* sorted; 1 ok, 0 error */
extern void svi_names_free (char const **names, unsigned int n) ;
extern char const **all_services (char const *scandir, unsigned int *n) ;  /* svi_names, dying on an error */
extern void svi_unknown (char const *scandir, char const *name, int die) ;  /* "unknown service: NAME (did you mean ...?)"; dies (exit 1) if die */
extern int svi_enabled (char const *scandir, char const *name) ;
extern int svi_ready (svinfo_t const *sv) ;
extern int svi_healthy (svinfo_t const *sv) ;      /* the rule of tm-ctl health */
extern void svi_problem (char *buf, size_t max, svinfo_t const *sv) ;
extern int svi_usage (svinfo_t const *sv, double *cpu, unsigned long long *rss) ;  /* of its running process: 1 ok, 0 none known */
extern void fmt_duration (char *buf, size_t max, uint64_t ms) ;

#endif
