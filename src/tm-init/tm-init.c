/* ISC license. */

/* tm-init: stage 1 of PID 1 in a container.
   It compiles the configuration into the service tree in a child process
   (tm-ctl compile: never in PID 1's own address space), starts the main
   command's waiter when there is one, and execs tm-svscan. */

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
#include <skalibs/djbunix.h>

#include "tm/config.h"
#include "tm.h"

#define USAGE "tm-init [ -c config ] [ -d scandir ] [ -- ] [ command args... ]"
#define dieusage() strerr_dieusage(100, USAGE)
#define HELP \
"usage: tm-init [-c CONFIG] [-d SCANDIR] [--] [COMMAND ARGS...]\n" \
"\n" \
"Container entrypoint and PID 1. Compiles CONFIG into a service tree (in a\n" \
"child process; on any error it prints them all, exits 1 and starts nothing),\n" \
"then execs tm-svscan, which starts the services in dependency order and\n" \
"supervises them. COMMAND (Docker's CMD) runs on this terminal once every\n" \
"enabled service is ready or has failed; its exit ends the system.\n" \
"\n" \
"  -c CONFIG    default: $TM_CONFIG, else /etc/tm/services.toml, else /services.toml\n" \
"  -d SCANDIR   default: $TM_SCANDIR, else /run/tm/services\n" \
"  -h, --help   this text; -V, --version: the version (a COMMAND named so: after --)\n" \
"\n" \
"SIGTERM, SIGINT, SIGHUP: graceful shutdown, in reverse dependency order.\n" \
"Exit code: COMMAND's; else that of the required service whose end stopped\n" \
"the system (128+signal when killed); else 0. 1: invalid or no config;\n" \
"111: the compile failed for a system error (tm-ctl not found, read-only /run).\n" \
"TM_NO_AUTO_INSTALL=1: do not link tm-ctl, tm-orchestrator, go-overlay and entrypoint\n" \
"into /usr/local/bin when tm-ctl is not in PATH.\n" \
"Then: tm-ctl list, tm-ctl status NAME, tm-ctl restart NAME --wait.\n"

/* Without -c: $TM_CONFIG when set, else the first default that exists.
   0 when there is none; tried then says where we looked, in three parts
   (no printf in a static tm-init to join them). */
static char const *default_config (char const **tried)
{
  char const *s = getenv("TM_CONFIG") ;
  if (s && *s)
  {
    if (access(s, F_OK) == 0) return s ;
    tried[0] = "$TM_CONFIG (" ; tried[1] = s ; tried[2] = ")" ;
    return 0 ;
  }
  for (unsigned int i = 0 ; i < TM_CONFIG_NDEFAULTS ; i++)
    if (access(tm_config_defaults[i], F_OK) == 0) return tm_config_defaults[i] ;
  tried[0] = tm_config_defaults[0] ; tried[1] = ", " ; tried[2] = tm_config_defaults[1] ;
  return 0 ;
}

static int executable (char const *path)
{
  return access(path, X_OK) == 0 ;
}

static int in_path (char const *name)
{
  char const *path = getenv("PATH") ;
  char buf[PATH_MAX] ;
  return path && tm_path_search(path, name, buf, sizeof(buf), &executable) ;
}

/* The seed installed its client on first boot: do the same when tm-ctl is
   not in PATH, unless TM_NO_AUTO_INSTALL=1. Failures are only warnings. */
static void auto_install (void)
{
  char const *no = getenv("TM_NO_AUTO_INSTALL") ;
  char target[PATH_MAX] ;
  if ((no && !strcmp(no, "1")) || in_path("tm-ctl")) return ;
  if (tm_sibling("tm-ctl", target, sizeof(target))[0] != '/') return ;
  for (unsigned int i = 0 ; i < TM_NLINKS ; i++)
  {
    char path[64] = "/usr/local/bin/" ;
    strcat(path, tm_link_names[i]) ;
    if (symlink(target, path) < 0 && errno != EEXIST) strerr_warnwu2sys("create the symlink ", path) ;
  }
}

/* A stop request that comes before tm-svscan runs must not be lost: the
   stop signals are blocked from the start (then even PID 1 queues them),
   stay pending across the exec, and tm-svscan acts on them at once. Our
   children get the original mask back. */
static sigset_t origmask ;

static void stop_signals_hold (void)
{
  sigset_t set ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGHUP) ;
  sigprocmask(SIG_BLOCK, &set, &origmask) ;
}

/* In a child: auto-install, then tm-ctl compile. Returns only when the
   tree is there: an invalid configuration exits 1, anything else (tm-ctl
   not found, a read-only file system, a crash) 111, as tm-ctl would. */
static void compile (char const *config, char const *scandir)
{
  char buf[PATH_MAX] ;
  int wstat ;
  pid_t pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (!pid)
  {
    char const *argv[5] = { "tm-ctl", "compile", config, scandir, 0 } ;
    char const *ctl = tm_sibling("tm-ctl", buf, sizeof(buf)) ;
    sigprocmask(SIG_SETMASK, &origmask, 0) ;
    auto_install() ;
    if (strchr(ctl, '/')) execv(ctl, (char *const *)argv) ;
    else execvp(ctl, (char *const *)argv) ;
    strerr_dieexec(errno == ENOENT ? 127 : 126, ctl) ;
  }
  if (wait_pid(pid, &wstat) < 0) strerr_diefu1sys(111, "wait for tm-ctl compile") ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) return ;
  if (WIFEXITED(wstat) && WEXITSTATUS(wstat) == 1)
    strerr_dief3x(1, "invalid configuration in ", config, ": nothing started") ;
  {
    char fmt[INT_FMT] ;
    int signaled = WIFSIGNALED(wstat) ;
    fmt[int_fmt(fmt, signaled ? WTERMSIG(wstat) : WEXITSTATUS(wstat))] = 0 ;
    strerr_dief(111, "unable to compile ", config, " into ", scandir, ": tm-ctl compile ",
      signaled ? "was killed by signal " : "exited ", fmt, WIFEXITED(wstat) && WEXITSTATUS(wstat) >= 126 && WEXITSTATUS(wstat) <= 127 ? " (could not run tm-ctl)" : "", ": nothing started") ;
  }
}

/* ---- the main command ---- */

/* An enabled service is settled when it is ready, or will never be. */
static int settled (char const *scandir, char const *name)
{
  size_t a = strlen(scandir), b = strlen(name) ;
  char path[a + b + 20] ;
  tm_status_t st ;
  memcpy(path, scandir, a) ;
  path[a] = '/' ;
  memcpy(path + a + 1, name, b) ;
  strcpy(path + a + 1 + b, "/down") ;
  if (access(path, F_OK) == 0) return 1 ;
  strcpy(path + a + 1 + b, "/supervise/status") ;
  if (tm_status_read(path, &st) <= 0) return 0 ;
  return (st.state == TM_RUNNING && st.ready) || st.state == TM_FAILED || st.state == TM_STOPPED ;
}

typedef struct settle_s { char const *scandir ; int pending ; } settle_t ;

static void settle_one (char const *name, unsigned char type, void *arg)
{
  settle_t *s = arg ;
  (void)type ;
  if (!s->pending && name[0] != '.' && !settled(s->scandir, name)) s->pending = 1 ;
}

/* Polls the status files until every enabled service is settled. This is a
   short-lived child at boot, not PID 1; getdents, not opendir, keeps malloc
   out of tm-init. */
static void wait_settled (char const *scandir)
{
  for (;;)
  {
    char buf[4096] ;
    settle_t s = { .scandir = scandir, .pending = 0 } ;
    int fd = open(scandir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
    if (fd < 0) strerr_diefu2sys(111, "open ", scandir) ;
    if (!tm_dir_each(fd, buf, sizeof(buf), &settle_one, &s)) strerr_diefu2sys(111, "read ", scandir) ;
    close(fd) ;
    if (!s.pending) return ;
    poll(0, 0, 50) ;
  }
}

/* Tell tm-svscan that the main command now runs: its exit code becomes the
   system's. The control FIFO may not exist for a moment at boot. */
static void announce_command (char const *scandir)
{
  size_t n = strlen(scandir) ;
  char fifo[n + 20] ;
  memcpy(fifo, scandir, n) ;
  strcpy(fifo + n, "/.tm-svscan/control") ;
  for (unsigned int i = 0 ; i < 200 ; i++)
  {
    if (tm_control_write(fifo, "C", 1) > 0) return ;
    poll(0, 0, 25) ;
  }
  strerr_warnwu2sys("tell tm-svscan about the main command via ", fifo) ;
}

/* The main command runs in its own process group, in the foreground of the
   terminal if there is one, so that Ctrl-C reaches it and not PID 1. */
static pid_t start_command (char const *scandir, char const *const *argv)
{
  pid_t pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (pid)
  {
    setpgid(pid, pid) ;  /* as the child does: tm-svscan may signal the group at once */
    return pid ;
  }
  sigprocmask(SIG_SETMASK, &origmask, 0) ;
  setpgid(0, 0) ;
  if (isatty(0))
  {
    sigset_t set, old ;
    sigemptyset(&set) ;
    sigaddset(&set, SIGTTOU) ;
    sigprocmask(SIG_BLOCK, &set, &old) ;
    tcsetpgrp(0, getpid()) ;
    sigprocmask(SIG_SETMASK, &old, 0) ;
  }
  wait_settled(scandir) ;
  announce_command(scandir) ;
  execvp(argv[0], (char *const *)argv) ;
  strerr_dieexec(errno == ENOENT ? 127 : 126, argv[0]) ;
}

int main (int argc, char const *const *argv)
{
  char const *config = 0 ;
  char const *scandir = 0 ;
  char buf[PATH_MAX] ;
  char pidfmt[PID_FMT] ;
  pid_t cmd = 0 ;
  PROG = "tm-init" ;
  {
    int r = tm_usage_answer(argc, argv, PROG, HELP, sizeof(HELP) - 1) ;
    if (r >= 0) return r ;
  }
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "c:d:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'c' : config = l.arg ; break ;
        case 'd' : scandir = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  stop_signals_hold() ;
  scandir = tm_scandir(scandir) ;
  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) strerr_warnwu1sys("become a child subreaper") ;
  if (!config)
  {
    char const *tried[3] ;
    config = default_config(tried) ;
    if (!config && !argc)
      strerr_dief5x(1, "no configuration: tried ", tried[0], tried[1], tried[2], " (give one with -c FILE or $TM_CONFIG, or a command to run alone)") ;
    if (!config)
    {
      /* no configuration but a command: a plain init for it (as tini);
         tm-ctl compiles the null device as an empty configuration */
      strerr_warnw5x("no configuration (tried ", tried[0], tried[1], tried[2], "): running the command alone") ;
      config = "/dev/null" ;
    }
  }
  compile(config, scandir) ;
  if (getenv("TM_DEBUG")) strerr_warni4x("debug: compiled ", config, " into ", scandir) ;
  if (argc) cmd = start_command(scandir, argv) ;
  pidfmt[pid_fmt(pidfmt, cmd)] = 0 ;
  {
    char const *svscan = tm_sibling("tm-svscan", buf, sizeof(buf)) ;
    char const *sargv[6] = { svscan, "-d", scandir, "-C", pidfmt, 0 } ;
    if (!cmd) sargv[3] = 0 ;
    if (strchr(svscan, '/')) execv(svscan, (char *const *)sargv) ;
    else execvp(svscan, (char *const *)sargv) ;
    strerr_dieexec(111, svscan) ;
  }
}
