/* ISC license. */

/* tm-ctl logs [-f] [-n N] [--timestamps] [NAME...]: the recent lines of
   services, from the ring each supervisor keeps in supervise/log
   (tm-supervise's sv_logbuf.c writes it; its format is in doc/status.md),
   interleaved in time order, with the [name] prefix; stderr lines and tm's
   own lines on stderr. -f follows: new lines every 100 ms, new services as
   they appear, until interrupted. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/stralloc.h>

#include "client.h"

#define HEADER 64
#define FOLLOW_MS 100
#define RESCAN_TURNS 10         /* with -f and no names: new services every second */

typedef struct record_s record_t ;
struct record_s
{
  uint64_t ms ;
  unsigned int svc ;            /* index in the services */
  char stream ;
  char const *line ;
  size_t len ;
} ;

typedef struct svlog_s svlog_t ;
struct svlog_s
{
  char *name ;
  uint64_t seen ;               /* bytes of its ring read so far */
  int warned ;
  stralloc data ;               /* what the last read brought ... */
  size_t start ;                /* ... from its first whole record here */
} ;

static svlog_t *logs = 0 ;
static int denied = 0 ;
static unsigned int nlogs = 0 ;
static size_t width = 0 ;

static int svlog_add (char const *name)
{
  for (unsigned int i = 0 ; i < nlogs ; i++) if (!strcmp(logs[i].name, name)) return 0 ;
  logs = realloc(logs, (nlogs + 1) * sizeof(svlog_t)) ;
  if (!logs) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  memset(logs + nlogs, 0, sizeof(svlog_t)) ;
  logs[nlogs].name = strdup(name) ;
  if (!logs[nlogs].name) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  if (strlen(name) > width) width = strlen(name) ;
  nlogs++ ;
  return 1 ;
}

static uint64_t word (char const *p)
{
  uint64_t v ;
  memcpy(&v, p, 8) ;
  return v ;
}

/* newlines in s */
static size_t count_lines (char const *s, size_t n)
{
  size_t k = 0 ;
  for (char const *p = s ; (p = memchr(p, '\n', s + n - p)) ; p++) k++ ;
  return k ;
}

/* the bytes [from, to) of the ring into s->data, in at most two reads */
static int svlog_range (int fd, svlog_t *s, uint64_t size, uint64_t from, uint64_t to)
{
  if (!stralloc_ready(&s->data, to - from)) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  for (uint64_t at = from ; at < to ; )
  {
    uint64_t off = at % size, chunk = size - off < to - at ? size - off : to - at ;
    if (pread(fd, s->data.s + (at - from), chunk, HEADER + off) != (ssize_t)chunk) return 0 ;
    at += chunk ;
  }
  s->data.len = to - from ;
  return 1 ;
}

/* the bytes written to s's ring since s->seen (all it still holds on the
   first read) into s->data, s->start at a record; 0 when it has none.
   With want > 0, on the first read, enough of its end for want records
   only (a tail, doubled as needed): 100 lines do not need 64 KiB */
static int svlog_read (char const *scandir, svlog_t *s, size_t want)
{
  size_t dl = strlen(scandir), nl = strlen(s->name) ;
  char path[dl + nl + 16] ;
  char head[HEADER] ;
  uint64_t size, h1, h2, from, oldest ;
  int fd ;
  s->data.len = 0 ;
  s->start = 0 ;
  memcpy(path, scandir, dl) ;
  path[dl] = '/' ;
  memcpy(path + dl + 1, s->name, nl) ;
  memcpy(path + dl + 1 + nl, "/supervise/log", 15) ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno == EACCES && !s->warned) ctl_warn("permission denied: the logs of ", s->name, " are for root and the [control] group") ;
    if (errno == EACCES) s->warned = denied = 1 ;
    return 0 ;
  }
  if (pread(fd, head, HEADER, 0) != HEADER || memcmp(head, "tmlog1\n", 8)) { close(fd) ; return 0 ; }
  size = word(head + 8) ;
  h1 = word(head + 16) ;
  if (!size || size > (64 << 20) || h1 == s->seen) { close(fd) ; return 0 ; }
  from = s->seen > h1 ? 0 : s->seen ;  /* a count that went back: a new ring */
  if (h1 - from > size) from = h1 - size ;
  if (want && !s->seen)
  {
    uint64_t tail = 4096 ;
    while (tail < want * 128) tail *= 2 ;
    while (h1 - from > tail)
    {
      if (!svlog_range(fd, s, size, h1 - tail, h1)) { close(fd) ; return 0 ; }
      if (count_lines(s->data.s, s->data.len) > want) { from = h1 - tail ; break ; }
      tail *= 2 ;
    }
  }
  if (s->data.len != h1 - from && !svlog_range(fd, s, size, from, h1)) { close(fd) ; return 0 ; }
  if (pread(fd, head, HEADER, 0) != HEADER) { close(fd) ; return 0 ; }
  close(fd) ;
  /* what was written while we read overwrote the oldest bytes: not those,
     and then from the first whole record */
  h2 = word(head + 16) ;
  oldest = h2 > size ? h2 - size : 0 ;
  if (from < oldest || from != s->seen)
  {
    size_t cut = from < oldest ? oldest - from : 0 ;
    char const *eol ;
    if (cut >= s->data.len) { s->seen = h1 ; return 0 ; }
    eol = from || cut ? memchr(s->data.s + cut, '\n', s->data.len - cut) : s->data.s - 1 ;
    s->start = eol ? (size_t)(eol + 1 - s->data.s) : s->data.len ;
  }
  s->seen = h1 ;
  return s->start < s->data.len ;
}

/* "MS STREAM LINE\n" records of s->data into *r (room for *cap), the
   last `last` of them only when last > 0 */
static void records (unsigned int svc, record_t **r, size_t *n, size_t *cap, size_t last)
{
  stralloc const *b = &logs[svc].data ;
  char const *p = b->s + logs[svc].start, *end = b->s + b->len ;
  if (last)
  {
    /* from the last lines' start: no need to parse the whole ring */
    char const *q = end ;
    for (size_t k = 0 ; q > p && k <= last ; )
      if (*--q == '\n' && q + 1 < end) k++ ;
    if (q > p) p = memchr(q, '\n', end - q) + 1 ;
  }
  while (p < end)
  {
    char const *nl = memchr(p, '\n', end - p) ;
    char *after ;
    record_t rec ;
    if (!nl) break ;
    rec.ms = strtoull(p, &after, 10) ;
    if (after + 3 <= nl && after[0] == ' ' && after[2] == ' ')
    {
      rec.svc = svc ;
      rec.stream = after[1] ;
      rec.line = after + 3 ;
      rec.len = nl - (after + 3) ;
      if (*n == *cap)
      {
        *cap = *cap ? *cap * 2 : 1024 ;
        *r = realloc(*r, *cap * sizeof(record_t)) ;
        if (!*r) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
      }
      (*r)[(*n)++] = rec ;
    }
    p = nl + 1 ;
  }
}

static int by_time (void const *a, void const *b)
{
  record_t const *x = a, *y = b ;
  if (x->ms != y->ms) return x->ms < y->ms ? -1 : 1 ;
  if (x->svc != y->svc) return x->svc < y->svc ? -1 : 1 ;
  return x->line < y->line ? -1 : x->line > y->line ;
}

static void print (record_t const *r, int timestamps)
{
  FILE *f = r->stream == 'o' ? stdout : stderr ;
  if (timestamps)
  {
    char buf[TM_RFC3339_LEN] ;
    fprintf(f, "%.*s ", (int)tm_rfc3339_fmt(buf, r->ms), buf) ;
  }
  fprintf(f, "[%-*s] %s%.*s\n", (int)width, logs[r->svc].name, r->stream == 't' ? "tm: " : "", (int)r->len, r->line) ;
}

/* every record that came since the last turn, in time order; the last
   `last` of them only when last > 0 */
static void turn (char const *scandir, size_t last, int timestamps)
{
  record_t *r = 0 ;
  size_t n = 0, cap = 0 ;
  for (unsigned int i = 0 ; i < nlogs ; i++)
    if (svlog_read(scandir, logs + i, last)) records(i, &r, &n, &cap, last) ;
  if (n) qsort(r, n, sizeof(record_t), &by_time) ;
  for (size_t i = last && n > last ? n - last : 0 ; i < n ; i++) print(r + i, timestamps) ;
  fflush(stdout) ;
  fflush(stderr) ;
  free(r) ;
}

static void rescan (char const *scandir)
{
  char const **names ;
  unsigned int n ;
  if (!svi_names(scandir, &names, &n)) return ;
  for (unsigned int i = 0 ; i < n ; i++) svlog_add(names[i]) ;
  svi_names_free(names, n) ;
}

int ctl_logs (ctl_args_t const *a)
{
  unsigned int turns = 0 ;
  if (a->nnames)
    for (unsigned int i = 0 ; i < a->nnames ; i++)
    {
      svinfo_t sv ;
      if (!svi_load(a->scandir, a->names[i], &sv)) svi_unknown(a->scandir, a->names[i], 1) ;
      svlog_add(a->names[i]) ;
    }
  else
  {
    char const **names = all_services(a->scandir, &turns) ;
    for (unsigned int i = 0 ; i < turns ; i++) svlog_add(names[i]) ;
    svi_names_free(names, turns) ;
    turns = 0 ;
  }
  turn(a->scandir, a->lines ? a->lines : 100, a->timestamps) ;
  while (a->follow)
  {
    poll(0, 0, FOLLOW_MS) ;
    if (!a->nnames && ++turns % RESCAN_TURNS == 0) rescan(a->scandir) ;
    turn(a->scandir, 0, a->timestamps) ;
  }
  return denied ? CTL_EX_FALSE : CTL_EX_OK ;
}
