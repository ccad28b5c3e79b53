/* ISC license. */

/* Lock files (supervise/lock, .tm-svscan/lock) are root's alone: whoever
   can open one can hold a shared lock on it, and a supervisor that finds
   its lock held believes another one runs. Others still learn who holds
   it, from /proc/locks. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm.h"

int tm_lock_open (char const *path)
{
  struct stat sb ;
  int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600) ;
  if (fd < 0) return -1 ;
  if (fstat(fd, &sb) < 0) goto err ;
  if (!S_ISREG(sb.st_mode)) { errno = EINVAL ; goto err ; }
  /* one left by an older version, or made by hand: fixed on the fd */
  if ((sb.st_uid != geteuid() || sb.st_gid != getegid()) && fchown(fd, geteuid(), getegid()) < 0) goto err ;
  if ((sb.st_mode & 07777) != 0600 && fchmod(fd, 0600) < 0) goto err ;
  return fd ;
 err:
  {
    int e = errno ;
    close(fd) ;
    errno = e ;
  }
  return -1 ;
}

/* the pid in one line of /proc/locks if it is a POSIX lock held on (dev,
   ino): "1: POSIX  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"; a waiter's line
   has "->" for its second field */
static pid_t lock_line_holder (char *line, dev_t dev, ino_t ino)
{
  char *field[6], *save = 0, *end ;
  unsigned long pid, maj, min ;
  unsigned long long i ;
  for (unsigned int k = 0 ; k < 6 ; k++)
    if (!(field[k] = strtok_r(k ? 0 : line, " \t", &save))) return 0 ;
  if (strcmp(field[1], "POSIX")) return 0 ;
  pid = strtoul(field[4], &end, 10) ;
  if (*end || !pid || pid > INT_MAX) return 0 ;
  maj = strtoul(field[5], &end, 16) ;
  if (*end != ':') return 0 ;
  min = strtoul(end + 1, &end, 16) ;
  if (*end != ':') return 0 ;
  i = strtoull(end + 1, &end, 10) ;
  if (*end) return 0 ;
  return maj == major(dev) && min == minor(dev) && i == (unsigned long long)ino ? (pid_t)pid : 0 ;
}

/* The holder of a POSIX lock on (dev, ino) in /proc/locks, whose pids are
   those of the pid namespace /proc was mounted for; it lists only the
   locks of processes that namespace can see. */
static pid_t proc_locks_holder (dev_t dev, ino_t ino)
{
  char buf[4096] ;
  size_t len = 0 ;
  pid_t holder = 0 ;
  int fd = open("/proc/locks", O_RDONLY | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  while (!holder)
  {
    char *line = buf, *nl ;
    ssize_t r = read(fd, buf + len, sizeof(buf) - len) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) break ;
    len += r ;
    while (!holder && (nl = memchr(line, '\n', buf + len - line)))
    {
      *nl = 0 ;
      holder = lock_line_holder(line, dev, ino) ;
      line = nl + 1 ;
    }
    len -= line - buf ;
    memmove(buf, line, len) ;
    if (len == sizeof(buf)) len = 0 ;  /* no lock's line is that long */
  }
  close(fd) ;
  return holder ;
}

pid_t tm_lock_holder (char const *path)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 } ;
  struct stat sb ;
  int r ;
  int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno != EACCES || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) return 0 ;
    return proc_locks_holder(sb.st_dev, sb.st_ino) ;
  }
  r = fcntl(fd, F_GETLK, &fl) ;
  close(fd) ;
  return r < 0 || fl.l_type == F_UNLCK ? 0 : fl.l_pid ;
}
