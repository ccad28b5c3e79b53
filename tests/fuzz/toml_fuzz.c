/* ISC license. */

/* libFuzzer target: parse, check a few invariants of the tree, free. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libtmconf/toml.h"

static void check (toml_value_t const *v)
{
  size_t i ;
  if (!v->line || !v->col) abort() ;
  if (v->type == TOML_ARRAY)
    for (i = 0 ; i < v->n ; i++) check(v->items[i]) ;
  if (v->type == TOML_TABLE)
    for (i = 0 ; i < v->n ; i++)
    {
      if (toml_table_getn(v, v->keys[i].s, v->keys[i].len) != v->items[i]) abort() ;
      if (!v->keys[i].line || !v->keys[i].col) abort() ;
      check(v->items[i]) ;
    }
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char err[256] ;
  toml_value_t *root = toml_parse((char const *)data, size, err, sizeof err) ;
  if (!root)
  {
    if (strncmp(err, "line ", 5)) abort() ;
    return 0 ;
  }
  check(root) ;
  toml_free(root) ;
  return 0 ;
}
