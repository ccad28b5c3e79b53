/* lines N [LEN]: N lines of LEN bytes (newline included, default 100) on
   stdout, in 64 KiB writes, each starting with its 10-digit number. Fast,
   so that the benchmark measures the relay, not this. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main (int argc, char **argv)
{
  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 1000000 ;
  size_t len = argc > 2 ? strtoul(argv[2], 0, 10) : 100 ;
  static char buf[65536] ;
  char line[4096] ;
  size_t used = 0 ;
  if (len < 12 || len > sizeof(line)) return 100 ;
  memset(line, '0', 10) ;
  line[10] = ' ' ;
  memset(line + 11, 'x', len - 12) ;
  line[len - 1] = '\n' ;
  for (unsigned long i = 0 ; i < n ; i++)
  {
    if (used + len > sizeof(buf))
    {
      if (write(1, buf, used) != (ssize_t)used) return 111 ;
      used = 0 ;
    }
    memcpy(buf + used, line, len) ;
    used += len ;
    for (int d = 9 ; d >= 0 && ++line[d] > '9' ; d--) line[d] = '0' ;
  }
  if (used && write(1, buf, used) != (ssize_t)used) return 111 ;
  return 0 ;
}
