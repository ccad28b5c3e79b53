/* ISC license. */

/* The console, as the supervisor writes to it: our stdout and stderr, each
   with a bounded backlog. Writes never wait for the console's reader. Each
   write carries whole lines, at most PIPE_BUF bytes to a pipe or a terminal,
   so that lines of different services never mix. When the backlog is full,
   the relay waits (the service's lines stay in its pipe) while the console
   reads, however slowly; once it has taken nothing for STALL_MS, lines that
   do not fit are dropped and counted. Our own messages (strerr) go through
   the same backlog, in order. */

#include <sys/uio.h>
#include <errno.h>
#include <string.h>

#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/tai.h>

#include "sv.h"

/* apart from the small fields: a backlog is touched only as far as it fills */
static char backlog[2][SINK_MAX] BIG ;
sink_t sink[2] = { { .buf = backlog[0] }, { .buf = backlog[1] } } ;

static uint64_t dropped_total = 0 ;

uint64_t sink_dropped_total (void)
{
  return dropped_total ;
}

void sink_drop (sink_t *k)
{
  k->dropped++ ;
  dropped_total++ ;
}

/* n more bytes: 1 they fit, 0 wait for the console, -1 drop them: the
   console has taken nothing for STALL_MS */
int sink_room (sink_t const *k, size_t n)
{
  tain t ;
  if (k->broken) return -1 ;
  if (k->len + n <= SINK_MAX) return 1 ;
  tain_from_millisecs(&t, STALL_MS) ;
  tain_add(&t, &k->progress, &t) ;
  return tain_less(&STAMP, &t) ? 0 : -1 ;
}

/* n bytes at the end of the backlog; sink_room said they fit */
char *sink_reserve (sink_t *k, size_t n)
{
  char *p = k->buf + k->len ;
  k->len += n ;
  return p ;
}

/* Batches go out in bursts, several writes back to back: the console's
   reader, woken by the first, finds the others there too. Whatever is left
   goes at the end of the loop turn (relay_flush). */
void sink_wrote (sink_t *k)
{
  if (!k->blocked && k->len >= SINK_MAX / 2) sink_flush(k) ;
}

void sink_put (sink_t *k, char const *s, size_t n)
{
  if (sink_room(k, n) <= 0) { sink_drop(k) ; return ; }
  memcpy(sink_reserve(k, n), s, n) ;
}

/* the longest run of whole lines from the start that one write may carry */
static size_t chunk (char const *s, size_t len, size_t atom)
{
  size_t n = len < atom ? len : atom ;
  char const *nl ;
  if (n == len && s[n - 1] == '\n') return n ;
  for (nl = s + n ; nl > s && nl[-1] != '\n' ; nl--) ;
  return nl > s ? (size_t)(nl - s) : n ;
}

/* 1 all written, 0 the console would wait (then poll it for writing) */
int sink_flush (sink_t *k)
{
  size_t done = 0 ;
  while (done < k->len)
  {
    size_t n = chunk(k->buf + done, k->len - done, k->con.atom) ;
    ssize_t w = tm_console_write(&k->con, k->buf + done, n) ;
    if (w < 0 && errno == EAGAIN) break ;
    if (w < 0)
    {
      /* lost; a console whose reader is gone is not written to again */
      if (errno == EPIPE || errno == EIO || errno == EBADF) k->broken = 1 ;
      sink_drop(k) ;
      w = n ;
    }
    done += w ;
  }
  if (done)
  {
    memmove(k->buf, k->buf + done, k->len - done) ;
    k->len -= done ;
  }
  if (done || !k->blocked) k->progress = STAMP ;
  k->blocked = !!k->len ;
  return !k->len ;
}

/* strerr's output, that is our own messages, into the stderr backlog */
static ssize_t stderr_op (int fd, struct iovec const *v, unsigned int n)
{
  sink_t *k = &sink[1] ;
  size_t total = 0 ;
  (void)fd ;
  for (unsigned int i = 0 ; i < n ; i++) total += v[i].iov_len ;
  if (sink_room(k, total) <= 0) sink_drop(k) ;
  else
    for (unsigned int i = 0 ; i < n ; i++)
      if (v[i].iov_len) memcpy(sink_reserve(k, v[i].iov_len), v[i].iov_base, v[i].iov_len) ;
  if (!k->blocked) sink_flush(k) ;
  return total ;
}

void sinks_init (void)
{
  tm_console_init(&sink[0].con, 1) ;
  tm_console_init(&sink[1].con, 2) ;
  buffer_2->op = &stderr_op ;
}
