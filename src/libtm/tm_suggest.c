/* ISC license. */

/* Did you mean: the closest of a list of names to a word, when it is close
   enough to be a likely typo (an edit distance, case aside, of at most a
   third of the word, and below 3). */

#include <ctype.h>
#include <string.h>

#include "tm.h"

static unsigned int distance (char const *a, char const *b)
{
  size_t la = strlen(a), lb = strlen(b) ;
  unsigned int d[lb + 1] ;
  if (la > 64 || lb > 64) return 99 ;
  for (size_t j = 0 ; j <= lb ; j++) d[j] = j ;
  for (size_t i = 1 ; i <= la ; i++)
  {
    unsigned int prev = d[0] ;
    d[0] = i ;
    for (size_t j = 1 ; j <= lb ; j++)
    {
      unsigned int cur = d[j] ;
      unsigned int sub = prev + (tolower((unsigned char)a[i-1]) != tolower((unsigned char)b[j-1])) ;
      d[j] = d[j] + 1 < d[j-1] + 1 ? d[j] + 1 : d[j-1] + 1 ;
      if (sub < d[j]) d[j] = sub ;
      prev = cur ;
    }
  }
  return d[lb] ;
}

char const *tm_suggest (char const *s, char const *const *names, unsigned int n)
{
  char const *best = 0 ;
  unsigned int bestd = 3 ;
  size_t len = strlen(s) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    unsigned int d = distance(s, names[i]) ;
    if (d < bestd && d <= (len + 2) / 3) { bestd = d ; best = names[i] ; }
  }
  return best ;
}
