/* ISC license. */

#ifndef TM_CTL_H
#define TM_CTL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

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
  int follow ;                  /* logs -f */
  int timestamps ;              /* logs --timestamps */
  unsigned int lines ;          /* logs -n */
  int timeout_set ;
  tain timeout ;                /* relative */
} ;

/* tm-ctl.c */
extern void ctl_die (int code, char const *a, char const *b, char const *c) ;
extern void ctl_warn (char const *a, char const *b, char const *c) ;

/* the name of the compiled [metrics] server's service */
#define TM_METRICS_SERVICE "tm-metrics"

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

/* ctl_service.c */
extern int sv_read (char const *scandir, char const *name, svinfo_t *sv) ;  /* 1 ok, 0 unknown, -1 error */
extern int sv_load (char const *scandir, char const *name, svinfo_t *sv) ;  /* sv_read, dying on an error */
extern int sv_names (char const *scandir, char const ***names, unsigned int *n) ; /* sorted; 1 ok, 0 error */
extern void sv_names_free (char const **names, unsigned int n) ;
extern char const **all_services (char const *scandir, unsigned int *n) ;  /* sv_names, dying on an error */
extern int sv_enabled (char const *scandir, char const *name) ;
extern int sv_ready (svinfo_t const *sv) ;
extern int sv_healthy (svinfo_t const *sv) ;      /* the rule of tm-ctl health */
extern void sv_problem (char *buf, size_t max, svinfo_t const *sv) ;
extern int proc_usage (pid_t pid, double *cpu, unsigned long long *rss) ;
extern void fmt_duration (char *buf, size_t max, uint64_t ms) ;
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

/* ctl_logs.c */
extern int ctl_logs (ctl_args_t const *a) ;

/* ctl_probe.c */
extern int ctl_probe (ctl_args_t const *a) ;

/* ctl_metrics.c: the Prometheus exposition, into a growing buffer */
typedef struct ctl_buf_s ctl_buf_t ;
struct ctl_buf_s { char *s ; size_t len, cap ; } ;
#define CTL_BUF_ZERO { 0, 0, 0 }
extern void cb_cat (ctl_buf_t *b, char const *s, size_t n) ;
extern void cb_cats (ctl_buf_t *b, char const *s) ;
extern void cb_printf (ctl_buf_t *b, char const *fmt, ...) __attribute__((format(printf, 2, 3))) ;

typedef struct ctl_snap_s ctl_snap_t ;
struct ctl_snap_s
{
  char const **names ;          /* every service directory; sv[i].name points here */
  unsigned int nnames ;
  svinfo_t *sv ;                /* the ones loaded */
  unsigned int n ;
} ;
extern int ctl_snap_load (ctl_snap_t *s, char const *scandir, int strict) ;  /* 1 ok, 0 error (errno) */
extern void ctl_snap_free (ctl_snap_t *s) ;
extern void ctl_metrics_fmt (ctl_buf_t *b, ctl_snap_t const *s) ;
extern int ctl_metrics (ctl_args_t const *a) ;

/* ctl_serve.c: serve-metrics HOST:PORT */
extern int ctl_serve_metrics (ctl_args_t const *a) ;

/* ctl_install.c */
extern int ctl_install (ctl_args_t const *a) ;
extern void ctl_compat (int argc, char const **argv) ;

/* ctl_import.c: import-supervisord FILE */
extern int ctl_import_supervisord (ctl_args_t const *a) ;
/* ctl_import_procfile.c, ctl_import_s6.c */
extern int ctl_import_procfile (ctl_args_t const *a) ;
extern int ctl_import_s6 (ctl_args_t const *a) ;

#endif
