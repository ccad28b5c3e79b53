/* ISC license. */

/* The service's recent lines, for tm-ctl logs ([logging] buffer): a ring
   in supervise/log, a file on the scandir's file system (tmpfs: memory),
   mapped once at start-up. Its pages are taken only as lines fill them, so
   a quiet service costs nothing. The format is in doc/status.md:
     a 64-byte header: "tmlog1\n\0", the ring's size, the count of bytes
     ever written (64-bit words in the host's byte order), then the ring,
   and in the ring, records "MS STREAM LINE\n" (ms since the epoch, stream
   o, e or t for tm's own lines). A reader copies the ring between two
   reads of the count; what was written meanwhile over its start is cut
   away, and it starts after the first newline. Root and the [control]
   group may read it: logs often hold secrets. */

#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>

#include "sv.h"

#define HEADER 64
#define MAGIC "tmlog1\n"

static char *map = 0 ;
static uint64_t size = 0 ;
static int started = 0 ;        /* the header is written: pages are touched */
static uint64_t head = 0 ;      /* bytes ever written: we are the only writer, and never read the mapping */
static uint64_t tail = 0 ;      /* where the next byte goes: head % size */

/* size bytes of ring (0: none), gid the group that may read it (-1: root only) */
void logbuf_init (uint64_t bytes, gid_t gid)
{
  struct stat sb ;
  int fd ;
  if (!bytes) { unlink("supervise/log") ; return ; }
  fd = open("supervise/log", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600) ;
  if (fd < 0) { strerr_warnwu2sys("open ", "supervise/log") ; return ; }
  if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)
   || (gid != (gid_t)-1 && fchown(fd, -1, gid) < 0) || fchmod(fd, gid == (gid_t)-1 ? 0600 : 0640) < 0
   || ((uint64_t)sb.st_size != HEADER + bytes && ftruncate(fd, 0) < 0)
   || ftruncate(fd, HEADER + bytes) < 0)
  {
    strerr_warnwu2sys("set up ", "supervise/log") ;
    close(fd) ;
    return ;
  }
  {
    /* a previous supervisor's lines stay, when the file was one of ours;
       read with pread, not through the mapping: a read fault there would
       map the pages around it too, and an idle service pays for none */
    char h[24] ;
    started = pread(fd, h, 24, 0) == 24 && !memcmp(h, MAGIC, 8) && !memcmp(h + 8, &bytes, 8) ;
    if (started) { memcpy(&head, h + 16, 8) ; tail = head % bytes ; }
  }
  map = mmap(0, HEADER + bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ;
  close(fd) ;
  if (map == MAP_FAILED) { map = 0 ; strerr_warnwu2sys("map ", "supervise/log") ; return ; }
  size = bytes ;
}

/* n < size */
static void ring_put (char const *s, size_t n)
{
  size_t first = n < size - tail ? n : size - tail ;
  memcpy(map + HEADER + tail, s, first) ;
  if (first < n) memcpy(map + HEADER, s + first, n - first) ;
  tail += n ;
  if (tail >= size) tail -= size ;
}

/* ms in decimal: the lines of one read share their millisecond, so the
   last one's digits are kept (formatting them was a tenth of the relay's
   time) */
static size_t stamp_fmt (char *s, uint64_t ms)
{
  static uint64_t last = 0 ;
  static char digits[UINT64_FMT] ;
  static size_t len = 0 ;
  if (!len || ms != last)
  {
    len = uint64_fmt(digits, ms) ;
    last = ms ;
  }
  memcpy(s, digits, len) ;
  return len ;
}

/* one line of the service, or of tm (stream 't') */
void logbuf_put (uint64_t ms, char stream, char const *s, size_t n)
{
  char rec[UINT64_FMT + 4] ;
  size_t hl ;
  if (!map) return ;
  if (!started)
  {
    uint64_t zero = 0 ;
    memcpy(map, MAGIC, 8) ;
    memcpy(map + 8, &size, 8) ;
    memcpy(map + 16, &zero, 8) ;
    started = 1 ;
  }
  if (n > size / 2) n = size / 2 ;  /* a line never fills the whole ring */
  hl = stamp_fmt(rec, ms) ;
  rec[hl++] = ' ' ;
  rec[hl++] = stream ;
  rec[hl++] = ' ' ;
  ring_put(rec, hl) ;
  ring_put(s, n) ;
  map[HEADER + tail] = '\n' ;
  if (++tail == size) tail = 0 ;
  head += hl + n + 1 ;
  __atomic_store((uint64_t *)(map + 16), &head, __ATOMIC_RELEASE) ;
}
