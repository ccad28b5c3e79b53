/* ISC license. */

/* Writes to the console that never wait for its reader. The console (our
   fd 1 or 2) is shared with every supervisor, tm-svscan and the main
   command, so O_NONBLOCK cannot be set on it: that would change it for the
   main command too. In order of preference:
   - pwritev2(RWF_NOWAIT), a per-call non-blocking write: pipes and sockets
     (Linux 5.8 and later);
   - a description of our own, opened through /proc/self/fd with O_NONBLOCK:
     FIFOs and terminals, when we may open them;
   - a blocking write that a short timer interrupts: the rest.
   Regular files and other devices never wait for a reader: plain writes. */

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/buffer.h>

#include "tm.h"

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif

#define GUARD_USEC 20000        /* a guarded write gives up after this long */

enum { HOW_PLAIN, HOW_NOWAIT, HOW_OWN, HOW_GUARD } ;

static void on_alarm (int sig)
{
  (void)sig ;
}

/* the timer's signal must interrupt the write, not restart it */
static void guard_init (tm_console_t *c)
{
  struct sigaction sa ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_handler = &on_alarm ;
  sigemptyset(&sa.sa_mask) ;
  sigaction(SIGALRM, &sa, 0) ;
  c->how = HOW_GUARD ;
}

static int own_description (tm_console_t *c)
{
  char path[14 + UINT_FMT] = "/proc/self/fd/" ;
  int fd ;
  path[14 + uint_fmt(path + 14, c->fd)] = 0 ;
  fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  c->fd = fd ;
  c->how = HOW_OWN ;
  return 1 ;
}

/* a pipe or a FIFO that RWF_NOWAIT does not serve */
static void fallback (tm_console_t *c)
{
  if (!own_description(c)) guard_init(c) ;
}

void tm_console_init (tm_console_t *c, int fd)
{
  struct stat sb ;
  c->fd = fd ;
  c->how = HOW_PLAIN ;
  c->atom = 65536 ;
  if (fstat(fd, &sb) < 0 || S_ISREG(sb.st_mode)) return ;
  if (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)) c->how = HOW_NOWAIT ;
  else if (isatty(fd)) fallback(c) ;
  else return ;                 /* /dev/null and the like */
  c->atom = PIPE_BUF ;
}

static ssize_t guarded_write (int fd, char const *s, size_t n)
{
  struct itimerval on = { .it_value = { .tv_sec = 0, .tv_usec = GUARD_USEC } }, off = { 0 } ;
  ssize_t w ;
  setitimer(ITIMER_REAL, &on, 0) ;
  w = write(fd, s, n) ;
  setitimer(ITIMER_REAL, &off, 0) ;
  if (w < 0 && errno == EINTR) errno = EAGAIN ;
  return w ;
}

ssize_t tm_console_write (tm_console_t *c, char const *s, size_t n)
{
  for (;;)
  {
    ssize_t w ;
    switch (c->how)
    {
      case HOW_NOWAIT :
      {
        struct iovec v = { .iov_base = (char *)s, .iov_len = n } ;
        /* through syscall(): musl 1.2.3 has no pwritev2(); -1: the current position */
        w = syscall(SYS_pwritev2, c->fd, &v, 1, -1L, 0L, RWF_NOWAIT) ;
        if (w < 0 && errno == EOPNOTSUPP) { fallback(c) ; continue ; }
        return w ;
      }
      case HOW_GUARD : return guarded_write(c->fd, s, n) ;
      default :
        do w = write(c->fd, s, n) ; while (w < 0 && errno == EINTR) ;
        return w ;
    }
  }
}

/* Our messages (strerr, through buffer_2) to a stderr that may not wait:
   one write per message, dropped when the console would wait. For a
   program that must never block on the console and keeps no backlog. */
static tm_console_t err_console ;

static ssize_t stderr_nowait (int fd, struct iovec const *v, unsigned int n)
{
  char buf[PIPE_BUF] ;
  size_t len = 0, total = 0 ;
  (void)fd ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    size_t k = v[i].iov_len < sizeof(buf) - len ? v[i].iov_len : sizeof(buf) - len ;
    if (k) memcpy(buf + len, v[i].iov_base, k) ;
    len += k ;
    total += v[i].iov_len ;
  }
  if (len) tm_console_write(&err_console, buf, len) ;
  return total ;
}

void tm_console_stderr_nowait (void)
{
  tm_console_init(&err_console, 2) ;
  buffer_2->op = &stderr_nowait ;
}
