/* ISC license. */

/* Names and paths that more than one program looks up the same way. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tm.h"

char const *const tm_config_defaults[TM_CONFIG_NDEFAULTS] = { "/etc/tm/services.toml", "/services.toml" } ;

char const *const tm_link_names[TM_NLINKS] = { "tm-ctl", "tm-orchestrator", "go-overlay", "entrypoint" } ;

char *tm_path_cat (char *buf, size_t max, char const *a, char const *b, char const *c)
{
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c) ;
  if (la + lb + lc >= max) { errno = ENAMETOOLONG ; return 0 ; }
  memcpy(buf, a, la) ;
  memcpy(buf + la, b, lb) ;
  memcpy(buf + la + lb, c, lc + 1) ;
  return buf ;
}

int tm_path_search (char const *path, char const *name, char *buf, size_t max, int (*ok) (char const *))
{
  while (*path)
  {
    size_t n = strcspn(path, ":") ;
    if (n && n + strlen(name) + 2 < max)
    {
      memcpy(buf, path, n) ;
      buf[n] = '/' ;
      strcpy(buf + n + 1, name) ;
      if ((*ok)(buf)) return 1 ;
    }
    path += n ;
    if (*path == ':') path++ ;
  }
  return 0 ;
}
