/* ISC license. */

/* tm-supervise: supervises one service directory.
   It owns supervise/control (commands), supervise/status (the truth users
   read), supervise/lock (one supervisor per service) and event/ (a fifodir
   where waiters get one byte per state change). It starts the service when
   its dependencies are ready, runs its scripts, applies the restart policy,
   stops it after its dependents on shutdown, and relays its output.
   Everything is sized at start-up: no allocation in the loop. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>

#include "sv.h"

#define USAGE "tm-supervise [ -o rfd,wfd ] [ -e rfd,wfd ] [ -p width ] servicedir"
#define dieusage() strerr_dieusage(100, USAGE)

enum restart_e { RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_NEVER } ;

static struct
{
  unsigned int timeout_kill ;   /* ms */
  int stop_signal ;
  int notif_fd ;                /* -1: no readiness notification */
  unsigned char restart ;
  unsigned int restart_delay ;  /* ms */
  unsigned int restart_max_delay ;
  unsigned int max_restarts ;   /* 0: no limit */
  unsigned int wait_after ;     /* ms, before the first start when there are no dependencies */
  unsigned int timeout_deps ;   /* ms */
  unsigned int timeout_script ;
  unsigned int post_start_delay ;
  int has_pre, has_post, has_finish ;
  int has_health ;              /* health/check: readiness and liveness */
  int pty ;                     /* run the service on a pseudo-terminal */
  unsigned int health_interval, health_timeout, health_retries, health_start_period ;
  int health_restart ;          /* on_unhealthy = restart */
} conf =
{
  .timeout_kill = 15000, .stop_signal = SIGTERM, .notif_fd = -1,
  .restart = RESTART_ALWAYS, .restart_delay = 1000, .restart_max_delay = 30000,
  .timeout_deps = 120000, .timeout_script = 60000, .post_start_delay = 5000,
  .health_interval = 10000, .health_timeout = 3000, .health_retries = 3, .health_restart = 1
} ;

#define QUICK_MS 10000          /* a run shorter than this is a quick failure */
#define MIN_BACKOFF_MS 100      /* quick failures wait at least this, doubled: never a busy loop */
#define RESUBSCRIBE_MS 500      /* retry for peers whose event/ was not there yet */
#define FOLLOW_MS 250           /* log_file is looked at this often */
#define HEALTH_EAGER_MS 1000    /* checks until the first success come at least this often */

static tm_status_t st = TM_STATUS_ZERO ;
static peers_t deps, dependents ;
static int ctlfd = -1, sigfd = -1 ;
static int notif_rfd = -1 ;     /* readiness pipe, while the service runs */
static pid_t pid_pre = 0, pid_post = 0, pid_finish = 0, pid_health = 0 ;
static unsigned int health_failures = 0 ;
static int flag_exit = 0 ;      /* exit once the service is down */
static int flag_once = 0 ;      /* do not restart after this run */
static int flag_restart = 0 ;   /* start again at once after this exit */
static int flag_ordered = 0 ;   /* shutting down: waiting for our dependents to stop */
static unsigned int quick_failures = 0 ;
static unsigned int next_delay ;
static uint64_t sup_start_ms ;
static tain started ;           /* when the current run was spawned */
static tain deadline_kill = TAIN_INFINITE ;
static tain deadline_start = TAIN_INFINITE ;   /* back-off, or wait_after */
static tain deadline_deps = TAIN_INFINITE ;
static tain deadline_pre = TAIN_INFINITE ;
static tain deadline_post_start = TAIN_INFINITE ;
static tain deadline_post_kill = TAIN_INFINITE ;
static tain deadline_finish = TAIN_INFINITE ;
static tain deadline_resubscribe = TAIN_INFINITE ;
static tain deadline_leftover = TAIN_INFINITE ;
static tain deadline_follow = TAIN_INFINITE ;
static tain deadline_health = TAIN_INFINITE ;      /* the next check */
static tain deadline_health_kill = TAIN_INFINITE ; /* the running check's timeout */
static pid_t leftover_pgid = 0 ;  /* group of a stopped run that still had members */

/* ---- status ---- */

static void status_commit (void)
{
  static char const letters[TM_NSTATES] = { 'p', 's', 'u', 'T', 'd', 'F' } ;
  static int failing = 0 ;  /* a full disk is reported once, not at every change */
  if (!tm_status_write("supervise/status", &st))
  {
    if (!failing) strerr_warnwu2sys("write ", "supervise/status") ;
    failing = 1 ;
  }
  else failing = 0 ;
  tm_fifodir_notify("event", letters[st.state]) ;
}

static void set_state (unsigned char state, char const *reason, char const *more)
{
  st.state = state ;
  st.since = tm_wallclock_ms() ;
  tm_status_setreason(&st, reason ? reason : "", more) ;
  status_commit() ;
}

/* ---- time ---- */

static void deadline_in (tain *d, unsigned int ms)
{
  tain t ;
  tain_from_millisecs(&t, ms > 0x7fffffff ? 0x7fffffff : ms) ;
  tain_add_g(d, &t) ;
}

static unsigned int ms_since (tain const *t)
{
  tain d ;
  int ms ;
  tain_sub(&d, &STAMP, t) ;
  ms = tain_to_millisecs(&d) ;
  return ms < 0 ? 0x7fffffff : ms ;
}

static void group_signal (pid_t pgid, int sig)
{
  if (pgid > 1) kill(-pgid, sig) ;
}

/* ---- required services: their final end shuts the system down ---- */

static void report_required (void)
{
  char const *fifo = svscan_file("control") ;
  char msg[2] = { 'T', 0 } ;
  int code ;
  if (!st.required || flag_exit) return ;
  if (st.type == TM_ONESHOT && st.state != TM_FAILED) return ;
  code = st.exit_signal ? 128 + st.exit_signal : st.exit_code > 0 ? st.exit_code : st.state == TM_FAILED ? 1 : 0 ;
  msg[1] = (char)code ;
  {
    char fmt[INT_FMT] ;
    fmt[int_fmt(fmt, code)] = 0 ;
    strerr_warnw5x("required service ", st.name, " ended for good: shutting the system down (exit code ", fmt, ")") ;
  }
  if (!fifo || tm_control_write(fifo, msg, 2) <= 0) strerr_warnwu2sys("tell tm-svscan to shut down via ", fifo ? fifo : ".tm-svscan/control") ;
}

static void end_for_good (unsigned char state, char const *reason, char const *more)
{
  set_state(state, reason, more) ;
  report_required() ;
}

/* ---- dependencies ---- */

/* Ready, or done: a oneshot that exited 0, and also a longrun that exited 0
   and is not restarted (the seed's configs run migrations that way) */
static int dep_ready (tm_status_t const *s)
{
  if (s->state == TM_RUNNING) return s->ready ;
  return s->state == TM_STOPPED && s->want && !s->exit_code && !s->exit_signal ;
}

/* 1 all ready (*start_at: wall ms when wait_after allows the start),
   0 waiting for *why, -1 *why failed */
static int deps_check (char const **why, uint64_t *start_at)
{
  *start_at = deps.n ? 0 : sup_start_ms + conf.wait_after ;
  for (unsigned int i = 0 ; i < deps.n ; i++)
  {
    tm_status_t s ;
    *why = deps.p[i].name ;
    if (!peer_status(deps.p + i, &s)) return 0 ;
    if (s.state == TM_FAILED) return -1 ;
    if (!dep_ready(&s)) return 0 ;
    if (s.since + deps.p[i].wait_ms > *start_at) *start_at = s.since + deps.p[i].wait_ms ;
  }
  return 1 ;
}

static void deps_done (void)
{
  peers_unsubscribe(&deps) ;
  deadline_deps = tain_infinite ;
  deadline_resubscribe = tain_infinite ;
}

static void fail_start (char const *reason, char const *more)
{
  deps_done() ;
  deadline_start = tain_infinite ;
  st.exit_code = -1 ;
  st.exit_signal = 0 ;
  end_for_good(TM_FAILED, reason, more) ;
}

/* ---- the service process ---- */

static void on_service_exit (int wstat) ;
static void stop (void) ;

/* ---- health checks ---- */

static void health_schedule (void)
{
  unsigned int ms = conf.health_interval ;
  if (st.health != TM_HEALTH_HEALTHY && ms > HEALTH_EAGER_MS) ms = HEALTH_EAGER_MS ;
  tain_copynow(&deadline_health) ;
  deadline_in(&deadline_health, ms) ;
}

static void health_start (void)
{
  st.health = TM_HEALTH_STARTING ;
  health_failures = 0 ;
  health_schedule() ;
}

static void health_stop (void)
{
  if (pid_health) group_signal(pid_health, SIGKILL) ;
  deadline_health = deadline_health_kill = tain_infinite ;
  st.health = TM_HEALTH_NONE ;
}

static void health_run (void)
{
  static char const *const argv[2] = { "health/check", 0 } ;
  spawn_opts_t o = { .as_user = 1, .notif_w = -1, .notif_fd = -1, .quiet = 1 } ;
  if (!st.pid || pid_health) return ;
  pid_health = spawn_in_dir("health/check", argv, &o) ;
  if (!pid_health) { spawn_failure(st.name, "health/check") ; health_schedule() ; return ; }
  tain_copynow(&deadline_health_kill) ;
  deadline_in(&deadline_health_kill, conf.health_timeout) ;
}

static void run_post (void) ;

static void health_success (void)
{
  health_failures = 0 ;
  if (st.health == TM_HEALTH_HEALTHY) return ;
  if (st.health == TM_HEALTH_UNHEALTHY) strerr_warnw2x(st.name, ": healthy again") ;
  st.health = TM_HEALTH_HEALTHY ;
  if (st.state == TM_STARTING && notif_rfd < 0 && !st.ready)
  {
    /* a healthcheck is the readiness of a service without a readiness fd */
    st.ready = 1 ;
    set_state(TM_RUNNING, 0, 0) ;
    run_post() ;
  }
  else status_commit() ;
}

static void health_failure (void)
{
  if (ms_since(&started) < conf.health_start_period) return ;
  if (++health_failures < conf.health_retries || st.health == TM_HEALTH_UNHEALTHY) return ;
  st.health = TM_HEALTH_UNHEALTHY ;
  strerr_warnw3x(st.name, ": unhealthy", conf.health_restart ? ": restarting it" : "") ;
  status_commit() ;
  if (conf.health_restart && st.state != TM_STOPPING)
  {
    st.restarts++ ;
    flag_restart = 1 ;
    stop() ;
  }
}

static void health_result (int wstat)
{
  pid_health = 0 ;
  deadline_health_kill = tain_infinite ;
  if (!st.pid) return ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) health_success() ;
  else health_failure() ;
  if (st.pid && st.state != TM_STOPPING) health_schedule() ;
}

static void spawn_service (void)
{
  static char const *const argv[2] = { "run", 0 } ;
  int p[2] = { -1, -1 } ;
  pid_t pid ;
  tain_copynow(&started) ;
  if (conf.notif_fd >= 0 && pipe2(p, O_CLOEXEC) < 0) p[0] = p[1] = -1 ;
  {
    char slave[64] ;
    spawn_opts_t o = { .as_user = 1, .notif_w = p[1], .notif_fd = conf.notif_fd, .quiet = 0, .pty = 0 } ;
    if (conf.pty)
    {
      relay_pty_close() ;  /* a previous run's, drained */
      if (relay_pty_open(slave, sizeof(slave)) < 0) strerr_warnwu1sys("open a pseudo-terminal: running without") ;
      else o.pty = slave ;
    }
    pid = spawn_in_dir("run", argv, &o) ;
  }
  if (p[1] >= 0) close(p[1]) ;
  flag_restart = 0 ;
  if (!pid)
  {
    /* as if it had died at once: 126 cannot execute, 127 not found */
    int code = errno == ENOENT ? 127 : 126 ;
    char const *why = spawn_failure(st.name, "run") ;
    if (p[0] >= 0) close(p[0]) ;
    on_service_exit(code << 8) ;
    tm_status_setreason(&st, why, 0) ;
    status_commit() ;
    return ;
  }
  st.pid = pid ;
  if (p[0] >= 0) ndelay_on(p[0]) ;
  notif_rfd = p[0] ;
  if (conf.has_post && notif_rfd < 0 && !conf.has_health) { tain_copynow(&deadline_post_start) ; deadline_in(&deadline_post_start, conf.post_start_delay) ; }
  if (conf.has_health && st.type != TM_ONESHOT) health_start() ;
  if (st.type == TM_ONESHOT) { st.ready = 0 ; set_state(TM_STARTING, "running", 0) ; }
  else if (notif_rfd >= 0) { st.ready = 0 ; set_state(TM_STARTING, "waiting for readiness", 0) ; }
  else if (conf.has_health) { st.ready = 0 ; set_state(TM_STARTING, "waiting for a healthy check", 0) ; }
  else { st.ready = 1 ; set_state(TM_RUNNING, 0, 0) ; }
}

static pid_t spawn_script (char const *file, char const *arg1, char const *arg2, tain *deadline)
{
  char const *argv[4] = { file, arg1, arg2, 0 } ;
  spawn_opts_t o = { .as_user = 0, .notif_w = -1, .notif_fd = -1, .quiet = 0 } ;
  pid_t pid = spawn_in_dir(file, argv, &o) ;
  if (!pid) spawn_failure(st.name, file) ;
  else { tain_copynow(deadline) ; deadline_in(deadline, conf.timeout_script) ; }
  return pid ;
}

/* PENDING with this reason; the status is written only when it changes */
static void pending (char const *reason, char const *more)
{
  tm_status_t t = st ;
  tm_status_setreason(&t, reason, more) ;
  if (st.state != TM_PENDING || strcmp(t.reason, st.reason)) set_state(TM_PENDING, reason, more) ;
}

/* the next step towards a running service, whatever the current one */
static void try_start (void)
{
  char const *why = 0 ;
  uint64_t start_at, now ;
  int r ;
  if (!st.want || st.pid || pid_pre || pid_finish || flag_exit) return ;
  r = deps_check(&why, &start_at) ;
  if (r < 0) { fail_start("dependency failed: ", why) ; return ; }
  if (!r)
  {
    if (st.state != TM_PENDING)
    {
      tain_copynow(&deadline_deps) ;
      deadline_in(&deadline_deps, conf.timeout_deps) ;
      tain_copynow(&deadline_resubscribe) ;
      deadline_in(&deadline_resubscribe, RESUBSCRIBE_MS) ;
      peers_subscribe(&deps) ;
    }
    pending("waiting for dependency: ", why) ;
    return ;
  }
  now = tm_wallclock_ms() ;
  if (start_at > now)
  {
    tain_copynow(&deadline_start) ;
    deadline_in(&deadline_start, start_at - now) ;
    pending("wait_after", 0) ;
    return ;
  }
  deps_done() ;
  deadline_start = tain_infinite ;
  if (conf.has_pre)
  {
    pid_pre = spawn_script("pre-start", 0, 0, &deadline_pre) ;
    if (!pid_pre) { fail_start("unable to run pre_script", 0) ; return ; }
    st.ready = 0 ;
    set_state(TM_STARTING, "running pre_script", 0) ;
    return ;
  }
  spawn_service() ;
}

static void stop (void)
{
  if (pid_pre) group_signal(pid_pre, SIGTERM) ;
  if (!st.pid) return ;
  group_signal(st.pid, conf.stop_signal) ;
  if (conf.stop_signal != SIGCONT && conf.stop_signal != SIGKILL) group_signal(st.pid, SIGCONT) ;
  if (st.state != TM_STOPPING)
  {
    tain_copynow(&deadline_kill) ;
    deadline_in(&deadline_kill, conf.timeout_kill) ;
    set_state(TM_STOPPING, "stop signal sent", 0) ;
  }
}

static void schedule_restart (void)
{
  if (ms_since(&started) >= QUICK_MS)
  {
    quick_failures = 0 ;
    next_delay = conf.restart_delay ;
  }
  else quick_failures++ ;
  if (conf.max_restarts && quick_failures > conf.max_restarts)
  {
    end_for_good(TM_FAILED, "too many restarts", 0) ;
    return ;
  }
  if (quick_failures)
  {
    /* even with restart_delay = 0, a service that dies at once backs off */
    unsigned int floor = MIN_BACKOFF_MS << (quick_failures > 8 ? 8 : quick_failures - 1) ;
    unsigned int cap = conf.restart_max_delay > MIN_BACKOFF_MS ? conf.restart_max_delay : MIN_BACKOFF_MS ;
    if (next_delay < floor) next_delay = floor < cap ? floor : cap ;
  }
  tain_copynow(&deadline_start) ;
  deadline_in(&deadline_start, next_delay) ;
  next_delay = next_delay > conf.restart_max_delay / 2 ? conf.restart_max_delay : next_delay * 2 ;
  st.restarts++ ;
  set_state(TM_STARTING, "restart back-off", 0) ;
}

/* the run and its finish script are over: what next */
static void after_exit (void)
{
  int success = !st.exit_signal && !st.exit_code ;
  if (!st.want)
  {
    set_state(TM_STOPPED, st.state == TM_STOPPING ? "stopped" : "exited", 0) ;
    return ;
  }
  if (flag_restart) { try_start() ; return ; }
  if (st.type == TM_ONESHOT && success)
  {
    st.ready = 1 ;
    end_for_good(TM_STOPPED, "completed", 0) ;
    return ;
  }
  if (flag_once)
  {
    flag_once = 0 ;
    st.want = 0 ;
    end_for_good(success ? TM_STOPPED : TM_FAILED, "exited", 0) ;
    return ;
  }
  if (conf.restart == RESTART_NEVER || (conf.restart == RESTART_ON_FAILURE && success))
  {
    end_for_good(success ? TM_STOPPED : TM_FAILED, success ? "exited" : "failed, restart policy never", 0) ;
    return ;
  }
  schedule_restart() ;
}

static void on_service_exit (int wstat)
{
  if (notif_rfd >= 0) { close(notif_rfd) ; notif_rfd = -1 ; }
  if (st.state == TM_STOPPING && st.pid && kill(-st.pid, 0) == 0)
  {
    /* the leader is gone but not all of its group: they get until the
       kill deadline, then SIGKILL */
    leftover_pgid = st.pid ;
    deadline_leftover = deadline_kill ;
  }
  deadline_kill = tain_infinite ;
  deadline_post_start = tain_infinite ;
  health_stop() ;
  st.pid = 0 ;
  st.ready = 0 ;
  st.exit_code = WIFSIGNALED(wstat) ? -1 : WEXITSTATUS(wstat) ;
  st.exit_signal = WIFSIGNALED(wstat) ? WTERMSIG(wstat) : 0 ;
  relay_drain() ;
  relay_pty_close() ;
  if (conf.has_finish)
  {
    char code[INT_FMT] ;
    code[int_fmt(code, st.exit_code)] = 0 ;
    pid_finish = spawn_script("finish", code, st.exit_signal ? tm_signal_name(st.exit_signal) : "", &deadline_finish) ;
    if (pid_finish) { tm_status_setreason(&st, "running finish_script", 0) ; status_commit() ; return ; }
  }
  after_exit() ;
}

static int script_failed (int wstat, char *buf, size_t max, char const *what)
{
  char fmt[INT_FMT] ;
  size_t n = strlen(what) ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) return 0 ;
  if (n > max - 32) n = max - 32 ;
  memcpy(buf, what, n) ;
  if (WIFSIGNALED(wstat))
  {
    char const *s = tm_signal_name(WTERMSIG(wstat)) ;
    memcpy(buf + n, " killed by ", 11) ; n += 11 ;
    memcpy(buf + n, s, strlen(s) + 1) ;
  }
  else
  {
    fmt[int_fmt(fmt, WEXITSTATUS(wstat))] = 0 ;
    memcpy(buf + n, " failed, exit ", 14) ; n += 14 ;
    memcpy(buf + n, fmt, strlen(fmt) + 1) ;
  }
  return 1 ;
}

static void on_pre_exit (int wstat)
{
  char why[64] ;
  pid_pre = 0 ;
  deadline_pre = tain_infinite ;
  if (!st.want || flag_exit) { set_state(TM_STOPPED, "stopped", 0) ; return ; }
  if (script_failed(wstat, why, sizeof(why), "pre_script"))
  {
    strerr_warnw3x(st.name, ": ", why) ;
    st.exit_code = -1 ;
    st.exit_signal = 0 ;
    end_for_good(TM_FAILED, why, 0) ;
    return ;
  }
  spawn_service() ;
}

static void on_post_exit (int wstat)
{
  char why[64] ;
  pid_post = 0 ;
  deadline_post_kill = tain_infinite ;
  if (script_failed(wstat, why, sizeof(why), "post_script")) strerr_warnw3x(st.name, ": ", why) ;
}

static void run_post (void)
{
  deadline_post_start = tain_infinite ;
  if (!conf.has_post || pid_post || !st.pid) return ;
  pid_post = spawn_script("post-start", 0, 0, &deadline_post_kill) ;
}

static void reap (void)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (pid == st.pid) on_service_exit(wstat) ;
    else if (pid == pid_pre) on_pre_exit(wstat) ;
    else if (pid == pid_post) on_post_exit(wstat) ;
    else if (pid == pid_health) health_result(wstat) ;
    else if (pid == pid_finish) { pid_finish = 0 ; deadline_finish = tain_infinite ; after_exit() ; }
  }
}

/* ---- shutdown in dependency order ---- */

static int dependents_down (void)
{
  for (unsigned int i = 0 ; i < dependents.n ; i++)
  {
    tm_status_t s ;
    if (peer_status(dependents.p + i, &s) && s.pid) return 0 ;
  }
  return 1 ;
}

static void ordered_check (void)
{
  if (!flag_ordered || !dependents_down()) return ;
  flag_ordered = 0 ;
  deadline_resubscribe = tain_infinite ;
  peers_unsubscribe(&dependents) ;
  stop() ;
}

/* A reload may have given us new dependents since we started: read the
   list again (it is not steady state any more); on failure keep the old. */
static void dependents_reread (void)
{
  peers_t fresh ;
  if (!peers_read(&fresh, "dependents.d", 0))
  {
    strerr_warnwu1sys("read dependents.d again") ;
    return ;
  }
  peers_unsubscribe(&dependents) ;
  peers_free(&dependents) ;
  dependents = fresh ;
}

/* tm-svscan's shutdown: we stop only after every service that depends on
   us has stopped; it bounds the whole by its global timeout */
static void ordered_stop (void)
{
  st.want = 0 ;
  flag_exit = 1 ;
  flag_restart = flag_once = 0 ;
  deadline_start = tain_infinite ;
  deps_done() ;
  if (pid_pre) group_signal(pid_pre, SIGTERM) ;
  if (!st.pid)
  {
    if (st.state != TM_STOPPED && st.state != TM_FAILED) set_state(TM_STOPPED, "stopped", 0) ;
    return ;
  }
  if (!flag_ordered) dependents_reread() ;
  if (dependents.n && !flag_ordered)
  {
    flag_ordered = 1 ;
    peers_subscribe(&dependents) ;
    if (!dependents_down())
    {
      tm_status_setreason(&st, "waiting for dependents to stop", 0) ;
      status_commit() ;
      tain_copynow(&deadline_resubscribe) ;
      deadline_in(&deadline_resubscribe, RESUBSCRIBE_MS) ;
    }
    ordered_check() ;
    return ;
  }
  if (!flag_ordered) stop() ;
}

/* ---- commands ---- */

static void want_up (void)
{
  st.want = 1 ;
  if (st.pid || pid_pre || pid_finish) return ;
  quick_failures = 0 ;
  next_delay = conf.restart_delay ;
  deadline_start = tain_infinite ;
  try_start() ;
}

static void want_down (void)
{
  st.want = 0 ;
  flag_restart = flag_once = 0 ;
  deadline_start = tain_infinite ;
  deps_done() ;
  if (st.pid || pid_pre) stop() ;
  else if (pid_finish) return ;
  else if (st.state != TM_STOPPED && st.state != TM_FAILED) set_state(TM_STOPPED, "stopped", 0) ;
  else status_commit() ;
}

/* tm-svscan's longest service name changed: pad to the new width */
static void prefix_reread (void)
{
  char const *path = svscan_file("status") ;
  char buf[256] ;
  char const *w ;
  unsigned int width ;
  ssize_t r ;
  if (!path) return ;
  r = openreadnclose(path, buf, sizeof(buf) - 1) ;
  if (r <= 0) return ;
  buf[r] = 0 ;
  w = strstr(buf, "\nwidth=") ;
  if (w && uint_scan(w + 7, &width)) relay_prefix_init(st.name, width) ;
}

static void command (char c)
{
  int sig ;
  switch (c)
  {
    case 'u' : flag_once = 0 ; want_up() ; break ;
    case 'o' : flag_once = 1 ; want_up() ; break ;
    case 'd' : want_down() ; break ;
    case 'r' :
      flag_once = 0 ;
      if (st.pid) { st.want = 1 ; flag_restart = 1 ; stop() ; }
      else want_up() ;
      break ;
    case 'x' : flag_exit = 1 ; break ;
    case 'S' : ordered_stop() ; break ;
    case 'w' : prefix_reread() ; break ;
    default :
      sig = tm_letter_signal(c) ;
      if (sig && st.pid) group_signal(st.pid, sig) ;
      break ;
  }
}

static void read_control (void)
{
  char buf[64] ;
  for (;;)
  {
    ssize_t r = read(ctlfd, buf, sizeof(buf)) ;
    if (r <= 0) break ;
    for (ssize_t i = 0 ; i < r ; i++) command(buf[i]) ;
  }
}

static void read_notification (void)
{
  char buf[64] ;
  ssize_t r = read(notif_rfd, buf, sizeof(buf)) ;
  if (r < 0 && errno == EAGAIN) return ;
  if (r > 0 && !memchr(buf, '\n', r)) return ;
  close(notif_rfd) ;
  notif_rfd = -1 ;
  if (r > 0 && st.pid && st.state == TM_STARTING)
  {
    st.ready = 1 ;
    set_state(TM_RUNNING, 0, 0) ;
    run_post() ;
  }
}

static int handle_signals (void)
{
  for (;;)
  {
    int sig = selfpipe_read() ;
    switch (sig)
    {
      case -1 : strerr_warnwu1sys("selfpipe_read") ; return 0 ;
      case 0 : return 1 ;
      case SIGCHLD : reap() ; break ;
      case SIGTERM : ordered_stop() ; break ;
      case SIGHUP : flag_exit = 1 ; break ;
      default : break ;
    }
  }
}

/* ---- timers ---- */

static int expired (tain *d)
{
  if (tain_future(d)) return 0 ;
  *d = tain_infinite ;
  return 1 ;
}

static void timers (void)
{
  if (expired(&deadline_kill) && st.pid) group_signal(st.pid, SIGKILL) ;
  if (expired(&deadline_leftover)) { group_signal(leftover_pgid, SIGKILL) ; leftover_pgid = 0 ; }
  if (expired(&deadline_pre) && pid_pre) group_signal(pid_pre, SIGKILL) ;
  if (expired(&deadline_post_kill) && pid_post) group_signal(pid_post, SIGKILL) ;
  if (expired(&deadline_finish) && pid_finish) group_signal(pid_finish, SIGKILL) ;
  if (expired(&deadline_post_start)) run_post() ;
  if (expired(&deadline_health_kill) && pid_health) group_signal(pid_health, SIGKILL) ;
  if (expired(&deadline_health)) health_run() ;
  if (expired(&deadline_deps) && st.state == TM_PENDING)
  {
    char const *why = 0 ;
    uint64_t at ;
    if (deps_check(&why, &at) <= 0) { fail_start("dependency timeout: ", why) ; return ; }
  }
  if (expired(&deadline_resubscribe))
  {
    if (st.state == TM_PENDING) { peers_subscribe(&deps) ; try_start() ; }
    if (flag_ordered) { peers_subscribe(&dependents) ; ordered_check() ; }
    if (st.state == TM_PENDING || flag_ordered) { tain_copynow(&deadline_resubscribe) ; deadline_in(&deadline_resubscribe, RESUBSCRIBE_MS) ; }
  }
  if (expired(&deadline_start)) try_start() ;
  if (expired(&deadline_follow))
  {
    relay_follow_poll() ;
    tain_copynow(&deadline_follow) ;
    deadline_in(&deadline_follow, FOLLOW_MS) ;
  }
}

static void earliest (tain *d, tain const *t)
{
  if (tain_less(t, d)) *d = *t ;
}

static void next_deadline (tain *d)
{
  *d = tain_infinite ;
  earliest(d, &deadline_kill) ;
  earliest(d, &deadline_leftover) ;
  earliest(d, &deadline_start) ;
  earliest(d, &deadline_deps) ;
  earliest(d, &deadline_pre) ;
  earliest(d, &deadline_post_start) ;
  earliest(d, &deadline_post_kill) ;
  earliest(d, &deadline_finish) ;
  earliest(d, &deadline_resubscribe) ;
  earliest(d, &deadline_follow) ;
  earliest(d, &deadline_health) ;
  earliest(d, &deadline_health_kill) ;
}

/* ---- start-up ---- */

static int pidfd_wait (pid_t pid, unsigned int ms)
{
  int fd = syscall(SYS_pidfd_open, pid, 0) ;
  if (fd >= 0)
  {
    struct pollfd p = { .fd = fd, .events = POLLIN } ;
    int r = poll(&p, 1, ms) ;
    close(fd) ;
    return r > 0 ;
  }
  for (unsigned int waited = 0 ; waited < ms ; waited += 50)
  {
    if (kill(pid, 0) < 0) return 1 ;
    poll(0, 0, 50) ;
  }
  return 0 ;
}

/* A previous supervisor was killed and its service may still run: never
   leave two instances. The old run is its own group leader (pgid == pid). */
static void terminate_stale (void)
{
  tm_status_t old ;
  pid_t pid ;
  if (tm_status_read("supervise/status", &old) <= 0) return ;
  st.exit_code = old.exit_code ;
  st.exit_signal = old.exit_signal ;
  pid = old.pid ;
  if (pid <= 1 || kill(pid, 0) < 0 || getpgid(pid) != pid) return ;
  {
    char fmt[PID_FMT] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    strerr_warnw3x("terminating the instance left by a previous supervisor, pid ", fmt, "") ;
  }
  group_signal(pid, conf.stop_signal) ;
  group_signal(pid, SIGCONT) ;
  pidfd_wait(pid, conf.timeout_kill) ;
  group_signal(pid, SIGKILL) ;  /* whatever is left of its group */
}

static void die_another (void)
{
  strerr_dief2x(100, "another tm-supervise already runs for ", st.name) ;
}

/* The order matters to readers: the status file is rewritten by us before
   we take the lock, so whoever sees the lock held also sees our status,
   never the one a dead supervisor left (tm-ctl compares the status's
   supervisor field with the lock holder). */
/* [control] group: its members may write our control FIFO and wait on
   our events, as root does */
static gid_t control_gid (void)
{
  char const *file = svscan_file("control-gid") ;
  unsigned int gid ;
  return file && tm_svfile_uint(file, &gid) > 0 ? (gid_t)gid : (gid_t)-1 ;
}

static void supervise_dir_init (void)
{
  int lockfd ;
  gid_t gid = control_gid() ;
  if (mkdir("supervise", 0755) < 0 && errno != EEXIST)
    strerr_diefu2sys(111, "mkdir ", "supervise") ;
  if (!tm_fifodir_make("event", gid)) strerr_diefu2sys(111, "make fifodir ", "event") ;
  lockfd = open("supervise/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644) ;
  if (lockfd < 0) strerr_diefu2sys(111, "open ", "supervise/lock") ;
  if (fd_islocked(lockfd) > 0) die_another() ;
  terminate_stale() ;
  st.want = !tm_svfile_exists("down") ;
  if (st.want) set_state(TM_STARTING, "starting", 0) ;
  else set_state(TM_STOPPED, "disabled", 0) ;
  switch (fd_lock(lockfd, 1, 1))
  {
    case -1 : strerr_diefu2sys(111, "lock ", "supervise/lock") ;
    case 0 : die_another() ;
    default : break ;
  }
  if (!tm_mkfifo("supervise/control", 0600)) strerr_diefu2sys(111, "mkfifo ", "supervise/control") ;
  if (gid == (gid_t)-1 ? chmod("supervise/control", 0600) < 0
      : chown("supervise/control", 0, gid) < 0 || chmod("supervise/control", 0620) < 0)
    strerr_warnwu2sys("set the owner and mode of ", "supervise/control") ;
  ctlfd = open("supervise/control", O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (ctlfd < 0) strerr_diefu2sys(111, "open ", "supervise/control") ;
  /* also open it for writing, so that it never reports EOF */
  if (open("supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0)
    strerr_diefu2sys(111, "open ", "supervise/control for writing") ;
}

static void read_uint_file (char const *file, unsigned int *u)
{
  if (tm_svfile_uint(file, u) < 0)
    strerr_warnw3x("invalid ", file, ": using the default") ;
}

static void health_conf_read (void)
{
  char buf[16] ;
  conf.has_health = access("health/check", X_OK) == 0 ;
  if (!conf.has_health) return ;
  read_uint_file("health/interval", &conf.health_interval) ;
  read_uint_file("health/timeout", &conf.health_timeout) ;
  read_uint_file("health/retries", &conf.health_retries) ;
  read_uint_file("health/start-period", &conf.health_start_period) ;
  if (tm_svfile_read("health/on-unhealthy", buf, sizeof(buf)) > 0) conf.health_restart = !!strcmp(buf, "none") ;
  if (!conf.health_interval) conf.health_interval = 1 ;
  if (!conf.health_retries) conf.health_retries = 1 ;
}

static void logs_conf_read (void)
{
  char path[4096] ;
  relay_options(tm_svfile_exists("log-timestamps")) ;
  if (tm_svfile_read("output-file", path, sizeof(path)) > 0)
  {
    char buf[32] ;
    uint64_t max = 0 ;
    unsigned int files = 5 ;
    if (tm_svfile_read("output-max-size", buf, sizeof(buf)) > 0 && !uint640_scan(buf, &max))
      strerr_warnw1x("invalid output-max-size: using 10 MiB") ;
    tm_svfile_uint("output-max-files", &files) ;
    relay_output_init(path, max, files) ;
  }
  if (tm_svfile_read("log-file", path, sizeof(path)) > 0)
  {
    relay_follow_init(path) ;
    tain_copynow(&deadline_follow) ;
    deadline_in(&deadline_follow, FOLLOW_MS) ;
  }
}


static void conf_read (void)
{
  char buf[64] ;
  unsigned int u ;
  read_uint_file("timeout-kill", &conf.timeout_kill) ;
  read_uint_file("restart-delay", &conf.restart_delay) ;
  read_uint_file("restart-max-delay", &conf.restart_max_delay) ;
  read_uint_file("max-restarts", &conf.max_restarts) ;
  read_uint_file("wait-after", &conf.wait_after) ;
  read_uint_file("timeout-dependencies", &conf.timeout_deps) ;
  read_uint_file("timeout-script", &conf.timeout_script) ;
  read_uint_file("post-start-delay", &conf.post_start_delay) ;
  if (conf.restart_max_delay < conf.restart_delay) conf.restart_max_delay = conf.restart_delay ;
  if (tm_svfile_uint("notification-fd", &u) > 0)
  {
    if (u < 3 || u > 1023) strerr_warnw1x("notification-fd must be between 3 and 1023: ignored") ;
    else conf.notif_fd = u ;
  }
  if (tm_svfile_read("down-signal", buf, sizeof(buf)) > 0)
  {
    int sig = tm_signal_scan(buf) ;
    if (sig) conf.stop_signal = sig ;
    else strerr_warnw3x("invalid down-signal ", buf, ": using SIGTERM") ;
  }
  if (tm_svfile_read("restart", buf, sizeof(buf)) > 0)
  {
    if (!strcmp(buf, "always") || !strcmp(buf, "unless-stopped")) conf.restart = RESTART_ALWAYS ;
    else if (!strcmp(buf, "on-failure")) conf.restart = RESTART_ON_FAILURE ;
    else if (!strcmp(buf, "never")) conf.restart = RESTART_NEVER ;
    else strerr_warnw3x("invalid restart policy ", buf, ": using always") ;
  }
  if (tm_svfile_read("type", buf, sizeof(buf)) > 0)
  {
    if (!strcmp(buf, "oneshot")) st.type = TM_ONESHOT ;
    else if (strcmp(buf, "longrun")) strerr_warnw3x("invalid type ", buf, ": using longrun") ;
  }
  st.required = tm_svfile_exists("required") ;
  conf.pty = tm_svfile_exists("pty") ;
  conf.has_pre = tm_svfile_exists("pre-start") ;
  conf.has_post = tm_svfile_exists("post-start") ;
  conf.has_finish = tm_svfile_exists("finish") ;
  next_delay = conf.restart_delay ;
  if (!peers_read(&deps, "dependencies.d", 1) || !peers_read(&dependents, "dependents.d", 0))
    strerr_diefu1sys(111, "read dependencies.d or dependents.d") ;
  logs_conf_read() ;
  health_conf_read() ;
}

/* "SCANDIR/" and the absolute service directory, from how svscan (or a
   user) named it: we do not resolve a symlinked service directory */
static void paths_init (char const *arg, char **dir)
{
  char cwd[PATH_MAX] ;
  size_t n = strlen(arg), cl = 0 ;
  char const *base ;
  char *prefix ;
  while (n > 1 && arg[n-1] == '/') n-- ;
  base = arg + n ;
  while (base > arg && base[-1] != '/') base-- ;
  if (base == arg + n || (size_t)(arg + n - base) > TM_NAME_MAX) strerr_dief2x(100, "invalid service directory name: ", arg) ;
  memcpy(st.name, base, arg + n - base) ;
  st.name[arg + n - base] = 0 ;
  if (arg[0] != '/')
  {
    if (!getcwd(cwd, sizeof(cwd))) strerr_diefu1sys(111, "getcwd") ;
    cl = strlen(cwd) ;
  }
  prefix = malloc(cl + n + 3) ;
  *dir = malloc(cl + n + 3) ;
  if (!prefix || !*dir) strerr_diefu1sys(111, "allocate") ;
  memcpy(prefix, cwd, cl) ;
  if (cl) prefix[cl++] = '/' ;
  memcpy(prefix + cl, arg, base - arg) ;
  prefix[cl + (base - arg)] = 0 ;
  memcpy(*dir, prefix, cl + (base - arg)) ;
  memcpy(*dir + cl + (base - arg), base, arg + n - base) ;
  (*dir)[cl + n] = 0 ;
  scandir_prefix = prefix ;
}

static void signals_init (void)
{
  sigset_t set ;
  /* nothing ignored by whoever started us may reach the service */
  for (int sig = 1 ; sig < SIGRTMIN ; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) sig_restore(sig) ;
  sigfd = selfpipe_init() ;
  if (sigfd < 0) strerr_diefu1sys(111, "init selfpipe") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGCHLD) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGHUP) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGQUIT) ;
  if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals") ;
  sig_altignore(SIGPIPE) ;
}

static int busy (void)
{
  return st.pid || pid_pre || pid_finish ;
}

int main (int argc, char const *const *argv)
{
  char const *ofds = 0, *efds = 0 ;
  unsigned int width = 0 ;
  char *dir ;
  PROG = "tm-supervise" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "o:e:p:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'o' : ofds = l.arg ; break ;
        case 'e' : efds = l.arg ; break ;
        case 'p' : if (!uint0_scan(l.arg, &width)) dieusage() ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc < 1) dieusage() ;
  fd_sanitize() ;
  paths_init(argv[0], &dir) ;
  st.supervisor = getpid() ;
  relay_init(&relay[0], ofds, 1) ;
  relay_init(&relay[1], efds, 2) ;
  relay_prefix_init(st.name, width) ;
  if (chdir(dir) < 0) strerr_diefu2sys(111, "chdir to ", dir) ;
  umask(022) ;
  tain_now_set_stopwatch_g() ;
  sup_start_ms = tm_wallclock_ms() ;
  signals_init() ;
  conf_read() ;
  spawn_conf_init(dir) ;
  supervise_dir_init() ;
  if (st.want) try_start() ;

  for (;;)
  {
    iopause_fd x[6 + deps.n + dependents.n] ;
    unsigned int n = 0, ictl, inotif = 0, ipty = 0, ideps, idependents ;
    tain deadline ;
    int r ;

    if (flag_exit && !busy()) break ;
    next_deadline(&deadline) ;
    x[n].fd = sigfd ; x[n++].events = IOPAUSE_READ ;
    x[n].fd = relay[0].rfd ; x[n++].events = IOPAUSE_READ ;
    x[n].fd = relay[1].rfd ; x[n++].events = IOPAUSE_READ ;
    ictl = n ; x[n].fd = ctlfd ; x[n++].events = IOPAUSE_READ ;
    if (notif_rfd >= 0) { inotif = n ; x[n].fd = notif_rfd ; x[n++].events = IOPAUSE_READ ; }
    if (relay[3].rfd >= 0) { ipty = n ; x[n].fd = relay[3].rfd ; x[n++].events = IOPAUSE_READ ; }
    ideps = n ;
    for (unsigned int i = 0 ; i < deps.n ; i++) { x[n].fd = deps.p[i].fd ; x[n++].events = IOPAUSE_READ ; }
    idependents = n ;
    for (unsigned int i = 0 ; i < dependents.n ; i++) { x[n].fd = dependents.p[i].fd ; x[n++].events = IOPAUSE_READ ; }

    r = iopause_g(x, n, &deadline) ;
    if (r < 0)
    {
      strerr_warnwu1sys("iopause") ;
      tain_copynow(&deadline) ;
      deadline_in(&deadline, 100) ;
      iopause_g(x, 0, &deadline) ;
      continue ;
    }
    timers() ;
    if (x[0].revents & IOPAUSE_READ && !handle_signals()) continue ;
    if (x[1].revents & IOPAUSE_READ) relay_read(&relay[0]) ;
    if (x[2].revents & IOPAUSE_READ) relay_read(&relay[1]) ;
    if (inotif && notif_rfd == x[inotif].fd && x[inotif].revents & IOPAUSE_READ) read_notification() ;
    if (ipty && relay[3].rfd == x[ipty].fd && x[ipty].revents & IOPAUSE_READ && relay_pty_read() < 0) relay_pty_close() ;
    {
      int depev = 0, dependentev = 0 ;
      for (unsigned int i = 0 ; i < deps.n ; i++)
        if (x[ideps + i].fd >= 0 && x[ideps + i].revents && peers_drain(&deps, i)) depev = 1 ;
      /* a shutdown request above may have read the list again */
      for (unsigned int i = 0 ; idependents + i < n && i < dependents.n ; i++)
        if (x[idependents + i].fd >= 0 && x[idependents + i].fd == dependents.p[i].fd
         && x[idependents + i].revents && peers_drain(&dependents, i)) dependentev = 1 ;
      if (depev && st.state == TM_PENDING) try_start() ;
      if (dependentev) ordered_check() ;
    }
    if (x[ictl].revents & IOPAUSE_READ) read_control() ;
  }
  relay_drain() ;
  relay_pty_close() ;
  status_commit() ;
  return 0 ;
}
