/* ISC license. */

/* libFuzzer target for ready_log_line's matcher: the input's first line is
   a pattern, the rest a log line. A pattern tm_match_compile accepts must
   match exactly where glibc's regexec (POSIX EREs) matches, and neither
   may crash or read past the line. So that the fuzzer reaches the whole
   syntax quickly, the pattern's bytes 0xe0 to 0xff stand for whole tokens
   (a class, a count, a group); the others are themselves. */

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tm.h"

static char const *const tokens[32] =
{
  "[[:alpha:]]", "[[:digit:]]", "[[:alnum:]]", "[[:space:]]", "[[:upper:]]", "[[:lower:]]", "[[:punct:]]", "[[:xdigit:]]",
  "[[:print:]]", "[[:graph:]]", "[[:cntrl:]]", "[[:blank:]]", "[^[:alnum:]_]", "[[:digit:][:upper:]-]", "{2}", "{1,3}",
  "{0,2}", "{2,}", "{0}", "{0,}", "{3,5}", "(", ")", "|",
  "(a|b)", "(^|[ ])", "($|[ .])", "([0-9]+|x)", "{1,255}", "(^a|b$)", "\\(", "\\{"
} ;

/* the pattern from its bytes, tokens written out; 0 when too long */
static int expand (uint8_t const *data, size_t n, char *out, size_t max)
{
  size_t k = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *t = data[i] >= 0xe0 ? tokens[data[i] - 0xe0] : 0 ;
    size_t len = t ? strlen(t) : 1 ;
    if (k + len >= max) return 0 ;
    if (t) memcpy(out + k, t, len) ; else out[k] = data[i] ;
    k += len ;
  }
  out[k] = 0 ;
  return 1 ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static tm_match_t m ;
  char pattern[1024] ;
  uint8_t const *nl = memchr(data, '\n', size) ;
  size_t plen = nl ? (size_t)(nl - data) : size ;
  char const *why ;
  if (plen >= 256 || memchr(data, 0, plen)) return 0 ;
  if (!expand(data, plen, pattern, sizeof(pattern))) return 0 ;
  if (!tm_match_compile(&m, pattern, &why)) return 0 ;
  size_t len = nl ? size - plen - 1 : 0 ;
  char *line = malloc(len + 1) ;
  if (!line) abort() ;
  memcpy(line, nl ? (char const *)nl + 1 : "", len) ;
  int ours = tm_match(&m, line, len) ;
  if (!memchr(line, 0, len) && !memchr(line, '\n', len))
  {
    regex_t re ;
    line[len] = 0 ;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) abort() ;  /* we took what POSIX refuses */
    int theirs = !regexec(&re, line, 0, 0, 0) ;
    regfree(&re) ;
    if (ours != theirs) abort() ;
  }
  free(line) ;
  return 0 ;
}
