/* ISC license. */

/* libFuzzer target for sv_argv_parse (a compiled run back into an argv).
   Whatever it accepts must be exactly what tm-ctl compile writes for that
   argv: quoting the words again the way sb_word does gives back the very
   same command line, byte for byte. So nothing but the compiler's own
   output is ever taken for a command. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/tm-supervise/sv.h"

#define MAXLEN 65536

static size_t quote (char *out, char const *s)
{
  size_t n = 0 ;
  out[n++] = '"' ;
  for (; *s ; s++)
  {
    unsigned char c = *s ;
    if (c == '"' || c == '\\') { out[n++] = '\\' ; out[n++] = c ; }
    else if (c == '\n') { out[n++] = '\\' ; out[n++] = 'n' ; }
    else if (c == '\t') { out[n++] = '\\' ; out[n++] = 't' ; }
    else if (c < 0x20 || c == 0x7f) n += sprintf(out + n, "\\0x%02x", c) ;
    else out[n++] = c ;
  }
  out[n++] = '"' ;
  return n ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static char buf[MAXLEN], again[MAXLEN * 2] ;
  static char *argv[MAXLEN / 2 + 2] ;
  size_t argc, n = 0, line ;
  char const *last ;
  if (size > MAXLEN) return 0 ;
  memcpy(buf, data, size) ;
  argc = sv_argv_parse(buf, size, argv, size / 2 + 2) ;
  if (!argc) return 0 ;
  if (argv[argc] || !argv[0][0]) abort() ;
  for (size_t i = 0 ; i < argc ; i++)
  {
    if (argv[i] < buf || argv[i] >= buf + size) abort() ;
    if (i) again[n++] = ' ' ;
    n += quote(again + n, argv[i]) ;
  }
  again[n++] = '\n' ;
  /* the input's last line is the command line */
  last = (char const *)data + size - 1 ;
  while (last > (char const *)data && last[-1] != '\n') last-- ;
  line = (char const *)data + size - last ;
  if (line != n || memcmp(last, again, n)) abort() ;
  return 0 ;
}
