/* ISC license. */

#include <errno.h>
#include <string.h>
#include <time.h>

#include <skalibs/types.h>
#include <skalibs/bytestr.h>
#include <skalibs/djbunix.h>

#include "tm.h"

char const *const tm_state_names[TM_NSTATES] =
{
  "PENDING", "STARTING", "RUNNING", "STOPPING", "STOPPED", "FAILED"
} ;

char const *const tm_health_names[4] = { "none", "starting", "healthy", "unhealthy" } ;

static char const *const type_names[2] = { "longrun", "oneshot" } ;

int tm_state_scan (char const *s)
{
  for (int i = 0 ; i < TM_NSTATES ; i++)
    if (!strcmp(s, tm_state_names[i])) return i ;
  return -1 ;
}

uint64_t tm_wallclock_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

size_t tm_ms_fmt (char *buf, uint64_t ms)
{
  size_t n = uint64_fmt(buf, ms / 1000) ;
  unsigned int frac = ms % 1000 ;
  buf[n++] = '.' ;
  buf[n++] = '0' + frac / 100 ;
  buf[n++] = '0' + frac / 10 % 10 ;
  buf[n++] = '0' + frac % 10 ;
  return n ;
}

static size_t cats (char *buf, size_t n, char const *s)
{
  size_t len = strlen(s) ;
  memcpy(buf + n, s, len) ;
  return n + len ;
}

static size_t catint (char *buf, size_t n, long long v)
{
  if (v < 0) { buf[n++] = '-' ; v = -v ; }
  return n + uint64_fmt(buf + n, (uint64_t)v) ;
}

size_t tm_status_fmt (char *buf, tm_status_t const *st)
{
  size_t n = 0 ;
  n = cats(buf, n, "name=") ; n = cats(buf, n, st->name) ;
  n = cats(buf, n, "\nstate=") ; n = cats(buf, n, tm_state_names[st->state < TM_NSTATES ? st->state : TM_FAILED]) ;
  n = cats(buf, n, "\nwant=") ; n = cats(buf, n, st->want ? "up" : "down") ;
  n = cats(buf, n, "\npid=") ; n = catint(buf, n, st->pid) ;
  n = cats(buf, n, "\nsince=") ; n += tm_ms_fmt(buf + n, st->since) ;
  n = cats(buf, n, "\nready=") ; n = catint(buf, n, !!st->ready) ;
  n = cats(buf, n, "\nhealth=") ; n = cats(buf, n, tm_health_names[st->health & 3]) ;
  n = cats(buf, n, "\nrestarts=") ; n = catint(buf, n, st->restarts) ;
  n = cats(buf, n, "\nexit_code=") ; n = catint(buf, n, st->exit_code) ;
  n = cats(buf, n, "\nexit_signal=") ; if (st->exit_signal) n = cats(buf, n, tm_signal_name(st->exit_signal)) ;
  n = cats(buf, n, "\nrequired=") ; n = catint(buf, n, !!st->required) ;
  n = cats(buf, n, "\ntype=") ; n = cats(buf, n, type_names[st->type & 1]) ;
  n = cats(buf, n, "\nreason=") ; n = cats(buf, n, st->reason) ;
  n = cats(buf, n, "\nsupervisor=") ; n = catint(buf, n, st->supervisor) ;
  n = cats(buf, n, "\ndropped=") ; n += uint64_fmt(buf + n, st->dropped) ;
  n = cats(buf, n, "\npid_start=") ; n += uint64_fmt(buf + n, st->pid_start) ;
  n = cats(buf, n, "\nstatus_text=") ; n = cats(buf, n, st->status_text) ;
  buf[n++] = '\n' ;
  return n ;
}

void tm_status_setreason (tm_status_t *st, char const *a, char const *b)
{
  size_t n = strlen(a) ;
  if (n > TM_REASON_MAX) n = TM_REASON_MAX ;
  memcpy(st->reason, a, n) ;
  if (b)
  {
    size_t m = strlen(b) ;
    if (m > TM_REASON_MAX - n) m = TM_REASON_MAX - n ;
    memcpy(st->reason + n, b, m) ;
    n += m ;
  }
  for (size_t i = 0 ; i < n ; i++) if (st->reason[i] == '\n') st->reason[i] = ' ' ;
  st->reason[n] = 0 ;
}

static int scan_ms (char const *s, uint64_t *ms)
{
  uint64_t secs ;
  size_t n = uint64_scan(s, &secs) ;
  unsigned int frac = 0, digits = 0 ;
  if (!n) return 0 ;
  s += n ;
  if (*s == '.')
    for (s++ ; *s >= '0' && *s <= '9' ; s++)
      if (digits < 3) { frac = frac * 10 + (*s - '0') ; digits++ ; }
  if (*s) return 0 ;
  while (digits++ < 3) frac *= 10 ;
  *ms = secs * 1000 + frac ;
  return 1 ;
}

static int scan_int (char const *s, int *v)
{
  return *s && int0_scan(s, v) ;
}

static void copyfield (char *dst, size_t max, char const *s)
{
  size_t n = strlen(s) ;
  if (n > max) n = max ;
  memcpy(dst, s, n) ;
  dst[n] = 0 ;
}

static int setfield (tm_status_t *st, char const *key, char const *val)
{
  int v ;
  if (!strcmp(key, "name")) copyfield(st->name, TM_NAME_MAX, val) ;
  else if (!strcmp(key, "state"))
  {
    int s = tm_state_scan(val) ;
    if (s < 0) return 0 ;
    st->state = s ;
  }
  else if (!strcmp(key, "want")) st->want = !strcmp(val, "up") ;
  else if (!strcmp(key, "pid")) { if (!scan_int(val, &v) || v < 0) return 0 ; st->pid = v ; }
  else if (!strcmp(key, "supervisor")) { if (!scan_int(val, &v) || v < 0) return 0 ; st->supervisor = v ; }
  else if (!strcmp(key, "since")) return scan_ms(val, &st->since) ;
  else if (!strcmp(key, "ready")) st->ready = !strcmp(val, "1") ;
  else if (!strcmp(key, "health"))
  {
    for (v = 0 ; v < 4 ; v++) if (!strcmp(val, tm_health_names[v])) break ;
    if (v == 4) return 0 ;
    st->health = v ;
  }
  else if (!strcmp(key, "restarts")) { if (!scan_int(val, &v) || v < 0) return 0 ; st->restarts = v ; }
  else if (!strcmp(key, "exit_code")) return scan_int(val, &st->exit_code) ;
  else if (!strcmp(key, "exit_signal")) st->exit_signal = *val ? tm_signal_scan(val) : 0 ;
  else if (!strcmp(key, "required")) st->required = !strcmp(val, "1") ;
  else if (!strcmp(key, "type")) st->type = !strcmp(val, "oneshot") ? TM_ONESHOT : TM_LONGRUN ;
  else if (!strcmp(key, "dropped")) return uint640_scan(val, &st->dropped) ;
  else if (!strcmp(key, "pid_start")) return uint640_scan(val, &st->pid_start) ;
  else if (!strcmp(key, "status_text")) copyfield(st->status_text, TM_REASON_MAX, val) ;
  else if (!strcmp(key, "reason")) copyfield(st->reason, TM_REASON_MAX, val) ;
  return 1 ;  /* unknown keys are ignored: newer writers may add some */
}

int tm_status_parse (char const *s, size_t len, tm_status_t *st)
{
  static tm_status_t const z = TM_STATUS_ZERO ;
  char line[TM_NAME_MAX + 64] ;  /* the longest line: name=, 255 bytes */
  int sawstate = 0 ;
  *st = z ;
  while (len)
  {
    size_t n = byte_chr(s, len, '\n') ;
    size_t eq ;
    if (n >= sizeof(line)) return 0 ;
    memcpy(line, s, n) ;
    line[n] = 0 ;
    eq = byte_chr(line, n, '=') ;
    if (eq < n)
    {
      line[eq] = 0 ;
      if (!setfield(st, line, line + eq + 1)) return 0 ;
      if (!strcmp(line, "state")) sawstate = 1 ;
    }
    if (n == len) break ;
    s += n + 1 ; len -= n + 1 ;
  }
  return sawstate ;
}

int tm_status_read (char const *file, tm_status_t *st)
{
  char buf[TM_STATUS_MAX] ;
  ssize_t r = openreadnclose(file, buf, sizeof(buf)) ;
  if (r < 0) return errno == ENOENT ? 0 : -1 ;
  if (!tm_status_parse(buf, r, st)) return (errno = EPROTO, -1) ;
  return 1 ;
}

int tm_status_write (char const *file, tm_status_t const *st)
{
  char buf[TM_STATUS_MAX] ;
  size_t n = tm_status_fmt(buf, st) ;
  return openwritenclose_suffix(file, buf, n, ".new") ;
}
