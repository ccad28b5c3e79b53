/* ISC license. */

/* Event fifodirs, in the manner of s6's ftrig: a listener makes a FIFO in
   the directory, a notifier writes one byte to every FIFO there. The
   notifier reads the directory with getdents64 into a stack buffer so that
   a supervisor notifies without allocating. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>

#include "tm.h"

int tm_fifodir_make (char const *dir, gid_t gid)
{
  if (mkdir(dir, 0700) < 0)
  {
    struct stat sb ;
    if (errno != EEXIST || stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) return 0 ;
  }
  if (gid != (gid_t)-1 && chown(dir, -1, gid) < 0) return 0 ;
  return chmod(dir, 03730) == 0 ;
}


/* Others (a [control] group) may write the directory: an entry is written
   to only if it is a listener's FIFO. It must be a FIFO with one link (not
   an alias of a FIFO elsewhere), made by root or by a member of the
   directory's group (the set-gid directory gives its group to what is
   made in it). That is checked before the open, which neither follows a
   symlink nor waits nor takes a terminal, and again on the open fd. */
static int is_listener (struct stat const *sb, gid_t gid)
{
  return S_ISFIFO(sb->st_mode) && sb->st_nlink == 1 && (!sb->st_uid || sb->st_gid == gid) ;
}

static void notify_one (int dfd, char const *name, gid_t gid, char byte)
{
  struct stat before, after ;
  int fd ;
  if (fstatat(dfd, name, &before, AT_SYMLINK_NOFOLLOW) < 0 || !is_listener(&before, gid)) return ;
  fd = openat(dfd, name, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno == ENXIO) unlinkat(dfd, name, 0) ;  /* its listener is gone */
    return ;
  }
  if (!fstat(fd, &after) && after.st_dev == before.st_dev && after.st_ino == before.st_ino && is_listener(&after, gid)
   && write(fd, &byte, 1) < 0 && errno == EPIPE)
    unlinkat(dfd, name, 0) ;
  close(fd) ;
}

typedef struct notify_s notify_t ;
struct notify_s
{
  int dfd ;
  gid_t gid ;
  char byte ;
} ;

static void notify_entry (char const *name, unsigned char type, void *arg)
{
  notify_t const *n = arg ;
  if (name[0] == '.') return ;
  if (type != DT_FIFO && type != DT_UNKNOWN) return ;
  notify_one(n->dfd, name, n->gid, n->byte) ;
}

void tm_fifodir_notify (char const *dir, char byte)
{
  char buf[512] ;  /* small: a supervisor notifies at every change, its stack stays shallow */
  struct stat sb ;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) ;
  if (dfd < 0) return ;
  if (fstat(dfd, &sb) < 0) { close(dfd) ; return ; }
  {
    notify_t n = { .dfd = dfd, .gid = sb.st_gid, .byte = byte } ;
    tm_dir_each(dfd, buf, sizeof(buf), &notify_entry, &n) ;
  }
  close(dfd) ;
}

int tm_fifodir_listen (char const *dir, char *fifo, size_t fifomax)
{
  static unsigned int counter = 0 ;
  size_t dirlen = strlen(dir) ;
  char tmp[dirlen + 40] ;
  if (dirlen + 40 > fifomax) return (errno = ENAMETOOLONG, -1) ;
  for (int tries = 0 ; tries < 100 ; tries++)
  {
    size_t n = dirlen ;
    int fd ;
    memcpy(tmp, dir, dirlen) ;
    memcpy(tmp + n, "/.ev", 4) ; n += 4 ;
    n += pid_fmt(tmp + n, getpid()) ;
    tmp[n++] = '-' ;
    n += uint_fmt(tmp + n, counter++) ;
    tmp[n] = 0 ;
    if (mkfifo(tmp, 0600) < 0)
    {
      if (errno == EEXIST) continue ;
      return -1 ;
    }
    /* read-write: the FIFO never reports EOF when a notifier closes it */
    fd = open(tmp, O_RDWR | O_NONBLOCK | O_CLOEXEC) ;
    if (fd < 0) { unlink(tmp) ; return -1 ; }
    memcpy(fifo, tmp, dirlen + 1) ;
    memcpy(fifo + dirlen + 1, tmp + dirlen + 2, n - dirlen - 1) ;  /* drop the dot */
    if (rename(tmp, fifo) < 0) { close(fd) ; unlink(tmp) ; return -1 ; }
    return fd ;
  }
  return (errno = EEXIST, -1) ;
}
