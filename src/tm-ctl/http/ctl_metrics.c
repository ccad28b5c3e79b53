/* ISC license. */

/* tm-ctl metrics: the Prometheus text exposition (format 0.0.4) of every
   service, from the status files and /proc. Each family is written whole,
   its series one per service, as the format requires. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* ---- a growing buffer ---- */

void cb_cat (stralloc *b, char const *s, size_t n)
{
  if (!stralloc_readyplus(b, n + 1)) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  memcpy(b->s + b->len, s, n) ;
  b->len += n ;
  b->s[b->len] = 0 ;
}

void cb_cats (stralloc *b, char const *s)
{
  cb_cat(b, s, strlen(s)) ;
}

void cb_printf (stralloc *b, char const *fmt, ...)
{
  char buf[512] ;
  va_list ap ;
  int n ;
  va_start(ap, fmt) ;
  n = vsnprintf(buf, sizeof(buf), fmt, ap) ;
  va_end(ap) ;
  if (n > 0) cb_cat(b, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) ;
}

/* ---- every service at once ---- */

/* strict: die on an error, with the messages of list and status; else
   1 ok, 0 error (errno set) */
int ctl_snap_load (ctl_snap_t *s, char const *scandir, int strict)
{
  unsigned int n, k = 0 ;
  if (strict) s->names = all_services(scandir, &n) ;
  else if (!svi_names(scandir, &s->names, &n)) return 0 ;
  s->sv = malloc((n ? n : 1) * sizeof(svinfo_t)) ;
  if (!s->sv)
  {
    if (strict) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
    svi_names_free(s->names, n) ;
    errno = ENOMEM ;
    return 0 ;
  }
  for (unsigned int i = 0 ; i < n ; i++)
  {
    /* a directory gone since the listing (a reload) is skipped */
    int r = strict ? svi_load(scandir, s->names[i], s->sv + k) : svi_read(scandir, s->names[i], s->sv + k) ;
    if (r < 0)
    {
      int e = errno ;
      free(s->sv) ;
      svi_names_free(s->names, n) ;
      errno = e ;
      return 0 ;
    }
    k += r ;
  }
  s->n = k ;
  s->nnames = n ;
  return 1 ;
}

void ctl_snap_free (ctl_snap_t *s)
{
  free(s->sv) ;
  svi_names_free(s->names, s->nnames) ;
}

/* ---- the exposition ---- */

typedef struct usage_s usage_t ;
struct usage_s
{
  int ok ;
  double cpu ;
  unsigned long long rss ;
} ;

typedef long long metric_f (svinfo_t const *) ;

typedef struct family_s family_t ;
struct family_s
{
  char const *name ;
  char const *type ;
  char const *help ;
  metric_f *f ;
} ;

/* a pid in the status of a dead supervisor is not known to run */
static int is_up (svinfo_t const *sv)
{
  return sv->fresh && sv->st.pid > 0 ;
}

static long long m_up (svinfo_t const *sv) { return is_up(sv) ; }
static long long m_ready (svinfo_t const *sv) { return !!sv->st.ready ; }
static long long m_want (svinfo_t const *sv) { return !!sv->st.want ; }
static long long m_restarts (svinfo_t const *sv) { return sv->st.restarts ; }
static long long m_exit (svinfo_t const *sv) { return sv->st.exit_code ; }
static long long m_required (svinfo_t const *sv) { return !!sv->st.required ; }
static long long m_supervised (svinfo_t const *sv) { return !!sv->supervised ; }
static long long m_dropped (svinfo_t const *sv) { return (long long)sv->st.dropped ; }

static family_t const families[] =
{
  { "tm_service_up", "gauge", "1 when the service's process runs.", &m_up },
  { "tm_service_ready", "gauge", "1 when the service is ready (a oneshot: once it exited 0).", &m_ready },
  { "tm_service_want_up", "gauge", "1 when the service is wanted up, 0 when wanted down.", &m_want },
  { "tm_service_restarts_total", "counter", "Automatic restarts since the service's supervisor started.", &m_restarts },
  { "tm_service_exit_code", "gauge", "Exit code of the last run, -1 when none (or killed by a signal).", &m_exit },
  { "tm_service_required", "gauge", "1 when the service's final end shuts the system down.", &m_required },
  { "tm_service_supervised", "gauge", "1 when a tm-supervise process runs for the service.", &m_supervised },
  { "tm_service_log_lines_dropped_total", "counter", "Log lines dropped because the console did not read them.", &m_dropped },
} ;

static void head (stralloc *b, char const *name, char const *type, char const *help)
{
  cb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type) ;
}

/* a label value: backslash, double quote and newline escaped */
static void label_value (stralloc *b, char const *s)
{
  cb_cat(b, "\"", 1) ;
  for (; *s ; s++)
  {
    if (*s == '\\') cb_cat(b, "\\\\", 2) ;
    else if (*s == '"') cb_cat(b, "\\\"", 2) ;
    else if (*s == '\n') cb_cat(b, "\\n", 2) ;
    else cb_cat(b, s, 1) ;
  }
  cb_cat(b, "\"", 1) ;
}

/* "name{service="x"[,label="value"]} ", the value to follow */
static void series (stralloc *b, char const *name, svinfo_t const *sv, char const *label, char const *value)
{
  cb_cats(b, name) ;
  cb_cats(b, "{service=") ;
  label_value(b, sv->name) ;
  if (label)
  {
    cb_printf(b, ",%s=", label) ;
    label_value(b, value) ;
  }
  cb_cat(b, "} ", 2) ;
}

static void family (stralloc *b, ctl_snap_t const *s, family_t const *f)
{
  head(b, f->name, f->type, f->help) ;
  for (unsigned int i = 0 ; i < s->n ; i++)
  {
    series(b, f->name, s->sv + i, 0, 0) ;
    cb_printf(b, "%lld\n", (*f->f)(s->sv + i)) ;
  }
}

/* one series per possible value, 1 for the current one */
static void onehot (stralloc *b, ctl_snap_t const *s, char const *name, char const *help, char const *label, char const *const *values, unsigned int nvalues, int health)
{
  head(b, name, "gauge", help) ;
  for (unsigned int i = 0 ; i < s->n ; i++)
  {
    unsigned int cur = health ? s->sv[i].st.health & 3 : s->sv[i].st.state ;
    for (unsigned int j = 0 ; j < nvalues ; j++)
    {
      series(b, name, s->sv + i, label, values[j]) ;
      cb_cats(b, j == cur ? "1\n" : "0\n") ;
    }
  }
}

static void since (stralloc *b, ctl_snap_t const *s)
{
  static char const name[] = "tm_service_state_since_seconds" ;
  head(b, name, "gauge", "Unix time of the service's last state change.") ;
  for (unsigned int i = 0 ; i < s->n ; i++)
  {
    char buf[32] ;
    buf[tm_ms_fmt(buf, s->sv[i].st.since)] = 0 ;
    series(b, name, s->sv + i, 0, 0) ;
    cb_printf(b, "%s\n", buf) ;
  }
}

static void info (stralloc *b, ctl_snap_t const *s)
{
  static char const name[] = "tm_service_info" ;
  head(b, name, "gauge", "Always 1; the service's type as a label.") ;
  for (unsigned int i = 0 ; i < s->n ; i++)
  {
    series(b, name, s->sv + i, "type", s->sv[i].st.type == TM_ONESHOT ? "oneshot" : "longrun") ;
    cb_cats(b, "1\n") ;
  }
}

/* from /proc, only for running services whose pids we can see */
static void usage (stralloc *b, ctl_snap_t const *s, usage_t const *u)
{
  static char const cpu[] = "tm_service_cpu_seconds_total" ;
  static char const rss[] = "tm_service_resident_memory_bytes" ;
  head(b, cpu, "counter", "CPU time (user and system) of the service's main process, in seconds.") ;
  for (unsigned int i = 0 ; i < s->n ; i++)
    if (u[i].ok) { series(b, cpu, s->sv + i, 0, 0) ; cb_printf(b, "%.2f\n", u[i].cpu) ; }
  head(b, rss, "gauge", "Resident memory of the service's main process, in bytes.") ;
  for (unsigned int i = 0 ; i < s->n ; i++)
    if (u[i].ok) { series(b, rss, s->sv + i, 0, 0) ; cb_printf(b, "%llu\n", u[i].rss) ; }
}

void ctl_metrics_fmt (stralloc *b, ctl_snap_t const *s)
{
  usage_t *u = calloc(s->n ? s->n : 1, sizeof(usage_t)) ;
  if (!u) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  for (unsigned int i = 0 ; i < s->n ; i++) u[i].ok = svi_usage(s->sv + i, &u[i].cpu, &u[i].rss) ;
  head(b, "tm_services", "gauge", "Number of services in the scandir.") ;
  cb_printf(b, "tm_services %u\n", s->n) ;
  info(b, s) ;
  for (unsigned int i = 0 ; i < sizeof(families) / sizeof(families[0]) ; i++) family(b, s, families + i) ;
  onehot(b, s, "tm_service_state", "1 for the service's current state, 0 for the others.", "state", tm_state_names, TM_NSTATES, 0) ;
  onehot(b, s, "tm_service_health", "1 for the service's current health, 0 for the others.", "health", tm_health_names, 4, 1) ;
  since(b, s) ;
  usage(b, s, u) ;
  free(u) ;
}

int ctl_metrics (ctl_args_t const *a)
{
  ctl_snap_t s ;
  stralloc b = STRALLOC_ZERO ;
  if (a->nnames) ctl_die(CTL_EX_USAGE, "metrics takes no argument", 0, 0) ;
  ctl_snap_load(&s, a->scandir, 1) ;
  ctl_metrics_fmt(&b, &s) ;
  fwrite(b.s, 1, b.len, stdout) ;
  free(b.s) ;
  ctl_snap_free(&s) ;
  if (fflush(stdout) == EOF || ferror(stdout)) ctl_die(CTL_EX_SYS, "unable to write to stdout", 0, 0) ;
  return CTL_EX_OK ;
}
