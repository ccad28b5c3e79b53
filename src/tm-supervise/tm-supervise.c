/* ISC license. */

/* tm-supervise: supervises one service directory.
   It owns supervise/control (commands), supervise/status (the truth users
   read), supervise/lock (one supervisor per service) and event/ (a fifodir
   where waiters get one byte per state change). What happens to the
   service is decided by the automaton of sv_machine.c; this file turns the
   world into its events (commands, children's exits, readiness, peers,
   timers) and does its effects (the fx_ functions). Everything is sized at
   start-up (sv_init.c): no allocation in the loop. */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/djbunix.h>

#include "sv.h"

#define USAGE "tm-supervise [ -o rfd,wfd ] [ -e rfd,wfd ] [ -p width ] servicedir"
#define dieusage() strerr_dieusage(100, USAGE)
#define HELP "usage: tm-supervise [-o RFD,WFD] [-e RFD,WFD] [-p WIDTH] SERVICEDIR\n" \
"\n" \
"One service's supervisor: starts the service of SERVICEDIR when its\n" \
"dependencies are ready, applies its restart policy, runs its scripts and\n" \
"health checks, relays its output with a [name] prefix, owns its control FIFO\n" \
"(supervise/control) and publishes its state (supervise/status, event/).\n" \
"tm-svscan runs one per service; it also runs by hand on a service directory.\n" \
"\n" \
"  -o RFD,WFD   the ends of the service's stdout pipe, held by tm-svscan\n" \
"  -e RFD,WFD   the same for its stderr (without them: pipes of its own)\n" \
"  -p WIDTH     pad the name in the [name] prefix to WIDTH\n" \
"  -h, --help   this text; -V, --version: the version\n"
#define RESUBSCRIBE_MS 500
#define STACK_TRIM_MARGIN 256  /* bytes below us that madvise's call may use */

static int notif_rfd = -1 ;     /* readiness pipe, while the service runs */

/* ---- readiness: every way the service has must agree ---- */

enum { READY_FD = 1, READY_NOTIFY = 2, READY_LINE = 4, READY_HEALTH = 8 } ;
static unsigned int ready_need = 0, ready_have = 0 ;
static union { tm_match_t m ; char pages[(sizeof(tm_match_t) + 4095) / 4096 * 4096] ; } pattern BIG ;
tm_match_t *const ready_pattern = &pattern.m ;

static void ready_by (unsigned int how)
{
  ready_have |= how ;
  if ((ready_have & ready_need) != ready_need || st.ready) return ;
  if (machine.phase == P_STARTING || machine.phase == P_HOLD) machine_event(E_READY) ;
}

static void line_seen (char const *s, size_t n)
{
  if (!tm_match(ready_pattern, s, n)) return ;
  relay_watch = 0 ;
  ready_by(READY_LINE) ;
}

int fx_readiness (void)
{
  return !!ready_need ;
}

void health_says_healthy (void)
{
  ready_by(READY_HEALTH) ;
}

void notify_ready (void)
{
  ready_by(READY_NOTIFY) ;
}

void notify_status (char const *s, size_t n)
{
  size_t k = n > TM_REASON_MAX ? TM_REASON_MAX : n ;
  for (size_t i = 0 ; i < k ; i++) if (s[i] == '\n' || (unsigned char)s[i] < 0x20) return ;
  if (strlen(st.status_text) == k && !memcmp(st.status_text, s, k)) return ;
  memcpy(st.status_text, s, k) ;
  st.status_text[k] = 0 ;
  /* written soon, at most four times a second, whatever the service sends */
  if (!tain_less(&machine.timer[TIMER_DROPPED], &tain_infinite)) timer_in(TIMER_DROPPED, 250) ;
}

/* ---- the effects ---- */

void fx_commit (void)
{
  static char const letters[TM_NSTATES] = { 'p', 's', 'u', 'T', 'd', 'F' } ;
  static int failing = 0 ;  /* a full disk is reported once, not at every change */
  st.dropped = sink_dropped_total() ;
  if (!tm_status_write("supervise/status", &st))
  {
    if (!failing) strerr_warnwu2sys("write ", "supervise/status") ;
    failing = 1 ;
  }
  else failing = 0 ;
  tm_fifodir_notify("event", letters[st.state]) ;
}

void fx_say (char const *a, char const *b, char const *c)
{
  size_t la = strlen(a), lb = b ? strlen(b) : 0 ;
  char s[la + lb + 1] ;
  if (!conf.events) return ;
  memcpy(s, a, la) ;
  if (lb) memcpy(s + la, b, lb) ;
  s[la + lb] = 0 ;
  relay_note(&sink[1], s, c ? c : "") ;
}

void fx_signal (pid_t group, int sig)
{
  if (group > 1) kill(-group, sig) ;
}

pid_t fx_spawn_service (void)
{
  static char const *const argv[2] = { "run", 0 } ;
  int p[2] = { -1, -1 } ;
  char slave[64] ;
  spawn_opts_t o = { .as_user = 1, .notif_w = -1, .notif_fd = conf.notif_fd } ;
  pid_t pid ;
  if (conf.notif_fd >= 0 && pipe2(p, O_CLOEXEC) < 0) p[0] = p[1] = -1 ;
  o.notif_w = p[1] ;
  ready_have = 0 ;
  ready_need = (p[0] >= 0 ? READY_FD : 0) | (conf.notify ? READY_NOTIFY : 0) | (conf.ready_line ? READY_LINE : 0)
    | (conf.has_health && st.type != TM_ONESHOT ? READY_HEALTH : 0) ;
  relay_watch = conf.ready_line ? &line_seen : 0 ;
  notify_reset() ;
  st.status_text[0] = 0 ;
  if (conf.pty)
  {
    relay_pty_close() ;  /* a previous run's, drained */
    if (relay_pty_open(slave, sizeof(slave)) < 0) strerr_warnwu1sys("open a pseudo-terminal: running without") ;
    else o.pty = slave ;
  }
  pid = spawn_in_dir("run", argv, &o) ;
  if (p[1] >= 0) close(p[1]) ;
  if (!pid)
  {
    /* as if it had died at once: 126 cannot execute, 127 not found */
    st.exit_code = errno == ENOENT ? 127 : 126 ;
    st.exit_signal = 0 ;
    machine_why(spawn_failure(st.name, "run")) ;
    if (p[0] >= 0) close(p[0]) ;
    return 0 ;
  }
  if (!tm_proc_starttime(pid, &st.pid_start)) st.pid_start = 0 ;
  if (p[0] >= 0) ndelay_on(p[0]) ;
  notif_rfd = p[0] ;
  return pid ;
}

pid_t fx_spawn_script (unsigned int which, int code, int sig)
{
  static char const *const files[3] = { "pre-start", "post-start", "finish" } ;
  char fmt[INT_FMT] ;
  char const *argv[4] = { files[which], 0, 0, 0 } ;
  spawn_opts_t o = { .as_user = 0, .notif_w = -1, .notif_fd = -1 } ;
  pid_t pid ;
  if (which == SCRIPT_FINISH)
  {
    fmt[int_fmt(fmt, code)] = 0 ;
    argv[1] = fmt ;
    argv[2] = sig ? tm_signal_name(sig) : "" ;
  }
  pid = spawn_in_dir(files[which], argv, &o) ;
  if (!pid) spawn_failure(st.name, files[which]) ;
  return pid ;
}

/* ---- the end of a run ---- */

static int known_child (pid_t pid)
{
  return pid == st.pid || pid == machine.pid_pre || pid == machine.pid_post || pid == machine.pid_finish || pid == health_pid() ;
}

/* sig to the orphans we adopted as a subreaper (0: none, only count them) */
static unsigned int adopted_signal (int sig)
{
  char path[40] = "/proc/self/task/" ;
  char buf[1024] ;  /* a full one says there are more: enough to know, and to signal these */
  unsigned int n = 0 ;
  ssize_t r ;
  size_t i = 16 ;
  i += pid_fmt(path + i, getpid()) ;
  memcpy(path + i, "/children", 10) ;
  r = openreadnclose(path, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  for (char *p = buf ; *p ; )
  {
    pid_t pid ;
    size_t len = pid_scan(p, &pid) ;
    if (!len) { p++ ; continue ; }
    p += len ;
    if (known_child(pid)) continue ;
    n++ ;
    if (!sig) continue ;
    kill(pid, sig) ;
    if (getpgid(pid) == pid) fx_signal(pid, sig) ;
    if (sig != SIGKILL && sig != SIGCONT) { kill(pid, SIGCONT) ; fx_signal(pid, SIGCONT) ; }
  }
  return n ;
}

/* What the run left behind: the rest of its process group, and the orphans
   we adopted (a daemon that double-forked out of the group). */
static pid_t leftover_pgid = 0 ;

int fx_leftovers (int sig)
{
  if (leftover_pgid && kill(-leftover_pgid, 0) < 0 && errno == ESRCH) leftover_pgid = 0 ;
  if (sig)
  {
    fx_signal(leftover_pgid, sig) ;
    if (sig != SIGKILL && sig != SIGCONT) fx_signal(leftover_pgid, SIGCONT) ;
  }
  return adopted_signal(sig) || leftover_pgid ;
}

void fx_run_over (int code, int sig)
{
  (void)code ; (void)sig ;
  if (notif_rfd >= 0) { close(notif_rfd) ; notif_rfd = -1 ; }
  leftover_pgid = st.pid ;
  relay_run_over() ;
  relay_pty_close() ;
}

void fx_health (int on)
{
  if (on) health_on() ;
  else health_off() ;
}

/* a required service ended for good: the system shuts down */
void fx_required (void)
{
  char const *fifo = svscan_file("control") ;
  char msg[2] = { 'T', 0 } ;
  char fmt[INT_FMT] ;
  int code ;
  if (!st.required || machine.exiting) return ;
  if (st.type == TM_ONESHOT && st.state != TM_FAILED) return ;
  code = st.exit_signal ? 128 + st.exit_signal : st.exit_code > 0 ? st.exit_code : st.state == TM_FAILED ? 1 : 0 ;
  msg[1] = (char)code ;
  fmt[int_fmt(fmt, code)] = 0 ;
  if (conf.events) fx_say("required service ended for good: shutting the system down, exit code ", fmt, 0) ;
  else strerr_warnw5x("required service ", st.name, " ended for good: shutting the system down (exit code ", fmt, ")") ;
  if (!fifo || tm_control_write(fifo, msg, 2) <= 0) strerr_warnwu2sys("tell tm-svscan to shut down via ", fifo ? fifo : ".tm-svscan/control") ;
}

/* ---- the world's events ---- */

int notif_waiting (void)
{
  return notif_rfd >= 0 ;
}

static void read_notification (void)
{
  char buf[64] ;
  ssize_t r = read(notif_rfd, buf, sizeof(buf)) ;
  if (r < 0 && errno == EAGAIN) return ;
  if (r > 0 && !memchr(buf, '\n', r)) return ;
  close(notif_rfd) ;
  notif_rfd = -1 ;
  if (r > 0) ready_by(READY_FD) ;
}

/* "pre_script failed, exit 2" into why (64); 1 if it failed */
static int script_failed (int wstat, char const *what, char *why)
{
  char fmt[INT_FMT] ;
  size_t n = strlen(what) ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) return 0 ;
  memcpy(why, what, n) ;
  if (WIFSIGNALED(wstat))
  {
    char const *s = tm_signal_name(WTERMSIG(wstat)) ;
    memcpy(why + n, " killed by ", 11) ; n += 11 ;
    memcpy(why + n, s, strlen(s) + 1) ;
  }
  else
  {
    fmt[int_fmt(fmt, WEXITSTATUS(wstat))] = 0 ;
    memcpy(why + n, " failed, exit ", 14) ; n += 14 ;
    memcpy(why + n, fmt, strlen(fmt) + 1) ;
  }
  return 1 ;
}

static void on_exit_of_service (int wstat)
{
  pid_t main = notify_mainpid() ;
  if (main && main != st.pid && kill(main, 0) == 0)
  {
    /* MAINPID named another process of the run: it is the service now */
    char fmt[PID_FMT] ;
    st.pid = main ;
    if (!tm_proc_starttime(main, &st.pid_start)) st.pid_start = 0 ;
    notify_reset() ;
    fmt[pid_fmt(fmt, main)] = 0 ;
    fx_say("its main process is now pid ", fmt, 0) ;
    fx_commit() ;
    return ;
  }
  st.exit_code = WIFSIGNALED(wstat) ? -1 : WEXITSTATUS(wstat) ;
  st.exit_signal = WIFSIGNALED(wstat) ? WTERMSIG(wstat) : 0 ;
  machine_event(E_EXIT) ;
}

static void on_exit_of_pre (int wstat)
{
  char why[64] ;
  machine.pid_pre = 0 ;
  if (!script_failed(wstat, "pre_script", why)) { machine_event(E_PRE_OK) ; return ; }
  tm_status_setreason(&st, why, 0) ;  /* what the machine says it failed of */
  machine_event(E_PRE_FAILED) ;
}

static void on_exit_of_post (int wstat)
{
  char why[64] ;
  machine.pid_post = 0 ;
  timer_off(TIMER_POST_KILL) ;
  if (script_failed(wstat, "post_script", why))
  {
    if (conf.events) fx_say(why, 0, 0) ;
    else strerr_warnw3x(st.name, ": ", why) ;
  }
}

static void reap (void)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (pid == st.pid) on_exit_of_service(wstat) ;
    else if (pid == machine.pid_pre) on_exit_of_pre(wstat) ;
    else if (pid == machine.pid_post) on_exit_of_post(wstat) ;
    else if (pid == machine.pid_finish) { machine.pid_finish = 0 ; machine_event(E_FINISHED) ; }
    else health_reaped(pid, wstat) ;
  }
  if (machine.phase == P_LEFTOVERS && !fx_leftovers(0)) machine_event(E_GONE) ;
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
  if (w && uint_scan(w + 7, &width)) render_width(width) ;
}

static void command (char c)
{
  int sig ;
  switch (c)
  {
    case 'u' : want_persist("up") ; machine_event(E_UP) ; break ;
    case 'o' : want_persist(0) ; machine_event(E_ONCE) ; break ;
    case 'd' : want_persist("down") ; machine_event(E_DOWN) ; break ;
    case 'r' : want_persist("up") ; machine_event(E_RESTART) ; break ;
    case 'x' : machine.exiting = 1 ; break ;
    case 'X' : machine.exiting = 1 ; machine_event(E_DOWN) ; break ;  /* a reload: stop and exit, the wanted state kept */
    case 'S' : machine_event(E_SHUTDOWN) ; break ;
    case 'w' : prefix_reread() ; break ;
    default :
      sig = tm_letter_signal(c) ;
      if (sig && st.pid) fx_signal(st.pid, sig) ;
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
      case SIGTERM : machine_event(E_SHUTDOWN) ; break ;
      case SIGHUP : machine.exiting = 1 ; break ;
      default : break ;
    }
  }
}

/* ---- timers: one array, one dispatch ---- */

static void resubscribe (void)
{
  if (machine.phase == P_WAIT_DEPS || machine.phase == P_WAIT_AFTER)
  {
    fx_deps_watch(1) ;
    machine_event(E_DEPS) ;
  }
  if (machine.phase == P_HOLD)
  {
    fx_dependents_watch(1) ;
    machine_event(E_DEPENDENTS) ;
  }
  if (machine.phase == P_WAIT_DEPS || machine.phase == P_WAIT_AFTER || machine.phase == P_HOLD) timer_in(TIMER_RESUBSCRIBE, RESUBSCRIBE_MS) ;
}

static void timer_fired (unsigned int kind)
{
  switch (kind)
  {
    case TIMER_START : machine_event(T_START) ; break ;
    case TIMER_DEPS : machine_event(T_DEPS) ; break ;
    case TIMER_KILL : machine_event(T_KILL) ; break ;
    case TIMER_PRE : fx_signal(machine.pid_pre, SIGKILL) ; break ;
    case TIMER_FINISH : fx_signal(machine.pid_finish, SIGKILL) ; break ;
    case TIMER_POST_START : machine_post() ; break ;
    case TIMER_POST_KILL : fx_signal(machine.pid_post, SIGKILL) ; break ;
    case TIMER_HEALTH : health_run() ; break ;
    case TIMER_HEALTH_KILL : health_kill() ; break ;
    case TIMER_RESUBSCRIBE : resubscribe() ; break ;
    case TIMER_FOLLOW : timer_in(TIMER_FOLLOW, follow_poll() ? 0 : FOLLOW_MS) ; break ;
    case TIMER_DROPPED : fx_commit() ; break ;
  }
}

static void timers (void)
{
  for (unsigned int i = 0 ; i < TIMER_COUNT ; i++)
    if (!tain_future(&machine.timer[i]))
    {
      machine.timer[i] = tain_infinite ;
      timer_fired(i) ;
    }
}

/* ---- the loop ---- */

/* The start-up went deeper into the stack than the loop goes: its pages
   below are given back (the loop would fault them in again if it needed
   them). Not the page that madvise's own frame is on: its return address
   would read back as zero. Never inlined: in main's frame, "here" could be
   further above madvise's frame than the margin. */
static void __attribute__((noinline)) stack_trim (void)
{
  char here ;
  uintptr_t page = ((uintptr_t)&here - STACK_TRIM_MARGIN) & ~(uintptr_t)4095 ;
  size_t give = 4096 * 8 ;
  madvise((void *)(page - give), give, MADV_DONTNEED) ;
}

int main (int argc, char const *const *argv)
{
  char const *ofds = 0, *efds = 0 ;
  unsigned int width = 0 ;
  PROG = "tm-supervise" ;
  {
    int r = tm_usage_answer(argc, argv, PROG, HELP, sizeof(HELP) - 1) ;
    if (r >= 0) return r ;
  }
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
  if (argc != 1) dieusage() ;
  sv_start(argv[0], ofds, efds, width) ;
  if (st.want) machine_event(E_UP) ;
  stack_trim() ;

  for (;;)
  {
    iopause_fd x[9 + deps.n + dependents.n] ;
    unsigned int n = 0, ictl, inotif = 0, inotify = 0, ipty = 0, ideps, idependents, isink[2] = { 0, 0 } ;
    tain deadline ;
    int r ;

    if (machine.exiting && !machine_busy()) break ;
    timer_next(&deadline) ;
    relay_deadline(&deadline) ;
    x[n].fd = sigfd ; x[n++].events = IOPAUSE_READ ;
    x[n].fd = relay_wants_read(&relay[0]) ? relay[0].rfd : -1 ; x[n++].events = IOPAUSE_READ ;
    x[n].fd = relay_wants_read(&relay[1]) ? relay[1].rfd : -1 ; x[n++].events = IOPAUSE_READ ;
    ictl = n ; x[n].fd = ctlfd ; x[n++].events = IOPAUSE_READ ;
    if (notif_rfd >= 0) { inotif = n ; x[n].fd = notif_rfd ; x[n++].events = IOPAUSE_READ ; }
    if (notify_fd >= 0) { inotify = n ; x[n].fd = notify_fd ; x[n++].events = IOPAUSE_READ ; }
    if (relay_wants_read(&relay[3])) { ipty = n ; x[n].fd = relay[3].rfd ; x[n++].events = IOPAUSE_READ ; }
    for (unsigned int i = 0 ; i < 2 ; i++)
      if (sink[i].blocked) { isink[i] = n ; x[n].fd = sink[i].con.fd ; x[n++].events = IOPAUSE_WRITE ; }
    ideps = n ;
    for (unsigned int i = 0 ; i < deps.n ; i++) { x[n].fd = deps.p[i].fd ; x[n++].events = IOPAUSE_READ ; }
    idependents = n ;
    for (unsigned int i = 0 ; i < dependents.n ; i++) { x[n].fd = dependents.p[i].fd ; x[n++].events = IOPAUSE_READ ; }

    r = iopause_g(x, n, &deadline) ;
    if (r < 0)
    {
      tm_iopause_backoff() ;
      continue ;
    }
    timers() ;
    for (unsigned int i = 0 ; i < 2 ; i++)
      if (isink[i] && x[isink[i]].revents) sink_flush(&sink[i]) ;
    relay_resume() ;
    if (x[0].revents & IOPAUSE_READ && !handle_signals()) continue ;
    if (x[1].revents & IOPAUSE_READ) relay_read(&relay[0]) ;
    if (x[2].revents & IOPAUSE_READ) relay_read(&relay[1]) ;
    if (inotif && notif_rfd == x[inotif].fd && x[inotif].revents & IOPAUSE_READ) read_notification() ;
    if (inotify && x[inotify].revents & IOPAUSE_READ) notify_read() ;
    if (ipty && relay[3].rfd == x[ipty].fd && x[ipty].revents & IOPAUSE_READ && relay_pty_read() < 0) relay_pty_close() ;
    {
      int depev = 0, dependentev = 0 ;
      for (unsigned int i = 0 ; i < deps.n ; i++)
        if (x[ideps + i].fd >= 0 && x[ideps + i].revents && peers_drain(&deps, i)) depev = 1 ;
      /* a shutdown above may have read the list again */
      for (unsigned int i = 0 ; idependents + i < n && i < dependents.n ; i++)
        if (x[idependents + i].fd >= 0 && x[idependents + i].fd == dependents.p[i].fd
         && x[idependents + i].revents && peers_drain(&dependents, i)) dependentev = 1 ;
      if (depev) machine_event(E_DEPS) ;
      if (dependentev) machine_event(E_DEPENDENTS) ;
    }
    if (x[ictl].revents & IOPAUSE_READ) read_control() ;
    if (st.dropped != sink_dropped_total() && !tain_less(&machine.timer[TIMER_DROPPED], &tain_infinite))
      timer_in(TIMER_DROPPED, 1000) ;
  }
  relay_drain() ;
  relay_pty_close() ;
  fx_commit() ;
  return 0 ;
}
