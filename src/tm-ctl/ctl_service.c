/* ISC license. */

/* The verbs that talk to running supervisors: through their control FIFOs,
   their status files and their lock files, nothing else. */

#include <sys/inotify.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/tai.h>

#include "tm-ctl.h"

static void svpath (char *buf, char const *scandir, char const *name, char const *file)
{
  snprintf(buf, PATH_MAX, "%s/%s/%s", scandir, name, file) ;
}

static int is_service_dir (char const *scandir, char const *name)
{
  char path[PATH_MAX] ;
  struct stat sb ;
  if (!*name || name[0] == '.' || strchr(name, '/')) return 0 ;
  snprintf(path, sizeof(path), "%s/%s", scandir, name) ;
  return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ;
}

static pid_t supervisor_pid (char const *scandir, char const *name)
{
  char path[PATH_MAX] ;
  svpath(path, scandir, name, "supervise/lock") ;
  return tm_lock_holder(path) ;
}

static int svscan_runs (char const *scandir)
{
  char path[PATH_MAX] ;
  snprintf(path, sizeof(path), "%s/.tm-svscan/lock", scandir) ;
  return tm_lock_holder(path) > 0 ;
}

/* Whether pid lives in our pid namespace, so that its number compares
   with the numbers our processes see. */
static int same_pidns (pid_t pid)
{
  char path[64] ;
  struct stat a, b ;
  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid) ;
  if (stat("/proc/self/ns/pid", &a) < 0 || stat(path, &b) < 0) return 1 ;
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev ;
}

/* 1 loaded, 0 unknown service, -1 unreadable status (errno set) */
int sv_read (char const *scandir, char const *name, svinfo_t *sv)
{
  char path[PATH_MAX] ;
  int r ;
  tm_status_t z = TM_STATUS_ZERO ;
  if (!is_service_dir(scandir, name)) return 0 ;
  sv->name = name ;
  sv->st = z ;
  snprintf(sv->st.name, sizeof(sv->st.name), "%s", name) ;
  svpath(path, scandir, name, "supervise/status") ;
  r = tm_status_read(path, &sv->st) ;
  if (r < 0) return -1 ;
  if (!r) snprintf(sv->st.reason, sizeof(sv->st.reason), "never supervised") ;
  sv->has_status = r > 0 ;
  {
    pid_t holder = supervisor_pid(scandir, name) ;
    sv->supervised = holder > 0 ;
    /* a pid from another pid namespace cannot be compared: trust it then */
    sv->ourns = !holder || same_pidns(holder) ;
    sv->fresh = sv->has_status && holder && (sv->st.supervisor == holder || !sv->ourns) ;
  }
  return 1 ;
}

/* 1 loaded, 0 unknown service; dies on a system error */
int sv_load (char const *scandir, char const *name, svinfo_t *sv)
{
  int r = sv_read(scandir, name, sv) ;
  if (r < 0)
  {
    int e = errno ;
    char path[PATH_MAX] ;
    svpath(path, scandir, name, "supervise/status") ;
    ctl_die(EX_SYS, "unable to read ", path, e == EPROTO ? ": malformed" : ": system error") ;
  }
  return r ;
}

static int cmpstr (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

/* every service of the scandir, sorted, into *names (malloc'ed, as the
   names); 1 ok, 0 error (errno set) */
int sv_names (char const *scandir, char const ***names, unsigned int *n)
{
  DIR *d = opendir(scandir) ;
  char const **v = 0 ;
  unsigned int len = 0, cap = 0 ;
  struct dirent *e ;
  if (!d) return 0 ;
  while ((e = readdir(d)))
  {
    if (!is_service_dir(scandir, e->d_name)) continue ;
    if (len == cap)
    {
      char const **w = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(char *)) ;
      if (!w) goto nomem ;
      v = w ;
    }
    if (!(v[len] = strdup(e->d_name))) goto nomem ;
    len++ ;
  }
  closedir(d) ;
  if (len) qsort(v, len, sizeof(char *), &cmpstr) ;
  *names = v ;
  *n = len ;
  return 1 ;
 nomem:
  closedir(d) ;
  sv_names_free(v, len) ;
  errno = ENOMEM ;
  return 0 ;
}

void sv_names_free (char const **names, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++) free((char *)names[i]) ;
  free(names) ;
}

/* sv_names, dying on an error */
char const **all_services (char const *scandir, unsigned int *n)
{
  char const **names ;
  if (sv_names(scandir, &names, n)) return names ;
  if (errno == ENOMEM) ctl_die(EX_SYS, "out of memory", 0, 0) ;
  ctl_die(errno == ENOENT ? EX_FALSE : EX_SYS, "unable to open the scandir ", scandir, errno == ENOENT ? ": no such directory (is tm running? set -d or TM_SCANDIR)" : errno == EACCES ? ": permission denied" : ": system error") ;
  return 0 ;
}

static char const **targets (ctl_args_t const *a, unsigned int *n)
{
  if (a->nnames) { *n = a->nnames ; return a->names ; }
  return all_services(a->scandir, n) ;
}

static void targets_free (ctl_args_t const *a, char const **names, unsigned int n)
{
  if (!a->nnames) sv_names_free(names, n) ;
}

static uint64_t now_ms (void)
{
  return tm_wallclock_ms() ;
}

void fmt_duration (char *buf, size_t max, uint64_t ms)
{
  uint64_t s = ms / 1000 ;
  if (s < 60) snprintf(buf, max, "%us", (unsigned int)s) ;
  else if (s < 3600) snprintf(buf, max, "%um%02us", (unsigned int)(s / 60), (unsigned int)(s % 60)) ;
  else if (s < 86400) snprintf(buf, max, "%uh%02um", (unsigned int)(s / 3600), (unsigned int)(s / 60 % 60)) ;
  else snprintf(buf, max, "%ud%02uh", (unsigned int)(s / 86400), (unsigned int)(s / 3600 % 24)) ;
}

/* CPU seconds and RSS bytes of a running process; 0 if unavailable */
int proc_usage (pid_t pid, double *cpu, unsigned long long *rss)
{
  char path[64], buf[1024] ;
  unsigned long utime, stime ;
  unsigned long long pages ;
  char *p ;
  ssize_t r ;
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid) ;
  r = openreadnclose(path, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  p = strrchr(buf, ')') ;
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return 0 ;
  *cpu = (double)(utime + stime) / sysconf(_SC_CLK_TCK) ;
  snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid) ;
  r = openreadnclose(path, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  if (sscanf(buf, "%*u %llu", &pages) != 1) return 0 ;
  *rss = pages * (unsigned long long)sysconf(_SC_PAGESIZE) ;
  return 1 ;
}

/* ---- list ---- */

int ctl_list (ctl_args_t const *a)
{
  unsigned int n, width = 4 ;
  char const **names = targets(a, &n) ;
  int rc = EX_OK ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (strlen(names[i]) > width) width = strlen(names[i]) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    svinfo_t sv ;
    char up[32] = "-" ;
    if (!sv_load(a->scandir, names[i], &sv)) { ctl_warn("unknown service: ", names[i], 0) ; rc = EX_FALSE ; continue ; }
    if (sv.st.pid && sv.st.since) fmt_duration(up, sizeof(up), now_ms() - sv.st.since) ;
    printf("%-*s  %-8s  pid=%-7d  uptime=%-7s  restarts=%u%s\n", (int)width, sv.name,
      tm_state_names[sv.st.state], (int)sv.st.pid, up, sv.st.restarts,
      sv.supervised ? "" : "  (no supervisor)") ;
  }
  targets_free(a, names, n) ;
  return rc ;
}

/* ---- status ---- */

static void json_string (char const *s)
{
  putchar('"') ;
  for (; *s ; s++)
  {
    unsigned char c = *s ;
    if (c == '"' || c == '\\') printf("\\%c", c) ;
    else if (c < 0x20) printf("\\u%04x", c) ;
    else putchar(c) ;
  }
  putchar('"') ;
}

static void status_json (svinfo_t const *sv, int first)
{
  tm_status_t const *st = &sv->st ;
  char since[32] ;
  double cpu ;
  unsigned long long rss ;
  since[tm_ms_fmt(since, st->since)] = 0 ;
  printf("%s\n  {\"name\": ", first ? "" : ",") ; json_string(sv->name) ;
  printf(", \"state\": \"%s\", \"want\": \"%s\", \"pid\": %d, \"since\": %s, \"ready\": %d, \"health\": \"%s\", \"restarts\": %u, \"exit_code\": %d, \"exit_signal\": ",
    tm_state_names[st->state], st->want ? "up" : "down", (int)st->pid, since, !!st->ready,
    tm_health_names[st->health & 3], st->restarts, st->exit_code) ;
  json_string(st->exit_signal ? tm_signal_name(st->exit_signal) : "") ;
  printf(", \"required\": %d, \"type\": \"%s\", \"reason\": ", !!st->required, st->type == TM_ONESHOT ? "oneshot" : "longrun") ;
  json_string(st->reason) ;
  printf(", \"supervised\": %s, \"dropped\": %llu", sv->supervised ? "true" : "false", (unsigned long long)st->dropped) ;
  if (st->pid && sv->ourns && proc_usage(st->pid, &cpu, &rss)) printf(", \"cpu_seconds\": %.2f, \"rss_bytes\": %llu", cpu, rss) ;
  putchar('}') ;
}

static void status_text (svinfo_t const *sv, int first)
{
  char buf[TM_STATUS_MAX] ;
  double cpu ;
  unsigned long long rss ;
  size_t n = tm_status_fmt(buf, &sv->st) ;
  if (!first) putchar('\n') ;
  fwrite(buf, 1, n, stdout) ;
  printf("supervised=%d\n", sv->supervised) ;
  if (sv->st.pid && sv->ourns && proc_usage(sv->st.pid, &cpu, &rss)) printf("cpu_seconds=%.2f\nrss_bytes=%llu\n", cpu, rss) ;
}

int ctl_status (ctl_args_t const *a)
{
  unsigned int n ;
  char const **names = targets(a, &n) ;
  int rc = EX_OK, first = 1 ;
  if (a->json) putchar('[') ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    svinfo_t sv ;
    if (!sv_load(a->scandir, names[i], &sv)) { ctl_warn("unknown service: ", names[i], 0) ; rc = EX_FALSE ; continue ; }
    if (a->json) status_json(&sv, first) ; else status_text(&sv, first) ;
    first = 0 ;
  }
  if (a->json) puts(first ? "]" : "\n]") ;
  targets_free(a, names, n) ;
  return rc ;
}

/* ---- waiting ---- */

typedef struct waiter_s waiter_t ;
struct waiter_s
{
  char const *name ;
  int mode ;                    /* 'u' up, 'r' ready, 'd' down, 'U' start, 'R' restart, 'D' stop */
  pid_t oldpid ;
  uint64_t sent ;               /* when the command was sent: older failures do not count */
  int done ;
} ;

/* 1 satisfied, 0 not yet, -1 never without intervention */
static int wait_check (char const *scandir, waiter_t *w, char const **why)
{
  svinfo_t sv ;
  tm_status_t const *st = &sv.st ;
  int oneshot_done ;
  if (!sv_load(scandir, w->name, &sv)) { *why = "the service directory is gone" ; return -1 ; }
  if (!sv.fresh)
  {
    /* a running tm-svscan (re)spawns supervisors within a second: wait */
    if (svscan_runs(scandir)) return 0 ;
    *why = "no supervisor is running" ;
    return -1 ;
  }
  oneshot_done = st->type == TM_ONESHOT && st->state == TM_STOPPED && st->ready ;
  switch (w->mode)
  {
    case 'd' : return !st->pid ;
    case 'u' : if (st->pid) return 1 ; break ;
    case 'r' : case 'U' : if ((st->state == TM_RUNNING && st->ready) || oneshot_done) return 1 ; break ;
    case 'R' : if (st->state == TM_RUNNING && st->ready && st->pid != w->oldpid) return 1 ;
      if (oneshot_done && st->pid != w->oldpid) return 1 ;
      break ;
    case 'D' : if (!st->pid && (st->state == TM_STOPPED || st->state == TM_FAILED)) return 1 ; break ;
  }
  if (st->since < w->sent) return 0 ;  /* the supervisor has not seen our command yet */
  if (st->state == TM_FAILED) { *why = st->reason[0] ? st->reason : "FAILED" ; return -1 ; }
  if (!st->want && w->mode != 'd' && w->mode != 'D' && st->state == TM_STOPPED) { *why = "it is stopped (want down)" ; return -1 ; }
  return 0 ;
}

/* How a waiter learns of status changes. As root, a FIFO in each service's
   event/ fifodir (the supervisor writes a byte per change; nothing is
   shared with other users and nothing is slow to tear down); otherwise one
   inotify instance; when even that is refused (EMFILE: instances are
   scarce), gentle polling. */
typedef struct watch_s watch_t ;
struct watch_s
{
  unsigned int n ;
  int ifd ;                     /* inotify, or -1 */
  int *wd ;                     /* inotify watch descriptors, per waiter */
  int *fd ;                     /* fifodir FIFOs, per waiter, or -1 */
  char (*fifo)[PATH_MAX] ;
  unsigned char *dirty ;        /* something happened to waiter i */
} ;

static int watch_fifodirs (char const *scandir, waiter_t const *w, watch_t *wt)
{
  for (unsigned int i = 0 ; i < wt->n ; i++)
  {
    char dir[PATH_MAX] ;
    svpath(dir, scandir, w[i].name, "event") ;
    wt->fd[i] = tm_fifodir_listen(dir, wt->fifo[i], PATH_MAX) ;
    if (wt->fd[i] < 0)
    {
      while (i--) { close(wt->fd[i]) ; unlink(wt->fifo[i]) ; wt->fd[i] = -1 ; }
      return 0 ;
    }
  }
  return 1 ;
}

static int watch_inotify (char const *scandir, waiter_t const *w, watch_t *wt)
{
  wt->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC) ;
  if (wt->ifd < 0) return 0 ;
  for (unsigned int i = 0 ; i < wt->n ; i++)
  {
    char path[PATH_MAX] ;
    svpath(path, scandir, w[i].name, "supervise") ;
    wt->wd[i] = inotify_add_watch(wt->ifd, path, IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE) ;
    if (wt->wd[i] < 0) { close(wt->ifd) ; wt->ifd = -1 ; return 0 ; }
  }
  return 1 ;
}

static void watch_start (char const *scandir, waiter_t const *w, unsigned int n, watch_t *wt)
{
  wt->n = n ;
  wt->ifd = -1 ;
  wt->wd = calloc(n, sizeof(int)) ;
  wt->fd = calloc(n, sizeof(int)) ;
  wt->fifo = calloc(n, PATH_MAX) ;
  wt->dirty = calloc(n, 1) ;
  if (!wt->wd || !wt->fd || !wt->fifo || !wt->dirty) ctl_die(EX_SYS, "out of memory", 0, 0) ;
  for (unsigned int i = 0 ; i < n ; i++) wt->fd[i] = -1 ;
  if (watch_fifodirs(scandir, w, wt)) return ;  /* root, or the [control] group */
  watch_inotify(scandir, w, wt) ;
}

static void watch_end (watch_t *wt)
{
  for (unsigned int i = 0 ; i < wt->n ; i++)
    if (wt->fd[i] >= 0) { close(wt->fd[i]) ; unlink(wt->fifo[i]) ; }
  if (wt->ifd >= 0) close(wt->ifd) ;
  free(wt->wd) ; free(wt->fd) ; free(wt->fifo) ; free(wt->dirty) ;
}

/* Sleeps until something happens or ms pass; marks the waiters concerned. */
static void watch_wait (watch_t *wt, int ms)
{
  struct pollfd p[wt->n + 1] ;
  unsigned int np = 0 ;
  if (wt->ifd >= 0) { p[0].fd = wt->ifd ; p[0].events = POLLIN ; np = 1 ; }
  else if (wt->fd[0] >= 0)
    for (unsigned int i = 0 ; i < wt->n ; i++) { p[np].fd = wt->fd[i] ; p[np++].events = POLLIN ; }
  if (poll(np ? p : 0, np, ms) <= 0) return ;
  if (wt->ifd >= 0)
  {
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event)))) ;
    ssize_t r ;
    while ((r = read(wt->ifd, buf, sizeof(buf))) > 0)
      for (char *q = buf ; q < buf + r ; q += sizeof(struct inotify_event) + ((struct inotify_event *)q)->len)
        for (unsigned int i = 0 ; i < wt->n ; i++)
          if (wt->wd[i] == ((struct inotify_event *)q)->wd) wt->dirty[i] = 1 ;
    return ;
  }
  for (unsigned int i = 0 ; i < wt->n ; i++)
    if (p[i].revents)
    {
      char buf[64] ;
      while (read(wt->fd[i], buf, sizeof(buf)) > 0) ;
      wt->dirty[i] = 1 ;
    }
}

static int wait_loop (ctl_args_t const *a, waiter_t *w, unsigned int n, watch_t *wt)
{
  int event_driven = wt->ifd >= 0 || (n && wt->fd[0] >= 0) ;
  tain deadline, nextfull ;
  tain_now_set_stopwatch_g() ;
  if (a->timeout_set) tain_add_g(&deadline, &a->timeout) ;
  else deadline = tain_infinite ;
  tain_copynow(&nextfull) ;
  for (;;)
  {
    unsigned int left = 0 ;
    /* a full check at first and every second (a supervisor may have died
       without telling anyone); otherwise only the waiters that had events */
    int full = !tain_future(&nextfull) || !event_driven ;
    if (full) tain_addsec_g(&nextfull, 1) ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      char const *why = 0 ;
      int r ;
      if (w[i].done) continue ;
      if (!full && !wt->dirty[i]) { left++ ; continue ; }
      wt->dirty[i] = 0 ;
      r = wait_check(a->scandir, w + i, &why) ;
      if (r < 0) { ctl_warn(w[i].name, ": will not happen: ", why) ; return EX_FALSE ; }
      if (r) w[i].done = 1 ; else left++ ;
    }
    if (!left) return EX_OK ;
    tain_now_g() ;
    if (!tain_future(&deadline))
    {
      for (unsigned int i = 0 ; i < n ; i++)
        if (!w[i].done) ctl_warn("timed out waiting for ", w[i].name, 0) ;
      return EX_FALSE ;
    }
    {
      tain d, *until = tain_less(&nextfull, &deadline) ? &nextfull : &deadline ;
      int ms ;
      tain_sub(&d, until, &STAMP) ;
      ms = tain_to_millisecs(&d) ;
      if (!event_driven && (ms < 0 || ms > 50)) ms = 50 ;
      watch_wait(wt, ms < 0 ? 0 : ms + 1) ;
    }
  }
}

static int wait_all (ctl_args_t const *a, waiter_t *w, unsigned int n, watch_t *wt)
{
  int rc = wait_loop(a, w, n, wt) ;
  watch_end(wt) ;
  return rc ;
}

int ctl_wait (ctl_args_t const *a)
{
  waiter_t w[a->nnames] ;
  for (unsigned int i = 0 ; i < a->nnames ; i++)
  {
    if (!is_service_dir(a->scandir, a->names[i])) ctl_die(EX_FALSE, "unknown service: ", a->names[i], 0) ;
    w[i].name = a->names[i] ;
    w[i].mode = a->wait == 'r' || a->wait == 'd' ? a->wait : 'u' ;
    w[i].oldpid = 0 ;
    w[i].sent = 0 ;
    w[i].done = 0 ;
  }
  {
    watch_t wt ;
    watch_start(a->scandir, w, a->nnames, &wt) ;
    return wait_all(a, w, a->nnames, &wt) ;
  }
}

/* ---- control ---- */

static int send (char const *scandir, char const *name, char const *cmd)
{
  char path[PATH_MAX] ;
  svpath(path, scandir, name, "supervise/control") ;
  switch (tm_control_write(path, cmd, strlen(cmd)))
  {
    case 1 : return EX_OK ;
    case 0 : ctl_warn(name, ": no supervisor is running", 0) ; return EX_FALSE ;
    default :
      if (errno == EACCES || errno == EPERM)
      {
        ctl_warn(name, ": permission denied: only root (or the [control] group) may control services", 0) ;
        return EX_FALSE ;
      }
      ctl_warn("unable to write to ", path, strerror(errno)) ;
      return EX_SYS ;
  }
}

int ctl_control (ctl_args_t const *a, char cmd)
{
  waiter_t w[a->nnames] ;
  watch_t wt ;
  char s[2] = { cmd, 0 } ;
  for (unsigned int i = 0 ; i < a->nnames ; i++)
  {
    svinfo_t sv ;
    if (!sv_load(a->scandir, a->names[i], &sv)) ctl_die(EX_FALSE, "unknown service: ", a->names[i], 0) ;
    w[i].name = a->names[i] ;
    w[i].mode = cmd == 'd' ? 'D' : cmd == 'r' ? 'R' : 'U' ;
    w[i].oldpid = sv.st.pid ;
    w[i].done = 0 ;
  }
  /* subscribe before sending, so that no change goes unseen */
  if (a->wait) watch_start(a->scandir, w, a->nnames, &wt) ;
  for (unsigned int i = 0 ; i < a->nnames ; i++)
  {
    int rc ;
    w[i].sent = tm_wallclock_ms() ;
    rc = send(a->scandir, a->names[i], s) ;
    if (rc) { if (a->wait) watch_end(&wt) ; return rc ; }
  }
  return a->wait ? wait_all(a, w, a->nnames, &wt) : EX_OK ;
}

int ctl_signal (ctl_args_t const *a)
{
  int sig ;
  char s[2] = { 0, 0 } ;
  if (a->nnames < 2) ctl_die(EX_USAGE, "signal needs a signal and at least one service name", 0, 0) ;
  sig = tm_signal_scan(a->names[0]) ;
  if (!sig) ctl_die(EX_USAGE, "unknown signal ", a->names[0], 0) ;
  s[0] = tm_signal_letter(sig) ;
  if (!s[0]) ctl_die(EX_USAGE, "cannot send ", a->names[0], ": supported are HUP INT QUIT KILL TERM USR1 USR2 ALRM ABRT STOP CONT WINCH") ;
  for (unsigned int i = 1 ; i < a->nnames ; i++)
  {
    int rc ;
    if (!is_service_dir(a->scandir, a->names[i])) ctl_die(EX_FALSE, "unknown service: ", a->names[i], 0) ;
    rc = send(a->scandir, a->names[i], s) ;
    if (rc) return rc ;
  }
  return EX_OK ;
}

/* ---- health ---- */

int sv_enabled (char const *scandir, char const *name)
{
  char path[PATH_MAX] ;
  svpath(path, scandir, name, "down") ;
  return access(path, F_OK) < 0 ;
}

/* longrun RUNNING and ready, oneshot completed */
int sv_ready (svinfo_t const *sv)
{
  tm_status_t const *st = &sv->st ;
  return sv->supervised && st->ready
    && (st->state == TM_RUNNING || (st->type == TM_ONESHOT && st->state == TM_STOPPED)) ;
}

int sv_healthy (svinfo_t const *sv)
{
  return sv_ready(sv) && sv->st.health != TM_HEALTH_UNHEALTHY ;
}

/* why it is not healthy: "FAILED: too many restarts" */
void sv_problem (char *buf, size_t max, svinfo_t const *sv)
{
  snprintf(buf, max, "%s%s%s%s", !sv->supervised ? "no supervisor" : tm_state_names[sv->st.state],
    sv->st.health == TM_HEALTH_UNHEALTHY ? " unhealthy" : "",
    sv->st.reason[0] ? ": " : "", sv->st.reason) ;
}

int ctl_health (ctl_args_t const *a)
{
  unsigned int n ;
  char const **names = targets(a, &n) ;
  int rc = EX_OK ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    svinfo_t sv ;
    if (!sv_load(a->scandir, names[i], &sv)) { ctl_warn("unknown service: ", names[i], 0) ; rc = EX_FALSE ; continue ; }
    if (!a->nnames && !sv_enabled(a->scandir, names[i])) continue ;
    if (!sv_healthy(&sv))
    {
      char why[TM_REASON_MAX + 64] ;
      sv_problem(why, sizeof(why), &sv) ;
      printf("%s: %s\n", names[i], why) ;
      rc = EX_FALSE ;
    }
  }
  targets_free(a, names, n) ;
  return rc ;
}

int ctl_shutdown (ctl_args_t const *a)
{
  char path[PATH_MAX] ;
  snprintf(path, sizeof(path), "%s/.tm-svscan/control", a->scandir) ;
  int r = tm_control_write(path, "t", 1) ;
  if (r > 0) return EX_OK ;
  if (!r) ctl_die(EX_FALSE, "no tm-svscan is running on ", a->scandir, 0) ;
  if (errno == EACCES || errno == EPERM) ctl_die(EX_FALSE, "permission denied: only root may shut the system down", 0, 0) ;
  ctl_die(EX_SYS, "unable to write to ", path, 0) ;
  return EX_SYS ;
}
