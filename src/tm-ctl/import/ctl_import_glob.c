/* ISC license. */

/* [include] files = patterns, matched as supervisord matches them, with
   Python's glob.glob: *, ? and [...] ([!...] the complement) in any
   component of the path; a name starting with a dot only for a component
   that starts with one; the paths sorted, as supervisord sorts them. Bytes,
   not characters, as Python on POSIX sees file names: no locale and no
   wide-character tables (the libc's glob and fnmatch need both). */

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "imp.h"

/* the length of the token at p ([...] whole, or one byte); a [ without its
   ] is a byte like any other, as in Python */
static size_t token_len (char const *p, char const *end)
{
  char const *q = p + 1 ;
  if (*p != '[') return 1 ;
  if (q < end && *q == '!') q++ ;
  if (q < end && *q == ']') q++ ;
  while (q < end && *q != ']') q++ ;
  return q < end ? (size_t)(q + 1 - p) : 1 ;
}

static int token_match (char const *p, size_t len, unsigned char c)
{
  int negate, in = 0 ;
  char const *q, *end ;
  if (*p == '?') return 1 ;
  if (len == 1) return (unsigned char)*p == c ;
  q = p + 1 ; end = p + len - 1 ;
  negate = *q == '!' ;
  if (negate) q++ ;
  while (q < end)
  {
    unsigned char lo = *q ;
    if (q + 2 < end && q[1] == '-')
    {
      in |= lo <= c && c <= (unsigned char)q[2] ;
      q += 3 ;
    }
    else { in |= lo == c ; q++ ; }
  }
  return in != negate ;
}

/* 1 if the whole name matches the pattern p..end, one * backtracking */
static int name_match (char const *p, char const *end, char const *s)
{
  char const *star = 0, *retry = 0 ;
  while (*s)
  {
    if (p < end && *p == '*') { star = ++p ; retry = s ; continue ; }
    if (p < end)
    {
      size_t n = token_len(p, end) ;
      if (token_match(p, n, *s)) { p += n ; s++ ; continue ; }
    }
    if (!star) return 0 ;
    p = star ; s = ++retry ;
  }
  while (p < end && *p == '*') p++ ;
  return p == end ;
}

static int is_wild (char const *s, size_t n)
{
  for (size_t i = 0 ; i < n ; i++)
    if (s[i] == '*' || s[i] == '?' || s[i] == '[') return 1 ;
  return 0 ;
}

static int exists (char const *path, int want_dir)
{
  struct stat st ;
  if (want_dir) return !stat(path, &st) && S_ISDIR(st.st_mode) ;
  return !lstat(path, &st) ;
}

static void walk (sbuf_t *path, char const *rest, imp_list_t *out) ;

/* path/name, then the rest of the pattern, if any */
static void descend (sbuf_t *path, char const *name, size_t n, char const *rest, imp_list_t *out)
{
  size_t keep = path->len ;
  if (keep && path->s[keep - 1] != '/') imp_putc(path, '/') ;
  imp_putn(path, name, n) ;
  if (!*rest) { if (exists(path->s, 0)) imp_list_add(out, imp_strdup(path->s)) ; }
  else if (exists(path->s, 1)) walk(path, rest, out) ;
  path->len = keep ;
  path->s[keep] = 0 ;
}

static void walk (sbuf_t *path, char const *rest, imp_list_t *out)
{
  size_t n = strcspn(rest, "/") ;
  char const *next = rest + n + strspn(rest + n, "/") ;
  DIR *d ;
  struct dirent *e ;
  if (!is_wild(rest, n)) { descend(path, rest, n, next, out) ; return ; }
  d = opendir(path->len ? path->s : ".") ;
  if (!d) return ;
  while ((e = readdir(d)))
  {
    if (e->d_name[0] == '.' && rest[0] != '.') continue ;
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue ;
    if (name_match(rest, rest + n, e->d_name)) descend(path, e->d_name, strlen(e->d_name), next, out) ;
  }
  closedir(d) ;
}

static int by_path (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

void imp_glob (char const *pattern, imp_list_t *out)
{
  sbuf_t path = SBUF_ZERO ;
  size_t first = out->n ;
  if (*pattern == '/') imp_putc(&path, '/') ;
  walk(&path, pattern + strspn(pattern, "/"), out) ;
  imp_sbfree(&path) ;
  if (out->n - first > 1) qsort(out->s + first, out->n - first, sizeof(char *), &by_path) ;
}
