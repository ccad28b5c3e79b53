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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/tai.h>

#include "client.h"

static char const **targets (ctl_args_t const *a, unsigned int *n)
{
  if (a->nnames) { *n = a->nnames ; return a->names ; }
  return all_services(a->scandir, n) ;
}

static void targets_free (ctl_args_t const *a, char const **names, unsigned int n)
{
  if (!a->nnames) svi_names_free(names, n) ;
}

static uint64_t now_ms (void)
{
  return tm_wallclock_ms() ;
}

/* ---- list ---- */

/* why a service is not simply RUNNING: its reason; a oneshot that
   succeeded is done */
static char const *list_reason (tm_status_t const *st)
{
  if (st->state == TM_RUNNING || st->state == TM_STOPPING) return "" ;
  if (st->state == TM_STOPPED && st->type == TM_ONESHOT && !strcmp(st->reason, "completed")) return "done" ;
  return st->reason ;
}

int ctl_list (ctl_args_t const *a)
{
  unsigned int n, width = 4 ;
  char const **names ;
  int rc = CTL_EX_OK ;
  if (a->json) return ctl_status(a) ;  /* --json: the one array of §9, as status gives it */
  names = targets(a, &n) ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (strlen(names[i]) > width) width = strlen(names[i]) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    svinfo_t sv ;
    char up[32] = "-" ;
    if (!svi_load(a->scandir, names[i], &sv)) { svi_unknown(a->scandir, names[i], 0) ; rc = CTL_EX_FALSE ; continue ; }
    if (sv.st.pid && sv.st.since) fmt_duration(up, sizeof(up), now_ms() - sv.st.since) ;
    {
      char const *why = list_reason(&sv.st) ;
      printf("%-*s  %-8s  pid=%-7d  uptime=%-7s  restarts=%u%s%s%s\n", (int)width, sv.name,
        tm_state_names[sv.st.state], (int)sv.st.pid, up, sv.st.restarts,
        sv.supervised ? "" : "  (no supervisor)", *why ? "  " : "", why) ;
    }
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
  printf(", \"status_text\": ") ;
  json_string(st->status_text) ;
  if (st->since)
  {
    char t[32] ;
    t[tm_rfc3339_fmt(t, st->since)] = 0 ;
    printf(", \"since_time\": \"%s\"", t) ;
  }
  printf(", \"supervised\": %s, \"dropped\": %llu", sv->supervised ? "true" : "false", (unsigned long long)st->dropped) ;
  if (svi_usage(sv, &cpu, &rss)) printf(", \"cpu_seconds\": %.2f, \"rss_bytes\": %llu", cpu, rss) ;
  putchar('}') ;
}

static void status_print_text (svinfo_t const *sv, int first)
{
  char buf[TM_STATUS_MAX] ;
  double cpu ;
  unsigned long long rss ;
  size_t n = tm_status_fmt(buf, &sv->st) ;
  if (!first) putchar('\n') ;
  fwrite(buf, 1, n, stdout) ;
  if (sv->st.since)
  {
    char t[32] ;
    t[tm_rfc3339_fmt(t, sv->st.since)] = 0 ;
    printf("since_time=%s\n", t) ;
  }
  printf("supervised=%d\n", sv->supervised) ;
  if (svi_usage(sv, &cpu, &rss)) printf("cpu_seconds=%.2f\nrss_bytes=%llu\n", cpu, rss) ;
}

/* The Go seed's status was this one line, which scripts parse */
static void seed_summary (ctl_args_t const *a, char const *const *names, unsigned int n)
{
  unsigned int running = 0, failed = 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    svinfo_t sv ;
    if (!svi_load(a->scandir, names[i], &sv)) continue ;
    running += sv.st.state == TM_RUNNING ;
    failed += sv.st.state == TM_FAILED ;
  }
  printf("System Status: Total: %u, Running: %u, Failed: %u\n", n, running, failed) ;
}

int ctl_status (ctl_args_t const *a)
{
  unsigned int n ;
  char const **names = targets(a, &n) ;
  int rc = CTL_EX_OK, first = 1 ;
  if (a->seed && !a->nnames && !a->json) { seed_summary(a, names, n) ; first = 0 ; }
  if (a->json) putchar('[') ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    svinfo_t sv ;
    if (!svi_load(a->scandir, names[i], &sv)) { svi_unknown(a->scandir, names[i], 0) ; rc = CTL_EX_FALSE ; continue ; }
    if (a->json) status_json(&sv, first) ; else status_print_text(&sv, first) ;
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
  if (!svi_load(scandir, w->name, &sv)) { *why = "the service directory is gone" ; return -1 ; }
  if (!sv.fresh)
  {
    /* its last supervisor reaped it and wrote so before it went (a
       shutdown): down is what it is, and stays without a supervisor */
    if (sv.has_status && !st->pid
     && (w->mode == 'd' || (w->mode == 'D' && (st->state == TM_STOPPED || st->state == TM_FAILED))))
      return 1 ;
    /* a running tm-svscan (re)spawns supervisors within a second: wait */
    if (svi_svscan_runs(scandir)) return 0 ;
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
      if (oneshot_done && (st->pid != w->oldpid || st->since >= w->sent)) return 1 ;  /* it ran again */
      break ;
    case 'D' : if (!st->pid && (st->state == TM_STOPPED || st->state == TM_FAILED)) return 1 ; break ;
  }
  if (st->since < w->sent) return 0 ;  /* the supervisor has not seen our command yet */
  if (st->state == TM_FAILED) { *why = st->reason[0] ? st->reason : "FAILED" ; return -1 ; }
  if (w->mode != 'd' && w->mode != 'D' && st->state == TM_STOPPED)
  {
    /* want up and STOPPED: it ended for good, its restart policy starts it no more */
    *why = st->want ? "it is STOPPED and its restart policy does not start it again" : "it is stopped (want down)" ;
    return -1 ;
  }
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
    svi_path(dir, scandir, w[i].name, "event") ;
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
    svi_path(path, scandir, w[i].name, "supervise") ;
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
  if (!wt->wd || !wt->fd || !wt->fifo || !wt->dirty) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
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
      if (r < 0) { ctl_warn(w[i].name, ": will not happen: ", why) ; return CTL_EX_FALSE ; }
      if (r) w[i].done = 1 ; else left++ ;
    }
    if (!left) return CTL_EX_OK ;
    tain_now_g() ;
    if (!tain_future(&deadline))
    {
      for (unsigned int i = 0 ; i < n ; i++)
        if (!w[i].done) ctl_warn("timed out waiting for ", w[i].name, 0) ;
      return CTL_EX_FALSE ;
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
    if (!svi_is_dir(a->scandir, a->names[i])) svi_unknown(a->scandir, a->names[i], 1) ;
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
  svi_path(path, scandir, name, "supervise/control") ;
  switch (tm_control_write(path, cmd, strlen(cmd)))
  {
    case 1 : return CTL_EX_OK ;
    case 0 : ctl_warn(name, ": no supervisor is running", 0) ; return CTL_EX_FALSE ;
    default :
      if (errno == EACCES || errno == EPERM)
      {
        ctl_warn(name, ": permission denied: only root (or the [control] group) may control services", 0) ;
        return CTL_EX_FALSE ;
      }
      ctl_warnsys("unable to write to ", path) ;
      return CTL_EX_SYS ;
  }
}

static int ctl_control (ctl_args_t const *a, char cmd)
{
  waiter_t w[a->nnames] ;
  watch_t wt ;
  char s[2] = { cmd, 0 } ;
  for (unsigned int i = 0 ; i < a->nnames ; i++)
  {
    svinfo_t sv ;
    if (!svi_load(a->scandir, a->names[i], &sv)) svi_unknown(a->scandir, a->names[i], 1) ;
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
  return a->wait ? wait_all(a, w, a->nnames, &wt) : CTL_EX_OK ;
}

int ctl_start (ctl_args_t const *a)
{
  return ctl_control(a, 'u') ;
}

int ctl_stop (ctl_args_t const *a)
{
  return ctl_control(a, 'd') ;
}

int ctl_restart (ctl_args_t const *a)
{
  return ctl_control(a, 'r') ;
}

int ctl_signal (ctl_args_t const *a)
{
  int sig ;
  char s[2] = { 0, 0 } ;
  if (a->nnames < 2) ctl_die(CTL_EX_USAGE, "signal needs a signal and at least one service name", 0, 0) ;
  sig = tm_signal_scan(a->names[0]) ;
  if (!sig) ctl_die(CTL_EX_USAGE, "unknown signal ", a->names[0], 0) ;
  s[0] = tm_signal_letter(sig) ;
  if (!s[0]) ctl_die(CTL_EX_USAGE, "cannot send ", a->names[0], ": supported are HUP INT QUIT KILL TERM USR1 USR2 ALRM ABRT STOP CONT WINCH") ;
  for (unsigned int i = 1 ; i < a->nnames ; i++)
    if (!svi_is_dir(a->scandir, a->names[i])) svi_unknown(a->scandir, a->names[i], 1) ;
  for (unsigned int i = 1 ; i < a->nnames ; i++)
  {
    int rc = send(a->scandir, a->names[i], s) ;
    if (rc) return rc ;
  }
  return CTL_EX_OK ;
}

/* ---- health ---- */

int ctl_health (ctl_args_t const *a)
{
  unsigned int n ;
  char const **names = targets(a, &n) ;
  int rc = CTL_EX_OK ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    svinfo_t sv ;
    if (!svi_load(a->scandir, names[i], &sv)) { svi_unknown(a->scandir, names[i], 0) ; rc = CTL_EX_FALSE ; continue ; }
    if (!a->nnames && !svi_enabled(a->scandir, names[i])) continue ;
    if (!svi_healthy(&sv))
    {
      char why[TM_REASON_MAX + 64] ;
      svi_problem(why, sizeof(why), &sv) ;
      printf("%s: %s\n", names[i], why) ;
      rc = CTL_EX_FALSE ;
    }
  }
  targets_free(a, names, n) ;
  return rc ;
}

int ctl_shutdown (ctl_args_t const *a)
{
  char path[PATH_MAX] ;
  int r ;
  if (a->nnames) ctl_die(CTL_EX_USAGE, "shutdown takes no argument", 0, 0) ;
  snprintf(path, sizeof(path), "%s/.tm-svscan/control", a->scandir) ;
  /* the shutdown ends with a SIGTERM to every process left, maybe this one
     before it exits: its exit code is to say the request was made */
  signal(SIGTERM, SIG_IGN) ;
  r = tm_control_write(path, "t", 1) ;
  if (r > 0) return CTL_EX_OK ;
  if (!r) ctl_die(CTL_EX_FALSE, "no tm-svscan is running on ", a->scandir, 0) ;
  if (errno == EACCES || errno == EPERM) ctl_die(CTL_EX_FALSE, "permission denied: only root may shut the system down", 0, 0) ;
  ctl_die(CTL_EX_SYS, "unable to write to ", path, 0) ;
  return CTL_EX_SYS ;
}
