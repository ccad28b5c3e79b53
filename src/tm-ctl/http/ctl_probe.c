/* ISC license. */

/* tm-ctl probe http URL | tcp HOST:PORT: one health probe, for the
   health/check scripts tm-ctl compile writes. Exit 0 healthy, 1 not.
   tm-supervise bounds it with the healthcheck's timeout. Without the URL
   or HOST:PORT, $TM_PROBE_TARGET gives it: the compiled scripts leave it
   out of the arguments, which anyone may read in /proc while it runs. */

#include <sys/socket.h>
#include <netdb.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tm_svdir.h"
#include "http.h"

/* host and port of "HOST:PORT" or "[V6]:PORT"; 1 ok */
static int split_hostport (char const *s, size_t len, char *host, size_t hmax, char *port, size_t pmax)
{
  char const *colon ;
  size_t hl ;
  if (len && s[0] == '[')
  {
    char const *end = memchr(s, ']', len) ;
    if (!end || end + 1 >= s + len || end[1] != ':') return 0 ;
    hl = end - s - 1 ;
    if (hl >= hmax) return 0 ;
    memcpy(host, s + 1, hl) ;
    colon = end + 1 ;
  }
  else
  {
    colon = s + len ;
    while (colon > s && colon[-1] != ':') colon-- ;
    if (colon == s) return 0 ;
    colon-- ;
    hl = colon - s ;
    if (hl >= hmax) return 0 ;
    memcpy(host, s, hl) ;
  }
  host[hl] = 0 ;
  if ((size_t)(s + len - colon - 1) >= pmax || colon + 1 == s + len) return 0 ;
  memcpy(port, colon + 1, s + len - colon - 1) ;
  port[s + len - colon - 1] = 0 ;
  return 1 ;
}

static int dial (char const *host, char const *port)
{
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV } ;
  struct addrinfo *res, *ai ;
  int fd = -1 ;
  if (!strcmp(host, "localhost")) host = "127.0.0.1" ;  /* no resolver needed */
  if (getaddrinfo(host, port, &hints, &res)) { ctl_warnf("probe: cannot resolve %s", host) ; return -1 ; }
  for (ai = res ; ai ; ai = ai->ai_next)
  {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol) ;
    if (fd < 0) continue ;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break ;
    close(fd) ;
    fd = -1 ;
  }
  freeaddrinfo(res) ;
  if (fd < 0) ctl_warnf("probe: cannot connect to %s port %s: %s", host, port, strerror(errno)) ;
  return fd ;
}

static int probe_tcp (char const *target)
{
  char host[256], port[16] ;
  int fd ;
  if (!split_hostport(target, strlen(target), host, sizeof(host), port, sizeof(port)))
    ctl_die(CTL_EX_USAGE, "probe tcp needs HOST:PORT, got ", target, 0) ;
  fd = dial(host, port) ;
  if (fd < 0) return CTL_EX_FALSE ;
  close(fd) ;
  return CTL_EX_OK ;
}

#define HEAD_MAX 4096
#define RESPONSE_MAX (1 << 20)

/* the value of Content-Length in a response head, -1 when absent */
static long long content_length (char const *head)
{
  for (char const *p = strchr(head, '\n') ; p ; p = strchr(p, '\n'))
  {
    p++ ;
    if (!strncasecmp(p, "Content-Length:", 15))
    {
      char *end ;
      long long n = strtoll(p + 15, &end, 10) ;
      return end == p + 15 || n < 0 ? -1 : n ;
    }
  }
  return -1 ;
}

/* Reads the whole response into nothing but its head, up to the end of
   its body (Content-Length) or the server's close, at most RESPONSE_MAX
   bytes: a client that closes with data still unread resets the
   connection, and servers log that (Python's http.server prints a
   traceback per probe). The healthcheck's timeout bounds it in time: the
   supervisor kills the probe. The head, NUL-terminated, in head. */
static void read_response (int fd, char *head)
{
  char buf[4096] ;
  size_t hlen = 0, total = 0 ;
  long long body = -1, want = -1 ;
  while (total < RESPONSE_MAX && (want < 0 || body < want))
  {
    ssize_t r = read(fd, buf, sizeof(buf)) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) break ;
    total += r ;
    if (body >= 0) { body += r ; continue ; }
    {
      size_t n = (size_t)r < HEAD_MAX - 1 - hlen ? (size_t)r : HEAD_MAX - 1 - hlen ;
      char *end ;
      memcpy(head + hlen, buf, n) ;
      hlen += n ;
      head[hlen] = 0 ;
      end = strstr(head, "\r\n\r\n") ;
      if (end) end += 4 ;
      else if ((end = strstr(head, "\n\n"))) end += 2 ;
      if (!end) continue ;  /* a head too long for us is read to the end too */
      want = content_length(head) ;
      body = hlen - (end - head) + (r - n) ;
      *end = 0 ;
    }
  }
  head[hlen] = 0 ;
}

/* the status code of "HTTP/1.1 200 OK", or -1 if the head is no response */
static int status_code (char const *head)
{
  char const *p = head + 5 ;
  int code = 0 ;
  if (strncmp(head, "HTTP/", 5)) return -1 ;
  p += strspn(p, "0123456789") ;
  if (*p == '.') p += 1 + strspn(p + 1, "0123456789") ;
  if (*p != ' ') return -1 ;
  p += strspn(p, " ") ;
  if (strspn(p, "0123456789") != 3) return -1 ;
  for (int i = 0 ; i < 3 ; i++) code = code * 10 + (p[i] - '0') ;
  return code ;
}

/* GET the URL; 2xx and 3xx are healthy */
static int probe_http (char const *url)
{
  char host[256], port[16] = "80", req[2048], head[HEAD_MAX] ;
  char const *auth, *path ;
  size_t alen ;
  int fd, code ;
  if (strncmp(url, "http://", 7)) ctl_die(CTL_EX_USAGE, "probe http needs an http:// URL, got ", url, 0) ;
  auth = url + 7 ;
  path = strchr(auth, '/') ;
  alen = path ? (size_t)(path - auth) : strlen(auth) ;
  if (!path) path = "/" ;
  if (!split_hostport(auth, alen, host, sizeof(host), port, sizeof(port)))
  {
    if (alen >= sizeof(host)) ctl_die(CTL_EX_USAGE, "host too long in ", url, 0) ;
    memcpy(host, auth, alen) ;
    host[alen] = 0 ;
    strcpy(port, "80") ;
  }
  if ((size_t)snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %.*s\r\nUser-Agent: tm-ctl probe\r\nConnection: close\r\n\r\n", path, (int)alen, auth) >= sizeof(req))
    ctl_die(CTL_EX_USAGE, "URL too long: ", url, 0) ;
  fd = dial(host, port) ;
  if (fd < 0) return CTL_EX_FALSE ;
  if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) { close(fd) ; return CTL_EX_FALSE ; }
  read_response(fd, head) ;
  close(fd) ;
  code = status_code(head) ;
  if (code < 0) { ctl_warnf("probe: %s: not an HTTP response", url) ; return CTL_EX_FALSE ; }
  if (code < 200 || code > 399) { ctl_warnf("probe: %s: HTTP %d", url, code) ; return CTL_EX_FALSE ; }
  return CTL_EX_OK ;
}

int ctl_probe (ctl_args_t const *a)
{
  char const *target = a->nnames == 2 ? a->names[1] : getenv(TM_PROBE_TARGET) ;
  if (a->nnames < 1 || a->nnames > 2 || !target || !*target)
    ctl_die(CTL_EX_USAGE, "probe needs: http URL, or tcp HOST:PORT (or either in $" TM_PROBE_TARGET ")", 0, 0) ;
  if (!strcmp(a->names[0], "tcp")) return probe_tcp(target) ;
  if (!strcmp(a->names[0], "http")) return probe_http(target) ;
  ctl_die(CTL_EX_USAGE, "probe kinds are http and tcp, not ", a->names[0], 0) ;
  return CTL_EX_USAGE ;
}
