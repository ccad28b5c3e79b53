/* ISC license. */
/* The client benchmark: runs a command N times, one after the other, each
   spawned with posix_spawn (vfork: the harness adds no copy of itself),
   its stdout to /dev/null, and waited for; prints the median and the minimum wall time in ms.
   usage: spawn N PAUSE_MS PROG ARGS...   (PAUSE_MS between runs, not timed)
   A run that fails (non-zero exit) makes it exit 1. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
extern char **environ ;
static int cmp (void const *a, void const *b)
{
  double x = *(double const *)a, y = *(double const *)b ;
  return x < y ? -1 : x > y ;
}
int main (int argc, char **argv)
{
  int n = argc > 3 ? atoi(argv[1]) : 0, pause_ms = argc > 3 ? atoi(argv[2]) : 0 ;
  double *t ;
  posix_spawn_file_actions_t fa ;
  if (n <= 0) { fprintf(stderr, "usage: spawn N PAUSE_MS PROG ARGS...\n") ; return 100 ; }
  t = calloc(n, sizeof(double)) ;
  if (!t || posix_spawn_file_actions_init(&fa) || posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) return 111 ;
  for (int i = 0 ; i < n ; i++)
  {
    struct timespec a, b ;
    pid_t pid ;
    int w ;
    if (pause_ms) { struct timespec p = { pause_ms / 1000, (pause_ms % 1000) * 1000000L } ; nanosleep(&p, 0) ; }
    clock_gettime(CLOCK_MONOTONIC, &a) ;
    if (posix_spawn(&pid, argv[3], &fa, 0, argv + 3, environ)) { perror("spawn") ; return 111 ; }
    if (waitpid(pid, &w, 0) < 0) return 111 ;
    clock_gettime(CLOCK_MONOTONIC, &b) ;
    if (!WIFEXITED(w) || WEXITSTATUS(w)) { fprintf(stderr, "spawn: %s failed (run %d)\n", argv[3], i) ; return 1 ; }
    t[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6 ;
  }
  qsort(t, n, sizeof(double), cmp) ;
  printf("%.3f %.3f\n", t[n / 2], t[0]) ;
  return 0 ;
}
