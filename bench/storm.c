/* ISC license. */
/* The zombie storm: N orphans of a vanished parent all exit at once, so that
   PID 1 has N zombies to reap. Prints nothing; exits when they are released.
   usage: storm N */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
int main (int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 2000 ;
  int p[2] ;
  char c ;
  pid_t mid ;
  if (pipe(p) < 0) return 111 ;
  mid = fork() ;
  if (mid < 0) return 111 ;
  if (!mid)
  {
    close(p[1]) ;
    for (int i = 0 ; i < n ; i++)
    {
      pid_t pid = fork() ;
      if (pid < 0) _exit(111) ;
      if (!pid) { while (read(p[0], &c, 1) > 0) ; _exit(0) ; }  /* exits at EOF */
    }
    _exit(0) ;  /* the children are orphans now */
  }
  close(p[0]) ;
  waitpid(mid, 0, 0) ;
  usleep(200000) ;      /* let every orphan be reparented and blocked in read */
  if (write(1, "go\n", 3) < 0) return 111 ;
  close(p[1]) ;         /* EOF: all of them exit at once */
  return 0 ;
}
