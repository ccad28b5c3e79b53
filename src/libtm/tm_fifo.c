/* ISC license. */

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>

#include "tm.h"

int tm_mkfifo (char const *path, mode_t mode)
{
  struct stat sb ;
  if (mkfifo(path, mode) == 0) return 1 ;
  if (errno != EEXIST) return 0 ;
  if (stat(path, &sb) < 0) return 0 ;
  if (!S_ISFIFO(sb.st_mode)) return (errno = EEXIST, 0) ;
  return 1 ;
}

int tm_control_write (char const *fifo, char const *s, size_t len)
{
  ssize_t w ;
  int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) return errno == ENXIO || errno == ENOENT ? 0 : -1 ;
  w = fd_write(fd, s, len) ;
  fd_close(fd) ;
  if (w < 0) return errno == EPIPE ? 0 : -1 ;
  if ((size_t)w < len) return (errno = EAGAIN, -1) ;
  return 1 ;
}
