/* ISC license. */

/* The services we depend on, and those that depend on us. We learn of their
   state changes from a FIFO each in their event/ fifodir (no inotify: its
   instances are scarce), and read their status files; what the automaton
   asks about them (fx_deps, fx_dependents_down) is answered here. */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "sv.h"

char const *scandir_prefix = "" ;
peers_t deps, dependents ;

/* SCANDIR/NAME/FILE in a buffer sized once, at the first call (start-up):
   a name is at most TM_NAME_MAX, a file below it at most PEER_FILE_MAX */
#define PEER_FILE_MAX 64
static char *peer_path (char const *name, char const *file)
{
  static char *buf = 0 ;
  size_t a = strlen(scandir_prefix), b = strlen(name), c = strlen(file) ;
  if (!buf && !(buf = malloc(a + TM_NAME_MAX + PEER_FILE_MAX + 2))) return 0 ;
  if (b > TM_NAME_MAX || c >= PEER_FILE_MAX) return 0 ;
  memcpy(buf, scandir_prefix, a) ;
  memcpy(buf + a, name, b) ;
  buf[a + b] = '/' ;
  memcpy(buf + a + b + 1, file, c + 1) ;
  return buf ;
}

char const *svscan_file (char const *file)
{
  return peer_path(".tm-svscan", file) ;
}

void peers_free (peers_t *ps)
{
  for (unsigned int i = 0 ; i < ps->n ; i++)
  {
    free(ps->p[i].name) ;
    free(ps->p[i].fifo) ;
  }
  free(ps->p) ;
  ps->p = 0 ;
  ps->n = 0 ;
}

static int peer_add (peers_t *ps, char const *listdir, char const *name, int with_wait)
{
  peer_t *p ;
  peer_t *grown = realloc(ps->p, (ps->n + 1) * sizeof(peer_t)) ;
  if (!grown) return 0 ;
  ps->p = grown ;
  p = ps->p + ps->n ;
  p->name = strdup(name) ;
  p->fifo = malloc(PATH_MAX) ;
  if (!p->name || !p->fifo) { free(p->name) ; free(p->fifo) ; return 0 ; }
  ps->n++ ;
  p->fd = -1 ;
  p->wait_ms = 0 ;
  if (with_wait)
  {
    size_t ll = strlen(listdir), nl = strlen(name) ;
    char file[ll + nl + 2] ;
    memcpy(file, listdir, ll) ;
    file[ll] = '/' ;
    memcpy(file + ll + 1, name, nl + 1) ;
    if (tm_svfile_uint(file, &p->wait_ms) < 0) p->wait_ms = 0 ;
  }
  return 1 ;
}

int peers_read (peers_t *ps, char const *listdir, int with_wait)
{
  DIR *d = opendir(listdir) ;
  struct dirent *e ;
  ps->p = 0 ;
  ps->n = 0 ;
  if (!d) return errno == ENOENT ;
  for (;;)
  {
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (e->d_name[0] == '.') continue ;
    if (!peer_add(ps, listdir, e->d_name, with_wait)) break ;
  }
  if (errno)
  {
    int saved = errno ;
    closedir(d) ;
    peers_free(ps) ;
    errno = saved ;
    return 0 ;
  }
  closedir(d) ;
  return 1 ;
}

void peers_subscribe (peers_t *ps)
{
  for (unsigned int i = 0 ; i < ps->n ; i++)
  {
    peer_t *p = ps->p + i ;
    char const *dir ;
    if (p->fd >= 0) continue ;
    dir = peer_path(p->name, "event") ;
    if (dir) p->fd = tm_fifodir_listen(dir, p->fifo, PATH_MAX) ;
  }
}

void peers_unsubscribe (peers_t *ps)
{
  for (unsigned int i = 0 ; i < ps->n ; i++)
  {
    peer_t *p = ps->p + i ;
    if (p->fd < 0) continue ;
    close(p->fd) ;
    unlink(p->fifo) ;
    p->fd = -1 ;
  }
}

int peers_drain (peers_t *ps, unsigned int i)
{
  char buf[64] ;
  int any = 0 ;
  if (ps->p[i].fd < 0) return 0 ;
  while (read(ps->p[i].fd, buf, sizeof(buf)) > 0) any = 1 ;
  return any ;
}

int peer_status (peer_t const *p, tm_status_t *s)
{
  char const *file = peer_path(p->name, "supervise/status") ;
  return file && tm_status_read(file, s) > 0 ;
}

/* ---- the automaton's questions about them (its fx_ effects) ---- */

/* Ready, or done: a oneshot that exited 0, and also a longrun that exited 0
   and is not restarted (the seed's configs run migrations that way) */
static int dep_ready (tm_status_t const *s)
{
  if (s->state == TM_RUNNING) return s->ready ;
  return s->state == TM_STOPPED && s->want && !s->exit_code && !s->exit_signal ;
}

/* ms left of wait, after something that happened at wall-clock ms since:
   a step of the wall clock never makes it longer than wait */
static unsigned int left_of (unsigned int wait, uint64_t since, uint64_t now)
{
  uint64_t past = now > since ? now - since : 0 ;
  return past >= wait ? 0 : wait - past ;
}

int fx_deps (char const **why, unsigned int *wait)
{
  uint64_t now = tm_wallclock_ms() ;
  *wait = deps.n ? 0 : left_of(conf.wait_after, 0, ms_since(&sup_start)) ;
  for (unsigned int i = 0 ; i < deps.n ; i++)
  {
    tm_status_t s ;
    unsigned int left ;
    *why = deps.p[i].name ;
    if (!peer_status(deps.p + i, &s)) return 0 ;
    if (s.state == TM_FAILED) return -1 ;
    if (!dep_ready(&s)) return 0 ;
    left = left_of(deps.p[i].wait_ms, s.since, now) ;
    if (left > *wait) *wait = left ;
  }
  return 1 ;
}

void fx_deps_watch (int on)
{
  if (on) peers_subscribe(&deps) ;
  else peers_unsubscribe(&deps) ;
}

/* A reload may have given us new dependents since we started: the list is
   read again when the shutdown starts (not steady state any more); on
   failure, the old one stays. */
static void dependents_reread (void)
{
  static int done = 0 ;
  peers_t fresh ;
  if (done) return ;
  done = 1 ;
  if (!peers_read(&fresh, "dependents.d", 0))
  {
    strerr_warnwu1sys("read dependents.d again") ;
    return ;
  }
  peers_unsubscribe(&dependents) ;
  peers_free(&dependents) ;
  dependents = fresh ;
}

int fx_dependents_down (void)
{
  dependents_reread() ;
  for (unsigned int i = 0 ; i < dependents.n ; i++)
  {
    tm_status_t s ;
    if (peer_status(dependents.p + i, &s) && s.pid) return 0 ;
  }
  return 1 ;
}

void fx_dependents_watch (int on)
{
  if (on) peers_subscribe(&dependents) ;
  else peers_unsubscribe(&dependents) ;
}
