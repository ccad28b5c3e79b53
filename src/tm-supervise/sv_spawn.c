/* ISC license. */

/* Starting the service and its scripts. The cheap set-up a run script would
   otherwise pay an exec for each (working directory, environment, user) is
   done here, from files read once at start-up. */

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include "sv.h"

extern char **environ ;

spawn_conf_t spawn_conf ;

static char *xstrdup (char const *s)
{
  char *p = strdup(s) ;
  if (!p) strerr_diefu1sys(111, "allocate") ;
  return p ;
}

/* env/: one file per variable, its whole content the value */
static char const *const *env_init (void)
{
  DIR *d = opendir("env") ;
  size_t n = 0, extra = 0 ;
  char **envp ;
  struct dirent *e ;
  for (char **p = environ ; *p ; p++) n++ ;
  if (d) while ((e = readdir(d))) if (e->d_name[0] != '.') extra++ ;
  envp = calloc(n + extra + 1, sizeof(char *)) ;
  if (!envp) strerr_diefu1sys(111, "allocate") ;
  memcpy(envp, environ, n * sizeof(char *)) ;
  if (!d) return (char const *const *)envp ;
  rewinddir(d) ;
  while ((e = readdir(d)))
  {
    char path[TM_NAME_MAX + 8] ;
    struct stat sb ;
    size_t klen = strlen(e->d_name), i ;
    char *kv ;
    ssize_t r ;
    if (e->d_name[0] == '.' || klen > TM_NAME_MAX) continue ;
    memcpy(path, "env/", 4) ;
    memcpy(path + 4, e->d_name, klen + 1) ;
    if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) continue ;
    kv = malloc(klen + sb.st_size + 2) ;
    if (!kv) strerr_diefu1sys(111, "allocate") ;
    memcpy(kv, e->d_name, klen) ;
    kv[klen] = '=' ;
    r = openreadnclose(path, kv + klen + 1, sb.st_size) ;
    if (r < 0) strerr_diefu2sys(111, "read ", path) ;
    kv[klen + 1 + r] = 0 ;
    for (i = 0 ; i < n ; i++)
      if (!strncmp(envp[i], kv, klen + 1)) break ;
    envp[i] = kv ;
    if (i == n) n++ ;
  }
  closedir(d) ;
  return (char const *const *)envp ;
}

static void user_init (void)
{
  unsigned int u ;
  char buf[4096] ;
  if (tm_svfile_uint("uid", &u) <= 0) return ;
  spawn_conf.user = 1 ;
  spawn_conf.uid = u ;
  spawn_conf.gid = tm_svfile_uint("gid", &u) > 0 ? u : spawn_conf.uid ;
  if (tm_svfile_read("groups", buf, sizeof(buf)) > 0)
  {
    size_t n = 1 ;
    for (char *p = buf ; *p ; p++) if (*p == ',') n++ ;
    spawn_conf.groups = calloc(n, sizeof(gid_t)) ;
    if (!spawn_conf.groups) strerr_diefu1sys(111, "allocate") ;
    if (!gid_scanlist(spawn_conf.groups, n, buf, &n)) strerr_dief1x(100, "invalid groups file") ;
    spawn_conf.ngroups = n ;
  }
}

int spawn_conf_init (char const *dir)
{
  char buf[4096] ;
  spawn_conf.dir = xstrdup(dir) ;
  spawn_conf.cwd = tm_svfile_read("working-dir", buf, sizeof(buf)) > 0 ? xstrdup(buf) : spawn_conf.dir ;
  spawn_conf.envp = env_init() ;
  user_init() ;
  return 1 ;
}

/* closes every fd from 3 up but a and b */
static void close_all_but (int a, int b)
{
  int lo = a < b ? a : b, hi = a < b ? b : a ;
  if (lo > 3) close_range(3, lo - 1, 0) ;
  if (hi > lo + 1) close_range(lo + 1, hi - 1, 0) ;
  close_range(hi + 1, ~0U, 0) ;
}

/* In the child: fds 0, 1, 2, the notification fd, the working directory,
   the user. Only async-signal-safe calls. *errfd may move out of the way. */
static int child_setup (spawn_opts_t const *o, int *errfd)
{
  int fd0 = open("/dev/null", o->quiet ? O_RDWR : O_RDONLY) ;
  int fd1 = o->quiet ? fd0 : relay[0].wfd, fd2 = o->quiet ? fd0 : relay[1].wfd ;
  if (fd0 < 0 || setsid() < 0) return 0 ;
  if (o->pty && (fd1 = fd2 = open(o->pty, O_RDWR)) < 0) return 0 ;  /* our controlling terminal */
  if (dup2(fd0, 0) < 0 || dup2(fd1, 1) < 0 || dup2(fd2, 2) < 0) return 0 ;
  if (o->notif_w >= 0)
  {
    if (*errfd == o->notif_fd && (*errfd = fcntl(*errfd, F_DUPFD_CLOEXEC, o->notif_fd + 1)) < 0) return 0 ;
    /* dup2 onto itself would leave it close-on-exec */
    if (o->notif_w == o->notif_fd ? fcntl(o->notif_fd, F_SETFD, 0) < 0 : dup2(o->notif_w, o->notif_fd) < 0) return 0 ;
  }
  if (chdir(spawn_conf.cwd) < 0) return 0 ;
  if (o->as_user && spawn_conf.user
   && (setgroups(spawn_conf.ngroups, spawn_conf.groups) < 0 || setgid(spawn_conf.gid) < 0 || setuid(spawn_conf.uid) < 0))
    return 0 ;
  /* the service gets 0, 1, 2 (and its notification fd), nothing else */
  close_all_but(o->notif_w >= 0 ? o->notif_fd : *errfd, *errfd) ;
  return 1 ;
}

/* A real fork rather than posix_spawn: glibc's file actions allocate, and
   the user switch needs a fork anyway. An exec failure comes back through
   a close-on-exec pipe. */
static pid_t spawn_child (char const *path, char const *const *argv, spawn_opts_t const *o)
{
  int p[2] ;
  int e = 0 ;
  pid_t pid ;
  if (pipe2(p, O_CLOEXEC) < 0) return 0 ;
  pid = fork() ;
  if (pid < 0) { e = errno ; close(p[0]) ; close(p[1]) ; errno = e ; return 0 ; }
  if (!pid)
  {
    int errfd = p[1] ;
    if (child_setup(o, &errfd))
    {
      tm_sigmask_restore() ;
      execve(path, (char *const *)argv, (char *const *)spawn_conf.envp) ;
    }
    e = errno ;
    if (errfd >= 0 && write(errfd, &e, sizeof(e)) < 0) _exit(127) ;
    _exit(127) ;
  }
  close(p[1]) ;
  {
    ssize_t r ;
    do r = read(p[0], &e, sizeof(e)) ; while (r < 0 && errno == EINTR) ;
    close(p[0]) ;
    if (r == sizeof(e)) { errno = e ; return 0 ; }  /* the child exits 127: reaped as a stranger */
  }
  return pid ;
}

pid_t spawn_in_dir (char const *file, char const *const *argv, spawn_opts_t const *o)
{
  size_t dlen = strlen(spawn_conf.dir), flen = strlen(file) ;
  char path[dlen + flen + 2] ;
  memcpy(path, spawn_conf.dir, dlen) ;
  path[dlen] = '/' ;
  memcpy(path + dlen + 1, file, flen + 1) ;
  return spawn_child(path, argv, o) ;
}
