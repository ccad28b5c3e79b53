/* ISC license. */

/* tm-ctl's metrics and HTTP: the Prometheus exposition, the serve-metrics
   responder, the probe that compiled health checks run. */

#ifndef TM_CTL_HTTP_H
#define TM_CTL_HTTP_H

#include <skalibs/stralloc.h>

#include "tm-ctl/common/ctl.h"

/* ctl_metrics.c: the Prometheus exposition, into a stralloc kept
   NUL-terminated; the cb_ functions die when out of memory */
extern void cb_cat (stralloc *b, char const *s, size_t n) ;
extern void cb_cats (stralloc *b, char const *s) ;
extern void cb_printf (stralloc *b, char const *fmt, ...) __attribute__((format(printf, 2, 3))) ;

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
extern void ctl_metrics_fmt (stralloc *b, ctl_snap_t const *s) ;
extern int ctl_metrics (ctl_args_t const *a) ;

/* ctl_serve.c: serve-metrics HOST:PORT */
extern int ctl_serve_metrics (ctl_args_t const *a) ;

/* ctl_probe.c */
extern int ctl_probe (ctl_args_t const *a) ;

#endif
