/* ISC license. */

/* How a line looks on the console ([logging] format):
   prefix  [web   ] the line          (the default; a colour per service on a terminal)
   plain   the line
   json    {"service":"web","stream":"stdout","time":"...","message":"the line"}
   with the RFC 3339 time first when log_timestamps (prefix, plain). A line
   too long for one atomic write goes in pieces, each a console line of its
   own: in prefix and plain every piece but the last has the same size; in
   json every piece but the last has "partial":true. A line that is a JSON
   object keeps its fields and gains service (and stream and time unless it
   has them). tm's own lines (events) say "tm:" after the prefix, or have
   "tm":true. */

#include <limits.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "sv.h"

#define STAMP_LEN 24            /* 2026-11-26T18:15:00.123Z */
#define JSON_HEAD_MAX (TM_NAME_MAX * 6 + 128)  /* < 2048 */

static int format = FORMAT_PREFIX ;
static int timestamps = 0 ;
static char const *name = "" ;
static unsigned int width = 0 ;
static char stamp[STAMP_LEN + 1] ;
static uint64_t now_ms ;
static int colour[2] ;          /* per sink: its prefix in colour */
static char prefix[2][TM_NAME_MAX + 24] ;
static size_t prefixlen[2] ;
static size_t text_base[2] ;    /* what a line of the service takes besides itself */
static char jhead[2][2048] BIG ;  /* {"service":"web","stream":"stdout","time":"; touched in json only */
static size_t jheadlen[2] ;
static size_t jtimepos[2] ;     /* where the time goes in jhead */

/* a stable colour per service: bold, one of 12 */
static unsigned int colour_of (char const *s)
{
  static unsigned char const codes[12] = { 31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96 } ;
  uint32_t h = 2166136261u ;
  for (; *s ; s++) h = (h ^ (unsigned char)*s) * 16777619u ;
  return codes[h % 12] ;
}

static void prefix_make (unsigned int i)
{
  size_t n = strlen(name), w = width > TM_NAME_MAX ? TM_NAME_MAX : width ;
  char *p = prefix[i] ;
  size_t len = 0 ;
  if (colour[i])
  {
    unsigned int c = colour_of(name) ;
    memcpy(p, "\033[1;", 4) ; len = 4 ;
    p[len++] = '0' + c / 10 ;
    p[len++] = '0' + c % 10 ;
    p[len++] = 'm' ;
  }
  p[len++] = '[' ;
  memcpy(p + len, name, n) ;
  len += n ;
  while (len < (colour[i] ? 8 : 1) + w) p[len++] = ' ' ;
  p[len++] = ']' ;
  if (colour[i]) { memcpy(p + len, "\033[0m", 4) ; len += 4 ; }
  p[len++] = ' ' ;
  prefixlen[i] = len ;
  text_base[i] = (timestamps ? STAMP_LEN + 1 : 0) + (format == FORMAT_PREFIX ? len : 0) + 1 ;
}

static void jhead_make (unsigned int i)
{
  char *p = jhead[i] ;
  size_t used, len = 0 ;
  memcpy(p, "{\"service\":\"", 12) ; len = 12 ;
  len += json_escape(p + len, TM_NAME_MAX * 6, name, strlen(name), &used) ;
  memcpy(p + len, i ? "\",\"stream\":\"stderr\",\"time\":\"" : "\",\"stream\":\"stdout\",\"time\":\"", 28) ;
  len += 28 ;
  jtimepos[i] = len ;
  memset(p + len, '0', STAMP_LEN) ;
  len += STAMP_LEN ;
  p[len++] = '"' ;
  jheadlen[i] = len ;
}

void render_init (char const *svname, unsigned int w, int fmt, int colours, int ts)
{
  name = svname ;
  width = w ;
  format = fmt ;
  timestamps = ts ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    colour[i] = fmt == FORMAT_PREFIX && (colours == COLOUR_ALWAYS || (colours == COLOUR_AUTO && isatty(1 + i))) ;
    prefix_make(i) ;
    if (fmt == FORMAT_JSON) jhead_make(i) ;
  }
}

void render_width (unsigned int w)
{
  width = w ;
  for (unsigned int i = 0 ; i < 2 ; i++) prefix_make(i) ;
}

/* the time of the lines relayed from now on: once per read, not per line */
void render_stamp (void)
{
  static time_t cached = -1 ;
  struct timespec ts ;
  unsigned int ms ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  now_ms = (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
  if (!timestamps && format != FORMAT_JSON) return ;
  /* the date and time change once a second: the milliseconds alone here */
  if (ts.tv_sec != cached) { tm_rfc3339_fmt(stamp, now_ms) ; cached = ts.tv_sec ; }
  ms = ts.tv_nsec / 1000000 ;
  stamp[20] = '0' + ms / 100 ;
  stamp[21] = '0' + ms / 10 % 10 ;
  stamp[22] = '0' + ms % 10 ;
  for (unsigned int i = 0 ; i < 2 ; i++) memcpy(jhead[i] + jtimepos[i], stamp, STAMP_LEN) ;
}

uint64_t render_ms (void)
{
  return now_ms ;
}

/* the timestamp a line of output_file starts with: "" or "TIME " */
size_t render_file_stamp (char *buf)
{
  if (!timestamps) return 0 ;
  memcpy(buf, stamp, STAMP_LEN) ;
  buf[STAMP_LEN] = ' ' ;
  return STAMP_LEN + 1 ;
}

static unsigned int sink_index (sink_t const *k)
{
  return k == &sink[1] ;
}

/* ---- prefix and plain ---- */

static size_t text_overhead (sink_t const *k, int tm)
{
  size_t n = text_base[sink_index(k)] ;
  if (tm) n += 4 + (format == FORMAT_PLAIN ? strlen(name) + 2 : 0) ;
  return n ;
}

/* the pieces n bytes of a line take, at most max each */
static size_t text_pieces (size_t n, size_t max, int ends, int cont)
{
  if (!n) return ends && !cont ;
  return n <= max ? 1 : (n + max - 1) / max ;
}

/* the most one console line may take: PIPE_BUF whatever the console is
   (SPEC §8), also a regular file, where one write could carry more */
static size_t piece_atom (sink_t const *k)
{
  return k->con.atom < PIPE_BUF ? k->con.atom : PIPE_BUF ;
}

/* the most of a line one piece carries: a piece is at most piece_atom
   bytes, and at most a buffer */
size_t render_piece_max (sink_t const *k)
{
  size_t n = piece_atom(k) - text_overhead(k, 0) ;
  return n < TM_LINE_MAX ? n : TM_LINE_MAX ;
}

static void text_piece (sink_t *k, char const *s, size_t n, int tm)
{
  char *p = sink_reserve(k, text_overhead(k, tm) + n) ;
  if (timestamps) { memcpy(p, stamp, STAMP_LEN) ; p[STAMP_LEN] = ' ' ; p += STAMP_LEN + 1 ; }
  if (format == FORMAT_PREFIX) { memcpy(p, prefix[sink_index(k)], prefixlen[sink_index(k)]) ; p += prefixlen[sink_index(k)] ; }
  if (tm)
  {
    memcpy(p, "tm: ", 4) ; p += 4 ;
    if (format == FORMAT_PLAIN) { size_t l = strlen(name) ; memcpy(p, name, l) ; p[l] = ':' ; p[l+1] = ' ' ; p += l + 2 ; }
  }
  memcpy(p, s, n) ;
  p[n] = '\n' ;
}

/* ---- json ---- */

#define JSON_PARTIAL ",\"partial\":true"
#define JSON_MESSAGE ",\"message\":\""

/* the bytes of an object around its message: the head, the tm and partial
   marks, ,"message":" and "}\n */
static size_t json_overhead (sink_t const *k, int tm)
{
  return jheadlen[sink_index(k)] + (tm ? 10 : 0) + 15 + 12 + 3 ;
}


/* the escaped bytes one object may carry (an escape is at most 6 bytes,
   never cut: a piece may carry 5 less) */
static size_t json_room (sink_t const *k, int tm)
{
  return piece_atom(k) - json_overhead(k, tm) ;
}

/* one object carrying as much of s as fits in one write; what it took.
   partial: the line goes on after s. */
static size_t json_piece (sink_t *k, char const *s, size_t n, int tm, int partial)
{
  unsigned int i = sink_index(k) ;
  char *p = k->buf + k->len ;
  size_t len = jheadlen[i], used, e ;
  char *body ;
  memcpy(p, jhead[i], len) ;
  if (tm) { memcpy(p + len, ",\"tm\":true", 10) ; len += 10 ; }
  body = p + len + 15 + 12 ;
  e = json_escape(body, json_room(k, tm), s, n, &used) ;
  if (partial || used < n) { memcpy(p + len, JSON_PARTIAL, 15) ; len += 15 ; }
  memcpy(p + len, JSON_MESSAGE, 12) ;
  len += 12 ;
  memmove(p + len, body, e) ;
  len += e ;
  memcpy(p + len, "\"}\n", 3) ;
  sink_reserve(k, len + 3) ;
  return used ;
}

/* a line that is a JSON object, fields added: 1 written, 0 not one or too long */
static int json_merged (sink_t *k, char const *s, size_t n, int tm)
{
  unsigned int i = sink_index(k), has ;
  size_t start, end, len, need ;
  char *p ;
  if (tm || !json_object_scan(s, n, &has, &start, &end)) return 0 ;
  need = jheadlen[i] + (end - start) + 2 ;
  if (need > piece_atom(k) || sink_room(k, need) <= 0) return 0 ;
  p = sink_reserve(k, 0) ;
  /* {"service":"web" then stream and time unless there, then its fields */
  len = 12 ;
  memcpy(p, jhead[i], len) ;
  {
    size_t used ;
    len += json_escape(p + len, TM_NAME_MAX * 6, name, strlen(name), &used) ;
  }
  p[len++] = '"' ;
  if (!(has & JSON_HAS_STREAM)) { memcpy(p + len, i ? ",\"stream\":\"stderr\"" : ",\"stream\":\"stdout\"", 18) ; len += 18 ; }
  if (!(has & JSON_HAS_TIME)) { memcpy(p + len, ",\"time\":\"", 9) ; memcpy(p + len + 9, stamp, STAMP_LEN) ; p[len + 9 + STAMP_LEN] = '"' ; len += 10 + STAMP_LEN ; }
  {
    /* after its {: "}" alone, or its fields after a comma */
    size_t k2 = start + 1 ;
    while (k2 < end && (s[k2] == ' ' || s[k2] == '\t' || s[k2] == '\r')) k2++ ;
    if (s[k2] != '}') p[len++] = ',' ;
    memcpy(p + len, s + k2, end - k2) ;
    len += end - k2 ;
  }
  p[len++] = '\n' ;
  sink_reserve(k, len) ;
  return 1 ;
}

/* ---- the interface ---- */

/* bytes the console needs for this part of a line; 0: nothing to write */
size_t render_need (sink_t const *k, char const *s, size_t n, int ends, int cont, int tm)
{
  if (format == FORMAT_JSON)
  {
    size_t e = json_escaped_len(s, n), room = json_room(k, tm) - 5 ;
    size_t pieces = e ? (e + room - 1) / room + !!ends : (size_t)!!ends ;
    return pieces * json_overhead(k, tm) + e ;
  }
  {
    size_t pieces = text_pieces(n, render_piece_max(k), ends, cont) ;
    return pieces * text_overhead(k, tm) + n ;
  }
}

/* writes it; render_need said how much room it takes, and there is */
void render_out (sink_t *k, char const *s, size_t n, int ends, int cont, int tm)
{
  if (format == FORMAT_JSON)
  {
    if (ends && !cont && json_merged(k, s, n, tm)) return ;
    if (!n && ends) { json_piece(k, s, 0, tm, 0) ; return ; }  /* an empty line, or the end of a long one */
    while (n)
    {
      size_t used = json_piece(k, s, n, tm, !ends) ;
      s += used ; n -= used ;
    }
    return ;
  }
  {
    size_t max = render_piece_max(k) ;
    size_t pieces = text_pieces(n, max, ends, cont) ;
    for (; pieces ; pieces--)
    {
      size_t take = n < max ? n : max ;
      text_piece(k, s, take, tm) ;
      s += take ; n -= take ;
    }
  }
}
