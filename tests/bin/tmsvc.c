/* ISC license. */

/* A tiny service for the static release's test, built there with musl-gcc
   -static: the root it runs in has no libc and no shell.
     tmsvc print LINE...     print the lines, then run until SIGTERM (exit 0)
     tmsvc id                print "uid=U gid=G groups=N", then run
     tmsvc listen PORT       accept TCP connections on 127.0.0.1:PORT
     tmsvc exit CODE         exit with CODE at once */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_term (int sig)
{
  (void)sig ;
  _exit(0) ;
}

static void run (void)
{
  signal(SIGTERM, on_term) ;
  for (;;) pause() ;
}

int main (int argc, char **argv)
{
  if (argc < 2) return 100 ;
  signal(SIGTERM, on_term) ;
  if (!strcmp(argv[1], "print"))
  {
    for (int i = 2 ; i < argc ; i++) printf("%s\n", argv[i]) ;
    fflush(stdout) ;
    run() ;
  }
  if (!strcmp(argv[1], "id"))
  {
    printf("uid=%u gid=%u groups=%d\n", (unsigned)getuid(), (unsigned)getgid(), getgroups(0, 0)) ;
    fflush(stdout) ;
    run() ;
  }
  if (!strcmp(argv[1], "listen") && argc > 2)
  {
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) } ;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0) ;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK) ;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) { perror("tmsvc: listen") ; return 111 ; }
    printf("listening on 127.0.0.1:%s\n", argv[2]) ;
    fflush(stdout) ;
    for (;;) { int c = accept(fd, 0, 0) ; if (c >= 0) close(c) ; }
  }
  if (!strcmp(argv[1], "exit") && argc > 2) return atoi(argv[2]) ;
  return 100 ;
}
