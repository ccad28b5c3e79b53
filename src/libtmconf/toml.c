/* ISC license. */

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

#define U(c) ((unsigned char)(c))
#define NOTFOUND ((size_t)-1)

 /* table flags; only one of the first three is ever set */
#define F_IMPLICIT 1  /* created as a parent by a [a.b] header: [a] may still come */
#define F_DEFINED 2   /* defined by a [header] or [[header]] */
#define F_DOTTED 4    /* created by a dotted key a.b = 1 */
#define F_INLINE 8    /* inline table: sealed */
#define F_AOT 16      /* array created by [[header]]; other arrays are sealed */

#ifdef __GNUC__
# define PRINTF(i, j) __attribute__((format(printf, i, j)))
#else
# define PRINTF(i, j)
#endif

#define VFAIL(...) (fail(__VA_ARGS__), (toml_value_t *)0)
#define VFAILK(...) (failk(__VA_ARGS__), (toml_value_t *)0)

typedef struct buf_s { char *s ; size_t len, cap ; } buf ;
typedef struct part_s { size_t off, len ; unsigned int line, col ; } part ;

typedef struct parser_s
{
  char const *start, *p, *end ;
  char const *wp ;  /* where() has counted lines and columns up to wp */
  unsigned int wline, wcol ;
  char *err ;
  size_t errlen ;
  unsigned int *eline, *ecol ;  /* toml_parse_at: the error's place goes here, not into err */
  int failed ;
  buf sb ;          /* decoded string value */
  buf kb ;          /* text of the parts of the current key */
  part *parts ;
  size_t nparts, partcap ;
} parser ;


 /* positions and errors */

static void where (parser *P, char const *at, unsigned int *line, unsigned int *col)
{
  if (at < P->wp) { P->wp = P->start ; P->wline = P->wcol = 1 ; }
  for (; P->wp < at ; P->wp++)
    if (*P->wp == '\n') { P->wline++ ; P->wcol = 1 ; }
    else if ((U(*P->wp) & 0xc0) != 0x80) P->wcol++ ;
  *line = P->wline ; *col = P->wcol ;
}

static int failv (parser *P, unsigned int line, unsigned int col, char const *fmt, va_list ap)
{
  int r ;
  if (P->failed) return 0 ;
  P->failed = 1 ;
  if (!P->errlen) return 0 ;
  if (P->eline) { *P->eline = line ; *P->ecol = col ; r = 0 ; }
  else r = snprintf(P->err, P->errlen, "line %u, column %u: ", line, col) ;
  if (r >= 0 && (size_t)r < P->errlen) vsnprintf(P->err + r, P->errlen - r, fmt, ap) ;
  return 0 ;
}

static int fail (parser *P, char const *at, char const *fmt, ...) PRINTF(3, 4) ;
static int fail (parser *P, char const *at, char const *fmt, ...)
{
  unsigned int line, col ;
  va_list ap ;
  where(P, at, &line, &col) ;
  va_start(ap, fmt) ;
  failv(P, line, col, fmt, ap) ;
  va_end(ap) ;
  return 0 ;
}

static int failk (parser *P, size_t i, char const *fmt, ...) PRINTF(3, 4) ;
static int failk (parser *P, size_t i, char const *fmt, ...)
{
  va_list ap ;
  va_start(ap, fmt) ;
  failv(P, P->parts[i].line, P->parts[i].col, fmt, ap) ;
  va_end(ap) ;
  return 0 ;
}

static int oom (parser *P)
{
  return fail(P, P->p, "out of memory") ;
}

static unsigned long utf8dec (char const *s, size_t n)
{
  unsigned long u = U(*s) & (0x7f >> n) ;
  while (--n) u = u << 6 | (U(*++s) & 0x3f) ;
  return u ;
}

 /* a short description of the current character, for messages */
static char const *here (parser *P, char *s)
{
  int c = P->p < P->end ? U(*P->p) : -1 ;
  size_t n = 1 ;
  if (c < 0) return "end of input" ;
  if (c == '\n' || c == '\r') return "end of line" ;
  if (c == '\t') return "a tab" ;
  if (c >= 0xf0) n = 4 ; else if (c >= 0xe0) n = 3 ; else if (c >= 0xc0) n = 2 ;
  if (n > (size_t)(P->end - P->p)) n = 1 ;
  if (n == 1) snprintf(s, 24, "'%c'", c) ;
  else snprintf(s, 24, "'%.*s' (U+%04lX)", (int)n, P->p, utf8dec(P->p, n)) ;
  return s ;
}

 /* parts 0..n-1 of the current key, dotted and escaped, for messages */
static char const *showkey (parser *P, size_t n, char *out, size_t max)
{
  size_t o = 0, i, j ;
  for (i = 0 ; i < n ; i++)
  {
    char const *s = P->kb.s + P->parts[i].off ;
    if (i && o + 1 < max) out[o++] = '.' ;
    for (j = 0 ; j < P->parts[i].len ; j++)
    {
      unsigned char c = s[j] ;
      if (o + 12 > max)
      {
        while (o && (U(out[o-1]) & 0xc0) == 0x80) o-- ;
        if (o && U(out[o-1]) >= 0xc0) o-- ;
        memcpy(out + o, "...", 3) ; o += 3 ;
        i = n ; break ;
      }
      if (c == '"' || c == '\\') { out[o++] = '\\' ; out[o++] = c ; }
      else if (c < 0x20 || c == 0x7f) o += sprintf(out + o, "\\u%04X", c) ;
      else out[o++] = c ;
    }
  }
  out[o] = 0 ;
  return out ;
}

static char const *a_type (toml_value_t const *v)
{
  static char const *const names[] =
  {
    "a table", "an array", "a string", "an integer", "a float", "a boolean",
    "an offset date-time", "a local date-time", "a local date", "a local time"
  } ;
  if (v->type == TOML_TABLE && v->flags & F_INLINE) return "an inline table" ;
  if (v->type == TOML_ARRAY && v->flags & F_AOT) return "an array of tables" ;
  return names[v->type] ;
}


 /* buffers and values */

static int bput (parser *P, buf *b, char const *s, size_t n)
{
  if (b->len + n >= b->cap)
  {
    size_t cap = b->cap ? b->cap : 64 ;
    char *t ;
    while (cap <= b->len + n) cap *= 2 ;
    t = realloc(b->s, cap) ;
    if (!t) return oom(P) ;
    b->s = t ; b->cap = cap ;
  }
  if (n) memcpy(b->s + b->len, s, n) ;
  b->len += n ;
  b->s[b->len] = 0 ;
  return 1 ;
}

static char *memdup0 (char const *s, size_t n)
{
  char *t = malloc(n + 1) ;
  if (!t) return 0 ;
  if (n) memcpy(t, s, n) ;
  t[n] = 0 ;
  return t ;
}

static toml_value_t *vnew (parser *P, toml_type_t type, char const *at, unsigned int depth)
{
  toml_value_t *v ;
  if (!at) at = P->p ;
  if (depth > TOML_MAXDEPTH)
    return VFAIL(P, at, "nesting too deep (more than %d levels)", TOML_MAXDEPTH) ;
  v = calloc(1, sizeof *v) ;
  if (!v) return VFAIL(P, P->p, "out of memory") ;
  v->type = type ;
  v->depth = depth ;
  where(P, at, &v->line, &v->col) ;
  return v ;
}

 /* string value from P->sb */
static toml_value_t *vstr (parser *P, toml_type_t type, char const *at, unsigned int depth)
{
  toml_value_t *v = vnew(P, type, at, depth) ;
  if (!v) return 0 ;
  v->s = memdup0(P->sb.s, P->sb.len) ;
  if (!v->s) { free(v) ; return VFAIL(P, P->p, "out of memory") ; }
  v->slen = P->sb.len ;
  return v ;
}

static int grow (toml_value_t *v)
{
  size_t cap = v->cap ? 2 * v->cap : 4 ;
  toml_value_t **items = realloc(v->items, cap * sizeof *items) ;
  if (!items) return 0 ;
  v->items = items ;
  if (v->type == TOML_TABLE)
  {
    toml_key_t *keys = realloc(v->keys, cap * sizeof *keys) ;
    if (!keys) return 0 ;
    v->keys = keys ;
  }
  v->cap = cap ;
  return 1 ;
}

static int apush (parser *P, toml_value_t *a, toml_value_t *v)
{
  if (a->n == a->cap && !grow(a)) { toml_free(v) ; return oom(P) ; }
  a->items[a->n++] = v ;
  return 1 ;
}

 /* Tables get a hash index (open addressing, slot = index + 1) once they
    have more than a few keys, so big documents do not go quadratic. */

static size_t khash (char const *s, size_t n)
{
  size_t h = 2166136261u ;
  while (n--) h = (h ^ U(*s++)) * 16777619u ;
  return h ;
}

static void hset (toml_value_t *t, size_t i)
{
  size_t m = t->hcap - 1, j = khash(t->keys[i].s, t->keys[i].len) & m ;
  while (t->hidx[j]) j = (j + 1) & m ;
  t->hidx[j] = i + 1 ;
}

static int rehash (toml_value_t *t, size_t cap)
{
  size_t *h = calloc(cap, sizeof *h), i ;
  if (!h) return 0 ;
  free(t->hidx) ;
  t->hidx = h ; t->hcap = cap ;
  for (i = 0 ; i < t->n ; i++) hset(t, i) ;
  return 1 ;
}

static size_t tfind (toml_value_t const *t, char const *s, size_t len)
{
  size_t i ;
  if (t->hcap)
  {
    size_t m = t->hcap - 1 ;
    for (i = khash(s, len) & m ; t->hidx[i] ; i = (i + 1) & m)
    {
      toml_key_t const *k = t->keys + t->hidx[i] - 1 ;
      if (k->len == len && !memcmp(k->s, s, len)) return t->hidx[i] - 1 ;
    }
    return NOTFOUND ;
  }
  for (i = 0 ; i < t->n ; i++)
    if (t->keys[i].len == len && !memcmp(t->keys[i].s, s, len)) return i ;
  return NOTFOUND ;
}

 /* takes ownership of k->s and v, even on failure */
static int tput (parser *P, toml_value_t *t, toml_key_t const *k, toml_value_t *v)
{
  if (t->n == t->cap && !grow(t))
  {
    free(k->s) ; toml_free(v) ;
    return oom(P) ;
  }
  t->keys[t->n] = *k ;
  t->items[t->n++] = v ;
  if (t->hcap && 2 * t->n <= t->hcap) hset(t, t->n - 1) ;
  else if ((t->hcap || t->n > 8) && !rehash(t, t->hcap ? 2 * t->hcap : 32)) return oom(P) ;
  return 1 ;
}

static size_t child (parser *P, toml_value_t const *t, size_t i)
{
  return tfind(t, P->kb.s + P->parts[i].off, P->parts[i].len) ;
}

 /* toml_key_t for part i of the current key */
static int mkkey (parser *P, size_t i, toml_key_t *k)
{
  k->s = memdup0(P->kb.s + P->parts[i].off, P->parts[i].len) ;
  if (!k->s) return oom(P) ;
  k->len = P->parts[i].len ;
  k->line = P->parts[i].line ;
  k->col = P->parts[i].col ;
  return 1 ;
}

 /* new table under t, for part i of the current key */
static toml_value_t *newtable (parser *P, toml_value_t *t, size_t i, unsigned int flags)
{
  toml_key_t k ;
  toml_value_t *v = vnew(P, TOML_TABLE, 0, t->depth + 1) ;
  if (!v) return 0 ;
  v->line = P->parts[i].line ;
  v->col = P->parts[i].col ;
  v->flags = flags ;
  if (!mkkey(P, i, &k)) { toml_free(v) ; return 0 ; }
  return tput(P, t, &k, v) ? v : 0 ;
}


 /* lexing */

static int peek (parser const *P, size_t k)
{
  return (size_t)(P->end - P->p) > k ? U(P->p[k]) : -1 ;
}

static int isnl (parser const *P)
{
  return peek(P, 0) == '\n' || peek(P, 0) == '\r' ;  /* validate() made sure \r is followed by \n */
}

static void skipnl (parser *P)
{
  P->p += *P->p == '\r' ? 2 : 1 ;
}

static void skipws (parser *P)
{
  while (P->p < P->end && (*P->p == ' ' || *P->p == '\t')) P->p++ ;
}

static void skipcomment (parser *P)
{
  if (peek(P, 0) == '#')
    while (P->p < P->end && *P->p != '\n' && *P->p != '\r') P->p++ ;
}

 /* whitespace, comments and newlines, as allowed inside arrays */
static void skipwscnl (parser *P)
{
  for (;;)
  {
    skipws(P) ;
    skipcomment(P) ;
    if (!isnl(P)) break ;
    skipnl(P) ;
  }
}

static int eol (parser *P, char const *what)
{
  char s[24] ;
  skipws(P) ;
  skipcomment(P) ;
  if (P->p >= P->end) return 1 ;
  if (isnl(P)) { skipnl(P) ; return 1 ; }
  return fail(P, P->p, "expected a newline after %s, found %s", what, here(P, s)) ;
}

static int isbare (int c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ;
}

static int digval (int c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10 ;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10 ;
  return 99 ;
}

 /* Control characters, bare CRs and bad UTF-8 are rejected here, once for
    the whole document, so the parser proper can ignore them. */
static int validate (parser *P)
{
  unsigned char const *s = (unsigned char const *)P->start, *e = (unsigned char const *)P->end ;
  while (s < e)
  {
    unsigned int c = *s, lo = 0x80, hi = 0xbf ;
    size_t n, i ;
    if (c < 0x80)
    {
      if (c == '\r')
      {
        if (s + 1 == e || s[1] != '\n') return fail(P, (char const *)s, "carriage return not followed by a line feed") ;
        s++ ;
      }
      else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
        return fail(P, (char const *)s, "control character U+%04X is not allowed here", c) ;
      s++ ;
      continue ;
    }
    if (c >= 0xc2 && c <= 0xdf) n = 1 ;
    else if (c >= 0xe0 && c <= 0xef)
    {
      n = 2 ;
      if (c == 0xe0) lo = 0xa0 ; else if (c == 0xed) hi = 0x9f ;
    }
    else if (c >= 0xf0 && c <= 0xf4)
    {
      n = 3 ;
      if (c == 0xf0) lo = 0x90 ; else if (c == 0xf4) hi = 0x8f ;
    }
    else return fail(P, (char const *)s, "invalid UTF-8") ;
    if ((size_t)(e - s) <= n || s[1] < lo || s[1] > hi) return fail(P, (char const *)s, "invalid UTF-8") ;
    for (i = 2 ; i <= n ; i++)
      if ((s[i] & 0xc0) != 0x80) return fail(P, (char const *)s, "invalid UTF-8") ;
    s += n + 1 ;
  }
  return 1 ;
}


 /* strings */

static size_t utf8enc (unsigned long u, char *s)
{
  if (u < 0x80) { s[0] = u ; return 1 ; }
  if (u < 0x800) { s[0] = 0xc0 | u >> 6 ; s[1] = 0x80 | (u & 0x3f) ; return 2 ; }
  if (u < 0x10000)
  {
    s[0] = 0xe0 | u >> 12 ; s[1] = 0x80 | (u >> 6 & 0x3f) ; s[2] = 0x80 | (u & 0x3f) ;
    return 3 ;
  }
  s[0] = 0xf0 | u >> 18 ; s[1] = 0x80 | (u >> 12 & 0x3f) ;
  s[2] = 0x80 | (u >> 6 & 0x3f) ; s[3] = 0x80 | (u & 0x3f) ;
  return 4 ;
}

static int escape (parser *P, buf *b)
{
  static char const from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\" ;
  char const *at = P->p, *x ;
  int c = peek(P, 1) ;
  unsigned long u = 0 ;
  unsigned int n, i ;
  char enc[4] ;
  if (c > 0 && (x = strchr(from, c)))
  {
    P->p += 2 ;
    return bput(P, b, to + (x - from), 1) ;
  }
  if (c != 'u' && c != 'U')
  {
    if (c > 0x20 && c < 0x7f) return fail(P, at, "invalid escape \\%c in string", c) ;
    return fail(P, at, "invalid escape sequence in string") ;
  }
  n = c == 'u' ? 4 : 8 ;
  for (i = 0 ; i < n ; i++)
  {
    int d = digval(peek(P, 2 + i)) ;
    if (d > 15) return fail(P, at, "invalid escape: \\%c needs %u hexadecimal digits", c, n) ;
    u = u << 4 | d ;
  }
  if (u > 0x10ffff || (u >= 0xd800 && u < 0xe000))
    return fail(P, at, "invalid escape: %.*s is not a Unicode scalar value", (int)n + 2, at) ;
  P->p += 2 + n ;
  return bput(P, b, enc, utf8enc(u, enc)) ;
}

 /* bytes from P->p up to one of stop (or the end) go to b as they are */
static int run (parser *P, buf *b, char const *stop)
{
  char const *s = P->p ;
  while (P->p < P->end && !strchr(stop, *P->p)) P->p++ ;
  return bput(P, b, s, P->p - s) ;
}

static int basic (parser *P, buf *b)
{
  char const *start = P->p++ ;
  for (;;)
  {
    int c = peek(P, 0) ;
    if (c < 0 || c == '\n' || c == '\r') return fail(P, start, "unterminated string") ;
    if (c == '"') { P->p++ ; return 1 ; }
    if (!(c == '\\' ? escape(P, b) : run(P, b, "\"\\\n\r"))) return 0 ;
  }
}

static int literal (parser *P, buf *b)
{
  char const *start = P->p++ ;
  if (!run(P, b, "'\n\r")) return 0 ;
  if (peek(P, 0) != '\'') return fail(P, start, "unterminated string") ;
  P->p++ ;
  return 1 ;
}

 /* q is the quote; CRLF is stored as LF */
static int multiline (parser *P, buf *b, char q)
{
  char const *start = P->p ;
  char const stop[4] = { q, q == '"' ? '\\' : '\r', '\r', 0 } ;
  P->p += 3 ;
  if (isnl(P)) skipnl(P) ;
  for (;;)
  {
    int c = peek(P, 0) ;
    if (c < 0) return fail(P, start, "unterminated multi-line string") ;
    if (c == q)
    {
      size_t n = 1 ;
      while (peek(P, n) == q) n++ ;
      if (n > 5) return fail(P, P->p + 5, "too many quotes at the end of a multi-line string") ;
      if (!bput(P, b, P->p, n >= 3 ? n - 3 : n)) return 0 ;
      P->p += n ;
      if (n >= 3) return 1 ;
    }
    else if (c == '\r')
    {
      if (!bput(P, b, "\n", 1)) return 0 ;
      P->p += 2 ;
    }
    else if (c == '\\' && q == '"')
    {
      char const *s = P->p + 1 ;
      while (s < P->end && (*s == ' ' || *s == '\t')) s++ ;
      if (s < P->end && (*s == '\n' || *s == '\r'))
      {
        P->p = s ;  /* line-ending backslash: trim up to the next non-blank */
        while (P->p < P->end && strchr(" \t\r\n", *P->p)) P->p++ ;
      }
      else if (!escape(P, b)) return 0 ;
    }
    else if (!run(P, b, stop)) return 0 ;
  }
}

 /* any string form; ml: whether multi-line forms are allowed */
static int string (parser *P, buf *b, int ml)
{
  char q = *P->p ;
  if (peek(P, 1) == q && peek(P, 2) == q)
    return ml ? multiline(P, b, q) : fail(P, P->p, "a multi-line string cannot be a key") ;
  return q == '"' ? basic(P, b) : literal(P, b) ;
}


 /* keys */

 /* reads a dotted key into P->parts and P->kb, and the blanks after it */
static int readkey (parser *P)
{
  char s[24] ;
  P->nparts = 0 ;
  P->kb.len = 0 ;
  if (!bput(P, &P->kb, "", 0)) return 0 ;  /* kb.s is never NULL */
  for (;;)
  {
    part *k ;
    int c = peek(P, 0) ;
    if (P->nparts == P->partcap)
    {
      size_t cap = P->partcap ? 2 * P->partcap : 8 ;
      part *parts ;
      if (cap > TOML_MAXDEPTH + 1) return fail(P, P->p, "key has too many parts") ;
      parts = realloc(P->parts, cap * sizeof *parts) ;
      if (!parts) return oom(P) ;
      P->parts = parts ; P->partcap = cap ;
    }
    k = P->parts + P->nparts ;
    k->off = P->kb.len ;
    where(P, P->p, &k->line, &k->col) ;
    if (c == '"' || c == '\'')
    {
      if (!string(P, &P->kb, 0)) return 0 ;
    }
    else if (isbare(c))
    {
      char const *start = P->p ;
      while (P->p < P->end && isbare(U(*P->p))) P->p++ ;
      if (!bput(P, &P->kb, start, P->p - start)) return 0 ;
    }
    else return fail(P, P->p, "expected a key, found %s", here(P, s)) ;
    k->len = P->kb.len - k->off ;
    P->nparts++ ;
    skipws(P) ;
    if (peek(P, 0) != '.') return 1 ;
    P->p++ ;
    skipws(P) ;
  }
}


 /* scalars */

static int istok (int c)
{
  return isbare(c) || c == '+' || c == '.' || c == ':' ;
}

static int isdigit_ (int c)
{
  return c >= '0' && c <= '9' ;
}

 /* n digits at s, before e */
static int dig (char const *s, char const *e, size_t n, int *v)
{
  size_t i ;
  if ((size_t)(e - s) < n) return 0 ;
  for (*v = 0, i = 0 ; i < n ; i++)
  {
    if (!isdigit_(U(s[i]))) return 0 ;
    *v = *v * 10 + (s[i] - '0') ;
  }
  return 1 ;
}

static toml_value_t *datetime (parser *P, char const *s, char const *e, unsigned int depth)
{
  static unsigned char const mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 } ;
  toml_type_t type = TOML_TIME_LOCAL ;
  char const *p = s ;
  int y, mo, d, h, mi, sec, isdate ;
  P->sb.len = 0 ;
  while (p < e && isdigit_(U(*p))) p++ ;
  isdate = p < e && *p == '-' ;
  p = s ;
  if (isdate)
  {
    if (e - p < 10 || !dig(p, e, 4, &y) || !dig(p + 5, e, 2, &mo) || p[7] != '-' || !dig(p + 8, e, 2, &d))
      return VFAIL(P, s, "invalid date (expected YYYY-MM-DD)") ;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo-1] || (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
      return VFAIL(P, s, "invalid date: %.10s does not exist", s) ;
    if (!bput(P, &P->sb, p, 10)) return 0 ;
    p += 10 ;
    if (p == e) return vstr(P, TOML_DATE_LOCAL, s, depth) ;
    if (*p != 'T' && *p != 't' && *p != ' ')
      return VFAIL(P, s, "invalid date-time") ;
    if (!bput(P, &P->sb, "T", 1)) return 0 ;
    p++ ;
    type = TOML_DATETIME_LOCAL ;
  }
  if (e - p < 8 || !dig(p, e, 2, &h) || p[2] != ':' || !dig(p + 3, e, 2, &mi) || p[5] != ':' || !dig(p + 6, e, 2, &sec))
    return VFAIL(P, s, "invalid time (expected HH:MM:SS)") ;
  if (h > 23 || mi > 59 || sec > 60)
    return VFAIL(P, s, "invalid time: %.8s is out of range", p) ;
  if (!bput(P, &P->sb, p, 8)) return 0 ;
  p += 8 ;
  if (p < e && *p == '.')
  {
    char const *q = p + 1 ;
    while (q < e && isdigit_(U(*q))) q++ ;
    if (q == p + 1) return VFAIL(P, s, "invalid time: expected digits after '.'") ;
    if (!bput(P, &P->sb, p, q - p)) return 0 ;
    p = q ;
  }
  if (p < e && type == TOML_DATETIME_LOCAL)
  {
    type = TOML_DATETIME ;
    if (*p == 'Z' || *p == 'z')
    {
      if (!bput(P, &P->sb, "Z", 1)) return 0 ;
      p++ ;
    }
    else if ((*p == '+' || *p == '-') && e - p >= 6 && dig(p + 1, e, 2, &h) && p[3] == ':' && dig(p + 4, e, 2, &mi))
    {
      if (h > 23 || mi > 59) return VFAIL(P, p, "invalid time offset: out of range") ;
      if (!bput(P, &P->sb, p, 6)) return 0 ;
      p += 6 ;
    }
    else return VFAIL(P, p, "invalid time offset (expected Z or +HH:MM)") ;
  }
  if (p != e) return VFAIL(P, s, "invalid %s", type == TOML_TIME_LOCAL ? "time" : "date-time") ;
  return vstr(P, type, s, depth) ;
}

 /* digits of the radix, with single underscores between them */
static int digits (char const **pp, char const *e, int radix)
{
  char const *p = *pp ;
  if (p >= e || digval(U(*p)) >= radix) return 0 ;
  for (;;)
  {
    while (p < e && digval(U(*p)) < radix) p++ ;
    if (e - p < 2 || *p != '_' || digval(U(p[1])) >= radix) break ;
    p++ ;
  }
  *pp = p ;
  return 1 ;
}

static toml_value_t *integer (parser *P, char const *s, char const *p, char const *e, int radix, unsigned int depth)
{
  int neg = *s == '-' ;
  unsigned long long u = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX ;
  toml_value_t *v ;
  for (; p < e ; p++)
  {
    unsigned int d = digval(U(*p)) ;
    if (*p == '_') continue ;
    if (u > (lim - d) / radix) return VFAIL(P, s, "integer overflow") ;
    u = u * radix + d ;
  }
  v = vnew(P, TOML_INTEGER, s, depth) ;
  if (v) v->i = !neg ? (long long)u : u == lim ? LLONG_MIN : -(long long)u ;
  return v ;
}

static toml_value_t *flt (parser *P, char const *s, char const *e, unsigned int depth)
{
  char const *dp = localeconv()->decimal_point, *p ;
  toml_value_t *v ;
  char *end ;
  double f ;
  P->sb.len = 0 ;
  for (p = s ; p < e ; p++)
    if (*p != '_' && !(*p == '.' ? bput(P, &P->sb, dp, strlen(dp)) : bput(P, &P->sb, p, 1))) return 0 ;
  errno = 0 ;
  f = strtod(P->sb.s, &end) ;
  if (*end) return VFAIL(P, s, "invalid float") ;
  if (errno == ERANGE && (f > 1 || f < -1)) return VFAIL(P, s, "float out of range") ;
  v = vnew(P, TOML_FLOAT, s, depth) ;
  if (v) v->f = f ;
  return v ;
}

static toml_value_t *number (parser *P, char const *s, char const *e, unsigned int depth)
{
  char const *p = s + (*s == '+' || *s == '-'), *q ;
  int isfloat = 0 ;
  toml_value_t *v ;
  if (e - p == 3 && (!memcmp(p, "inf", 3) || !memcmp(p, "nan", 3)))
  {
    v = vnew(P, TOML_FLOAT, s, depth) ;
    if (v) v->f = p[0] == 'i' ? (*s == '-' ? -INFINITY : INFINITY) : (*s == '-' ? -NAN : NAN) ;
    return v ;
  }
  if (e - p > 1 && p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b'))
  {
    int radix = p[1] == 'x' ? 16 : p[1] == 'o' ? 8 : 2 ;
    if (p != s) return VFAIL(P, s, "a sign is not allowed on hexadecimal, octal or binary integers") ;
    q = p + 2 ;
    if (!digits(&q, e, radix) || q != e) return VFAIL(P, s, "invalid %s integer", radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary") ;
    return integer(P, s, p + 2, e, radix, depth) ;
  }
  q = p ;
  if (!digits(&q, e, 10)) goto bad ;
  if (*p == '0' && q - p > 1) return VFAIL(P, s, "leading zeros are not allowed") ;
  if (q < e && *q == '.')
  {
    q++ ;
    if (!digits(&q, e, 10)) goto bad ;
    isfloat = 1 ;
  }
  if (q < e && (*q == 'e' || *q == 'E'))
  {
    q++ ;
    if (q < e && (*q == '+' || *q == '-')) q++ ;
    if (!digits(&q, e, 10)) goto bad ;
    isfloat = 1 ;
  }
  if (q != e) goto bad ;
  return isfloat ? flt(P, s, e, depth) : integer(P, s, p, e, 10, depth) ;
 bad:
  if (memchr(s, '_', e - s)) return VFAIL(P, s, "invalid number: an underscore must be between two digits") ;
  if (p < e && (isdigit_(U(*p)) || (*p == '.' && p + 1 < e && isdigit_(U(p[1])))))
    return VFAIL(P, s, "invalid number '%.*s'", (int)(e - s > 40 ? 40 : e - s), s) ;
  return VFAIL(P, s, "invalid value '%.*s'%s", (int)(e - s > 40 ? 40 : e - s), s, (U(*s) | 0x20) >= 'a' && (U(*s) | 0x20) <= 'z' ? " (strings must be quoted)" : "") ;
}

static toml_value_t *scalar (parser *P, unsigned int depth)
{
  char const *s = P->p, *e = s, *p ;
  char tmp[24] ;
  toml_value_t *v ;
  while (e < P->end && istok(U(*e))) e++ ;
  if (e - s == 10 && s[4] == '-' && e + 1 < P->end && *e == ' ' && isdigit_(U(e[1])))
    for (e++ ; e < P->end && istok(U(*e)) ; e++) ;
  if (e == s) return VFAIL(P, s, "expected a value, found %s", here(P, tmp)) ;
  P->p = e ;
  if ((e - s == 4 && !memcmp(s, "true", 4)) || (e - s == 5 && !memcmp(s, "false", 5)))
  {
    v = vnew(P, TOML_BOOL, s, depth) ;
    if (v) v->b = *s == 't' ;
    return v ;
  }
  for (p = s ; p < e && isdigit_(U(*p)) ; p++) ;
  if (p > s && p < e && (*p == '-' || *p == ':')) return datetime(P, s, e, depth) ;
  return number(P, s, e, depth) ;
}


 /* values */

static toml_value_t *value (parser *P, unsigned int depth) ;
static int keyval (parser *P, toml_value_t *t) ;

static toml_value_t *array (parser *P, unsigned int depth)
{
  char s[24] ;
  unsigned int line ;
  toml_value_t *a = vnew(P, TOML_ARRAY, P->p, depth), *v ;
  if (!a) return 0 ;
  line = a->line ;
  P->p++ ;
  for (;;)
  {
    skipwscnl(P) ;
    if (peek(P, 0) == ']') break ;
    v = value(P, depth + 1) ;
    if (!v || !apush(P, a, v)) goto err ;
    skipwscnl(P) ;
    if (peek(P, 0) == ',') { P->p++ ; continue ; }
    if (peek(P, 0) == ']') break ;
    if (P->p >= P->end) fail(P, P->p, "unterminated array (opened at line %u)", line) ;
    else fail(P, P->p, "expected ',' or ']' in array, found %s", here(P, s)) ;
    goto err ;
  }
  P->p++ ;
  return a ;
 err:
  toml_free(a) ;
  return 0 ;
}

static toml_value_t *inlinetable (parser *P, unsigned int depth)
{
  char s[24] ;
  toml_value_t *t = vnew(P, TOML_TABLE, P->p, depth) ;
  if (!t) return 0 ;
  t->flags = F_INLINE ;
  P->p++ ;
  skipws(P) ;
  if (peek(P, 0) == '}') { P->p++ ; return t ; }
  for (;;)
  {
    if (isnl(P) || peek(P, 0) == '#') { fail(P, P->p, "newlines are not allowed in inline tables") ; goto err ; }
    if (!keyval(P, t)) goto err ;
    skipws(P) ;
    if (peek(P, 0) == '}') break ;
    if (peek(P, 0) != ',')
    {
      if (isnl(P) || peek(P, 0) == '#') fail(P, P->p, "newlines are not allowed in inline tables") ;
      else fail(P, P->p, "expected ',' or '}' in inline table, found %s", here(P, s)) ;
      goto err ;
    }
    P->p++ ;
    skipws(P) ;
    if (peek(P, 0) == '}') { fail(P, P->p, "trailing comma not allowed in inline table") ; goto err ; }
  }
  P->p++ ;
  return t ;
 err:
  toml_free(t) ;
  return 0 ;
}

 /* returns NULL only after fail() was called */
static toml_value_t *value (parser *P, unsigned int depth)
{
  char const *s = P->p ;
  int c = peek(P, 0) ;
  if (c == '[') return array(P, depth) ;
  if (c == '{') return inlinetable(P, depth) ;
  if (c != '"' && c != '\'') return scalar(P, depth) ;
  P->sb.len = 0 ;
  return string(P, &P->sb, 1) ? vstr(P, TOML_STRING, s, depth) : 0 ;
}


 /* tables */

 /* part i of a dotted key in a key/value pair, from t */
static toml_value_t *dotted (parser *P, toml_value_t *t, size_t i)
{
  char k[80] ;
  toml_value_t *c ;
  size_t j = child(P, t, i) ;
  if (j == NOTFOUND) return newtable(P, t, i, F_DOTTED) ;
  c = t->items[j] ;
  if (c->type != TOML_TABLE || c->flags & F_INLINE)
    return VFAILK(P, i, "cannot add keys to \"%s\": it is %s (defined at line %u)", showkey(P, i + 1, k, sizeof k), a_type(c), c->line) ;
  if (c->flags & F_DEFINED)
    return VFAILK(P, i, "cannot add keys to table \"%s\" with dotted keys: it has its own [header] at line %u", showkey(P, i + 1, k, sizeof k), c->line) ;
  c->flags = F_DOTTED ;
  return c ;
}

static int keyval (parser *P, toml_value_t *t)
{
  char s[24], k[80] ;
  toml_key_t key ;
  toml_value_t *v ;
  size_t i, last ;
  if (!readkey(P)) return 0 ;
  if (peek(P, 0) != '=') return fail(P, P->p, "expected '=' after key, found %s", here(P, s)) ;
  P->p++ ;
  skipws(P) ;
  last = P->nparts - 1 ;
  for (i = 0 ; i < last ; i++)
    if (!(t = dotted(P, t, i))) return 0 ;
  i = child(P, t, last) ;
  if (i != NOTFOUND)
    return failk(P, 0, "duplicate key \"%s\" (first defined at line %u)", showkey(P, P->nparts, k, sizeof k), t->keys[i].line) ;
  if (!mkkey(P, last, &key)) return 0 ;
  if (!(v = value(P, t->depth + 1))) { free(key.s) ; return 0 ; }
  return tput(P, t, &key, v) ;
}

 /* part i of a [header] key, from t */
static toml_value_t *super (parser *P, toml_value_t *t, size_t i)
{
  char k[80] ;
  toml_value_t *c ;
  size_t j = child(P, t, i) ;
  if (j == NOTFOUND) return newtable(P, t, i, F_IMPLICIT) ;
  c = t->items[j] ;
  if (c->type == TOML_ARRAY && c->flags & F_AOT) return c->items[c->n - 1] ;
  if (c->type == TOML_TABLE && !(c->flags & F_INLINE)) return c ;
  return VFAILK(P, i, "cannot add a table to \"%s\": it is %s (defined at line %u)", showkey(P, i + 1, k, sizeof k), a_type(c), c->line) ;
}

static toml_value_t *table (parser *P, toml_value_t *t, unsigned int line, unsigned int col)
{
  char k[80] ;
  size_t last = P->nparts - 1, j = child(P, t, last) ;
  toml_value_t *c ;
  if (j == NOTFOUND) c = newtable(P, t, last, F_DEFINED) ;
  else
  {
    c = t->items[j] ;
    showkey(P, P->nparts, k, sizeof k) ;
    if (c->type != TOML_TABLE || c->flags & F_INLINE)
      return VFAILK(P, 0, "cannot define table [%s]: it is already %s (defined at line %u)", k, a_type(c), c->line) ;
    if (c->flags & F_DEFINED)
      return VFAILK(P, 0, "table [%s] defined twice (first at line %u)", k, c->line) ;
    if (c->flags & F_DOTTED)
      return VFAILK(P, 0, "table [%s] was already defined by dotted keys at line %u", k, c->line) ;
    c->flags = F_DEFINED ;
  }
  if (c) { c->line = line ; c->col = col ; }
  return c ;
}

static toml_value_t *arraytable (parser *P, toml_value_t *t, unsigned int line, unsigned int col)
{
  char k[80] ;
  size_t last = P->nparts - 1, j = child(P, t, last) ;
  toml_value_t *a, *e ;
  if (j == NOTFOUND)
  {
    toml_key_t key ;
    if (!(a = vnew(P, TOML_ARRAY, 0, t->depth + 1))) return 0 ;
    a->line = line ; a->col = col ;
    a->flags = F_AOT ;
    if (!mkkey(P, last, &key)) { toml_free(a) ; return 0 ; }
    if (!tput(P, t, &key, a)) return 0 ;
  }
  else
  {
    a = t->items[j] ;
    if (a->type != TOML_ARRAY || !(a->flags & F_AOT))
      return VFAILK(P, 0, "cannot define array of tables [[%s]]: it is already %s (defined at line %u)", showkey(P, P->nparts, k, sizeof k), a_type(a), a->line) ;
  }
  if (!(e = vnew(P, TOML_TABLE, 0, a->depth + 1))) return 0 ;
  e->line = line ; e->col = col ;
  e->flags = F_DEFINED ;
  return apush(P, a, e) ? e : 0 ;
}

static toml_value_t *header (parser *P, toml_value_t *root)
{
  char s[24] ;
  unsigned int line, col ;
  int aot = peek(P, 1) == '[' ;
  size_t i ;
  where(P, P->p, &line, &col) ;
  P->p += 1 + aot ;
  skipws(P) ;
  if (!readkey(P)) return 0 ;
  if (peek(P, 0) != ']' || (aot && peek(P, 1) != ']'))
    return VFAIL(P, P->p, "expected '%s' after table name, found %s", aot ? "]]" : "]", here(P, s)) ;
  P->p += 1 + aot ;
  for (i = 0 ; i + 1 < P->nparts ; i++)
    if (!(root = super(P, root, i))) return 0 ;
  return aot ? arraytable(P, root, line, col) : table(P, root, line, col) ;
}

static int document (parser *P, toml_value_t *root)
{
  toml_value_t *cur = root ;
  for (;;)
  {
    char const *what = "comment" ;
    skipws(P) ;
    if (P->p >= P->end) return 1 ;
    if (isnl(P)) { skipnl(P) ; continue ; }
    if (*P->p == '[')
    {
      if (!(cur = header(P, root))) return 0 ;
      what = "table header" ;
    }
    else if (*P->p != '#')
    {
      if (!keyval(P, cur)) return 0 ;
      what = "value" ;
    }
    if (!eol(P, what)) return 0 ;
  }
}


 /* interface */

toml_value_t *toml_parse (char const *text, size_t len, char *err, size_t errlen)
{
  return toml_parse_at(text, len, err, errlen, 0, 0) ;
}

toml_value_t *toml_parse_at (char const *text, size_t len, char *err, size_t errlen, unsigned int *line, unsigned int *col)
{
  parser P ;
  toml_value_t *root = 0 ;
  if (!text) text = "" ;
  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) { text += 3 ; len -= 3 ; }
  memset(&P, 0, sizeof P) ;
  P.start = P.p = P.wp = text ;
  P.end = text + len ;
  P.wline = P.wcol = 1 ;
  P.err = err ;
  P.errlen = errlen ;
  P.eline = line ;
  P.ecol = col ;
  if (errlen) err[0] = 0 ;
  if (validate(&P)) root = vnew(&P, TOML_TABLE, text, 0) ;
  if (root && !document(&P, root)) { toml_free(root) ; root = 0 ; }
  free(P.sb.s) ;
  free(P.kb.s) ;
  free(P.parts) ;
  return root ;
}

void toml_free (toml_value_t *v)
{
  size_t i ;
  if (!v) return ;
  for (i = 0 ; i < v->n ; i++)
  {
    toml_free(v->items[i]) ;
    if (v->keys) free(v->keys[i].s) ;
  }
  free(v->items) ;
  free(v->keys) ;
  free(v->hidx) ;
  free(v->s) ;
  free(v) ;
}

toml_value_t const *toml_table_getn (toml_value_t const *t, char const *key, size_t len)
{
  size_t i ;
  if (!t || t->type != TOML_TABLE) return 0 ;
  i = tfind(t, key, len) ;
  return i == NOTFOUND ? 0 : t->items[i] ;
}

toml_value_t const *toml_table_get (toml_value_t const *t, char const *key)
{
  return toml_table_getn(t, key, strlen(key)) ;
}

char const *toml_type_name (toml_type_t type)
{
  static char const *const names[] =
  {
    "table", "array", "string", "integer", "float", "boolean",
    "offset date-time", "local date-time", "local date", "local time"
  } ;
  return (unsigned int)type < sizeof names / sizeof *names ? names[type] : "unknown" ;
}
