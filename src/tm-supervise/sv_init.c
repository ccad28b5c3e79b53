/* ISC license. */

/* tm-supervise's start-up: where it runs (paths, signals, its scanner),
   the lock before anything else, the stale instance a dead supervisor
   left, and everything read from the service directory, once. */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>

#include "sv.h"

int ctlfd = -1, sigfd = -1 ;
tain sup_start ;

/* the state the status file starts with */
static void state_at_start (unsigned char state, char const *reason, char const *more)
{
  st.state = state ;
  st.since = tm_wallclock_ms() ;
  tm_status_setreason(&st, reason, more) ;
  fx_commit() ;
}


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
   leave two instances. Its run is named by pid and start time, so that a
   pid used again since is never mistaken for it; it is its own group
   leader. Only the holder of the lock gets here. */
static void terminate_stale (void)
{
  tm_status_t old ;
  uint64_t start ;
  pid_t pid ;
  if (tm_status_read("supervise/status", &old) <= 0) return ;
  st.exit_code = old.exit_code ;
  st.exit_signal = old.exit_signal ;
  pid = old.pid ;
  if (pid <= 1 || !tm_proc_starttime(pid, &start) || getpgid(pid) != pid) return ;
  if (start != old.pid_start) return ;
  {
    char fmt[PID_FMT] ;
    fmt[pid_fmt(fmt, pid)] = 0 ;
    strerr_warnw3x("terminating the instance left by a previous supervisor, pid ", fmt, "") ;
  }
  fx_signal(pid, conf.stop_signal) ;
  fx_signal(pid, SIGCONT) ;
  pidfd_wait(pid, conf.timeout_kill) ;
  fx_signal(pid, SIGKILL) ;  /* whatever is left of its group */
}

/* One supervisor per service: the lock comes first, before anything is
   read, killed or written. */
static void lock_take (void)
{
  int fd ;
  if (mkdir("supervise", 0755) < 0 && errno != EEXIST)
    strerr_diefu2sys(111, "mkdir ", "supervise") ;
  fd = tm_lock_open("supervise/lock") ;  /* 0600: nobody else may hold it */
  if (fd < 0) strerr_diefu2sys(111, "open ", "supervise/lock") ;
  switch (fd_lock(fd, 1, 1))
  {
    case -1 : strerr_diefu2sys(111, "lock ", "supervise/lock") ;
    case 0 : strerr_dief2x(100, "another tm-supervise already runs for ", st.name) ;
    default : break ;
  }
}

/* A service directory we cannot run (a bad groups file...) does not heal
   by itself: say so in the status, and exit 100, which tm-svscan takes as
   a reason to wait longer before it tries again. */
static void broken (char const *why)
{
  st.want = 0 ;
  state_at_start(TM_FAILED, "invalid service directory: ", why) ;
  strerr_dief2x(100, "invalid service directory: ", why) ;
}

/* [control] group: its members may write our control FIFO and wait on
   our events, as root does */
static gid_t control_gid (void)
{
  char const *file = svscan_file("control-gid") ;
  unsigned int gid ;
  return file && tm_svfile_uint(file, &gid) > 0 ? (gid_t)gid : (gid_t)-1 ;
}

/* The wanted state an operator gave (tm-ctl start/stop) outlives its
   supervisor and reloads; else the service's own down file decides. */
static int want_read (void)
{
  char buf[8] ;
  if (tm_svfile_read("supervise/want", buf, sizeof(buf)) > 0) return !strcmp(buf, "up") ;
  return !tm_svfile_exists("down") ;
}

void want_persist (char const *what)
{
  if (!what) unlink("supervise/want") ;
  else if (!openwritenclose_suffix("supervise/want", what, strlen(what), ".new"))
    strerr_warnwu2sys("write ", "supervise/want") ;
}

/* [logging] buffer: .tm-svscan/log-buffer bytes (default 64 KiB, 0: none) */
static uint64_t logbuf_size (void)
{
  char const *file = svscan_file("log-buffer") ;
  char buf[32] ;
  uint64_t n = 65536 ;
  if (file && tm_svfile_read(file, buf, sizeof(buf)) > 0 && !uint640_scan(buf, &n))
    strerr_warnw1x("invalid .tm-svscan/log-buffer: using 64 KiB") ;
  return n > LOGBUF_MAX ? LOGBUF_MAX : n ;
}

static void supervise_dir_init (void)
{
  gid_t gid = control_gid() ;
  if (!tm_fifodir_make("event", gid)) strerr_diefu2sys(111, "make fifodir ", "event") ;
  logbuf_init(logbuf_size(), gid) ;
  st.want = want_read() ;
  if (st.want) state_at_start(TM_STARTING, "starting", 0) ;
  else state_at_start(TM_STOPPED, tm_svfile_exists("down") ? "disabled" : "stopped", 0) ;
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
#define READ_HEALTH_NUMBER(file, field, def) read_uint_file("health/" file, &conf.field) ;
  TM_SVD_HEALTH_NUMBERS(READ_HEALTH_NUMBER)
#undef READ_HEALTH_NUMBER
  if (tm_svfile_read("health/" TM_SVD_HEALTH_ON_UNHEALTHY, buf, sizeof(buf)) > 0) conf.health_restart = !!strcmp(buf, "none") ;
  if (!conf.health_interval) conf.health_interval = 1 ;
  if (!conf.health_retries) conf.health_retries = 1 ;
}

/* an http or tcp check's target, for its probe's environment */
static void probe_conf_read (void)
{
  static char const *const files[2] = { "health/http", "health/tcp" } ;
  char buf[sizeof(TM_PROBE_TARGET) + 4096] = TM_PROBE_TARGET "=" ;
  size_t pre = sizeof(TM_PROBE_TARGET) ;
  if (!conf.has_health) return ;
  for (unsigned int i = 0 ; i < 2 ; i++)
    if (tm_svfile_read(files[i], buf + pre, sizeof(buf) - pre) > 0)
    {
      spawn_conf_probe(sv_xstrdup(buf)) ;
      return ;
    }
}

/* strdup, or die: only at start-up */
char *sv_xstrdup (char const *s)
{
  char *p = strdup(s) ;
  if (!p) strerr_diefu1sys(111, "allocate") ;
  return p ;
}

static unsigned int prefix_width = 0 ;

/* a line of width 0 is padded by nobody */

/* [logging], the whole system's: .tm-svscan/log-format and log-color */
static void logging_conf_read (void)
{
  static char const *const formats[3] = { "prefix", "plain", "json" } ;
  static char const *const colours[3] = { "auto", "always", "never" } ;
  char const *file ;
  char buf[16] ;
  int format = FORMAT_PREFIX, colour = COLOUR_AUTO ;
  file = svscan_file("log-format") ;
  if (file && tm_svfile_read(file, buf, sizeof(buf)) > 0)
    for (int i = 0 ; i < 3 ; i++) if (!strcmp(buf, formats[i])) format = i ;
  file = svscan_file("log-color") ;
  if (file && tm_svfile_read(file, buf, sizeof(buf)) > 0)
    for (int i = 0 ; i < 3 ; i++) if (!strcmp(buf, colours[i])) colour = i ;
  render_init(st.name, prefix_width, format, colour, tm_svfile_exists("log-timestamps")) ;
}

/* after spawn_conf_init: the files are opened with the service's rights */
static void logs_conf_read (void)
{
  char path[4096] ;
  logging_conf_read() ;
  if (tm_svfile_read(TM_SVD_OUTPUT_FILE, path, sizeof(path)) > 0)
  {
    char buf[32] ;
    uint64_t max = 0 ;
    unsigned int files = TM_SVD_OUTPUT_MAX_FILES_DEFAULT ;
    if (tm_svfile_read(TM_SVD_OUTPUT_MAX_SIZE, buf, sizeof(buf)) > 0 && !uint640_scan(buf, &max))
      strerr_warnw1x("invalid output-max-size: using 10 MiB") ;
    tm_svfile_uint(TM_SVD_OUTPUT_MAX_FILES, &files) ;
    outfile_init(sv_xstrdup(path), max, files) ;
  }
  if (tm_svfile_read(TM_SVD_LOG_FILE, path, sizeof(path)) > 0)
  {
    follow_init(sv_xstrdup(path)) ;
    timer_in(TIMER_FOLLOW, FOLLOW_MS) ;
  }
}


static void conf_read (void)
{
  char buf[64] ;
  unsigned int u ;
#define READ_NUMBER(file, field, def) read_uint_file(file, &conf.field) ;
  TM_SVD_NUMBERS(READ_NUMBER)
#undef READ_NUMBER
  if (conf.restart_max_delay < conf.restart_delay) conf.restart_max_delay = conf.restart_delay ;
  if (tm_svfile_uint(TM_SVD_NOTIFICATION_FD, &u) > 0)
  {
    if (u < 3 || u > 1023) strerr_warnw1x("notification-fd must be between 3 and 1023: ignored") ;
    else conf.notif_fd = u ;
  }
  if (tm_svfile_read(TM_SVD_DOWN_SIGNAL, buf, sizeof(buf)) > 0)
  {
    int sig = tm_signal_scan(buf) ;
    if (sig) conf.stop_signal = sig ;
    else strerr_warnw3x("invalid down-signal ", buf, ": using SIGTERM") ;
  }
  if (tm_svfile_read(TM_SVD_RESTART, buf, sizeof(buf)) > 0)
  {
    if (!strcmp(buf, "always") || !strcmp(buf, "unless-stopped")) conf.restart = RESTART_ALWAYS ;
    else if (!strcmp(buf, "on-failure")) conf.restart = RESTART_ON_FAILURE ;
    else if (!strcmp(buf, "never")) conf.restart = RESTART_NEVER ;
    else strerr_warnw3x("invalid restart policy ", buf, ": using always") ;
  }
  if (tm_svfile_read(TM_SVD_TYPE, buf, sizeof(buf)) > 0)
  {
    if (!strcmp(buf, "oneshot")) st.type = TM_ONESHOT ;
    else if (strcmp(buf, "longrun")) strerr_warnw3x("invalid type ", buf, ": using longrun") ;
  }
  st.required = tm_svfile_exists("required") ;
  conf.pty = tm_svfile_exists("pty") ;
  conf.has_pre = tm_svfile_exists("pre-start") ;
  conf.has_post = tm_svfile_exists("post-start") ;
  conf.has_finish = tm_svfile_exists("finish") ;
  machine.next_delay = conf.restart_delay ;
  conf.events = !tm_svfile_exists(svscan_file("log-quiet") ? svscan_file("log-quiet") : "") ;
  if (!peers_read(&deps, "dependencies.d", 1) || !peers_read(&dependents, "dependents.d", 0))
    strerr_diefu1sys(111, "read dependencies.d or dependents.d") ;
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

/* What the service leaves behind is ours to find (a subreaper adopts the
   orphans of its descendants), and when our scanner dies we stop the
   service and exit, rather than run on with nobody to respawn us. */
static void scanner_bind (void)
{
  pid_t parent = getppid() ;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) strerr_warnwu1sys("become a child subreaper") ;
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) strerr_warnwu1sys("ask for a signal at our scanner's death") ;
  else if (getppid() != parent) raise(SIGTERM) ;  /* it died already */
}


/* notify and ready-log-line; 0, or what is wrong */
static char const *readiness_conf_read (void)
{
  char buf[TM_READY_LOG_LINE_MAX + 2] ;
  int r = tm_svfile_read(TM_SVD_READY_LOG_LINE, buf, sizeof(buf)) ;
  if (r == -2) return "unable to read the ready-log-line file" ;
  if (r > 0)
  {
    char const *why ;
    if (!tm_match_compile(ready_pattern, buf, &why)) return why ;
    conf.ready_line = 1 ;
  }
  r = tm_svfile_read(TM_SVD_NOTIFY, buf, sizeof(buf)) ;
  if (r == -2) return "unable to read the notify file" ;
  if (r > 0)
  {
    if (strcmp(buf, "systemd")) return "notify: only \"systemd\" is known" ;
    conf.notify = 1 ;
  }
  return 0 ;
}

/* Everything before the loop. dir: the service directory as given. */
void sv_start (char const *arg, char const *ofds, char const *efds, unsigned int width)
{
  char *dir ;
  tm_sigmask_save() ;  /* the container's, from tm-svscan: our children get it back */
  tm_sigmask_allow(SIGTERM) ;  /* blocked by tm-svscan until we trap them */
  tm_sigmask_allow(SIGINT) ;
  tm_sigmask_allow(SIGHUP) ;
  fd_sanitize() ;
  scanner_bind() ;
  paths_init(arg, &dir) ;
  st.supervisor = getpid() ;
  relay_init(&relay[0], ofds) ;
  relay_init(&relay[1], efds) ;
  prefix_width = width ;
  if (chdir(dir) < 0) strerr_diefu2sys(111, "chdir to ", dir) ;
  umask(022) ;
  tain_now_set_stopwatch_g() ;
  machine_init() ;
  tain_copynow(&sup_start) ;
  signals_init() ;
  sinks_init() ;  /* after signals_init: a guarded console write needs its SIGALRM handler */
  lock_take() ;
  conf_read() ;
  {
    char const *why = spawn_conf_init(dir) ;
    if (!why) why = readiness_conf_read() ;
    terminate_stale() ;
    if (why) broken(why) ;
  }
  if (conf.notify)
  {
    static char env[160] ;
    notify_init(dir, env, sizeof(env)) ;
    spawn_conf_setenv(env) ;
  }
  probe_conf_read() ;
  logs_conf_read() ;
  supervise_dir_init() ;
}
