/* ISC license. */

/* ready_log_line's patterns: a subset of POSIX extended regular expressions
   (literals, ., [...] with ranges and ^, * + ?, ^ at the start, $ at the
   end, \ before a special character), compiled once into a fixed program
   and matched by following every possible state at once (Thompson's
   construction): time linear in the line, no allocation, no recursion, so
   that a supervisor may match the lines of an untrusted service. Groups,
   alternation, counts and whatever the subset would read otherwise than
   POSIX (a ^ inside, \d) are refused when the pattern is compiled, with
   the reason; tests/fuzz/match_fuzz.c compares it with glibc's regexec. */

#include <string.h>

#include "tm.h"

enum { OP_CHAR, OP_ANY, OP_SET } ;

/* 1 if c is in set (a bitmap of 256) */
static int in_set (unsigned char const *set, unsigned char c)
{
  return set[c >> 3] >> (c & 7) & 1 ;
}

static void set_add (unsigned char *set, unsigned char c)
{
  set[c >> 3] |= 1 << (c & 7) ;
}

/* [:class:] [.x.] [=x=] at s: not in the subset */
static int special_bracket (char const *s)
{
  return s[0] == '[' && (s[1] == ':' || s[1] == '.' || s[1] == '=') ;
}

/* a bracket expression from s (after the '['); 0 on error, else after ']' */
static char const *bracket (char const *s, unsigned char *set)
{
  int negate = 0, first = 1 ;
  memset(set, 0, 32) ;
  if (*s == '^') { negate = 1 ; s++ ; }
  for (; *s && (*s != ']' || first) ; first = 0)
  {
    unsigned char lo = *s++, hi = lo ;
    if (special_bracket(s - 1)) return 0 ;
    if (lo == '-' && !first && *s != ']') return 0 ;  /* POSIX: a - first, last or as an end */
    if (*s == '-' && s[1] && s[1] != ']')
    {
      if (special_bracket(s + 1)) return 0 ;
      hi = s[1] ; s += 2 ;
    }
    if (hi < lo) return 0 ;
    for (unsigned int c = lo ; c <= hi ; c++) set_add(set, c) ;
  }
  if (*s != ']') return 0 ;
  if (negate) for (unsigned int i = 0 ; i < 32 ; i++) set[i] = ~set[i] ;
  return s + 1 ;
}

int tm_match_compile (tm_match_t *m, char const *p, char const **why)
{
  unsigned int n = 0 ;
  m->anchored = m->at_end = 0 ;  /* no memset: the atoms' pages are touched only as used */
  *why = 0 ;
  if (*p == '^') { m->anchored = 1 ; p++ ; }
  while (*p)
  {
    tm_match_atom_t *a ;
    if (*p == '$' && !p[1]) { m->at_end = 1 ; break ; }
    if (*p == '^' || *p == '$') { *why = "a ^ or $ inside the pattern (anchors only at its start and end; \\^ and \\$ are the characters)" ; return 0 ; }
    if (strchr("()|{}", *p)) { *why = "groups, alternation and counts ( ) | { } are not supported" ; return 0 ; }
    if (strchr("*+?", *p)) { *why = "a * + or ? with nothing before it" ; return 0 ; }
    if (n == TM_MATCH_MAX) { *why = "too long a pattern" ; return 0 ; }
    a = m->atoms + n++ ;
    a->min = 1 ;
    a->many = 0 ;
    if (*p == '.') { a->op = OP_ANY ; p++ ; }
    else if (*p == '[')
    {
      a->op = OP_SET ;
      p = bracket(p + 1, a->set) ;
      if (!p) { *why = "a bracket expression that is not closed, has a [:class:], or a - neither first, last nor in a range" ; return 0 ; }
    }
    else
    {
      if (*p == '\\')
      {
        p++ ;
        if (!*p) { *why = "a \\ at the end" ; return 0 ; }
        /* \d \w \< ... mean classes or anchors to other matchers: refused,
           not quietly read as the letter */
        if (!strchr(".[]\\()*+?{}|^$", *p)) { *why = "a \\ before a character that is not special (\\d or \\w are not supported: write [0-9] or [A-Za-z0-9_])" ; return 0 ; }
      }
      a->op = OP_CHAR ;
      a->c = *p++ ;
    }
    if (*p && strchr("*+?", *p))
    {
      a->min = *p == '+' ;
      a->many = *p != '?' ;
      p++ ;
    }
  }
  m->n = n ;
  return 1 ;
}

static int atom_takes (tm_match_atom_t const *a, unsigned char c)
{
  return a->op == OP_ANY || (a->op == OP_CHAR && a->c == c) || (a->op == OP_SET && in_set(a->set, c)) ;
}

/* states: bit i set when atoms[0..i) have matched; closing over the atoms
   that may match nothing */
static void add (unsigned char *states, tm_match_t const *m, unsigned int i)
{
  for (;;)
  {
    states[i >> 3] |= 1 << (i & 7) ;
    if (i >= m->n || m->atoms[i].min) return ;
    i++ ;
  }
}

static int has (unsigned char const *states, unsigned int i)
{
  return states[i >> 3] >> (i & 7) & 1 ;
}

int tm_match (tm_match_t const *m, char const *s, size_t len)
{
  unsigned char cur[TM_MATCH_MAX / 8 + 1], next[TM_MATCH_MAX / 8 + 1] ;
  memset(cur, 0, sizeof(cur)) ;
  add(cur, m, 0) ;
  for (size_t k = 0 ; ; k++)
  {
    if (has(cur, m->n) && (!m->at_end || k == len)) return 1 ;
    if (k == len) return 0 ;
    memset(next, 0, sizeof(next)) ;
    for (unsigned int i = 0 ; i < m->n ; i++)
    {
      tm_match_atom_t const *a = m->atoms + i ;
      if (!has(cur, i) || !atom_takes(a, (unsigned char)s[k])) continue ;
      add(next, m, i + 1) ;
      if (a->many) add(next, m, i) ;
    }
    if (!m->anchored) add(next, m, 0) ;
    memcpy(cur, next, sizeof(cur)) ;
  }
}
