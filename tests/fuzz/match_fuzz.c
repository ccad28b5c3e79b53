/* ISC license. */

/* libFuzzer target for ready_log_line's matcher: the input's first line is
   a pattern, the rest a log line. A pattern tm_match_compile accepts must
   match exactly where glibc's regexec (POSIX EREs) matches, and neither
   may crash or read past the line. */

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tm.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static tm_match_t m ;
  char pattern[256] ;
  uint8_t const *nl = memchr(data, '\n', size) ;
  size_t plen = nl ? (size_t)(nl - data) : size ;
  char const *why ;
  if (plen >= sizeof(pattern) || memchr(data, 0, plen)) return 0 ;
  memcpy(pattern, data, plen) ;
  pattern[plen] = 0 ;
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
