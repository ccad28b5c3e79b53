/* ISC license. */
/* The benchmark's service: says its arguments on stdout, a line each,
   then does nothing until a signal ends it. */
#include <string.h>
#include <unistd.h>
int main (int argc, char **argv)
{
  for (int i = 1 ; i < argc ; i++)
  {
    size_t n = strlen(argv[i]) ;
    argv[i][n] = '\n' ;
    if (write(1, argv[i], n + 1) < 0) break ;
  }
  for (;;) pause() ;
}
