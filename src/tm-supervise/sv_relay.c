/* ISC license. */

/* Relays the service's output line by line, each line written whole in one
   writev with the [name] prefix, so that lines of concurrent services never
   interleave. Lines longer than the buffer are split. */

#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include "sv.h"

/* The line buffers are apart from the small fields, so that a buffer that
   is never used (no log_file, no pty, a quiet service) is never touched and
   costs no memory: that is most of a supervisor's Pss. */
static char linebuf[4][TM_LINE_MAX] ;
relay_t relay[4] =
{
  { .rfd = -1, .wfd = -1, .out = 1, .buf = linebuf[0] },
  { .rfd = -1, .wfd = -1, .out = 2, .buf = linebuf[1] },
  { .rfd = -1, .wfd = -1, .out = 1, .buf = linebuf[2] },
  { .rfd = -1, .wfd = -1, .out = 1, .buf = linebuf[3] },
} ;
static char prefix[TM_NAME_MAX + 8] ;
static size_t prefixlen ;
static int timestamps = 0 ;

/* output_file: the console's lines, unprefixed, rotated by size */
static struct
{
  char *path ;                  /* 0: none */
  char *tmp ;                   /* room for path.N */
  int fd ;
  uint64_t size, max ;
  unsigned int files ;
  int failing ;                 /* an error was reported; the next success clears it */
} out = { .fd = -1 } ;

/* log_file: a file the service writes itself, followed like tail -F */
static struct
{
  char *path ;
  int fd ;
  dev_t dev ;
  ino_t ino ;
  off_t offset ;
} follow = { .fd = -1 } ;

void relay_options (int ts)
{
  timestamps = ts ;
}

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

/* "2026-11-26T18:15:00.123Z " (RFC 3339, UTC) into buf (32) */
static size_t rfc3339_stamp (char *buf)
{
  struct timespec ts ;
  struct tm tm ;
  unsigned int ms ;
  size_t n ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  gmtime_r(&ts.tv_sec, &tm) ;
  n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm) ;
  ms = ts.tv_nsec / 1000000 ;
  buf[n++] = '.' ;
  buf[n++] = '0' + ms / 100 ;
  buf[n++] = '0' + ms / 10 % 10 ;
  buf[n++] = '0' + ms % 10 ;
  buf[n++] = 'Z' ;
  buf[n++] = ' ' ;
  return n ;
}

static void out_warn (char const *what)
{
  if (!out.failing) strerr_warnwu3sys(what, " output_file ", out.path) ;
  out.failing = 1 ;
}

static void out_open (void)
{
  struct stat sb ;
  out.fd = open(out.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) ;
  if (out.fd < 0) { out_warn("open") ; return ; }
  out.size = fstat(out.fd, &sb) == 0 ? (uint64_t)sb.st_size : 0 ;
}

/* path.N-1 -> path.N, ..., path -> path.1 (.1 the newest); with no rotated
   file to keep, truncate */
static void out_rotate (void)
{
  size_t n = strlen(out.path) ;
  char from[n + UINT_FMT + 2] ;
  if (out.fd >= 0) { close(out.fd) ; out.fd = -1 ; }
  if (!out.files)
  {
    if (truncate(out.path, 0) < 0 && errno != ENOENT) out_warn("truncate") ;
    out_open() ;
    return ;
  }
  memcpy(out.tmp, out.path, n) ;
  memcpy(from, out.path, n + 1) ;
  out.tmp[n] = from[n] = '.' ;
  for (unsigned int k = out.files ; k >= 1 ; k--)
  {
    out.tmp[n + 1 + uint_fmt(out.tmp + n + 1, k)] = 0 ;
    if (k > 1) from[n + 1 + uint_fmt(from + n + 1, k - 1)] = 0 ;
    else from[n] = 0 ;
    if (rename(from, out.tmp) < 0 && errno != ENOENT) out_warn("rotate") ;
  }
  out_open() ;
}

static void out_write (char const *ts, size_t tslen, char const *s, size_t len, int addnl)
{
  struct iovec v[3] =
  {
    { .iov_base = (char *)ts, .iov_len = tslen },
    { .iov_base = (char *)s, .iov_len = len },
    { .iov_base = "\n", .iov_len = addnl }
  } ;
  size_t total = tslen + len + addnl ;
  ssize_t w ;
  if (out.size && out.size + total > out.max) out_rotate() ;
  if (out.fd < 0) { out_open() ; if (out.fd < 0) return ; }
  w = fd_writev(out.fd, v, 3) ;
  if (w < 0) { out_warn("write to") ; return ; }
  out.size += w ;
  if ((size_t)w < total) { errno = ENOSPC ; out_warn("write all of a line to") ; return ; }  /* a short write to a file: the disk is full */
  out.failing = 0 ;
}

void relay_output_init (char const *path, uint64_t max, unsigned int files)
{
  size_t n = strlen(path) ;
  out.path = strdup(path) ;
  out.tmp = malloc(n + UINT_FMT + 2) ;
  if (!out.path || !out.tmp) strerr_diefu1sys(111, "allocate") ;
  out.max = max ? max : 10 * 1024 * 1024 ;
  out.files = files ;
  out_open() ;
}

static void relay_line (relay_t *r, char const *s, size_t len, int addnl)
{
  char ts[32] ;
  size_t tslen = timestamps ? rfc3339_stamp(ts) : 0 ;
  struct iovec v[4] =
  {
    { .iov_base = ts, .iov_len = tslen },
    { .iov_base = prefix, .iov_len = prefixlen },
    { .iov_base = (char *)s, .iov_len = len },
    { .iov_base = "\n", .iov_len = addnl }
  } ;
  out_writev(r->out, v, 4) ;
  if (out.path) out_write(ts, tslen, s, len, addnl) ;
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
  /* a full buffer without any newline is a line too long: split it */
  if (start < r->len && (flush || (!start && r->len == TM_LINE_MAX)))
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
  ssize_t n = read(r->rfd, r->buf + r->len, TM_LINE_MAX - r->len) ;
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

/* ---- pty: the service's terminal; its stdout and stderr are one stream ---- */

int relay_pty_open (char *slave, size_t max)
{
  relay_t *r = &relay[3] ;
  struct termios t ;
  int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, slave, max) != 0) { close(fd) ; return -1 ; }
  /* no \n -> \r\n on output: the lines are relayed as they were written */
  if (tcgetattr(fd, &t) == 0)
  {
    t.c_oflag &= ~OPOST ;
    t.c_lflag &= ~ECHO ;
    tcsetattr(fd, TCSANOW, &t) ;
  }
  ndelay_on(fd) ;
  r->rfd = fd ;
  r->wfd = -1 ;
  r->out = 1 ;
  r->len = 0 ;
  return fd ;
}

/* 1 read something, 0 nothing now, -1 the end (EIO: no one has the
   terminal open any more) */
int relay_pty_read (void)
{
  relay_t *r = &relay[3] ;
  ssize_t n = read(r->rfd, r->buf + r->len, TM_LINE_MAX - r->len) ;
  if (n < 0 && errno == EAGAIN) return 0 ;
  if (n <= 0) return -1 ;
  r->len += n ;
  relay_lines(r, 0) ;
  return 1 ;
}

void relay_pty_close (void)
{
  relay_t *r = &relay[3] ;
  if (r->rfd < 0) return ;
  while (relay_pty_read() > 0) ;
  relay_lines(r, 1) ;
  close(r->rfd) ;
  r->rfd = -1 ;
}

/* ---- log_file ---- */

void relay_follow_init (char const *path)
{
  struct stat sb ;
  follow.path = strdup(path) ;
  if (!follow.path) strerr_diefu1sys(111, "allocate") ;
  /* like tail -F -n 0: only what is written from now on */
  follow.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (follow.fd >= 0 && fstat(follow.fd, &sb) == 0)
  {
    follow.dev = sb.st_dev ;
    follow.ino = sb.st_ino ;
    follow.offset = sb.st_size ;
  }
}

static void follow_read (void)
{
  for (;;)
  {
    relay_t *r = &relay[2] ;
    ssize_t n = pread(follow.fd, r->buf + r->len, TM_LINE_MAX - r->len, follow.offset) ;
    if (n <= 0) return ;
    follow.offset += n ;
    r->len += n ;
    relay_lines(r, 0) ;
  }
}

/* Called every so often: new lines, truncation, rotation (a new inode at
   the path: the old file is read to its end first). */
void relay_follow_poll (void)
{
  struct stat sb ;
  if (!follow.path) return ;
  if (follow.fd >= 0)
  {
    if (fstat(follow.fd, &sb) == 0 && sb.st_size < follow.offset) follow.offset = 0 ;
    follow_read() ;
  }
  if (stat(follow.path, &sb) < 0) return ;
  if (follow.fd >= 0 && sb.st_dev == follow.dev && sb.st_ino == follow.ino) return ;
  if (follow.fd >= 0)
  {
    relay_lines(&relay[2], 1) ;
    close(follow.fd) ;
  }
  follow.fd = open(follow.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (follow.fd < 0) return ;
  follow.dev = sb.st_dev ;
  follow.ino = sb.st_ino ;
  follow.offset = 0 ;
  follow_read() ;
}

void relay_init (relay_t *r, char const *fds, int dest)
{
  r->out = dest ;
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
