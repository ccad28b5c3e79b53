/* ISC license. */

/* Directory walking with getdents64 into the caller's buffer: no
   allocation (readdir's DIR is malloc'ed), so that PID 1 and the
   supervisors can scan in their steady state. */

#include <sys/syscall.h>
#include <stdint.h>
#include <unistd.h>

#include "tm.h"

struct linux_dirent64
{
  uint64_t d_ino ;
  int64_t d_off ;
  unsigned short d_reclen ;
  unsigned char d_type ;
  char d_name[] ;
} ;

int tm_dir_each (int fd, char *buf, size_t len, void (*f) (char const *name, unsigned char type, void *arg), void *arg)
{
  for (;;)
  {
    long r = syscall(SYS_getdents64, fd, buf, len) ;
    if (r < 0) return 0 ;
    if (!r) return 1 ;
    for (long off = 0 ; off < r ; )
    {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off) ;
      off += d->d_reclen ;
      (*f)(d->d_name, d->d_type, arg) ;
    }
  }
}
