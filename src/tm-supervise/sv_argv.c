/* ISC license. */

/* The compiled run and health/check files, read back into an argv.
   tm-ctl compile writes each as an execline script of one exact shape:

     #!/.../execlineb -P
     # comment lines
     "word" "word" ...

   every word double-quoted, with the escapes libtmconf/conf_compile.c's sb_word
   produces (\" \\ \n \t \0xHH). Exactly that shape, and nothing else, is
   turned into an argv, so that tm-supervise can exec the command itself:
   one exec fewer per start, and no execlineb needed at run time. Anything
   else (a hand-edited file, a real execline script, a shell script) is not
   the subset: the caller then execs the file as it is, never a guess.
   Pure: no allocation, no system call. */

#include <string.h>

#include "sv.h"

static char const interp_tail[] = "/execlineb -P\n" ;

static int hexval (char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10 ;
  return -1 ;
}

/* "#!/path/to/execlineb -P\n": the length of that line, or 0 */
static size_t shebang (char const *s, size_t len)
{
  char const *nl = memchr(s, '\n', len) ;
  size_t n, t = sizeof(interp_tail) - 1 ;
  if (len < 3 || s[0] != '#' || s[1] != '!' || s[2] != '/' || !nl) return 0 ;
  n = nl - s + 1 ;
  if (n < 2 + t || memcmp(nl + 1 - t, interp_tail, t)) return 0 ;
  for (char const *p = s + 2 ; p < nl + 1 - t ; p++) if (*p == ' ' || *p == '\t' || !*p) return 0 ;
  return n ;
}

/* one quoted word at s[*i] (the opening quote), unescaped to w; 0 if not
   the subset. The unescaped word is never longer than the quoted one, so
   w may lag behind in the same buffer. */
static int word (char *s, size_t len, size_t *i, char **w)
{
  size_t j = *i + 1 ;
  char *o = *w ;
  for (;;)
  {
    unsigned char c ;
    if (j >= len) return 0 ;
    c = s[j++] ;
    if (c == '"') break ;
    if (c == '\\')
    {
      if (j >= len) return 0 ;
      c = s[j++] ;
      if (c == 'n') c = '\n' ;
      else if (c == 't') c = '\t' ;
      else if (c == '0')
      {
        int hi, lo ;
        if (j + 3 > len || s[j] != 'x' || (hi = hexval(s[j+1])) < 0 || (lo = hexval(s[j+2])) < 0) return 0 ;
        c = hi << 4 | lo ;
        j += 3 ;
        /* only what sb_word escapes this way: no NUL, no \n or \t spelt so */
        if (!c || c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) return 0 ;
      }
      else if (c != '"' && c != '\\') return 0 ;
    }
    else if (c < 0x20 || c == 0x7f) return 0 ;
    *o++ = c ;
  }
  *o++ = 0 ;
  *i = j ;
  *w = o ;
  return 1 ;
}

size_t sv_argv_parse (char *s, size_t len, char **argv, size_t max)
{
  size_t i = shebang(s, len), argc = 0 ;
  char *w ;
  if (!i) return 0 ;
  while (i < len && s[i] == '#')
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    if (!nl || memchr(s + i, 0, nl - (s + i))) return 0 ;
    i = nl - s + 1 ;
  }
  w = s + i ;
  for (;;)
  {
    if (i >= len || s[i] != '"' || argc + 1 >= max) return 0 ;
    argv[argc++] = w ;
    if (!word(s, len, &i, &w)) return 0 ;
    if (i < len && s[i] == ' ') { i++ ; continue ; }
    if (i + 1 == len && s[i] == '\n') break ;
    return 0 ;
  }
  if (!argv[0][0]) return 0 ;
  argv[argc] = 0 ;
  return argc ;
}
