/* ISC license. */

/* tm-supervise: supervises one service directory.
   It owns supervise/control (commands), supervise/status (the truth users
   read), supervise/lock (one supervisor per service) and event/ (a fifodir
   where waiters get one byte per state change). It relays the service's
   stdout and stderr line by line with a [name] prefix.
   Everything is sized at start-up: no allocation in the loop. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>

#include "tm.h"

#define USAGE "tm-supervise [ -o rfd,wfd ] [ -e rfd,wfd ] [ -p width ] servicedir"
#define dieusage() strerr_dieusage(100, USAGE)

extern char **environ ;

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
} conf =
{
  .timeout_kill = 15000, .stop_signal = SIGTERM, .notif_fd = -1,
  .restart = RESTART_ALWAYS, .restart_delay = 1000, .restart_max_delay = 30000,
  .max_restarts = 0
} ;

#define QUICK_MS 10000          /* a run shorter than this is a quick failure */

typedef struct relay_s relay_t ;
struct relay_s
{
  int rfd ;                     /* read end: we relay from it */
  int wfd ;                     /* write end: the service's fd 1 or 2 */
  int out ;                     /* where relayed lines go */
  size_t len ;
  char buf[TM_LINE_MAX] ;
} ;

static tm_status_t st = TM_STATUS_ZERO ;
static relay_t relay[2] ;
static char prefix[TM_NAME_MAX + 8] ;
static size_t prefixlen ;
static int ctlfd = -1 ;
static int notif_rfd = -1 ;     /* readiness pipe, while the service runs */
static int flag_exit = 0 ;      /* exit once the service is down */
static int flag_once = 0 ;      /* do not restart after this run */
static int flag_restart = 0 ;   /* restart at once after this exit */
static unsigned int quick_failures = 0 ;
static unsigned int next_delay ;
static tain started ;           /* when the current run was spawned */
static tain deadline_kill = TAIN_INFINITE ;
static tain deadline_start = TAIN_INFINITE ;
static tain deadline_leftover = TAIN_INFINITE ;
static pid_t leftover_pgid = 0 ;  /* group of a stopped run that still had members */
static int sigfd = -1 ;

static void notify_waiters (void)
{
  static char const letters[TM_NSTATES] = { 'p', 's', 'u', 'T', 'd', 'F' } ;
  tm_fifodir_notify("event", letters[st.state]) ;
}

static void status_commit (void)
{
  if (!tm_status_write("supervise/status", &st))
    strerr_warnwu2sys("write ", "supervise/status") ;
  notify_waiters() ;
}

static void set_state (unsigned char state, char const *reason, char const *more)
{
  st.state = state ;
  st.since = tm_wallclock_ms() ;
  tm_status_setreason(&st, reason ? reason : "", more) ;
  status_commit() ;
}

/* ---- log relay ---- */

static void out_writev (int fd, struct iovec *v, unsigned int n)
{
  while (n)
  {
    ssize_t w = fd_writev(fd, v, n) ;
    if (w < 0) return ;         /* a dead stdout must not stop the supervisor */
    while (n && (size_t)w >= v->iov_len) { w -= v->iov_len ; v++ ; n-- ; }
    if (n) { v->iov_base = (char *)v->iov_base + w ; v->iov_len -= w ; }
  }
}

static void relay_line (relay_t *r, char const *s, size_t len, int addnl)
{
  struct iovec v[3] =
  {
    { .iov_base = prefix, .iov_len = prefixlen },
    { .iov_base = (char *)s, .iov_len = len },
    { .iov_base = "\n", .iov_len = addnl }
  } ;
  out_writev(r->out, v, 3) ;
}

/* Emits every complete line; with flush, the incomplete last one too. */
static void relay_lines (relay_t *r, int flush)
{
  size_t start = 0 ;
  for (;;)
  {
    char *nl = memchr(r->buf + start, '\n', r->len - start) ;
    if (!nl) break ;
    relay_line(r, r->buf + start, nl + 1 - (r->buf + start), 0) ;
    start = nl + 1 - r->buf ;
  }
  if (start < r->len && (flush || r->len == sizeof(r->buf)))
  {
    relay_line(r, r->buf + start, r->len - start, 1) ;
    start = r->len ;
  }
  if (start)
  {
    memmove(r->buf, r->buf + start, r->len - start) ;
    r->len -= start ;
  }
}

static int relay_read (relay_t *r)
{
  ssize_t n = read(r->rfd, r->buf + r->len, sizeof(r->buf) - r->len) ;
  if (n <= 0) return 0 ;
  r->len += n ;
  relay_lines(r, 0) ;
  return 1 ;
}

static void relay_drain (void)
{
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    while (relay_read(&relay[i])) ;
    relay_lines(&relay[i], 1) ;
  }
}

static void relay_init (relay_t *r, char const *fds, int out)
{
  r->out = out ;
  r->len = 0 ;
  if (fds)
  {
    unsigned int a, b ;
    size_t n = uint_scan(fds, &a) ;
    if (!n || fds[n] != ',' || !uint0_scan(fds + n + 1, &b)) dieusage() ;
    r->rfd = a ; r->wfd = b ;
    if (coe(a) < 0 || coe(b) < 0) strerr_diefu1sys(111, "set close-on-exec on log pipe") ;
  }
  else
  {
    int p[2] ;
    if (pipe2(p, O_CLOEXEC) < 0) strerr_diefu1sys(111, "create log pipe") ;
    r->rfd = p[0] ; r->wfd = p[1] ;
  }
  if (ndelay_on(r->rfd) < 0) strerr_diefu1sys(111, "set log pipe non-blocking") ;
}

static void prefix_init (char const *name, unsigned int width)
{
  size_t n = strlen(name) ;
  if (width > TM_NAME_MAX) width = TM_NAME_MAX ;
  prefix[0] = '[' ;
  memcpy(prefix + 1, name, n) ;
  prefixlen = 1 + n ;
  while (prefixlen < 1 + width) prefix[prefixlen++] = ' ' ;
  prefix[prefixlen++] = ']' ;
  prefix[prefixlen++] = ' ' ;
}

/* ---- configuration: small files in the service directory ---- */

static void read_uint_file (char const *file, unsigned int *u)
{
  if (tm_svfile_uint(file, u) < 0)
    strerr_warnw3x("invalid ", file, ": using the default") ;
}

static void conf_read (void)
{
  char buf[64] ;
  unsigned int u ;
  read_uint_file("timeout-kill", &conf.timeout_kill) ;
  read_uint_file("restart-delay", &conf.restart_delay) ;
  read_uint_file("restart-max-delay", &conf.restart_max_delay) ;
  read_uint_file("max-restarts", &conf.max_restarts) ;
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
  next_delay = conf.restart_delay ;
}

/* ---- the service process ---- */

static void deadline_ms (tain *d, unsigned int ms)
{
  tain t ;
  tain_from_millisecs(&t, ms > 0x7fffffff ? 0x7fffffff : ms) ;
  tain_add_g(d, &t) ;
}

static void group_signal (pid_t pgid, int sig)
{
  if (pgid > 1) kill(-pgid, sig) ;
}

static void on_exit_status (int wstat) ;

static pid_t spawn_run (int *notif_w)
{
  static char const *const argv[2] = { "./run", 0 } ;
  posix_spawnattr_t attr ;
  posix_spawn_file_actions_t fa ;
  sigset_t set ;
  pid_t pid = 0 ;
  int p[2] = { -1, -1 } ;
  int e ;
  if (conf.notif_fd >= 0 && pipe2(p, O_CLOEXEC) < 0) return 0 ;
  posix_spawnattr_init(&attr) ;
  posix_spawn_file_actions_init(&fa) ;
  /* every disposition is SIG_DFL (signals_init) but for handlers, which
     exec resets: only the mask needs clearing */
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK) ;
  sigemptyset(&set) ;
  posix_spawnattr_setsigmask(&attr, &set) ;
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ;
  posix_spawn_file_actions_adddup2(&fa, relay[0].wfd, 1) ;
  posix_spawn_file_actions_adddup2(&fa, relay[1].wfd, 2) ;
  if (p[1] >= 0) posix_spawn_file_actions_adddup2(&fa, p[1], conf.notif_fd) ;
  /* the service gets 0, 1, 2 (and its notification fd), nothing else */
  for (int fd = 3 ; fd < conf.notif_fd ; fd++) posix_spawn_file_actions_addclose(&fa, fd) ;
  posix_spawn_file_actions_addclosefrom_np(&fa, conf.notif_fd >= 3 ? conf.notif_fd + 1 : 3) ;
  e = posix_spawn(&pid, "./run", &fa, &attr, (char *const *)argv, environ) ;
  posix_spawn_file_actions_destroy(&fa) ;
  posix_spawnattr_destroy(&attr) ;
  if (p[1] >= 0) close(p[1]) ;
  if (e)
  {
    if (p[0] >= 0) close(p[0]) ;
    errno = e ;
    return 0 ;
  }
  if (p[0] >= 0) ndelay_on(p[0]) ;
  *notif_w = p[0] ;
  return pid ;
}

static void start (void)
{
  pid_t pid ;
  int nfd = -1 ;
  deadline_start = tain_infinite ;
  tain_copynow(&started) ;
  pid = spawn_run(&nfd) ;
  if (!pid)
  {
    /* as if it had died at once: 126 cannot execute, 127 not found */
    int code = errno == ENOENT ? 127 : 126 ;
    strerr_warnwu2sys("spawn ", "./run") ;
    tm_status_setreason(&st, "unable to spawn ./run: ", strerror(errno)) ;
    on_exit_status(code << 8) ;
    return ;
  }
  st.pid = pid ;
  notif_rfd = nfd ;
  flag_restart = 0 ;
  if (st.type == TM_ONESHOT) { st.ready = 0 ; set_state(TM_STARTING, "running", 0) ; }
  else if (nfd >= 0) { st.ready = 0 ; set_state(TM_STARTING, "waiting for readiness", 0) ; }
  else { st.ready = 1 ; set_state(TM_RUNNING, 0, 0) ; }
}

static void stop (void)
{
  if (!st.pid) return ;
  group_signal(st.pid, conf.stop_signal) ;
  if (conf.stop_signal != SIGCONT && conf.stop_signal != SIGKILL) group_signal(st.pid, SIGCONT) ;
  if (st.state != TM_STOPPING)
  {
    tain_copynow(&deadline_kill) ;
    deadline_ms(&deadline_kill, conf.timeout_kill) ;
    set_state(TM_STOPPING, "stop signal sent", 0) ;
  }
}

static unsigned int ms_since (tain const *t)
{
  tain d ;
  int ms ;
  tain_sub(&d, &STAMP, t) ;
  ms = tain_to_millisecs(&d) ;
  return ms < 0 ? 0x7fffffff : ms ;
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
    set_state(TM_FAILED, "too many restarts", 0) ;
    return ;
  }
  tain_copynow(&deadline_start) ;
  deadline_ms(&deadline_start, next_delay) ;
  next_delay = next_delay > conf.restart_max_delay / 2 ? conf.restart_max_delay : next_delay * 2 ;
  st.restarts++ ;
  set_state(TM_STARTING, "restart back-off", 0) ;
}

static void on_exit_status (int wstat)
{
  int success ;
  if (notif_rfd >= 0) { close(notif_rfd) ; notif_rfd = -1 ; }
  if (st.state == TM_STOPPING && kill(-st.pid, 0) == 0)
  {
    /* the leader is gone but not all of its group: they get until the
       kill deadline, then SIGKILL */
    leftover_pgid = st.pid ;
    deadline_leftover = deadline_kill ;
  }
  deadline_kill = tain_infinite ;
  st.pid = 0 ;
  st.ready = 0 ;
  st.health = TM_HEALTH_NONE ;
  st.exit_code = WIFSIGNALED(wstat) ? -1 : WEXITSTATUS(wstat) ;
  st.exit_signal = WIFSIGNALED(wstat) ? WTERMSIG(wstat) : 0 ;
  success = !st.exit_signal && !st.exit_code ;
  relay_drain() ;
  if (!st.want)
  {
    set_state(TM_STOPPED, st.state == TM_STOPPING ? "stopped" : "exited", 0) ;
    return ;
  }
  if (flag_restart) { start() ; return ; }
  if (st.type == TM_ONESHOT && success)
  {
    st.ready = 1 ;
    set_state(TM_STOPPED, "completed", 0) ;
    return ;
  }
  if (flag_once)
  {
    flag_once = 0 ;
    st.want = 0 ;
    set_state(success ? TM_STOPPED : TM_FAILED, "exited", 0) ;
    return ;
  }
  if (conf.restart == RESTART_NEVER || (conf.restart == RESTART_ON_FAILURE && success))
  {
    set_state(success ? TM_STOPPED : TM_FAILED, success ? "exited" : "failed, restart policy never", 0) ;
    return ;
  }
  schedule_restart() ;
}

static void reap (void)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (pid == st.pid) on_exit_status(wstat) ;
  }
}

/* ---- commands ---- */

static void want_up (void)
{
  st.want = 1 ;
  if (st.pid) return ;
  quick_failures = 0 ;
  next_delay = conf.restart_delay ;
  start() ;
}

static void want_down (void)
{
  st.want = 0 ;
  flag_restart = 0 ;
  flag_once = 0 ;
  deadline_start = tain_infinite ;
  if (st.pid) stop() ;
  else if (st.state != TM_STOPPED && st.state != TM_FAILED) set_state(TM_STOPPED, "stopped", 0) ;
  else status_commit() ;
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
      st.want = 1 ;
      flag_once = 0 ;
      if (st.pid) { flag_restart = 1 ; stop() ; }
      else want_up() ;
      break ;
    case 'x' : flag_exit = 1 ; break ;
    case 'S' : want_down() ; flag_exit = 1 ; break ;
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
      case SIGTERM : want_down() ; flag_exit = 1 ; break ;
      case SIGHUP : flag_exit = 1 ; break ;
      default : break ;
    }
  }
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

static void die_another (void)
{
  strerr_dief2x(100, "another tm-supervise already runs for ", st.name) ;
}

/* A previous supervisor was killed and its service may still run: never
   leave two instances. The old run is our group leader if pgid == pid. */
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

/* The order matters to readers: the status file is rewritten by us before
   we take the lock, so whoever sees the lock held also sees our status,
   never the one a dead supervisor left (tm-ctl compares the status's
   supervisor field with the lock holder). */
static void supervise_dir_init (void)
{
  int lockfd ;
  if (mkdir("supervise", 0755) < 0 && errno != EEXIST)
    strerr_diefu2sys(111, "mkdir ", "supervise") ;
  if (!tm_fifodir_make("event", -1)) strerr_diefu2sys(111, "make fifodir ", "event") ;
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
  ctlfd = open("supervise/control", O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (ctlfd < 0) strerr_diefu2sys(111, "open ", "supervise/control") ;
  /* also open it for writing, so that it never reports EOF */
  if (open("supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0)
    strerr_diefu2sys(111, "open ", "supervise/control for writing") ;
}

static void name_init (char const *dir)
{
  size_t n = strlen(dir) ;
  char const *base ;
  while (n > 1 && dir[n-1] == '/') n-- ;
  base = dir + n ;
  while (base > dir && base[-1] != '/') base-- ;
  n -= base - dir ;
  if (!n || n > TM_NAME_MAX) strerr_dief2x(100, "invalid service directory name: ", dir) ;
  memcpy(st.name, base, n) ;
  st.name[n] = 0 ;
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
  /* a disposition of SIG_IGN inherited from a shell would discard them
     before the signalfd sees them */
  for (int sig = 1 ; sig < SIGRTMIN ; sig++)
    if (sigismember(&set, sig)) sig_restore(sig) ;
  if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals") ;
  sig_altignore(SIGPIPE) ;
}

static void earliest (tain *d, tain const *t)
{
  if (tain_less(t, d)) *d = *t ;
}

int main (int argc, char const *const *argv)
{
  char const *ofds = 0, *efds = 0 ;
  unsigned int width = 0 ;
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
  name_init(argv[0]) ;
  st.supervisor = getpid() ;
  relay_init(&relay[0], ofds, 1) ;
  relay_init(&relay[1], efds, 2) ;
  prefix_init(st.name, width) ;
  if (chdir(argv[0]) < 0) strerr_diefu2sys(111, "chdir to ", argv[0]) ;
  umask(022) ;
  tain_now_set_stopwatch_g() ;
  signals_init() ;
  conf_read() ;
  supervise_dir_init() ;
  if (st.want) start() ;

  for (;;)
  {
    iopause_fd x[5] ;
    unsigned int n = 0, ictl, inotif = 5 ;
    tain deadline = tain_infinite ;
    int r ;

    if (flag_exit && !st.pid) break ;
    earliest(&deadline, &deadline_kill) ;
    earliest(&deadline, &deadline_start) ;
    earliest(&deadline, &deadline_leftover) ;
    x[n].fd = sigfd ; x[n++].events = IOPAUSE_READ ;
    x[n].fd = relay[0].rfd ; x[n++].events = IOPAUSE_READ ;
    x[n].fd = relay[1].rfd ; x[n++].events = IOPAUSE_READ ;
    ictl = n ; x[n].fd = ctlfd ; x[n++].events = IOPAUSE_READ ;
    if (notif_rfd >= 0) { inotif = n ; x[n].fd = notif_rfd ; x[n++].events = IOPAUSE_READ ; }

    r = iopause_g(x, n, &deadline) ;
    if (r < 0)
    {
      strerr_warnwu1sys("iopause") ;
      deadline_ms(&deadline, 100) ;
      continue ;
    }
    if (!tain_future(&deadline_kill))
    {
      deadline_kill = tain_infinite ;
      if (st.pid) group_signal(st.pid, SIGKILL) ;
    }
    if (!tain_future(&deadline_leftover))
    {
      deadline_leftover = tain_infinite ;
      group_signal(leftover_pgid, SIGKILL) ;
      leftover_pgid = 0 ;
    }
    if (!tain_future(&deadline_start))
    {
      deadline_start = tain_infinite ;
      if (st.want && !st.pid) start() ;
    }
    if (x[0].revents & IOPAUSE_READ && !handle_signals()) continue ;
    if (x[1].revents & IOPAUSE_READ) relay_read(&relay[0]) ;
    if (x[2].revents & IOPAUSE_READ) relay_read(&relay[1]) ;
    if (inotif < n && x[inotif].revents & IOPAUSE_READ) read_notification() ;
    if (x[ictl].revents & IOPAUSE_READ) read_control() ;
  }
  relay_drain() ;
  status_commit() ;
  return 0 ;
}
