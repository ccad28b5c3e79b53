/* ISC license. */

/* toml-test decoder: TOML on stdin, tagged JSON on stdout. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "libtmconf/toml.h"

static void str (char const *s, size_t len)
{
  size_t i ;
  putchar('"') ;
  for (i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c == '"' || c == '\\') printf("\\%c", c) ;
    else if (c < 0x20 || c == 0x7f) printf("\\u%04x", c) ;
    else putchar(c) ;
  }
  putchar('"') ;
}

static void tagged (char const *type, char const *s)
{
  printf("{\"type\":\"%s\",\"value\":\"%s\"}", type, s) ;
}

static void value (toml_value_t const *v)
{
  static char const *const types[] = { 0, 0, "string", "integer", "float", "bool", "datetime", "datetime-local", "date-local", "time-local" } ;
  char tmp[64] ;
  size_t i ;
  switch (v->type)
  {
    case TOML_TABLE :
      putchar('{') ;
      for (i = 0 ; i < v->n ; i++)
      {
        if (i) putchar(',') ;
        str(v->keys[i].s, v->keys[i].len) ;
        putchar(':') ;
        value(v->items[i]) ;
      }
      putchar('}') ;
      break ;
    case TOML_ARRAY :
      putchar('[') ;
      for (i = 0 ; i < v->n ; i++)
      {
        if (i) putchar(',') ;
        value(v->items[i]) ;
      }
      putchar(']') ;
      break ;
    case TOML_STRING :
      printf("{\"type\":\"string\",\"value\":") ;
      str(v->s, v->slen) ;
      putchar('}') ;
      break ;
    case TOML_INTEGER :
      snprintf(tmp, sizeof tmp, "%lld", v->i) ;
      tagged(types[v->type], tmp) ;
      break ;
    case TOML_FLOAT :
      if (isnan(v->f)) tagged("float", "nan") ;
      else if (isinf(v->f)) tagged("float", v->f < 0 ? "-inf" : "inf") ;
      else
      {
        snprintf(tmp, sizeof tmp, "%.17g", v->f) ;
        tagged("float", tmp) ;
      }
      break ;
    case TOML_BOOL :
      tagged("bool", v->b ? "true" : "false") ;
      break ;
    default :
      tagged(types[v->type], v->s) ;
      break ;
  }
}

int main (void)
{
  char err[256] ;
  size_t len = 0, cap = 0 ;
  char *text = 0 ;
  toml_value_t *root ;
  for (;;)
  {
    if (len == cap)
    {
      char *t = realloc(text, cap = cap ? 2 * cap : 65536) ;
      if (!t) { fputs("toml-decoder: out of memory\n", stderr) ; return 111 ; }
      text = t ;
    }
    size_t r = fread(text + len, 1, cap - len, stdin) ;
    if (!r) break ;
    len += r ;
  }
  if (ferror(stdin)) { perror("toml-decoder: read") ; return 111 ; }
  root = toml_parse(text, len, err, sizeof err) ;
  free(text) ;
  if (!root)
  {
    fprintf(stderr, "%s\n", err) ;
    return 1 ;
  }
  value(root) ;
  putchar('\n') ;
  toml_free(root) ;
  return fflush(stdout) ? 111 : 0 ;
}
