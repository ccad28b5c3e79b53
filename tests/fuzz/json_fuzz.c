/* ISC license. */

/* libFuzzer target for the relay's JSON: any line, escaped, wrapped as a
   message, must make an object json_object_scan accepts; the scanner must
   never read past the line. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/tm-supervise/sv.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *line = malloc(size ? size : 1) ;
  char *obj = malloc(size * 6 + 16) ;
  size_t used, n, a, b ;
  unsigned int has ;
  if (!line || !obj) abort() ;
  memcpy(line, data, size) ;
  if (json_object_scan(line, size, &has, &a, &b) && (a >= b || b > size || line[a] != '{' || line[b-1] != '}')) abort() ;
  memcpy(obj, "{\"m\":\"", 6) ;
  n = json_escape(obj + 6, size * 6, line, size, &used) ;
  if (used != size || json_escaped_len(line, size) != n) abort() ;
  memcpy(obj + 6 + n, "\"}", 2) ;
  if (!json_object_scan(obj, n + 8, &has, &a, &b) || has) abort() ;
  free(obj) ;
  free(line) ;
  return 0 ;
}
