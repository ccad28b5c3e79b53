/* ISC license. */

/* The services we depend on, and those that depend on us. We learn of their
   state changes from a FIFO each in their event/ fifodir (no inotify: its
   instances are scarce), and read their status files. */

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
