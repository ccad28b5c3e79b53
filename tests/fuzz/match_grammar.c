/* ISC license. */

/* ready_log_line's matcher against glibc's regexec, on patterns built from
   whole tokens of the ERE syntax (groups, alternation, counts, classes,
   anchors) and short lines over a small alphabet, where matches are
   frequent: it finds in seconds the disagreements libFuzzer reaches
   slowly. usage: match_grammar ITERATIONS [SEED]; exit 1 on a mismatch. */

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm.h"

static char const *const tokens[] =
{
  "a", "b", "c", "x", "1", "2", "-", "]", "}", "(", ")", "|", "*", "+", "?", ".", "^", "$",
  "{0}", "{1}", "{2}", "{0,0}", "{0,2}", "{1,3}", "{2,4}", "{2,}", "{3,}", "{0,}",
  "[ab]", "[^a]", "[a-c]", "[]a]", "[^]b]", "[\x80-\xff]", "\xe9", "\\.", "\\(", "\\$", "\\^", "\\*",
  "[[:digit:]]", "[[:alpha:]x]", "[[:space:]]", "[[:punct:]]", "[[:upper:][:digit:]]", "[[:cntrl:][:blank:]]",
  "[[:print:]]", "[[:graph:]]", "[[:xdigit:]]", "(^)", "($)", "(^|a)", "(a|$)",
} ;
static char const alphabet[] = "abcx12.( ]}-AZ\t\001\351\177$^*" ;

int main (int argc, char **argv)
{
  static tm_match_t m ;
  unsigned long iterations = argc > 1 ? strtoul(argv[1], 0, 10) : 100000, accepted = 0, mismatches = 0 ;
  srand(argc > 2 ? atoi(argv[2]) : 1) ;
  for (unsigned long it = 0 ; it < iterations ; it++)
  {
    char p[512] = "" ;
    char const *why ;
    regex_t re ;
    for (int i = 1 + rand() % 12 ; i ; i--) strcat(p, tokens[rand() % (sizeof(tokens) / sizeof(*tokens))]) ;
    if (!tm_match_compile(&m, p, &why)) continue ;
    if (regcomp(&re, p, REG_EXTENDED | REG_NOSUB)) { printf("accepted what glibc refuses: /%s/\n", p) ; mismatches++ ; continue ; }
    accepted++ ;
    for (int j = 0 ; j < 20 ; j++)
    {
      char s[16] ;
      int len = rand() % 10 ;
      for (int i = 0 ; i < len ; i++) s[i] = alphabet[rand() % (sizeof(alphabet) - 1)] ;
      s[len] = 0 ;
      int ours = tm_match(&m, s, len), theirs = !regexec(&re, s, 0, 0, 0) ;
      if (ours != theirs && mismatches++ < 20) printf("mismatch: /%s/ on \"%s\": tm %d, glibc %d\n", p, s, ours, theirs) ;
    }
    regfree(&re) ;
  }
  printf("match_grammar: %lu patterns accepted and compared, %lu mismatches\n", accepted, mismatches) ;
  return !!mismatches ;
}
