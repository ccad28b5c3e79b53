/* ISC license. */

/* Relays the service's output line by line, each line written whole in one
   writev with the [name] prefix, so that lines of concurrent services never
   interleave. Lines longer than the buffer are split. */

#include <sys/uio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include "sv.h"

relay_t relay[2] ;
static char prefix[TM_NAME_MAX + 8] ;
static size_t prefixlen ;

void relay_prefix_init (char const *name, unsigned int width)
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

int relay_read (relay_t *r)
{
  ssize_t n = read(r->rfd, r->buf + r->len, sizeof(r->buf) - r->len) ;
  if (n <= 0) return 0 ;
  r->len += n ;
  relay_lines(r, 0) ;
  return 1 ;
}

void relay_drain (void)
{
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    while (relay_read(&relay[i])) ;
    relay_lines(&relay[i], 1) ;
  }
}

void relay_init (relay_t *r, char const *fds, int out)
{
  r->out = out ;
  r->len = 0 ;
  if (fds)
  {
    unsigned int a, b ;
    size_t n = uint_scan(fds, &a) ;
    if (!n || (fds[n] && (fds[n] != ',' || !uint0_scan(fds + n + 1, &b)))) strerr_dief2x(100, "invalid pipe fds: ", fds) ;
    r->rfd = a ;
    if (fds[n]) r->wfd = b ;
    else
    {
      /* a respawned supervisor gets only the read end tm-svscan kept: a
         pipe reopened through /proc is the same pipe, as a FIFO would be */
      char path[32] = "/proc/self/fd/" ;
      path[14 + uint_fmt(path + 14, a)] = 0 ;
      r->wfd = open(path, O_WRONLY | O_CLOEXEC) ;
      if (r->wfd < 0) strerr_diefu2sys(111, "reopen the log pipe via ", path) ;
    }
    if (coe(r->rfd) < 0 || coe(r->wfd) < 0) strerr_diefu1sys(111, "set close-on-exec on log pipe") ;
  }
  else
  {
    int p[2] ;
    if (pipe2(p, O_CLOEXEC) < 0) strerr_diefu1sys(111, "create log pipe") ;
    r->rfd = p[0] ; r->wfd = p[1] ;
  }
  if (ndelay_on(r->rfd) < 0) strerr_diefu1sys(111, "set log pipe non-blocking") ;
}
