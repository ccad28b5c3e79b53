/* ISC license. */

/* output_file: the service's lines, unprefixed, appended and rotated by
   size. log_file: a file the service writes itself, followed like tail -F.
   Both are paths the service's user can influence (its directory is often
   theirs), so every open, creation and rename of them happens with that
   user's rights (as_service_user); root then acts on the descriptors only.
   Both must be regular files. */

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include "sv.h"

#define OUT_BATCH 32768         /* lines for the output file, written at once */
#define REOPEN_SECS 1           /* after a failed open or rotation, try again this much later */
#define FOLLOW_TURN 65536       /* read at most this much of log_file per look */

static char outbuf[OUT_BATCH] BIG ;
static struct
{
  char const *path ;            /* 0: none */
  int fd ;
  uint64_t size, max ;
  unsigned int files ;
  int failing ;                 /* an error was reported; the next success clears it */
  tain retry ;                  /* no open before this, after a failure */
  size_t len ;                  /* batched in outbuf (lines with a time stamp, parts)... */
  char const *span ;            /* ... or lines left where they were read, in a relay's buffer */
  size_t spanlen ;
} out = { .fd = -1 } ;

static struct
{
  char const *path ;
  int fd ;
  dev_t dev ;
  ino_t ino ;
  off_t offset ;
  dev_t baddev ;                /* the file we could not follow: not tried again */
  ino_t badino ;
} follow = { .fd = -1 } ;

/* ---- output_file ---- */

static void out_warn (char const *what)
{
  if (!out.failing) strerr_warnwu3sys(what, " output_file ", out.path) ;
  out.failing = 1 ;
}

static int open_append (void *path)
{
  return open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644) ;
}

/* path.N-1 -> path.N, ..., path -> path.1 (.1 the newest), then a fresh
   path; run with the user's rights, like every open of it. A rename that
   fails is reported in errno, the file opened all the same: its lines are
   not lost, it only grows past output_max_size until a rotation works. */
static int rotate_open (void *unused)
{
  size_t n = strlen(out.path) ;
  char from[n + UINT_FMT + 2], to[n + UINT_FMT + 2] ;
  int e = 0, fd ;
  (void)unused ;
  memcpy(from, out.path, n + 1) ;
  memcpy(to, out.path, n) ;
  from[n] = to[n] = '.' ;
  for (unsigned int k = out.files ; k >= 1 ; k--)
  {
    to[n + 1 + uint_fmt(to + n + 1, k)] = 0 ;
    if (k > 1) from[n + 1 + uint_fmt(from + n + 1, k - 1)] = 0 ;
    else from[n] = 0 ;
    if (rename(from, to) < 0 && errno != ENOENT) e = errno ;
  }
  fd = open_append((void *)out.path) ;
  if (fd >= 0) errno = e ;
  return fd ;
}

/* a descriptor from the user's side: a regular file, or nothing */
static int adopt (int fd, char const *what)
{
  struct stat sb ;
  if (fd < 0) { out_warn(what) ; return 0 ; }
  if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
  {
    if (!out.failing) strerr_warnw3x("output_file ", out.path, " is not a regular file: not written") ;
    out.failing = 1 ;
    close(fd) ;
    return 0 ;
  }
  out.fd = fd ;
  out.size = sb.st_size ;
  return 1 ;
}

static void later (tain *t)
{
  tain_copynow(t) ;
  tain_addsec_g(t, REOPEN_SECS) ;
}

static void out_open (int (*how)(void *), char const *what)
{
  int soft ;
  int fd = as_service_user(how, (void *)out.path, &soft) ;
  if (out.fd >= 0) { close(out.fd) ; out.fd = -1 ; }
  if (!adopt(fd, what)) { later(&out.retry) ; return ; }
  if (soft)
  {
    errno = soft ;
    out_warn(what) ;
    later(&out.retry) ;
  }
}

static void out_rotate (void)
{
  if (tain_future(&out.retry)) return ;
  if (out.files) { out_open(&rotate_open, "rotate") ; return ; }
  /* no rotated file to keep: the same file starts again */
  if (ftruncate(out.fd, 0) < 0) { out_warn("truncate") ; later(&out.retry) ; }
  else out.size = 0 ;
}

/* what is batched or spanned, written at once; before the relay's buffer
   changes, and at the end of each loop turn */
void outfile_flush (void)
{
  char const *s = out.len ? outbuf : out.span ;
  size_t n = out.len ? out.len : out.spanlen ;
  ssize_t w ;
  out.len = out.spanlen = 0 ;
  if (!n || out.fd < 0) return ;
  w = write(out.fd, s, n) ;
  if (w < 0) out_warn("write to") ;
  else
  {
    out.size += w ;
    if ((size_t)w < n) { errno = ENOSPC ; out_warn("write all of a line to") ; }  /* a full disk */
    else out.failing = 0 ;
  }
}

/* 1: the file can take need more bytes (opened, rotated as needed) */
static int out_ready (size_t need)
{
  size_t pending = out.len + out.spanlen ;
  if (!out.path) return 0 ;
  if (out.fd < 0)
  {
    if (tain_future(&out.retry)) return 0 ;
    out_open(&open_append, "open") ;
    if (out.fd < 0) return 0 ;
  }
  if (out.size + pending && out.size + pending + need > out.max && !tain_future(&out.retry))
  {
    outfile_flush() ;
    out_rotate() ;
    if (out.fd < 0) return 0 ;
  }
  return 1 ;
}

/* whole lines, newlines included, that stay where they are until the next
   outfile_flush: written from there, outbuf's pages never touched */
void outfile_span (char const *s, size_t n)
{
  if (!out_ready(n)) return ;
  if (out.len || (out.spanlen && out.span + out.spanlen != s)) outfile_flush() ;
  if (!out.spanlen) out.span = s ;
  out.spanlen += n ;
}

/* a line (ends: with its newline) or the start or the rest of one, copied;
   n <= TM_LINE_MAX: the relay cuts longer lines in parts */
typedef char outbuf_takes_a_part[OUT_BATCH >= TM_LINE_MAX + 64 ? 1 : -1] ;
void outfile_put (char const *ts, size_t tslen, char const *s, size_t n, int ends)
{
  size_t need = tslen + n + !!ends ;
  if (!out_ready(need)) return ;
  if (out.spanlen || out.len + need > OUT_BATCH) outfile_flush() ;
  memcpy(outbuf + out.len, ts, tslen) ;
  memcpy(outbuf + out.len + tslen, s, n) ;
  if (ends) outbuf[out.len + tslen + n] = '\n' ;
  out.len += need ;
}

void outfile_init (char const *path, uint64_t max, unsigned int files)
{
  out.path = path ;
  out.max = max ? max : TM_SVD_OUTPUT_MAX_SIZE_DEFAULT ;
  out.files = files ;
  out_open(&open_append, "open") ;
}

/* ---- log_file ---- */

static int open_read (void *path)
{
  return open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
}

/* our descriptor of the file at path, if it is a regular file; else it is
   remembered, not to be tried again until another file is there */
static int follow_open (struct stat const *there)
{
  struct stat sb ;
  int soft ;
  int fd = as_service_user(&open_read, (void *)follow.path, &soft) ;
  if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
  {
    follow.fd = fd ;
    follow.dev = sb.st_dev ;
    follow.ino = sb.st_ino ;
    return 1 ;
  }
  if (fd < 0) strerr_warnwu3sys("open log_file ", follow.path, " as the service's user") ;
  else { strerr_warnw3x("log_file ", follow.path, " is not a regular file: not followed") ; close(fd) ; }
  follow.baddev = there->st_dev ;
  follow.badino = there->st_ino ;
  return 0 ;
}

/* 1 when it stopped with more to read */
static int follow_read (void)
{
  relay_t *r = &relay[2] ;
  size_t budget = FOLLOW_TURN ;
  while (budget)
  {
    ssize_t n = pread(follow.fd, r->buf + r->len, RELAY_BUF - r->len, follow.offset) ;
    if (n <= 0) return 0 ;
    follow.offset += n ;
    relay_take(r, n) ;
    budget -= (size_t)n < budget ? (size_t)n : budget ;
  }
  return 1 ;
}

void follow_init (char const *path)
{
  struct stat sb ;
  follow.path = path ;
  /* like tail -F -n 0: only what is written from now on */
  if (stat(path, &sb) < 0 || !follow_open(&sb)) return ;
  if (fstat(follow.fd, &sb) == 0) follow.offset = sb.st_size ;
}

/* Called every so often: new lines, truncation, rotation (a new file at the
   path: the old one is read to its end first). The path is looked at as
   root (metadata only); it is opened with the user's rights. 1: more to
   read already, look again soon. */
int follow_poll (void)
{
  struct stat sb ;
  int more = 0 ;
  if (!follow.path) return 0 ;
  render_stamp() ;
  if (follow.fd >= 0)
  {
    if (fstat(follow.fd, &sb) == 0 && sb.st_size < follow.offset) follow.offset = 0 ;
    more = follow_read() ;
    if (more) { relay_flush(&relay[2]) ; return 1 ; }
  }
  if (stat(follow.path, &sb) < 0
   || (follow.fd >= 0 && sb.st_dev == follow.dev && sb.st_ino == follow.ino)
   || (sb.st_dev == follow.baddev && sb.st_ino == follow.badino))
  {
    relay_flush(&relay[2]) ;
    return 0 ;
  }
  if (follow.fd >= 0)
  {
    relay_finish(&relay[2]) ;
    close(follow.fd) ;
    follow.fd = -1 ;
  }
  if (!follow_open(&sb)) return 0 ;
  follow.offset = 0 ;
  more = follow_read() ;
  relay_flush(&relay[2]) ;
  return more ;
}
