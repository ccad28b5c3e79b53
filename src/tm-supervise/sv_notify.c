/* ISC license. */

/* notify = "systemd": a datagram socket for the service's sd_notify
   messages, its path in NOTIFY_SOCKET. Only messages from the service's
   own processes count: the sender's pid (SCM_CREDENTIALS, from the kernel)
   must be in the service's process group or session, or in that of the
   MAINPID it gave. A datagram is at most NOTIFY_MAX bytes (a bigger one is
   dropped), its lines KEY=VALUE, read in place: READY=1, STATUS=text,
   STOPPING=1, MAINPID=n. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>

#include "sv.h"

#define NOTIFY_MAX 4096

int notify_fd = -1 ;

/* the socket at SERVICEDIR/supervise/notify, or an abstract one when that
   path is too long; its address into env ("NOTIFY_SOCKET=...") */
void notify_init (char const *dir, char *env, size_t envmax)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX } ;
  size_t dl = strlen(dir), len ;
  int one = 1 ;
  notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) ;
  if (notify_fd < 0) strerr_diefu1sys(111, "create the notify socket") ;
  if (dl + 18 < sizeof(sa.sun_path))
  {
    memcpy(sa.sun_path, dir, dl) ;
    memcpy(sa.sun_path + dl, "/supervise/notify", 18) ;
    unlink(sa.sun_path) ;
    len = offsetof(struct sockaddr_un, sun_path) + dl + 18 ;
  }
  else
  {
    /* abstract: "@tm-notify/PID" */
    size_t n = 11 ;
    memcpy(sa.sun_path + 1, "tm-notify/", 10) ;
    n += pid_fmt(sa.sun_path + n, getpid()) ;
    len = offsetof(struct sockaddr_un, sun_path) + n ;
  }
  if (bind(notify_fd, (struct sockaddr *)&sa, len) < 0
   || setsockopt(notify_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
    strerr_diefu1sys(111, "set up the notify socket") ;
  if (sa.sun_path[0])
  {
    /* the service's user may send to it; the directory is root's */
    if ((spawn_conf.user && chown(sa.sun_path, spawn_conf.uid, spawn_conf.gid) < 0) || chmod(sa.sun_path, 0600) < 0)
      strerr_diefu2sys(111, "set the owner of ", sa.sun_path) ;
  }
  if (envmax < sizeof(sa.sun_path) + 16) strerr_dief1x(100, "notify: no room") ;
  memcpy(env, "NOTIFY_SOCKET=", 14) ;
  if (sa.sun_path[0]) memcpy(env + 14, sa.sun_path, strlen(sa.sun_path) + 1) ;
  else
  {
    env[14] = '@' ;
    memcpy(env + 15, sa.sun_path + 1, len - offsetof(struct sockaddr_un, sun_path) - 1) ;
    env[14 + len - offsetof(struct sockaddr_un, sun_path)] = 0 ;
  }
}

static pid_t mainpid = 0 ;

pid_t notify_mainpid (void)
{
  return mainpid ;
}

void notify_reset (void)
{
  mainpid = 0 ;
}

/* the sender is one of the service's processes */
static int ours (pid_t pid)
{
  pid_t g, s ;
  if (!st.pid || pid <= 0) return 0 ;
  g = getpgid(pid) ;
  s = getsid(pid) ;
  if (g < 0 || s < 0) return 0 ;  /* gone already: cannot be told */
  return g == machine.pgid || s == machine.pgid || (mainpid && (pid == mainpid || g == getpgid(mainpid))) ;
}

static void line (char const *s, size_t n)
{
  if (n == 7 && !memcmp(s, "READY=1", 7)) notify_ready() ;
  else if (n == 10 && !memcmp(s, "STOPPING=1", 10)) notify_status("stopping", 8) ;
  else if (n >= 7 && !memcmp(s, "STATUS=", 7)) notify_status(s + 7, n - 7) ;
  else if (n > 8 && !memcmp(s, "MAINPID=", 8))
  {
    char num[PID_FMT + 1] ;
    pid_t pid ;
    if (n - 8 > PID_FMT) return ;
    memcpy(num, s + 8, n - 8) ;
    num[n - 8] = 0 ;
    /* honoured within the service's own process group only */
    if (pid0_scan(num, &pid) && pid > 1 && getpgid(pid) == machine.pgid) mainpid = pid ;
  }
}

void notify_read (void)
{
  for (;;)
  {
    char buf[NOTIFY_MAX] ;
    char cbuf[CMSG_SPACE(sizeof(struct ucred))] ;
    struct iovec v = { .iov_base = buf, .iov_len = sizeof(buf) } ;
    struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) } ;
    struct cmsghdr *c ;
    struct ucred cred ;
    int have = 0 ;
    ssize_t r = recvmsg(notify_fd, &m, MSG_CMSG_CLOEXEC) ;
    if (r < 0) { if (errno == EINTR) continue ; return ; }
    if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) continue ;
    for (c = CMSG_FIRSTHDR(&m) ; c ; c = CMSG_NXTHDR(&m, c))
    {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(cred)))
      {
        memcpy(&cred, CMSG_DATA(c), sizeof(cred)) ;
        have = 1 ;
      }
      else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        /* descriptors are not for us: closed */
        int *fds = (int *)CMSG_DATA(c) ;
        for (size_t i = 0 ; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) ; i++) close(fds[i]) ;
      }
    }
    if (!have || !ours(cred.pid)) continue ;
    for (char const *s = buf, *end = buf + r ; s < end ; )
    {
      char const *nl = memchr(s, '\n', end - s) ;
      size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s) ;
      line(s, n) ;
      s += n + 1 ;
    }
  }
}
