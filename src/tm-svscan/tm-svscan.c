/* ISC license. */

/* tm-svscan: one per system, usually PID 1.
   It forks one tm-supervise per service directory, creates every
   service's two log pipes and keeps their read ends (the first supervisor
   gets the write ends and keeps them; a respawned one reopens them from
   the read end), so that no line is lost when a supervisor dies,
   respawns dead supervisors, reaps every child and orphan, and runs the
   shutdown. It never parses configuration and never allocates once the
   service table is sized at start-up. */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>

#include "tm.h"

#define USAGE "tm-svscan [ -d scandir ] [ -c max ] [ -t shutdown_timeout_ms ] [ -C cmdpid ]"
#define dieusage() strerr_dieusage(100, USAGE)
#define HELP \
"usage: tm-svscan [-d SCANDIR] [-c MAX] [-t SHUTDOWN_MS] [-C CMDPID]\n" \
"\n" \
"The scanner: one tm-supervise per service directory of SCANDIR (default:\n" \
"$TM_SCANDIR, else /run/tm/services), reaps every process, respawns a dead\n" \
"supervisor within a second, and runs the shutdown. tm-init execs it; it also\n" \
"runs on a hand-written tree, as PID 1 or not (then a child subreaper).\n" \
"\n" \
"  -c MAX          at most MAX services (default: twice those in SCANDIR, at least 1000)\n" \
"  -t SHUTDOWN_MS  global shutdown timeout (default: .tm-svscan/timeout-shutdown, else 45000)\n" \
"  -C CMDPID       the main command's waiter (given by tm-init)\n" \
"  -h, --help      this text; -V, --version: the version\n" \
"\n" \
"SIGTERM, SIGINT, SIGHUP, or `tm-ctl shutdown`: graceful shutdown.\n" \
"After adding or removing a service directory: echo a > SCANDIR/.tm-svscan/control\n"

#define RESPAWN_GAP_MS 1000
#define RESPAWN_MAX_MS 60000    /* a supervisor that keeps failing: back-off doubled up to this */
#define RESPAWN_MAX_TEXT "60 s"
#define STAYED_UP_MS 5000       /* a supervisor that ran this long resets its back-off */
#define FINAL_GRACE_MS 2000     /* final stage: SIGTERM, this long, SIGKILL */
#define KILL_GRACE_MS 1000      /* after the global timeout, before SIGKILL to supervisors */
#define CMD_GRACE_MS 5000       /* shutdown: the main command gets this long before the services stop */

extern char **environ ;

typedef struct svc_s svc_t ;
struct svc_s
{
  char *name ;                  /* in the names area */
  pid_t pid ;                   /* its supervisor, 0 when none */
  int fd[4] ;                   /* stdout pipe r,w ; stderr pipe r,w ; w ends -1 once given */
  tain respawn ;                /* when a dead supervisor may be spawned again */
  tain started ;                /* when its supervisor was spawned */
  unsigned int backoff ;        /* ms before the next respawn; 0: RESPAWN_GAP_MS */
  unsigned char used ;
  unsigned char active ;        /* its directory was there at the last scan */
} ;

static svc_t *svc ;

static unsigned int nsvc = 0, maxsvc = 1000 ;
static unsigned int width = 0 ;

/* The services' names, packed one after the other in an area sized with
   the table (its pages are touched only as names fill them): a service
   costs the length of its name, not TM_NAME_MAX. When a new name finds no
   room (many reloads), the names still in use slide down over those of
   removed services. */
static char *names ;
static size_t names_used = 0, names_size ;

static void names_compact (void)
{
  size_t at = 0 ;
  for (;;)
  {
    svc_t *low = 0 ;
    size_t n ;
    /* the live name lowest in the area, above at */
    for (unsigned int i = 0 ; i < nsvc ; i++)
      if (svc[i].used && svc[i].name >= names + at && (!low || svc[i].name < low->name)) low = svc + i ;
    if (!low) break ;
    n = strlen(low->name) + 1 ;
    memmove(names + at, low->name, n) ;
    low->name = names + at ;
    at += n ;
  }
  names_used = at ;
}

static char *name_keep (char const *name)
{
  size_t n = strlen(name) + 1 ;
  char *p ;
  /* after it, there is room: at most maxsvc names live, each at most TM_NAME_MAX */
  if (names_used + n > names_size) names_compact() ;
  p = names + names_used ;
  memcpy(p, name, n) ;
  names_used += n ;
  return p ;
}
static char const *supervise_path = "tm-supervise" ;
static int sigfd = -1, ctlfd = -1 ;
static int stopping = 0 ;
static int exitcode = 0 ;
static unsigned int shutdown_ms = 45000 ;
static int shutdown_ms_set = 0 ;   /* -t given: it wins over .tm-svscan/timeout-shutdown */
static tain deadline_shutdown = TAIN_INFINITE ;
static int shutdown_timed_out = 0 ;
static tain deadline_kill = TAIN_INFINITE ;
static tain deadline_cmd = TAIN_INFINITE ;
static tain deadline_rescan = TAIN_INFINITE ;  /* a service whose pipes could not be made yet */
static int pipes_failing = 0 ;  /* said once, until pipes can be made again */
static uint64_t since ;

/* The main command (tm-init's COMMAND): a child of ours in its own process
   group. Once it runs (its waiter sent 'C'), its exit code is the system's. */
static pid_t cmdpid = 0 ;
static int cmd_started = 0 ;

static unsigned int live_supervisors (void)
{
  unsigned int n = 0 ;
  for (unsigned int i = 0 ; i < nsvc ; i++) if (svc[i].used && svc[i].pid) n++ ;
  return n ;
}

static void status_write (void)
{
  char buf[256] ;
  size_t n = 0 ;
  memcpy(buf + n, "pid=", 4) ; n += 4 ;
  n += pid_fmt(buf + n, getpid()) ;
  memcpy(buf + n, "\nstate=", 7) ; n += 7 ;
  if (stopping) { memcpy(buf + n, "stopping", 8) ; n += 8 ; }
  else { memcpy(buf + n, "running", 7) ; n += 7 ; }
  memcpy(buf + n, "\nsince=", 7) ; n += 7 ;
  n += tm_ms_fmt(buf + n, since) ;
  memcpy(buf + n, "\nsupervisors=", 13) ; n += 13 ;
  n += uint_fmt(buf + n, live_supervisors()) ;
  memcpy(buf + n, "\nwidth=", 7) ; n += 7 ;
  n += uint_fmt(buf + n, width) ;
  buf[n++] = '\n' ;
  if (!openwritenclose_suffix(".tm-svscan/status", buf, n, ".new"))
    strerr_warnwu2sys("write ", ".tm-svscan/status") ;
}

/* ---- supervisors ---- */

/* "R,W", or "R" when the supervisor must reopen the write end itself */
static void pipe_arg (char *buf, int r, int w)
{
  size_t n = uint_fmt(buf, r) ;
  if (w >= 0) { buf[n++] = ',' ; n += uint_fmt(buf + n, w) ; }
  buf[n] = 0 ;
}

/* What the container gave us, given back to the supervisors (and so to the
   services): the open-files soft limit we raise for ourselves, the signal
   mask (the stop signals aside: see origin_init), and the
   dispositions of the real-time signals, which we never change. */
static struct rlimit nofile_origin ;
static struct rlimit nofile_raised ;
static int nofile_changed = 0 ;
static sigset_t spawn_mask ;
static sigset_t spawn_default ;

/* The signals the container gave us ignored, from /proc (sigaction refuses
   to tell about the libc's own); none known without /proc. */
static uint64_t ignored_at_start (void)
{
  char buf[4096] ;
  uint64_t ign = 0 ;
  char *p ;
  ssize_t r = openreadnclose("/proc/self/status", buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  p = strstr(buf, "\nSigIgn:") ;
  if (!p) return 0 ;
  for (p += 8 ; *p == ' ' || *p == '\t' ; p++) ;
  return uint64_xscan(p, &ign) ? ign : 0 ;
}

/* sigaddset refuses the libc's own signals: sigset_t is an array of
   unsigned long with bit sig-1, in glibc and musl alike */
static void sigaddset_raw (sigset_t *set, int sig)
{
  unsigned long w[sizeof(sigset_t) / sizeof(unsigned long)] ;
  unsigned int bits = 8 * sizeof(unsigned long) ;
  memcpy(w, set, sizeof(w)) ;
  w[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits) ;
  memcpy(set, w, sizeof(w)) ;
}

static void origin_init (void)
{
  uint64_t ign = ignored_at_start() ;
  tm_sigmask_save() ;
  /* A supervisor starts with the stop signals blocked: one sent before it
     traps them waits for it rather than kill it before it wrote its status.
     It unblocks them for its service. */
  spawn_mask = *tm_sigmask_saved() ;
  sigaddset(&spawn_mask, SIGTERM) ;
  sigaddset(&spawn_mask, SIGINT) ;
  sigaddset(&spawn_mask, SIGHUP) ;
  /* Back to default: every signal below SIGRTMIN (we ignore most), but the
     libc's own (from 32) only if they came so: glibc's posix_spawn hands
     them down ignored unless told. The real-time ones stay as they came. */
  sigfillset(&spawn_default) ;
  for (int sig = SIGRTMIN ; sig <= SIGRTMAX ; sig++) sigdelset(&spawn_default, sig) ;
  for (int sig = 32 ; sig < SIGRTMIN ; sig++)
    if (!(ign >> (sig - 1) & 1)) sigaddset_raw(&spawn_default, sig) ;
}

static void spawn_supervisor (svc_t *s)
{
  posix_spawnattr_t attr ;
  char ofds[2 * UINT_FMT + 2], efds[2 * UINT_FMT + 2], w[UINT_FMT] ;
  char const *argv[10] = { "tm-supervise", "-o", ofds, "-e", efds, "-p", w, "--", s->name, 0 } ;
  int e ;
  pipe_arg(ofds, s->fd[0], s->fd[1]) ;
  pipe_arg(efds, s->fd[2], s->fd[3]) ;
  w[uint_fmt(w, width)] = 0 ;
  posix_spawnattr_init(&attr) ;
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) ;
  posix_spawnattr_setsigmask(&attr, &spawn_mask) ;
  posix_spawnattr_setsigdefault(&attr, &spawn_default) ;
  /* the child copies our limits when it is created */
  if (nofile_changed) setrlimit(RLIMIT_NOFILE, &nofile_origin) ;
  /* The supervisor inherits its pipes: close-on-exec is lifted for this
     spawn only (file actions would do it, but glibc allocates for them). */
  for (unsigned int i = 0 ; i < 4 ; i++) if (s->fd[i] >= 0) uncoe(s->fd[i]) ;
  e = strchr(supervise_path, '/')
    ? posix_spawn(&s->pid, supervise_path, 0, &attr, (char *const *)argv, environ)
    : posix_spawnp(&s->pid, supervise_path, 0, &attr, (char *const *)argv, environ) ;
  if (nofile_changed) setrlimit(RLIMIT_NOFILE, &nofile_raised) ;
  for (unsigned int i = 0 ; i < 4 ; i++) if (s->fd[i] >= 0) coe(s->fd[i]) ;
  posix_spawnattr_destroy(&attr) ;
  tain_copynow(&s->started) ;
  tain_copynow(&s->respawn) ;
  tm_deadline_in(&s->respawn, RESPAWN_GAP_MS) ;
  if (e)
  {
    errno = e ;
    s->pid = 0 ;
    strerr_warnwu4sys("spawn ", supervise_path, " for ", s->name) ;
    return ;
  }
  /* The supervisor keeps the write ends; we keep only the read ends, which
     is what keeps the pipes (and their unread lines) alive. Every fd we
     hold is copied and closed again at each spawn: fewer is faster. */
  fd_close(s->fd[1]) ; s->fd[1] = -1 ;
  fd_close(s->fd[3]) ; s->fd[3] = -1 ;
}

static void svc_close (svc_t *s)
{
  for (unsigned int i = 0 ; i < 4 ; i++) if (s->fd[i] >= 0) fd_close(s->fd[i]) ;
  s->used = 0 ;
  while (nsvc && !svc[nsvc - 1].used) nsvc-- ;
}

static svc_t *svc_find (char const *name)
{
  for (unsigned int i = 0 ; i < nsvc ; i++)
    if (svc[i].used && !strcmp(svc[i].name, name)) return svc + i ;
  return 0 ;
}

static svc_t *svc_new (char const *name)
{
  unsigned int i = 0 ;
  svc_t *s ;
  while (i < nsvc && svc[i].used) i++ ;
  if (i >= maxsvc)
  {
    strerr_warnw3x("too many services (raise -c), not supervising ", name, "") ;
    return 0 ;
  }
  s = svc + i ;
  if (pipe2(s->fd, O_CLOEXEC) < 0) goto err ;
  if (pipe2(s->fd + 2, O_CLOEXEC) < 0)
  {
    fd_close(s->fd[0]) ; fd_close(s->fd[1]) ;
    goto err ;
  }
  pipes_failing = 0 ;
  s->name = name_keep(name) ;
  s->pid = 0 ;
  s->backoff = 0 ;
  s->used = 1 ;
  tain_copynow(&s->respawn) ;
  if (i == nsvc) nsvc++ ;
  return s ;
 err:
  /* out of fds (EMFILE, ENFILE), for now: try again in a second */
  if (!pipes_failing) strerr_warnwu3sys("create log pipes for ", name, " (trying again every second)") ;
  pipes_failing = 1 ;
  if (!tain_less(&deadline_rescan, &tain_infinite))
  {
    tain_copynow(&deadline_rescan) ;
    tm_deadline_in(&deadline_rescan, RESPAWN_GAP_MS) ;
  }
  return 0 ;
}

/* ---- scanning ---- */

static int is_service (char const *name)
{
  struct stat sb ;
  if (name[0] == '.' || strlen(name) > TM_NAME_MAX) return 0 ;
  return stat(name, &sb) == 0 && S_ISDIR(sb.st_mode) ;
}

static void scan_one (char const *name, unsigned char type, void *f)
{
  (void)type ;
  if (is_service(name)) (*(void (**)(char const *))f)(name) ;
}

/* Calls f on every service directory name; returns 0 on error. */
static int scan_dir (void (*f)(char const *))
{
  char buf[4096] ;
  int r ;
  int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  r = tm_dir_each(fd, buf, sizeof(buf), &scan_one, &f) ;
  fd_close(fd) ;
  return r ;
}

static void measure (char const *name)
{
  size_t n = strlen(name) ;
  if (n > width) width = n ;
}

/* A new service gets its pipes and its supervisor at once: each spawn
   copies our fd table, so the fewer fds exist yet, the cheaper the boot. */
static void activate (char const *name)
{
  svc_t *s = svc_find(name) ;
  if (!s)
  {
    s = svc_new(name) ;
    if (!s) return ;
    s->active = 1 ;
    if (!stopping) spawn_supervisor(s) ;
    return ;
  }
  s->active = 1 ;
}

/* one command byte to every running supervisor */
static void tell_supervisors (char c)
{
  for (unsigned int i = 0 ; i < nsvc ; i++)
    if (svc[i].used && svc[i].pid)
    {
      size_t n = strlen(svc[i].name) ;
      char fifo[n + 19] ;
      memcpy(fifo, svc[i].name, n) ;
      memcpy(fifo + n, "/supervise/control", 19) ;
      tm_control_write(fifo, &c, 1) ;
    }
}

static void logging_read (void) ;

static void scan (void)
{
  unsigned int u, oldwidth = width ;
  logging_read() ;
  /* tm-ctl reload may have changed it */
  if (!shutdown_ms_set && tm_svfile_uint(".tm-svscan/timeout-shutdown", &u) > 0) shutdown_ms = u ;
  for (unsigned int i = 0 ; i < nsvc ; i++) svc[i].active = 0 ;
  width = 0 ;
  if (!scan_dir(&measure) || !scan_dir(&activate))
  {
    strerr_warnwu1sys("scan the service directory") ;
    for (unsigned int i = 0 ; i < nsvc ; i++) svc[i].active = 1 ;
    return ;
  }
  for (unsigned int i = 0 ; i < nsvc ; i++)
  {
    svc_t *s = svc + i ;
    if (!s->used) continue ;
    if (!s->active)
    {
      /* its directory is gone: stop the service and let the supervisor exit */
      if (s->pid) kill(s->pid, SIGTERM) ;
      else svc_close(s) ;
    }
    else if (!s->pid && !stopping && !tain_future(&s->respawn)) spawn_supervisor(s) ;
  }
  status_write() ;
  /* the longest name changed: the running supervisors line up again (they
     read the new width in our status file) */
  if (oldwidth && width != oldwidth) tell_supervisors('w') ;
}

/* ---- shutdown ---- */

static void stop_supervisors (void)
{
  deadline_cmd = tain_infinite ;
  for (unsigned int i = 0 ; i < nsvc ; i++)
    if (svc[i].used && svc[i].pid) kill(svc[i].pid, SIGTERM) ;
}

/* [logging] events: tm's own lines, "tm: ..." on stderr (in json, an
   object with "tm":true); read at start-up and at each rescan */
static int events = 1, json = 0 ;

static void logging_read (void)
{
  char buf[16] ;
  events = !tm_svfile_exists(".tm-svscan/log-quiet") ;
  json = tm_svfile_read(".tm-svscan/log-format", buf, sizeof(buf)) > 0 && !strcmp(buf, "json") ;
}

static void say (char const *a, char const *b)
{
  char line[256] ;
  size_t n = 0, la = strlen(a), lb = b ? strlen(b) : 0 ;
  if (!events || la + lb > 128) return ;
  if (json)
  {
    memcpy(line, "{\"time\":\"", 9) ; n = 9 ;
    n += tm_rfc3339_fmt(line + n, tm_wallclock_ms()) ;
    memcpy(line + n, "\",\"tm\":true,\"message\":\"", 23) ; n += 23 ;
  }
  else { memcpy(line, "tm: ", 4) ; n = 4 ; }
  memcpy(line + n, a, la) ; n += la ;
  if (lb) { memcpy(line + n, b, lb) ; n += lb ; }
  if (json) { line[n++] = '"' ; line[n++] = '}' ; }
  line[n++] = '\n' ;
  buffer_putflush(buffer_2, line, n) ;
}

/* The main command goes first (it uses the services), for at most
   CMD_GRACE_MS; then every supervisor stops its service, after the
   services that depend on it. why: what asked for it. */
static void shutdown_start (int code, char const *why)
{
  if (stopping) return ;
  stopping = 1 ;
  if (!cmd_started) exitcode = code ;
  say("shutting down: ", why) ;
  tain_copynow(&deadline_shutdown) ;
  tm_deadline_in(&deadline_shutdown, shutdown_ms) ;
  if (cmdpid)
  {
    kill(-cmdpid, SIGTERM) ;
    kill(-cmdpid, SIGCONT) ;
    tain_copynow(&deadline_cmd) ;
    tm_deadline_in(&deadline_cmd, CMD_GRACE_MS) ;
  }
  else stop_supervisors() ;
  status_write() ;
}

static void read_control (void) ;

static void on_cmd_exit (int wstat)
{
  /* its waiter wrote C before the exec: a command that exits at once may
     be reaped before the loop has read it */
  read_control() ;
  cmdpid = 0 ;
  if (cmd_started) exitcode = wait_estatus(wstat) ;
  if (stopping) stop_supervisors() ;
  else shutdown_start(exitcode, "the main command exited") ;
}

/* The global timeout passed: kill the services, then their supervisors. */
static void shutdown_timeout (void)
{
  strerr_warnw1x("global shutdown timeout: killing the remaining services") ;
  shutdown_timed_out = 1 ;
  tell_supervisors('k') ;
  tain_copynow(&deadline_kill) ;
  tm_deadline_in(&deadline_kill, KILL_GRACE_MS) ;
}

static void reap_all_nohang (void)
{
  int wstat ;
  while (wait_nohang(&wstat) > 0) ;
}

/* Signals our children that are not supervisors: orphans reparented to us,
   since we are a subreaper. Only used when not PID 1. */
typedef struct orphan_kill_s orphan_kill_t ;
struct orphan_kill_s
{
  pid_t self ;
  int sig ;
  unsigned int n ;
} ;

static void signal_child (char const *name, unsigned char type, void *arg)
{
  orphan_kill_t *k = arg ;
  char path[UINT_FMT + 12] ;
  char line[512] ;
  pid_t pid ;
  ssize_t len ;
  char *p ;
  (void)type ;
  if (!pid0_scan(name, &pid) || pid == k->self) return ;
  memcpy(path, "/proc/", 6) ;
  memcpy(path + 6, name, strlen(name)) ;
  memcpy(path + 6 + strlen(name), "/stat", 6) ;
  len = openreadnclose(path, line, sizeof(line) - 1) ;
  if (len <= 0) return ;
  line[len] = 0 ;
  p = strrchr(line, ')') ;  /* the command name may hold anything */
  if (!p || p[1] != ' ' || !p[2] || p[3] != ' ') return ;
  {
    pid_t ppid ;
    if (!pid_scan(p + 4, &ppid) || ppid != k->self) return ;
  }
  kill(pid, k->sig) ;
  if (k->sig != SIGKILL) kill(pid, SIGCONT) ;
  k->n++ ;
}

static unsigned int signal_children (int sig)
{
  char buf[4096] ;
  orphan_kill_t k = { .self = getpid(), .sig = sig, .n = 0 } ;
  int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  tm_dir_each(fd, buf, sizeof(buf), &signal_child, &k) ;
  fd_close(fd) ;
  return k.n ;
}

/* Waits until no child is left or ms passed, reaping. */
static void reap_for (unsigned int ms)
{
  tain deadline ;
  tain_now_g() ;
  tain_copynow(&deadline) ;
  tm_deadline_in(&deadline, ms) ;
  for (;;)
  {
    iopause_fd x = { .fd = sigfd, .events = IOPAUSE_READ } ;
    int wstat ;
    pid_t r ;
    while ((r = wait_nohang(&wstat)) > 0) ;
    if (r < 0 && errno == ECHILD) return ;
    if (iopause_g(&x, 1, &deadline) <= 0 && !tain_future(&deadline)) return ;
    while (selfpipe_read() > 0) ;
  }
}

/* The final stage's grace stays within the global timeout: what is left
   of it, at most FINAL_GRACE_MS, none once it passed. */
static unsigned int final_grace_ms (void)
{
  tain left ;
  int ms ;
  if (shutdown_timed_out) return 0 ;
  tain_now_g() ;
  if (!tain_future(&deadline_shutdown)) return 0 ;
  tain_sub(&left, &deadline_shutdown, &STAMP) ;
  ms = tain_to_millisecs(&left) ;
  return ms < 0 || ms > FINAL_GRACE_MS ? FINAL_GRACE_MS : (unsigned int)ms ;
}

static void final_stage (void)
{
  unsigned int grace = final_grace_ms() ;
  if (getpid() == 1)
  {
    if (grace)
    {
      kill(-1, SIGTERM) ;
      kill(-1, SIGCONT) ;
      reap_for(grace) ;
    }
    kill(-1, SIGKILL) ;
  }
  else
  {
    /* never kill(-1) here: that would reach outside our own tree */
    if (grace && signal_children(SIGTERM)) reap_for(grace) ;
    signal_children(SIGKILL) ;
  }
  reap_for(FINAL_GRACE_MS) ;
}

/* ---- events ---- */

/* A supervisor that exits with an error at once (100: another one holds
   its lock, e.g. one orphaned by a killed scanner; 111: a system error)
   would fail the same way every second: the wait doubles up to
   RESPAWN_MAX_MS, said once, and resets when one stays up. One killed by
   a signal is respawned within a second, always. */
static void supervisor_died (svc_t *s, int wstat)
{
  char fmt[INT_FMT] ;
  tain up ;
  int quick ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) { s->backoff = 0 ; return ; }
  fmt[int_fmt(fmt, wait_estatus(wstat))] = 0 ;
  tain_from_millisecs(&up, STAYED_UP_MS) ;
  tain_add(&up, &s->started, &up) ;
  quick = WIFEXITED(wstat) && tain_future(&up) ;
  if (!quick || !s->backoff)
  {
    s->backoff = quick ? RESPAWN_GAP_MS : 0 ;
    strerr_warnw4x("supervisor for ", s->name, " died, status ", fmt) ;
    return ;
  }
  if (s->backoff == RESPAWN_GAP_MS)
    strerr_warnw5x("supervisor for ", s->name, " keeps failing, status ", fmt,
      ": respawning it less and less often, at most every " RESPAWN_MAX_TEXT) ;
  s->backoff = s->backoff >= RESPAWN_MAX_MS / 2 ? RESPAWN_MAX_MS : s->backoff * 2 ;
  tain_copynow(&s->respawn) ;
  tm_deadline_in(&s->respawn, s->backoff) ;
}

static void reap (void)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (pid == cmdpid) { on_cmd_exit(wstat) ; continue ; }
    for (unsigned int i = 0 ; i < nsvc ; i++)
    {
      svc_t *s = svc + i ;
      if (!s->used || s->pid != pid) continue ;
      s->pid = 0 ;
      if (!s->active) svc_close(s) ;
      else if (!stopping) supervisor_died(s, wstat) ;
      break ;
    }
  }
}

static void read_control (void)
{
  static int want_code = 0 ;  /* 'T' is followed by one byte: the exit code */
  char buf[64] ;
  for (;;)
  {
    ssize_t r = read(ctlfd, buf, sizeof(buf)) ;
    if (r <= 0) break ;
    for (ssize_t i = 0 ; i < r ; i++)
    {
      if (want_code) { want_code = 0 ; shutdown_start((unsigned char)buf[i], "a required service ended") ; continue ; }
      switch (buf[i])
      {
        case 'a' : case 'h' : if (!stopping) scan() ; break ;
        case 't' : shutdown_start(0, "asked (tm-ctl shutdown)") ; break ;
        case 'T' : want_code = 1 ; break ;
        case 'C' : if (cmdpid) cmd_started = 1 ; break ;
        default : break ;
      }
    }
  }
}

static void handle_signals (void)
{
  for (;;)
  {
    int sig = selfpipe_read() ;
    switch (sig)
    {
      case -1 : strerr_warnwu1sys("selfpipe_read") ; return ;
      case 0 : return ;
      case SIGCHLD : reap() ; break ;
      case SIGTERM : case SIGINT : case SIGHUP : shutdown_start(0, tm_signal_name(sig)) ; break ;
      default : break ;
    }
  }
}

/* ---- start-up ---- */

/* tm-init blocks the stop signals until we run: one that came meanwhile is
   pending. Take it now, before selfpipe_init unblocks everything (it would
   then be discarded in PID 1, or kill us elsewhere). */
static int early_stop = 0 ;

static int stop_pending (sigset_t const *handled)
{
  sigset_t stops = *handled ;
  struct timespec now = { 0, 0 } ;
  int found = 0 ;
  sigdelset(&stops, SIGCHLD) ;
  while (sigtimedwait(&stops, 0, &now) > 0) found = 1 ;
  return found ;
}

static void signals_init (void)
{
  sigset_t set ;
  struct sigaction sa ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_handler = SIG_IGN ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGCHLD) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGHUP) ;
  /* every other signal is ignored, never fatal; supervisors get them back
     at spawn (POSIX_SPAWN_SETSIGDEF). Ours are never set to SIG_IGN, which
     would discard one that tm-init left pending. */
  for (int sig = 1 ; sig < SIGRTMIN ; sig++)
    switch (sig)
    {
      case SIGKILL : case SIGSTOP : case SIGSEGV : case SIGBUS :
      case SIGILL : case SIGFPE : case SIGABRT : case SIGSYS : case SIGTRAP : break ;
      default : if (!sigismember(&set, sig)) sigaction(sig, &sa, 0) ;
    }
  early_stop = stop_pending(&set) ;
  sigfd = selfpipe_init() ;
  if (sigfd < 0) strerr_diefu1sys(111, "init selfpipe") ;
  /* a disposition of SIG_IGN inherited from a shell would discard them
     before the signalfd sees them */
  for (int sig = 1 ; sig < SIGRTMIN ; sig++)
    if (sigismember(&set, sig)) sig_restore(sig) ;
  if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals") ;
}

static void nofile_init (void)
{
  struct rlimit r ;
  rlim_t need = (rlim_t)maxsvc * 4 + 64 ;  /* 2 per service, 4 while one is spawned */
  if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= need) return ;
  nofile_origin = r ;
  r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max > need ? need : r.rlim_max ;
  if (setrlimit(RLIMIT_NOFILE, &r) < 0) { strerr_warnwu1sys("raise the open files limit") ; return ; }
  nofile_raised = r ;
  nofile_changed = 1 ;
}

static void control_init (void)
{
  int lockfd ;
  unsigned int u ;
  if (mkdir(".tm-svscan", 0755) < 0 && errno != EEXIST) strerr_diefu2sys(111, "mkdir ", ".tm-svscan") ;
  lockfd = tm_lock_open(".tm-svscan/lock") ;
  if (lockfd < 0) strerr_diefu2sys(111, "open ", ".tm-svscan/lock") ;
  switch (fd_lock(lockfd, 1, 1))
  {
    case -1 : strerr_diefu2sys(111, "lock ", ".tm-svscan/lock") ;
    case 0 : strerr_dief1x(100, "another tm-svscan already runs on this directory") ;
    default : break ;
  }
  if (!tm_mkfifo(".tm-svscan/control", 0600)) strerr_diefu2sys(111, "mkfifo ", ".tm-svscan/control") ;
  ctlfd = open(".tm-svscan/control", O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (ctlfd < 0 || open(".tm-svscan/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0)
    strerr_diefu2sys(111, "open ", ".tm-svscan/control") ;
  if (!shutdown_ms_set && tm_svfile_uint(".tm-svscan/timeout-shutdown", &u) > 0) shutdown_ms = u ;
}

static unsigned int found = 0 ;

static void count (char const *name)
{
  (void)name ;
  found++ ;
}

/* The service table, sized once: -c, else room for twice the services
   there are now (reloads add some), at least 1000. */
static void table_init (int given)
{
  if (!given && scan_dir(&count) && found > maxsvc / 2) maxsvc = found * 2 ;
  if (maxsvc > 100000) maxsvc = 100000 ;
  /* fresh zero pages, touched only as services fill them */
  names_size = (size_t)maxsvc * (TM_NAME_MAX + 1) ;
  svc = mmap(0, maxsvc * sizeof(svc_t) + names_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ;
  if (svc == MAP_FAILED) strerr_diefu1sys(111, "allocate the service table") ;
  names = (char *)(svc + maxsvc) ;
}

int main (int argc, char const *const *argv)
{
  char const *dir = 0 ;
  char pathbuf[4096] ;
  int maxsvc_set = 0 ;
  PROG = "tm-svscan" ;
  {
    int r = tm_usage_answer(argc, argv, PROG, HELP, sizeof(HELP) - 1) ;
    if (r >= 0) return r ;
  }
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "d:c:t:C:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : dir = l.arg ; break ;
        case 'c' : if (!uint0_scan(l.arg, &maxsvc) || !maxsvc) dieusage() ; maxsvc_set = 1 ; break ;
        case 't' : if (!uint0_scan(l.arg, &shutdown_ms)) dieusage() ; shutdown_ms_set = 1 ; break ;
        case 'C' : if (!pid0_scan(l.arg, &cmdpid)) dieusage() ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc > 1) dieusage() ;
  if (argc) dir = argv[0] ;
  dir = tm_scandir(dir) ;
  fd_sanitize() ;
  /* fds our parent leaked stay ours, but no supervisor inherits them */
  syscall(SYS_close_range, 3, ~0U, 1U << 2) ;  /* CLOSE_RANGE_CLOEXEC: musl 1.2.3 has neither */
  supervise_path = tm_sibling("tm-supervise", pathbuf, sizeof(pathbuf)) ;
  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    strerr_warnwu1sys("become a child subreaper") ;
  origin_init() ;
  if (chdir(dir) < 0) strerr_diefu2sys(111, "chdir to ", dir) ;
  table_init(maxsvc_set) ;
  umask(022) ;
  nofile_init() ;
  tain_now_set_stopwatch_g() ;
  since = tm_wallclock_ms() ;
  signals_init() ;
  tm_console_stderr_nowait() ;  /* PID 1 never waits for a console that stopped reading */
  control_init() ;
  logging_read() ;
  if (early_stop) shutdown_start(0, "a signal came during the start-up") ;  /* then nothing is started */
  scan() ;

  for (;;)
  {
    iopause_fd x[2] = { { .fd = sigfd, .events = IOPAUSE_READ }, { .fd = ctlfd, .events = IOPAUSE_READ } } ;
    tain deadline = tain_infinite ;
    int r ;
    if (stopping && !live_supervisors() && !cmdpid) break ;
    if (stopping)
    {
      if (tain_less(&deadline_shutdown, &deadline)) deadline = deadline_shutdown ;
      if (tain_less(&deadline_kill, &deadline)) deadline = deadline_kill ;
      if (tain_less(&deadline_cmd, &deadline)) deadline = deadline_cmd ;
    }
    else
    {
      for (unsigned int i = 0 ; i < nsvc ; i++)
        if (svc[i].used && svc[i].active && !svc[i].pid && tain_less(&svc[i].respawn, &deadline))
          deadline = svc[i].respawn ;
      if (tain_less(&deadline_rescan, &deadline)) deadline = deadline_rescan ;
    }
    r = iopause_g(x, 2, &deadline) ;
    if (r < 0)
    {
      tm_iopause_backoff() ;
      continue ;
    }
    if (x[0].revents & IOPAUSE_READ) handle_signals() ;
    if (x[1].revents & IOPAUSE_READ) read_control() ;
    if (stopping)
    {
      if (!tain_future(&deadline_cmd))
      {
        /* it had its chance: the services stop now, it gets killed */
        if (cmdpid) kill(-cmdpid, SIGKILL) ;
        stop_supervisors() ;
      }
      if (!tain_future(&deadline_shutdown))
      {
        deadline_shutdown = tain_infinite ;
        shutdown_timeout() ;
      }
      if (!tain_future(&deadline_kill))
      {
        deadline_kill = tain_infinite ;
        for (unsigned int i = 0 ; i < nsvc ; i++)
          if (svc[i].used && svc[i].pid) kill(svc[i].pid, SIGKILL) ;
        if (cmdpid) kill(-cmdpid, SIGKILL) ;
      }
    }
    else
    {
      for (unsigned int i = 0 ; i < nsvc ; i++)
        if (svc[i].used && svc[i].active && !svc[i].pid && !tain_future(&svc[i].respawn))
        {
          spawn_supervisor(svc + i) ;
          if (svc[i].pid) status_write() ;
        }
      if (!tain_future(&deadline_rescan))
      {
        deadline_rescan = tain_infinite ;
        scan() ;
      }
    }
  }
  status_write() ;
  final_stage() ;
  reap_all_nohang() ;
  {
    char fmt[INT_FMT] ;
    fmt[int_fmt(fmt, exitcode)] = 0 ;
    say("exit code ", fmt) ;
  }
  return exitcode ;
}
