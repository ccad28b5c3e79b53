/* ISC license. */

/* JSON for the relay's json format: a line that is one JSON object keeps
   its fields (json_object_scan tells, without allocating or recursing);
   anything else becomes a string (json_escape). Lines are the service's,
   so untrusted: everything is bounded by the line and a depth of 64. */

#include <stdint.h>
#include <string.h>

#include "sv.h"

#define DEPTH_MAX 64

static size_t utf8_len (unsigned char const *s, size_t n)
{
  unsigned char c = s[0] ;
  size_t len ;
  uint32_t cp ;
  if (c < 0x80) return 1 ;
  if (c >= 0xc2 && c <= 0xdf) { len = 2 ; cp = c & 0x1f ; }
  else if (c >= 0xe0 && c <= 0xef) { len = 3 ; cp = c & 0x0f ; }
  else if (c >= 0xf0 && c <= 0xf4) { len = 4 ; cp = c & 0x07 ; }
  else return 0 ;
  if (n < len) return 0 ;
  for (size_t i = 1 ; i < len ; i++)
  {
    if ((s[i] & 0xc0) != 0x80) return 0 ;
    cp = cp << 6 | (s[i] & 0x3f) ;
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0 ;
  return len ;
}

static int hex (unsigned char c)
{
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ;
}

/* a string from s[*i] (the opening quote); 1 ok, *i after the closing one */
static int scan_string (unsigned char const *s, size_t n, size_t *i)
{
  size_t k = *i + 1 ;
  while (k < n)
  {
    unsigned char c = s[k] ;
    if (c == '"') { *i = k + 1 ; return 1 ; }
    if (c < 0x20) return 0 ;
    if (c == '\\')
    {
      if (++k >= n) return 0 ;
      if (s[k] == 'u')
      {
        if (k + 4 >= n || !hex(s[k+1]) || !hex(s[k+2]) || !hex(s[k+3]) || !hex(s[k+4])) return 0 ;
        k += 5 ;
      }
      else if (strchr("\"\\/bfnrt", s[k]) && s[k]) k++ ;
      else return 0 ;
      continue ;
    }
    {
      size_t len = utf8_len(s + k, n - k) ;
      if (!len) return 0 ;
      k += len ;
    }
  }
  return 0 ;
}

static int digits (unsigned char const *s, size_t n, size_t *i)
{
  size_t k = *i ;
  while (k < n && s[k] >= '0' && s[k] <= '9') k++ ;
  if (k == *i) return 0 ;
  *i = k ;
  return 1 ;
}

static int scan_number (unsigned char const *s, size_t n, size_t *i)
{
  size_t k = *i ;
  if (s[k] == '-') k++ ;
  if (k < n && s[k] == '0') k++ ;
  else if (!digits(s, n, &k)) return 0 ;
  if (k < n && s[k] == '.' && (++k, !digits(s, n, &k))) return 0 ;
  if (k < n && (s[k] | 0x20) == 'e')
  {
    k++ ;
    if (k < n && (s[k] == '+' || s[k] == '-')) k++ ;
    if (!digits(s, n, &k)) return 0 ;
  }
  *i = k ;
  return 1 ;
}

static int scan_literal (unsigned char const *s, size_t n, size_t *i)
{
  static char const *const lits[3] = { "true", "false", "null" } ;
  for (unsigned int j = 0 ; j < 3 ; j++)
  {
    size_t len = strlen(lits[j]) ;
    if (n - *i >= len && !memcmp(s + *i, lits[j], len)) { *i += len ; return 1 ; }
  }
  return 0 ;
}

static size_t skip_ws (unsigned char const *s, size_t n, size_t i)
{
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++ ;
  return i ;
}

/* which of the keys we add the object has at its top level */
static unsigned int key_bit (unsigned char const *s, size_t len)
{
  if (len == 7 && !memcmp(s, "service", 7)) return JSON_HAS_SERVICE ;
  if (len == 6 && !memcmp(s, "stream", 6)) return JSON_HAS_STREAM ;
  if (len == 4 && !memcmp(s, "time", 4)) return JSON_HAS_TIME ;
  return 0 ;
}

enum { WANT_VALUE, WANT_KEY, AFTER_VALUE } ;

/* 1 when line is exactly one JSON object (whitespace around allowed);
   *has then tells which of service, stream, time it has at its top level,
   and the object spans [*start, *end). 0 otherwise. */
int json_object_scan (char const *line, size_t n, unsigned int *has, size_t *start, size_t *end)
{
  unsigned char const *s = (unsigned char const *)line ;
  unsigned char stack[DEPTH_MAX] ;  /* the open containers: '{' or '[' */
  unsigned int depth = 0 ;
  int want = WANT_VALUE ;
  size_t i = skip_ws(s, n, 0) ;
  *has = 0 ;
  if (i >= n || s[i] != '{') return 0 ;
  *start = i ;
  for (;;)
  {
    i = skip_ws(s, n, i) ;
    if (i >= n) return 0 ;
    if (want == WANT_KEY)
    {
      size_t k = i ;
      if (s[i] != '"' || !scan_string(s, n, &i)) return 0 ;
      if (depth == 1) *has |= key_bit(s + k + 1, i - k - 2) ;
      i = skip_ws(s, n, i) ;
      if (i >= n || s[i] != ':') return 0 ;
      i++ ;
      want = WANT_VALUE ;
      continue ;
    }
    if (want == WANT_VALUE)
    {
      unsigned char c = s[i] ;
      if (c == '{' || c == '[')
      {
        size_t k = skip_ws(s, n, i + 1) ;
        if (k < n && s[k] == (c == '{' ? '}' : ']')) i = k + 1 ;  /* empty: a whole value */
        else
        {
          if (depth == DEPTH_MAX) return 0 ;
          stack[depth++] = c ;
          i++ ;
          want = c == '{' ? WANT_KEY : WANT_VALUE ;
          continue ;
        }
      }
      else if (c == '"') { if (!scan_string(s, n, &i)) return 0 ; }
      else if (c == '-' || (c >= '0' && c <= '9')) { if (!scan_number(s, n, &i)) return 0 ; }
      else if (!scan_literal(s, n, &i)) return 0 ;
      if (!depth) break ;
      want = AFTER_VALUE ;
      continue ;
    }
    /* after a value: a comma, or the end of the innermost container */
    if (s[i] == ',')
    {
      i++ ;
      want = stack[depth-1] == '{' ? WANT_KEY : WANT_VALUE ;
      continue ;
    }
    if (s[i] != (stack[depth-1] == '{' ? '}' : ']')) return 0 ;
    i++ ;
    if (!--depth) break ;
  }
  *end = i ;
  return skip_ws(s, n, i) == n ;
}

/* Bytes that stay as they are in a JSON string: printable ASCII but " and
   backslash. Eight at a time: a line is mostly made of them. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)

static int byte_plain (unsigned char c)
{
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ;
}

static int word_plain (uint64_t x)
{
  uint64_t below_space = (x - ONES * 0x20) & ~x & HIGHS ;
  uint64_t from_del = ((x + ONES * (0x7f - 0x7e)) | x) & HIGHS ;
  return !(below_space | from_del | HAS_ZERO(x ^ (ONES * '"')) | HAS_ZERO(x ^ (ONES * '\\'))) ;
}

/* where the run of such bytes from i ends */
static size_t plain_end (unsigned char const *s, size_t i, size_t n)
{
  for (; i + 8 <= n ; i += 8)
  {
    uint64_t x ;
    memcpy(&x, s + i, 8) ;
    if (!word_plain(x)) break ;
  }
  while (i < n && byte_plain(s[i])) i++ ;
  return i ;
}

/* s as the inside of a JSON string: control characters escaped, bytes that
   are not UTF-8 replaced by U+FFFD. Writes at most max bytes; returns what
   it wrote, *used what of s it took (whole characters only). */
size_t json_escape (char *out, size_t max, char const *line, size_t n, size_t *used)
{
  static char const hexd[16] = "0123456789abcdef" ;
  unsigned char const *s = (unsigned char const *)line ;
  size_t w = 0, i = 0 ;
  while (i < n)
  {
    unsigned char c = s[i] ;
    if (byte_plain(c))
    {
      /* a run of what stays as it is, at once */
      size_t run = plain_end(s, i + 1, n) ;
      if (run - i > max - w) run = i + (max - w) ;
      memcpy(out + w, s + i, run - i) ;
      w += run - i ;
      if (run == i) break ;
      i = run ;
      continue ;
    }
    char esc[6] ;
    size_t elen, take = 1 ;
    char const *e = esc ;
    if (c == '"' || c == '\\') { esc[0] = '\\' ; esc[1] = c ; elen = 2 ; }
    else if (c == '\n') { e = "\\n" ; elen = 2 ; }
    else if (c == '\t') { e = "\\t" ; elen = 2 ; }
    else if (c == '\r') { e = "\\r" ; elen = 2 ; }
    else if (c < 0x20 || c == 0x7f)
    {
      memcpy(esc, "\\u00", 4) ;
      esc[4] = hexd[c >> 4] ;
      esc[5] = hexd[c & 15] ;
      elen = 6 ;
    }
    else if (c < 0x80) { esc[0] = c ; elen = 1 ; }
    else
    {
      take = utf8_len(s + i, n - i) ;
      if (take) { e = line + i ; elen = take ; }
      else { e = "\xef\xbf\xbd" ; elen = 3 ; take = 1 ; }
    }
    if (w + elen > max) break ;
    memcpy(out + w, e, elen) ;
    w += elen ;
    i += take ;
  }
  *used = i ;
  return w ;
}

/* what json_escape makes of s, in bytes */
size_t json_escaped_len (char const *line, size_t n)
{
  unsigned char const *s = (unsigned char const *)line ;
  size_t total = 0 ;
  for (size_t i = 0 ; i < n ; )
  {
    size_t run = plain_end(s, i, n) ;
    unsigned char c ;
    total += run - i ;
    i = run ;
    if (i == n) break ;
    c = s[i] ;
    if (c >= 0x20 && c < 0x7f) { total += 1 + (c == '"' || c == '\\') ; i++ ; }
    else if (c == '\n' || c == '\t' || c == '\r') { total += 2 ; i++ ; }
    else if (c < 0x80) { total += 6 ; i++ ; }
    else
    {
      size_t len = utf8_len(s + i, n - i) ;
      total += len ? len : 3 ;
      i += len ? len : 1 ;
    }
  }
  return total ;
}
