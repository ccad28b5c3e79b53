/* ISC license. */

/* Event fifodirs, in the manner of s6's ftrig: a listener makes a FIFO in
   the directory, a notifier writes one byte to every FIFO there. The
   notifier reads the directory with getdents64 into a stack buffer so that
   a supervisor notifies without allocating. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

struct linux_dirent64
{
  uint64_t d_ino ;
  int64_t d_off ;
  unsigned short d_reclen ;
  unsigned char d_type ;
  char d_name[] ;
} ;

void tm_fifodir_notify (char const *dir, char byte)
{
  char buf[2048] ;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (dfd < 0) return ;
  for (;;)
  {
    long r = syscall(SYS_getdents64, dfd, buf, sizeof(buf)) ;
    if (r <= 0) break ;
    for (long off = 0 ; off < r ; )
    {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off) ;
      off += d->d_reclen ;
      if (d->d_name[0] == '.') continue ;
      int fd = openat(dfd, d->d_name, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
      if (fd < 0)
      {
        if (errno == ENXIO) unlinkat(dfd, d->d_name, 0) ;
        continue ;
      }
      if (write(fd, &byte, 1) < 0 && errno == EPIPE) unlinkat(dfd, d->d_name, 0) ;
      close(fd) ;
    }
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
