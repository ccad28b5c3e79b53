/* ISC license. */

/* ${VAR} substitution in services.toml's strings (SPEC §3). */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tmconf.h"
#include "conf_internal.h"

int conf_is_name (char const *s, size_t n)
{
  if (!n || n > 255 || isdigit((unsigned char)s[0])) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_') return 0 ;
  return 1 ;
}

/* $$ -> $, ${V}, ${V:-default}, ${V:?message}; another $ stays as is.
   Returns a new string, or 0 after reporting the error. */
char *conf_substitute (char const *s, size_t len, unsigned int line, char const *path)
{
  size_t cap = len + 1, n = 0 ;
  char *out = conf_xmalloc(cap) ;
  for (size_t i = 0 ; i < len ; )
  {
    char const *add = s + i ;
    size_t addlen = 1 ;
    if (s[i] == '$' && i + 1 < len && s[i+1] == '$') { i += 2 ; }
    else if (s[i] == '$' && i + 1 < len && s[i+1] == '{')
    {
      char const *end = memchr(s + i + 2, '}', len - i - 2) ;
      char const *body = s + i + 2 ;
      size_t blen, namelen ;
      char const *op ;
      if (!end) { conf_error(line, path, "unterminated ${ in \"%.*s\"", (int)len, s) ; free(out) ; return 0 ; }
      blen = end - body ;
      op = memchr(body, ':', blen) ;
      namelen = op ? (size_t)(op - body) : blen ;
      if (!conf_is_name(body, namelen) || (op && (op + 1 >= end || (op[1] != '-' && op[1] != '?'))))
      {
        conf_error(line, path, "invalid substitution ${%.*s}: use ${NAME}, ${NAME:-default} or ${NAME:?message}, and $$ for a literal $", (int)blen, body) ;
        free(out) ;
        return 0 ;
      }
      /* the default ends at the first }, so ${A:-${B}} would quietly
         give the text ${B} */
      if (op && memmem(op + 2, end - op - 2, "${", 2))
      {
        conf_error(line, path, "nested substitution in \"%.*s\": the %s of ${%.*s} is taken as written and cannot hold ${", (int)len, s, op[1] == '-' ? "default" : "message", (int)namelen, body) ;
        free(out) ;
        return 0 ;
      }
      {
        char name[namelen + 1] ;
        char const *val ;
        memcpy(name, body, namelen) ;
        name[namelen] = 0 ;
        val = getenv(name) ;
        if (op && (!val || !*val))
        {
          if (op[1] == '?')
          {
            conf_error(line, path, "%s: %.*s", name, (int)(end - op - 2), op + 2) ;
            free(out) ;
            return 0 ;
          }
          add = op + 2 ; addlen = end - op - 2 ;
        }
        else if (!val)
        {
          conf_error(line, path, "environment variable %s is not set (write ${%s:-default} for a default, or $${%s} to leave it to a shell)", name, name, name) ;
          free(out) ;
          return 0 ;
        }
        else { add = val ; addlen = strlen(val) ; }
      }
      i = end + 1 - s ;
    }
    else i++ ;
    if (n + addlen + 1 > cap)
    {
      cap = 2 * (n + addlen + 1) ;
      out = realloc(out, cap) ;
      if (!out) tmconf_nomem() ;
    }
    memcpy(out + n, add, addlen) ;
    n += addlen ;
  }
  out[n] = 0 ;
  return out ;
}
