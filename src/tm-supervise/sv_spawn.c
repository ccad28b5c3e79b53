/* ISC license. */

/* Starting the service and its scripts. The cheap set-up a run script would
   otherwise pay an exec for each (working directory, environment, user) is
   done here, from files read once at start-up. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
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

#define GROUPS_FILE_MAX (NGROUPS_MAX * 11)

/* groups: the supplementary gids, read whole (a list cut short would give
   other groups than meant); 0, or what is wrong */
static char const *groups_init (void)
{
  struct stat sb ;
  size_t len, n = 1 ;
  char *buf ;
  int fd = open("groups", O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return errno == ENOENT ? 0 : "unable to read the groups file" ;
  if (fstat(fd, &sb) < 0 || sb.st_size > GROUPS_FILE_MAX) { close(fd) ; return "groups file unreadable or too large" ; }
  buf = malloc(sb.st_size + 1) ;
  if (!buf) strerr_diefu1sys(111, "allocate") ;
  len = allread(fd, buf, sb.st_size) ;
  close(fd) ;
  if (len != (size_t)sb.st_size) return "unable to read the groups file" ;
  while (len && (buf[len-1] == '\n' || buf[len-1] == ' ')) len-- ;
  buf[len] = 0 ;
  if (!len) return 0 ;
  for (size_t i = 0 ; i < len ; i++) if (buf[i] == ',') n++ ;
  if (n > NGROUPS_MAX) return "too many groups in the groups file" ;
  spawn_conf.groups = calloc(n, sizeof(gid_t)) ;
  if (!spawn_conf.groups) strerr_diefu1sys(111, "allocate") ;
  if (gid_scanlist(spawn_conf.groups, n, buf, &n) != len) return "invalid groups file" ;
  spawn_conf.ngroups = n ;
  return 0 ;
}

/* uid, gid, groups: any doubt is an error, never a service run as root
   by mistake; 0, or what is wrong */
static char const *user_init (void)
{
  unsigned int u ;
  int r = tm_svfile_uint("uid", &u) ;
  if (!r) return 0 ;
  if (r < 0) return "invalid uid file" ;
  spawn_conf.user = 1 ;
  spawn_conf.uid = u ;
  r = tm_svfile_uint("gid", &u) ;
  if (r < 0) return "invalid gid file" ;
  spawn_conf.gid = r ? u : spawn_conf.uid ;
  return groups_init() ;
}

char const *spawn_conf_init (char const *dir)
{
  char buf[4096] ;
  int r = tm_svfile_read("working-dir", buf, sizeof(buf)) ;
  spawn_conf.dir = xstrdup(dir) ;
  if (r == -2) return "unable to read the working-dir file" ;
  spawn_conf.cwd = r > 0 ? xstrdup(buf) : spawn_conf.dir ;
  spawn_conf.envp = env_init() ;
  return user_init() ;
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

/* ---- acting with the service's rights ---- */

#define AS_USER_MS 2000         /* a helper that takes longer is killed */

static int become_user (void)
{
  return setgroups(spawn_conf.ngroups, spawn_conf.groups) == 0
      && setgid(spawn_conf.gid) == 0 && setuid(spawn_conf.uid) == 0 ;
}

/* one int (errno) and, when fd >= 0, the descriptor */
static void send_fd (int sock, int fd, int e)
{
  char cbuf[CMSG_SPACE(sizeof(int))] ;
  struct iovec v = { .iov_base = &e, .iov_len = sizeof(e) } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 } ;
  if (fd >= 0)
  {
    struct cmsghdr *c ;
    memset(cbuf, 0, sizeof(cbuf)) ;
    m.msg_control = cbuf ;
    m.msg_controllen = sizeof(cbuf) ;
    c = CMSG_FIRSTHDR(&m) ;
    c->cmsg_level = SOL_SOCKET ;
    c->cmsg_type = SCM_RIGHTS ;
    c->cmsg_len = CMSG_LEN(sizeof(int)) ;
    memcpy(CMSG_DATA(c), &fd, sizeof(int)) ;
  }
  while (sendmsg(sock, &m, 0) < 0 && errno == EINTR) ;
}

static int recv_fd (int sock, int *e)
{
  char cbuf[CMSG_SPACE(sizeof(int))] ;
  struct iovec v = { .iov_base = e, .iov_len = sizeof(*e) } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) } ;
  struct pollfd p = { .fd = sock, .events = POLLIN } ;
  struct cmsghdr *c ;
  int fd = -1 ;
  ssize_t r ;
  *e = ETIMEDOUT ;
  if (poll(&p, 1, AS_USER_MS) <= 0) return -1 ;
  r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC) ;
  if (r != sizeof(*e)) { *e = EPROTO ; return -1 ; }
  c = CMSG_FIRSTHDR(&m) ;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof(int)) ;
  return fd ;
}

/* Runs op(arg) with the service's user's rights and returns the descriptor
   it opened, or -1 with errno. With a user, op runs in a child that became
   that user and sends the descriptor back: root never opens the path. *soft
   gets the errno op left beside a descriptor (a warning), else 0. */
int as_service_user (int (*op)(void *), void *arg, int *soft)
{
  int sv[2], fd, e ;
  pid_t pid ;
  if (!spawn_conf.user)
  {
    errno = 0 ;
    fd = op(arg) ;
    *soft = fd >= 0 ? errno : 0 ;
    return fd ;
  }
  *soft = 0 ;
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) return -1 ;
  pid = fork() ;
  if (pid < 0) { e = errno ; close(sv[0]) ; close(sv[1]) ; errno = e ; return -1 ; }
  if (!pid)
  {
    close(sv[0]) ;
    errno = 0 ;
    fd = become_user() ? op(arg) : -1 ;
    send_fd(sv[1], fd, errno) ;
    _exit(0) ;
  }
  close(sv[1]) ;
  fd = recv_fd(sv[0], &e) ;
  close(sv[0]) ;
  if (fd < 0 && e == ETIMEDOUT)
  {
    /* stuck (a hung file system): killed, and reaped by the main loop */
    kill(pid, SIGKILL) ;
    waitpid(pid, 0, WNOHANG) ;
  }
  else while (waitpid(pid, 0, 0) < 0 && errno == EINTR) ;
  if (fd < 0) { errno = e ; return -1 ; }
  *soft = e ;
  return fd ;
}
