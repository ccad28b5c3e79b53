/* ISC license. */

/* tm-ctl serve-metrics HOST:PORT: a small HTTP/1.x server for Prometheus,
   container probes and humans. One process, one poll loop, non-blocking
   sockets, and bounds everywhere: MAXCLIENTS connections at once, HEAD_MS
   for the request head to arrive, REQMAX bytes of it, CLIENT_MS for the
   whole exchange, one response per connection. When every slot is taken,
   a new connection takes the slot of the oldest one still waiting for its
   request: idle connections cannot starve the probes that do send one.
   Started as root, it binds, then runs as nobody: it only reads status
   files, which are world-readable. Every response is computed afresh from
   the status files; nothing is cached. */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "tm_userdb.h"

#define MAXCLIENTS 64
#define REQMAX 8192
#define HEAD_MS 2000            /* from the accept to the end of the request head */
#define CLIENT_MS 5000          /* from the accept to the end of the response */
#define DRAIN_MS 1000
#define NOBODY 65534            /* when /etc/passwd has no "nobody" */

typedef struct client_s client_t ;
struct client_s
{
  int fd ;                      /* -1: a free slot */
  char phase ;                  /* 'r' reading the request, 'w' writing the response, 'd' draining before close */
  uint64_t accepted ;
  uint64_t deadline ;
  size_t inlen ;
  char in[REQMAX] ;
  stralloc out ;
  size_t outpos ;
} ;

static client_t clients[MAXCLIENTS] ;
static unsigned int nclients = 0 ;
static char const *sdir ;
static volatile sig_atomic_t stopping = 0 ;

static uint64_t mono_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

/* ---- the listening socket ---- */

/* "127.0.0.1:9100", "0.0.0.0:9100", "[::1]:9100", "::1:9100", "localhost:9100";
   ":9100" is every IPv4 address, as 0.0.0.0:9100 */
static int parse_listen (char const *s, struct sockaddr_storage *ss, socklen_t *sslen)
{
  struct sockaddr_in *in4 = (struct sockaddr_in *)ss ;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss ;
  char host[64] ;
  char const *colon = strrchr(s, ':') ;
  size_t hlen ;
  char *end ;
  unsigned long port ;
  if (!colon || !colon[1]) return 0 ;
  port = strtoul(colon + 1, &end, 10) ;
  if (*end || colon[1] < '0' || colon[1] > '9' || !port || port > 65535) return 0 ;
  hlen = colon - s ;
  if (!hlen) { s = "0.0.0.0" ; hlen = 7 ; }
  else if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') { s++ ; hlen -= 2 ; }
  if (!hlen || hlen >= sizeof(host)) return 0 ;
  memcpy(host, s, hlen) ;
  host[hlen] = 0 ;
  if (!strcmp(host, "localhost")) strcpy(host, "127.0.0.1") ;
  memset(ss, 0, sizeof(*ss)) ;
  if (inet_pton(AF_INET, host, &in4->sin_addr) == 1)
  {
    in4->sin_family = AF_INET ;
    in4->sin_port = htons(port) ;
    *sslen = sizeof(*in4) ;
    return 1 ;
  }
  if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1)
  {
    in6->sin6_family = AF_INET6 ;
    in6->sin6_port = htons(port) ;
    *sslen = sizeof(*in6) ;
    return 1 ;
  }
  return 0 ;
}

static int listen_on (char const *addr)
{
  struct sockaddr_storage ss ;
  socklen_t sslen = 0 ;
  int one = 1, fd ;
  if (!parse_listen(addr, &ss, &sslen))
    ctl_die(CTL_EX_USAGE, "serve-metrics needs HOST:PORT with an IPv4 or IPv6 address (\"127.0.0.1:9100\", \"[::]:9100\", \":9100\"), got ", addr, 0) ;
  fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) ;
  if (fd < 0) ctl_diesys(CTL_EX_SYS, "unable to create a socket", 0) ;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ;
  if (bind(fd, (struct sockaddr *)&ss, sslen) < 0 || listen(fd, SOMAXCONN) < 0)
  {
    char const *e = strerror(errno) ;
    ctl_warnf("fatal: unable to listen on %s: %s", addr, e) ;
    exit(CTL_EX_SYS) ;
  }
  return fd ;
}

/* ---- responses ---- */

static char const *http_reason (int code)
{
  switch (code)
  {
    case 200 : return "OK" ;
    case 400 : return "Bad Request" ;
    case 404 : return "Not Found" ;
    case 405 : return "Method Not Allowed" ;
    case 431 : return "Request Header Fields Too Large" ;
    case 500 : return "Internal Server Error" ;
    case 503 : return "Service Unavailable" ;
    default : return "Unknown" ;
  }
}

static void respond (client_t *c, int code, char const *type, stralloc const *body, int head)
{
  cb_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
    "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
    code, http_reason(code), type, body->len, code == 405 ? "Allow: GET, HEAD\r\n" : "") ;
  if (!head && body->len) cb_cat(&c->out, body->s, body->len) ;
  c->outpos = 0 ;
  c->phase = 'w' ;
  c->deadline = c->accepted + CLIENT_MS ;
}

static void respond_text (client_t *c, int code, char const *text, int head)
{
  stralloc b = STRALLOC_ZERO ;
  cb_cats(&b, text) ;
  respond(c, code, "text/plain; charset=utf-8", &b, head) ;
  free(b.s) ;
}

static int snap (client_t *c, ctl_snap_t *s, int head)
{
  char msg[256] ;
  if (ctl_snap_load(s, sdir, 0)) return 1 ;
  snprintf(msg, sizeof(msg), "unable to read the services in %s: %s\n", sdir, strerror(errno)) ;
  respond_text(c, 500, msg, head) ;
  return 0 ;
}

static void get_metrics (client_t *c, int head)
{
  ctl_snap_t s ;
  stralloc b = STRALLOC_ZERO ;
  if (!snap(c, &s, head)) return ;
  ctl_metrics_fmt(&b, &s) ;
  respond(c, 200, "text/plain; version=0.0.4; charset=utf-8", &b, head) ;
  free(b.s) ;
  ctl_snap_free(&s) ;
}

/* /healthz: the rule of tm-ctl health; /readyz: every enabled service ready */
static void get_probe (client_t *c, int head, int health)
{
  ctl_snap_t s ;
  stralloc b = STRALLOC_ZERO ;
  if (!snap(c, &s, head)) return ;
  for (unsigned int i = 0 ; i < s.n ; i++)
  {
    svinfo_t const *sv = s.sv + i ;
    char why[TM_REASON_MAX + 64] ;
    if (!svi_enabled(sdir, sv->name) || (health ? svi_healthy(sv) : svi_ready(sv))) continue ;
    svi_problem(why, sizeof(why), sv) ;
    cb_printf(&b, "%s: %s\n", sv->name, why) ;
  }
  if (b.len) respond(c, 503, "text/plain; charset=utf-8", &b, head) ;
  else respond_text(c, 200, "ok\n", head) ;
  free(b.s) ;
  ctl_snap_free(&s) ;
}

static void html (stralloc *b, char const *s)
{
  for (; *s ; s++)
    switch (*s)
    {
      case '&' : cb_cats(b, "&amp;") ; break ;
      case '<' : cb_cats(b, "&lt;") ; break ;
      case '>' : cb_cats(b, "&gt;") ; break ;
      case '"' : cb_cats(b, "&quot;") ; break ;
      case '\'' : cb_cats(b, "&#39;") ; break ;
      default : cb_cat(b, s, 1) ;
    }
}

static void cell (stralloc *b, char const *cls, char const *s)
{
  cb_printf(b, "<td class=\"%s\">", cls) ;
  html(b, s) ;
  cb_cats(b, "</td>") ;
}

static void html_row (stralloc *b, svinfo_t const *sv, uint64_t now)
{
  tm_status_t const *st = &sv->st ;
  char pid[16] = "-", up[32] = "-", restarts[16] ;
  if (st->pid) snprintf(pid, sizeof(pid), "%d", (int)st->pid) ;
  if (st->pid && st->since && now >= st->since) fmt_duration(up, sizeof(up), now - st->since) ;
  snprintf(restarts, sizeof(restarts), "%u", st->restarts) ;
  cb_cats(b, "<tr>") ;
  cell(b, "name", sv->name) ;
  cell(b, tm_state_names[st->state], sv->supervised ? tm_state_names[st->state] : "no supervisor") ;
  cell(b, "num", pid) ;
  cell(b, "num", up) ;
  cell(b, "num", restarts) ;
  cell(b, tm_health_names[st->health & 3], tm_health_names[st->health & 3]) ;
  cell(b, "reason", st->reason) ;
  cb_cats(b, "</tr>\n") ;
}

static char const html_head[] =
  "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
  "<meta http-equiv=\"refresh\" content=\"5\">"
  "<title>tm: services</title>\n<style>\n"
  "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\n"
  "table{border-collapse:collapse}th,td{padding:.3em .9em;border-bottom:1px solid #ddd;text-align:left}\n"
  "th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
  ".RUNNING,.healthy{color:#0a7d28}.FAILED,.unhealthy{color:#c0142c;font-weight:bold}\n"
  ".STARTING,.PENDING,.STOPPING,.starting{color:#a86400}.STOPPED{color:#777}\n"
  "</style></head><body>\n<h1>tm: services</h1>\n" ;

static void get_page (client_t *c, int head)
{
  ctl_snap_t s ;
  stralloc b = STRALLOC_ZERO ;
  uint64_t now = tm_wallclock_ms() ;
  char when[32] ;
  if (!snap(c, &s, head)) return ;
  when[tm_ms_fmt(when, now)] = 0 ;
  cb_cats(&b, html_head) ;
  cb_printf(&b, "<p>%u services in <code>", s.n) ;
  html(&b, sdir) ;
  cb_printf(&b, "</code> at %s (Unix time); this page refreshes every 5 seconds.</p>\n", when) ;
  cb_cats(&b, "<table>\n<tr><th>name</th><th>state</th><th>pid</th><th>uptime</th><th>restarts</th><th>health</th><th>reason</th></tr>\n") ;
  for (unsigned int i = 0 ; i < s.n ; i++) html_row(&b, s.sv + i, now) ;
  cb_cats(&b, "</table>\n<p><a href=\"/metrics\">/metrics</a> &middot; <a href=\"/healthz\">/healthz</a> &middot; <a href=\"/readyz\">/readyz</a></p>\n</body></html>\n") ;
  respond(c, 200, "text/html; charset=utf-8", &b, head) ;
  free(b.s) ;
  ctl_snap_free(&s) ;
}

/* ---- requests ---- */

/* the request line of a complete head: route it */
static void request (client_t *c)
{
  char *line = c->in, *nl = memchr(c->in, '\n', c->inlen), *target, *version ;
  int head ;
  *nl = 0 ;
  if (nl > line && nl[-1] == '\r') nl[-1] = 0 ;
  target = strchr(line, ' ') ;
  if (!target) { respond_text(c, 400, "bad request\n", 0) ; return ; }
  *target++ = 0 ;
  version = strchr(target, ' ') ;
  if (!version || !*target || strncmp(version + 1, "HTTP/1.", 7)) { respond_text(c, 400, "bad request\n", 0) ; return ; }
  *version = 0 ;
  head = !strcmp(line, "HEAD") ;
  if (!head && strcmp(line, "GET")) { respond_text(c, 405, "only GET and HEAD\n", 0) ; return ; }
  target[strcspn(target, "?#")] = 0 ;
  if (!strcmp(target, "/metrics")) get_metrics(c, head) ;
  else if (!strcmp(target, "/healthz")) get_probe(c, head, 1) ;
  else if (!strcmp(target, "/readyz")) get_probe(c, head, 0) ;
  else if (!strcmp(target, "/")) get_page(c, head) ;
  else respond_text(c, 404, "not found: try /metrics, /healthz, /readyz or /\n", head) ;
}

/* whether in[0..len) holds an empty line, the end of the head; from: where
   the previous search stopped */
static int head_complete (char const *s, size_t from, size_t len)
{
  for (size_t i = from ? from : 1 ; i < len ; i++)
    if (s[i] == '\n' && (s[i-1] == '\n' || (i >= 2 && s[i-1] == '\r' && s[i-2] == '\n'))) return 1 ;
  return 0 ;
}

static void client_close (client_t *c)
{
  close(c->fd) ;
  c->fd = -1 ;
  free(c->out.s) ;
  c->out.s = 0 ;
  c->out.len = c->out.a = 0 ;
  nclients-- ;
}

static void client_read (client_t *c)
{
  size_t old = c->inlen ;
  ssize_t r = read(c->fd, c->in + c->inlen, REQMAX - c->inlen) ;
  if (r < 0 && (errno == EAGAIN || errno == EINTR)) return ;
  if (r <= 0) { client_close(c) ; return ; }
  c->inlen += r ;
  if (head_complete(c->in, old > 2 ? old - 2 : 0, c->inlen)) request(c) ;
  else if (c->inlen == REQMAX) respond_text(c, 431, "request head too large\n", 0) ;
}

static void client_write (client_t *c, uint64_t now)
{
  ssize_t r = send(c->fd, c->out.s + c->outpos, c->out.len - c->outpos, MSG_NOSIGNAL) ;
  if (r < 0 && (errno == EAGAIN || errno == EINTR)) return ;
  if (r < 0) { client_close(c) ; return ; }
  c->outpos += r ;
  if (c->outpos < c->out.len) return ;
  /* a close with unread input would reset the connection, and the
     client could lose the response: read what it still sends first */
  shutdown(c->fd, SHUT_WR) ;
  c->phase = 'd' ;
  if (c->deadline > now + DRAIN_MS) c->deadline = now + DRAIN_MS ;
}

static void client_drain (client_t *c)
{
  char buf[4096] ;
  ssize_t r = read(c->fd, buf, sizeof(buf)) ;
  if (r < 0 && (errno == EAGAIN || errno == EINTR)) return ;
  if (r <= 0) client_close(c) ;
}

static void client_event (client_t *c, short revents, uint64_t now)
{
  if (c->phase == 'w' && revents & (POLLOUT | POLLERR | POLLHUP)) client_write(c, now) ;
  else if (c->phase == 'r' && revents & (POLLIN | POLLERR | POLLHUP)) client_read(c) ;
  else if (c->phase == 'd' && revents & (POLLIN | POLLERR | POLLHUP)) client_drain(c) ;
  /* a request answered at once: try to send it without another round */
  if (c->fd >= 0 && c->phase == 'w' && !c->outpos) client_write(c, now) ;
}

/* The oldest connection that has not sent its request yet, or 0 */
static client_t *oldest_reader (void)
{
  client_t *old = 0 ;
  for (unsigned int i = 0 ; i < MAXCLIENTS ; i++)
  {
    client_t *c = clients + i ;
    if (c->fd >= 0 && c->phase == 'r' && (!old || c->accepted < old->accepted)) old = c ;
  }
  return old ;
}

/* a slot for one more connection: a free one, or the oldest reader's */
static int room (void)
{
  return nclients < MAXCLIENTS || oldest_reader() ;
}

/* 1 accepted, 0 nothing more to accept, -1 error */
static int accept_one (int lfd, uint64_t now)
{
  client_t *c = clients ;
  int fd = accept4(lfd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC) ;
  if (fd < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno == EINTR || errno == ECONNABORTED ? 1 : -1 ;
  if (nclients == MAXCLIENTS) client_close(oldest_reader()) ;
  while (c->fd >= 0) c++ ;
  c->fd = fd ;
  c->phase = 'r' ;
  c->inlen = 0 ;
  c->outpos = 0 ;
  c->accepted = now ;
  c->deadline = now + HEAD_MS ;
  nclients++ ;
  /* the request often came with the connection: answer it now, before
     more connections could take the slot */
  client_event(c, POLLIN, now) ;
  return 1 ;
}

/* ---- privileges ---- */

/* root binds (a port below 1024 is fine), then becomes nobody for good:
   the server parses what the network sends and only reads status files */
static void drop_privileges (void)
{
  userinfo_t u ;
  uid_t uid = NOBODY ;
  gid_t gid = NOBODY ;
  if (geteuid()) return ;
  if (userdb_user("nobody", 0, &u))
  {
    uid = u.uid ; gid = u.gid ;
    free(u.name) ; free(u.home) ;
  }
  if (!uid) ctl_die(CTL_EX_SYS, "the user nobody is root in /etc/passwd: refusing to serve as root", 0, 0) ;
  if (setgroups(0, 0) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
    ctl_diesys(CTL_EX_SYS, "unable to drop root privileges", 0) ;
  if (!setuid(0) || !geteuid()) ctl_die(CTL_EX_SYS, "root privileges could not be dropped", 0, 0) ;
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ;
}

/* ---- the loop ---- */

static void on_signal (int sig)
{
  (void)sig ;
  stopping = 1 ;
}

/* SIGTERM and SIGINT are only delivered inside ppoll: no race */
static void signals_init (sigset_t *waitmask)
{
  struct sigaction sa ;
  sigset_t set ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_handler = SIG_IGN ;
  sigaction(SIGPIPE, &sa, 0) ;
  sa.sa_handler = &on_signal ;
  sigemptyset(&sa.sa_mask) ;
  sigaction(SIGTERM, &sa, 0) ;
  sigaction(SIGINT, &sa, 0) ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGINT) ;
  sigprocmask(SIG_BLOCK, &set, waitmask) ;
  sigdelset(waitmask, SIGTERM) ;
  sigdelset(waitmask, SIGINT) ;
}

int ctl_serve_metrics (ctl_args_t const *a)
{
  struct pollfd p[MAXCLIENTS + 1] ;
  client_t *pc[MAXCLIENTS + 1] ;
  sigset_t waitmask ;
  uint64_t pause_until = 0 ;
  int lfd ;
  if (a->nnames != 1) ctl_die(CTL_EX_USAGE, "serve-metrics needs HOST:PORT", 0, 0) ;
  sdir = a->scandir ;
  for (unsigned int i = 0 ; i < MAXCLIENTS ; i++) clients[i].fd = -1 ;
  signals_init(&waitmask) ;
  lfd = listen_on(a->names[0]) ;
  drop_privileges() ;
  {
    ctl_snap_t s ;
    ctl_snap_load(&s, sdir, 1) ;  /* an early, clear error for a wrong or unreadable scandir */
    ctl_snap_free(&s) ;
  }
  ctl_warnf("serve-metrics: listening on %s", a->names[0]) ;
  while (!stopping)
  {
    uint64_t now = mono_ms(), next = UINT64_MAX ;
    unsigned int n = 0 ;
    struct timespec ts, *tsp = 0 ;
    int r ;
    if (room())
    {
      if (now >= pause_until) { p[n].fd = lfd ; p[n].events = POLLIN ; pc[n++] = 0 ; }
      else next = pause_until ;
    }
    for (unsigned int i = 0 ; i < MAXCLIENTS ; i++)
    {
      client_t *c = clients + i ;
      if (c->fd < 0) continue ;
      p[n].fd = c->fd ;
      p[n].events = c->phase == 'w' ? POLLOUT : POLLIN ;
      pc[n++] = c ;
      if (c->deadline < next) next = c->deadline ;
    }
    if (next != UINT64_MAX)
    {
      uint64_t d = next > now ? next - now : 0 ;
      ts.tv_sec = d / 1000 ;
      ts.tv_nsec = (d % 1000) * 1000000 ;
      tsp = &ts ;
    }
    r = ppoll(p, n, tsp, &waitmask) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      ctl_diesys(CTL_EX_SYS, "unable to poll", 0) ;
    }
    now = mono_ms() ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      if (!p[i].revents) continue ;
      /* a slot evicted by an accept above may hold another connection now */
      if (pc[i]) { if (pc[i]->fd == p[i].fd) client_event(pc[i], p[i].revents, now) ; continue ; }
      while (room() && (r = accept_one(lfd, now)) > 0) ;
      /* EMFILE and the like: the listener stays readable, do not spin */
      if (r < 0) pause_until = now + 100 ;
    }
    for (unsigned int i = 0 ; i < MAXCLIENTS ; i++)
      if (clients[i].fd >= 0 && clients[i].deadline <= now) client_close(clients + i) ;
  }
  close(lfd) ;
  for (unsigned int i = 0 ; i < MAXCLIENTS ; i++) if (clients[i].fd >= 0) client_close(clients + i) ;
  return CTL_EX_OK ;
}
