/* ISC license. */

/* What the loader's files share: the errors and warnings of one load,
   recorded as FILE:LINE: path: message and printed sorted by line at the
   end, and the allocation helpers that die on a full memory. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"
#include "tmconf.h"
#include "conf_internal.h"

/* ---- errors ---- */

typedef struct cerror_s cerror_t ;
struct cerror_s
{
  unsigned int line ;
  unsigned int seq ;
  char *text ;
} ;

static cerror_t *errors ;
static unsigned int nerrors, nwarnings, errcap ;
static char const *errfile ;

static void record (unsigned int line, char const *path, char const *msg)
{
  size_t n ;
  if (nerrors == errcap)
  {
    errcap = errcap ? 2 * errcap : 16 ;
    errors = realloc(errors, errcap * sizeof(cerror_t)) ;
    if (!errors) tmconf_nomem() ;
  }
  n = strlen(errfile) + strlen(path) + strlen(msg) + 32 ;
  errors[nerrors].text = malloc(n) ;
  if (!errors[nerrors].text) tmconf_nomem() ;
  if (*path) snprintf(errors[nerrors].text, n, "%s:%u: %s: %s", errfile, line, path, msg) ;
  else snprintf(errors[nerrors].text, n, "%s:%u: %s", errfile, line, msg) ;
  errors[nerrors].line = line ;
  errors[nerrors].seq = nerrors ;
  nerrors++ ;
}

void conf_error (unsigned int line, char const *path, char const *fmt, ...)
{
  char msg[1024] ;
  va_list ap ;
  va_start(ap, fmt) ;
  vsnprintf(msg, sizeof(msg), fmt, ap) ;
  va_end(ap) ;
  record(line, path, msg) ;
}

/* printed with the errors, but the config stays valid */
void conf_warn (unsigned int line, char const *path, char const *fmt, ...)
{
  char msg[1024] = "warning: " ;
  va_list ap ;
  va_start(ap, fmt) ;
  vsnprintf(msg + 9, sizeof(msg) - 9, fmt, ap) ;
  va_end(ap) ;
  record(line, path, msg) ;
  nwarnings++ ;
}

static int cmperr (void const *a, void const *b)
{
  cerror_t const *x = a, *y = b ;
  if (x->line != y->line) return x->line < y->line ? -1 : 1 ;
  return x->seq < y->seq ? -1 : x->seq > y->seq ;
}

/* prints what was recorded, sorted; the number of errors (not warnings) */
unsigned int conf_report_end (void)
{
  unsigned int n ;
  if (nerrors) qsort(errors, nerrors, sizeof(cerror_t), &cmperr) ;
  for (unsigned int i = 0 ; i < nerrors ; i++)
  {
    fprintf(stderr, "%s\n", errors[i].text) ;
    free(errors[i].text) ;
  }
  free(errors) ;
  errors = 0 ;
  n = nerrors - nwarnings ;
  nerrors = nwarnings = errcap = 0 ;
  return n ;
}


void *conf_xmalloc (size_t n)
{
  void *p = malloc(n ? n : 1) ;
  if (!p) tmconf_nomem() ;
  return p ;
}

char *conf_xstrdup (char const *s)
{
  size_t n = strlen(s) + 1 ;
  return memcpy(conf_xmalloc(n), s, n) ;
}

void conf_report_begin (char const *file)
{
  errfile = file ;
}

/* prefix.key, truncated to max: it only names things in messages */
void conf_path_key (char *buf, size_t max, char const *prefix, char const *key)
{
  size_t a = strlen(prefix), b = strlen(key), n = 0 ;
  if (a > max - 1) a = max - 1 ;
  memcpy(buf, prefix, a) ; n = a ;
  if (a && n < max - 1) buf[n++] = '.' ;
  if (b > max - 1 - n) b = max - 1 - n ;
  memcpy(buf + n, key, b) ;
  buf[n + b] = 0 ;
}

unsigned int conf_key_line (toml_value_t const *t, char const *key)
{
  toml_value_t const *v = toml_table_get(t, key) ;
  return v ? v->line : t->line ;
}
