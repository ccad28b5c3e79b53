/* ISC license. */

/* Relays the service's output line by line: to the console with the [name]
   prefix (sv_sink.c writes it without ever waiting), and unprefixed to the
   output_file (sv_logfile.c). A line too long for one atomic write to the
   console is split into pieces, each with its prefix: every piece but the
   last carries exactly piece_max() bytes of the line. Lines are batched:
   what one read brings goes out in as few writes as it takes. */

#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include "sv.h"

#define RELAY_TURN 65536        /* read at most this much from one source per loop turn */
#define PIPE_SIZE 1048576       /* fewer wake-ups of a chatty service; its pages only as used */
#define DRAIN_MAX 262144        /* at the service's exit, what is left in its pipe, at most */

/* The line buffers are apart from the small fields, so that a buffer that
   is never used (no log_file, no pty, a quiet service) is never touched and
   costs no memory: that is most of a supervisor's Pss. */
static char linebuf[4][RELAY_BUF] BIG ;
void (*relay_watch) (char const *s, size_t n) = 0 ;
relay_t relay[4] =
{
  { .rfd = -1, .wfd = -1, .sink = &sink[0], .buf = linebuf[0] },
  { .rfd = -1, .wfd = -1, .sink = &sink[1], .buf = linebuf[1] },
  { .rfd = -1, .wfd = -1, .sink = &sink[0], .buf = linebuf[2] },
  { .rfd = -1, .wfd = -1, .sink = &sink[0], .buf = linebuf[3] },
} ;

#define NOTE_MAX 512            /* a tm line, rendered, at most this: else through the backlog */

/* what a tm line ("tm: ...") says, formatted */
static size_t note_fmt (char *s, char const *a, char const *b)
{
  size_t la = strlen(a), lb = strlen(b) ;
  memcpy(s, a, la) ;
  memcpy(s + la, b, lb) ;
  return la + lb ;
}

/* tm's own line, ab, on k's console stream: "[name] tm: ab" */
void relay_note (sink_t *k, char const *a, char const *b)
{
  char s[strlen(a) + strlen(b) + 1] ;
  size_t n = note_fmt(s, a, b) ;
  size_t need ;
  render_stamp() ;
  logbuf_put(render_ms(), 't', s, n) ;
  need = render_need(k, s, n, 1, 0, 1) ;
  if (!k->len && !k->blocked && need <= NOTE_MAX)
  {
    /* nothing waits: written from here, the backlog's pages untouched */
    char line[NOTE_MAX] ;
    char *keep = k->buf ;
    ssize_t w ;
    k->buf = line ;
    render_out(k, s, n, 1, 0, 1) ;
    k->buf = keep ;
    need = k->len ;
    k->len = 0 ;
    w = tm_console_write(&k->con, line, need) ;
    if (w == (ssize_t)need) return ;
    if (w < 0) w = 0 ;
    sink_put(k, line + w, need - w) ;
    sink_flush(k) ;
    return ;
  }
  if (sink_room(k, need) <= 0) { sink_drop(k) ; return ; }
  render_out(k, s, n, 1, 0, 1) ;
  sink_wrote(k) ;
}

/* where lines were dropped, the next line that fits says how many */
#define DROPNOTE_MAX (UINT64_FMT + 40)
static size_t dropnote (sink_t *k, char *s)
{
  char fmt[UINT64_FMT] ;
  if (!k->dropped) return 0 ;
  fmt[uint64_fmt(fmt, k->dropped)] = 0 ;
  return note_fmt(s, fmt, k->dropped == 1 ? " line dropped: console not reading" : " lines dropped: console not reading") ;
}

/* A line, or a part of one when it does not end here (then the part is a
   whole number of pieces, and the next part continues it); newline: its
   newline follows it in r's buffer. 0: no room in the console's backlog
   yet, nothing done. */
static int line_out (relay_t *r, char const *s, size_t n, int ends, int newline)
{
  sink_t *k = r->sink ;
  char note[DROPNOTE_MAX] ;
  size_t notelen = k->dropped ? dropnote(k, note) : 0 ;
  int room = sink_room(k, render_need(k, s, n, ends, r->cont, 0) + (notelen ? render_need(k, note, notelen, 1, 0, 1) : 0)) ;
  if (!room) { r->stuck = 1 ; return 0 ; }
  r->stuck = 0 ;
  {
    char ts[32] ;
    size_t tslen = r->cont ? 0 : render_file_stamp(ts) ;
    if (newline && !tslen) outfile_span(s, n + 1) ;
    else outfile_put(ts, tslen, s, n, ends) ;
  }
  if (n || (ends && !r->cont)) logbuf_put(render_ms(), k == &sink[1] ? 'e' : 'o', s, n) ;
  if (relay_watch && (n || ends)) (*relay_watch)(s, n) ;
  if (room < 0) sink_drop(k) ;
  else
  {
    if (notelen) { render_out(k, note, notelen, 1, 0, 1) ; k->dropped = 0 ; }
    render_out(k, s, n, ends, r->cont, 0) ;
    sink_wrote(k) ;
  }
  r->cont = !ends ;
  return 1 ;
}

/* Emits every complete line; with flush, the incomplete last one too. A
   line of TM_LINE_MAX bytes or more, newline or not yet, is too long: it
   goes in parts, each the whole pieces that fit in TM_LINE_MAX bytes, until
   less is left. Lines the console's backlog has no room for yet stay. */
static void relay_lines (relay_t *r, int flush)
{
  char *s = r->buf, *end = r->buf + r->len ;
  size_t part = TM_LINE_MAX - TM_LINE_MAX % render_piece_max(r->sink) ;
  for (;;)
  {
    char *nl = memchr(s, '\n', end - s) ;
    size_t len = (nl ? nl : end) - s ;
    if (len >= TM_LINE_MAX)
    {
      if (!line_out(r, s, part, 0, 0)) goto keep ;
      s += part ;
    }
    else if (!nl) break ;
    else if (!line_out(r, s, len, 1, 1)) goto keep ;
    else s = nl + 1 ;
  }
  if (s < end && flush && line_out(r, s, end - s, 1, 0)) s = end ;
 keep:
  outfile_flush() ;  /* the lines it spans are about to move */
  if (s > r->buf)
  {
    memmove(r->buf, s, end - s) ;
    r->len = end - s ;
  }
}

/* The lines of r's buffer; when the run that wrote them has ended and
   nothing of it is left in the pipe, its last line too, newline or not:
   the next run's lines start lines of their own. */
static void relay_emit (relay_t *r)
{
  int over = r->owing && !r->owed ;
  relay_lines(r, over) ;
  if (over && !r->len) r->owing = 0 ;
}

/* what can be read now: no more than the ended run still owes, until its
   last line has gone */
static size_t relay_room (relay_t const *r)
{
  size_t room = RELAY_BUF - r->len ;
  return r->owing && r->owed < room ? r->owed : room ;
}

int relay_wants_read (relay_t const *r)
{
  return r->rfd >= 0 && relay_room(r) ;
}

void relay_resume (void)
{
  render_stamp() ;
  for (unsigned int i = 0 ; i < 4 ; i++)
    if (relay[i].stuck)
    {
      relay_emit(&relay[i]) ;
      relay_flush(&relay[i]) ;
    }
  /* drained after drops, and no line came to carry the count */
  for (unsigned int i = 0 ; i < 2 ; i++)
    if (sink[i].dropped && !sink[i].len && !sink[i].broken)
    {
      char note[DROPNOTE_MAX] ;
      size_t n = dropnote(&sink[i], note) ;
      render_out(&sink[i], note, n, 1, 0, 1) ;
      sink[i].dropped = 0 ;
      sink_flush(&sink[i]) ;
    }
}

void relay_deadline (tain *d)
{
  for (unsigned int i = 0 ; i < 4 ; i++)
    if (relay[i].stuck)
    {
      tain t ;
      tain_from_millisecs(&t, STALL_MS) ;
      tain_add(&t, &relay[i].sink->progress, &t) ;
      if (tain_less(&t, d)) *d = t ;
    }
}

/* lines read from elsewhere (log_file): buf holds r->len + n bytes now */
void relay_take (relay_t *r, size_t n)
{
  r->len += n ;
  if (r->owing) r->owed -= n < r->owed ? n : r->owed ;
  relay_emit(r) ;
}

void relay_flush (relay_t *r)
{
  outfile_flush() ;
  if (!r->sink->blocked) sink_flush(r->sink) ;
}

/* 1 read something, 0 nothing there now, -1 the end (or an error) */
static int relay_turn (relay_t *r, size_t budget)
{
  int result = 0 ;
  render_stamp() ;
  while (budget)
  {
    ssize_t n ;
    size_t room = relay_room(r) ;
    if (!room) break ;  /* its lines wait for the console, or an ended run's last line does */
    n = read(r->rfd, r->buf + r->len, room) ;
    if (n < 0 && errno == EINTR) continue ;
    if (n <= 0) { if (n == 0 || errno != EAGAIN) result = -1 ; break ; }
    result = 1 ;
    relay_take(r, n) ;
    budget -= (size_t)n < budget ? (size_t)n : budget ;
  }
  relay_flush(r) ;
  return result ;
}

int relay_read (relay_t *r)
{
  return relay_turn(r, RELAY_TURN) ;
}

/* The service exited: what it left in its pipes (all it wrote: its
   leftover processes may write more, later) goes as the console takes it,
   then its unfinished last lines. */
void relay_run_over (void)
{
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    relay_t *r = &relay[i] ;
    int n = 0 ;
    if (r->rfd < 0) continue ;
    if (ioctl(r->rfd, FIONREAD, &n) < 0 || n < 0) n = 0 ;
    r->owing = 1 ;
    r->owed = n ;
    relay_turn(r, DRAIN_MAX) ;
    if (r->owing && !r->owed) { relay_emit(r) ; relay_flush(r) ; }
  }
}

/* the supervisor exits: what is in its pipes, at most DRAIN_MAX, and the
   unfinished lines */
void relay_drain (void)
{
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    relay[i].owing = 0 ;
    relay_turn(&relay[i], DRAIN_MAX) ;
    relay_lines(&relay[i], 1) ;
    relay_flush(&relay[i]) ;
  }
}

/* the end of a source that is not a pipe of ours: its last line goes */
void relay_finish (relay_t *r)
{
  relay_lines(r, 1) ;
  relay_flush(r) ;
}

/* ---- pty: the service's terminal; its stdout and stderr are one stream ---- */

/* ptsname_r, without the printf it brings into a static musl program */
static int pty_name (int fd, char *slave, size_t max)
{
  unsigned int n ;
  if (ioctl(fd, TIOCGPTN, &n) < 0 || max < 10 + UINT_FMT) return 0 ;
  memcpy(slave, "/dev/pts/", 9) ;
  slave[9 + uint_fmt(slave + 9, n)] = 0 ;
  return 1 ;
}

int relay_pty_open (char *slave, size_t max)
{
  relay_t *r = &relay[3] ;
  struct termios t ;
  int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  if (grantpt(fd) < 0 || unlockpt(fd) < 0 || !pty_name(fd, slave, max)) { close(fd) ; return -1 ; }
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
  r->len = 0 ;
  r->cont = 0 ;
  return fd ;
}

/* 1 read something, 0 nothing now, -1 the end (EIO: no one has the
   terminal open any more) */
int relay_pty_read (void)
{
  return relay_turn(&relay[3], RELAY_TURN) ;
}

void relay_pty_close (void)
{
  relay_t *r = &relay[3] ;
  if (r->rfd < 0) return ;
  relay_turn(r, DRAIN_MAX) ;
  relay_finish(r) ;
  close(r->rfd) ;
  r->rfd = -1 ;
}

void relay_init (relay_t *r, char const *fds)
{
  r->len = 0 ;
  r->cont = 0 ;
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
  fcntl(r->rfd, F_SETPIPE_SZ, PIPE_SIZE) ;
}
