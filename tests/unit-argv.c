/* ISC license. */

/* Unit tests of sv_argv_parse: a compiled run or health/check back into an
   argv. Exactly the shape tm-ctl compile writes is accepted; every other
   text is refused (then tm-supervise execs the file as it is). Last, a
   differential test: texts the parser accepts, mutated at random, must
   give the argv the real execlineb gives. With TM_UNIT_ARGV_PRINT set in
   its environment, unit-argv only prints its arguments, NUL-terminated:
   it is the command of those texts. */

#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/tm-supervise/sv.h"

static int failures = 0 ;

#define CHECK(name, cond) do { if (cond) printf("ok %s\n", name) ; else { printf("FAIL %s at line %d\n", name, __LINE__) ; failures++ ; } } while (0)

#define HEAD "#!/usr/lib/execline/bin/execlineb -P\n# service web, compiled by tm-ctl\n# (working directory, environment and user are set by tm-supervise from\n# working-dir, env/ and uid/gid/groups beside this file)\n"

/* the escapes of libtmconf/conf_compile.c's sb_word, as the oracle */
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

static size_t compile_text (char *out, char const *const *argv)
{
  size_t n = strlen(HEAD) ;
  memcpy(out, HEAD, n) ;
  for (unsigned int i = 0 ; argv[i] ; i++)
  {
    if (i) out[n++] = ' ' ;
    n += quote(out + n, argv[i]) ;
  }
  out[n++] = '\n' ;
  out[n] = 0 ;
  return n ;
}

/* parse a copy of text; argv into av (64 slots) */
static size_t parse (char const *text, size_t len, char *buf, char **av)
{
  memcpy(buf, text, len) ;
  return sv_argv_parse(buf, len, av, 64) ;
}

static int same (char *const *a, char const *const *b)
{
  unsigned int i = 0 ;
  for (; a[i] && b[i] ; i++) if (strcmp(a[i], b[i])) return 0 ;
  return !a[i] && !b[i] ;
}

static void test_accept (void)
{
  static char const *const cases[][8] =
  {
    { "/usr/bin/app", 0 },
    { "/usr/bin/app", "--port", "8080", 0 },
    { "/bin/x", "", "two words", "", 0 },
    { "/bin/x", "q\"uote", "back\\slash", "new\nline", "tab\there", 0 },
    { "/bin/x", "\x01\x1f\x7f", "{", "}", "#", "$HOME", "${HOME}", 0 },
    { "/bin/x", "\xc3\xa9t\xc3\xa9", "\\n", "\\0x41", 0 },
    { "curl", "-f", 0 },
  } ;
  for (unsigned int c = 0 ; c < sizeof(cases) / sizeof(cases[0]) ; c++)
  {
    char text[1024], buf[1024], name[32] ;
    char *av[64] ;
    size_t len = compile_text(text, cases[c]) ;
    size_t argc = parse(text, len, buf, av) ;
    snprintf(name, sizeof(name), "argv-accept-%u", c) ;
    CHECK(name, argc && same(av, cases[c])) ;
  }
  {
    char text[] = "#!/x/execlineb -P\n\"/a\"\n" ;
    char *av[64] ;
    CHECK("argv-no-comment", sv_argv_parse(text, sizeof(text) - 1, av, 64) == 1 && !strcmp(av[0], "/a") && !av[1]) ;
  }
  {
    static char const text[] = "#!/x/execlineb -P\n\"/a\" \"b\" \"c\"\n" ;
    char buf[sizeof(text)] ;
    char *av[64] ;
    memcpy(buf, text, sizeof(text)) ;
    CHECK("argv-max-too-small", !sv_argv_parse(buf, sizeof(text) - 1, av, 3)) ;
    memcpy(buf, text, sizeof(text)) ;
    CHECK("argv-max-just-enough", sv_argv_parse(buf, sizeof(text) - 1, av, 4) == 3 && !av[3]) ;
  }
}

static void test_reject (void)
{
  static char const *const bad[] =
  {
    "",
    "#!/usr/lib/execline/bin/execlineb -P\n",                          /* no command */
    "#!/usr/lib/execline/bin/execlineb -P\n\"\"\n",                    /* empty argv[0] */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"",                    /* no final newline */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"\n\n",                /* anything after */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"\n\"/b\"\n",          /* a second line: more words for execlineb */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"\n# c\n",
    "#!/usr/lib/execline/bin/execlineb -P\n/a\n",                      /* unquoted */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" b\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"  \"b\"\n",           /* two spaces */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"b\" \n",           /* trailing space */
    "#!/usr/lib/execline/bin/execlineb -P\n \"/a\"\n",                 /* leading space */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"\t\"b\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"b\r\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"\r\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"unterminated\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"x\\\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\a\"\n",           /* an escape sb_word never writes */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\r\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\0x41\"\n",        /* printable spelt in hex */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\0x0a\"\n",        /* \n spelt in hex */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\0x00\"\n",        /* NUL */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\0x1\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\0X01\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\0x1F\"\n",        /* upper-case hex */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\\101\"\n",         /* decimal */
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"raw\ttab\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"raw\nnewline\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"del\x7f\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" \"\"\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\" {\n",
    "#!/usr/lib/execline/bin/execlineb -P\n\"/a\"\"b\"\n",               /* words not apart */
    "#!/usr/lib/execline/bin/execlineb\n\"/a\"\n",                     /* no -P */
    "#!/usr/lib/execline/bin/execlineb -S1\n\"/a\"\n",
    "#!/usr/lib/execline/bin/execlineb -P -W\n\"/a\"\n",
    "#!/usr/lib/execline/bin/execlineb  -P\n\"/a\"\n",
    "#! /usr/lib/execline/bin/execlineb -P\n\"/a\"\n",
    "#!execlineb -P\n\"/a\"\n",                                        /* not absolute */
    "#!/bin/execlineb2 -P\n\"/a\"\n",
    "#!/bin/notexeclineb -P\n\"/a\"\n",
    "#!/bin/sh -P\n\"/a\"\n",
    "#!/bin/sh\nexec /a\n",
    "\"/a\"\n",                                                        /* no #! line */
    "#!/usr/lib/execline/bin/execlineb -P\r\n\"/a\"\n",
    "#!/usr/lib/execline/bin/execlineb -P\n#comment without end",
    "#!/usr/lib/execline/bin/execlineb -P\n  # indented comment\n\"/a\"\n",
  } ;
  for (unsigned int c = 0 ; c < sizeof(bad) / sizeof(bad[0]) ; c++)
  {
    char buf[512], name[32] ;
    char *av[64] ;
    snprintf(name, sizeof(name), "argv-reject-%u", c) ;
    CHECK(name, !parse(bad[c], strlen(bad[c]), buf, av)) ;
  }
  {
    /* a NUL byte in a comment, in a word, or in the #! line */
    static char const nul1[] = "#!/usr/lib/execline/bin/execlineb -P\n# a\0b\n\"/a\"\n" ;
    static char const nul2[] = "#!/usr/lib/execline/bin/execlineb -P\n\"/a\0\"\n" ;
    static char const nul3[] = "#!/usr/lib/ex\0ecline/bin/execlineb -P\n\"/a\"\n" ;
    char buf[128] ;
    char *av[64] ;
    CHECK("argv-reject-nul-comment", !parse(nul1, sizeof(nul1) - 1, buf, av)) ;
    CHECK("argv-reject-nul-word", !parse(nul2, sizeof(nul2) - 1, buf, av)) ;
    CHECK("argv-reject-nul-shebang", !parse(nul3, sizeof(nul3) - 1, buf, av)) ;
  }
}

/* every prefix of a valid text is refused (truncated files) */
static void test_truncated (void)
{
  static char const *const argv[] = { "/bin/x", "a b", "\x01", "q\"", 0 } ;
  char text[512], buf[512] ;
  char *av[64] ;
  size_t len = compile_text(text, argv), bad = 0 ;
  for (size_t n = 0 ; n < len ; n++) if (parse(text, n, buf, av)) bad++ ;
  CHECK("argv-every-prefix-refused", !bad) ;
}

static unsigned long long rng = 88172645463325252ULL ;
static unsigned int rnd (unsigned int n)
{
  rng ^= rng << 13 ; rng ^= rng >> 7 ; rng ^= rng << 17 ;
  return rng % n ;
}

/* random argvs, escaped as the compiler does, come back identical */
static void test_roundtrip (void)
{
  static char const alphabet[] = "ab \"\\\n\t\x01\x1f\x7f{}#$;*\xc3\xa9" ;
  unsigned int bad = 0 ;
  for (unsigned int t = 0 ; t < 2000 ; t++)
  {
    char words[8][24] ;
    char const *argv[9] ;
    char text[2048], buf[2048] ;
    char *av[64] ;
    unsigned int n = 1 + rnd(8) ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      unsigned int l = rnd(20) + !i ;
      for (unsigned int j = 0 ; j < l ; j++) words[i][j] = alphabet[rnd(sizeof(alphabet) - 1)] ;
      words[i][l] = 0 ;
      argv[i] = words[i] ;
    }
    words[0][0] = '/' ;
    argv[n] = 0 ;
    if (parse(text, compile_text(text, argv), buf, av) != n || !same(av, argv)) bad++ ;
  }
  CHECK("argv-roundtrip", !bad) ;
}

/* ---- differential: what execlineb makes of the texts we accept ---- */

static char const *execlineb = "/usr/lib/execline/bin/execlineb" ;

/* runs the script file; its output (NUL-separated words) into out */
static ssize_t run_script (char const *file, char *out, size_t max)
{
  int p[2] ;
  ssize_t n = 0, r ;
  pid_t pid ;
  int wstat ;
  if (pipe(p) < 0) return -1 ;
  pid = fork() ;
  if (pid < 0) return -1 ;
  if (!pid)
  {
    int null = open("/dev/null", O_WRONLY) ;
    dup2(p[1], 1) ;
    dup2(null, 2) ;
    close(p[0]) ; close(p[1]) ;
    setenv("TM_UNIT_ARGV_PRINT", "1", 1) ;
    execl(file, file, (char *)0) ;
    _exit(127) ;
  }
  close(p[1]) ;
  while ((r = read(p[0], out + n, max - n)) > 0) n += r ;
  close(p[0]) ;
  waitpid(pid, &wstat, 0) ;
  return WIFEXITED(wstat) && !WEXITSTATUS(wstat) ? n : -1 ;
}

static void test_differential (char const *self)
{
  static char const mutations[] = "\"\\ \nnt0x1fFa{}#\t\r" ;
  char dir[] = "/tmp/tm-unit-argv.XXXXXX" ;
  char file[64] ;
  unsigned int accepted = 0, differ = 0 ;
  if (access(execlineb, X_OK) < 0) { printf("ok argv-differential-skipped (no %s)\n", execlineb) ; return ; }
  if (!mkdtemp(dir)) { CHECK("argv-differential-tmpdir", 0) ; return ; }
  snprintf(file, sizeof(file), "%s/run", dir) ;
  for (unsigned int t = 0 ; t < 600 && accepted < 150 ; t++)
  {
    static char const *const words[] = { "a b", "q\"", "b\\s", "n\nl", "t\tb", "\x01", "\x7f", "{", "}", "", "#", "\\0x41" } ;
    char const *argv[8] = { self } ;
    char text[2048], buf[2048], out[4096], mine[4096] ;
    char *av[64] ;
    size_t len, argc, mlen = 0 ;
    ssize_t olen ;
    unsigned int n = 1 + rnd(6) ;
    FILE *f ;
    for (unsigned int i = 1 ; i < n ; i++) argv[i] = words[rnd(sizeof(words) / sizeof(words[0]))] ;
    argv[n] = 0 ;
    len = compile_text(text, argv) ;
    /* one to three random byte changes after the first word */
    {
      size_t from = strlen(HEAD) + strlen(self) + 2 ;
      for (unsigned int m = 1 + rnd(3) ; m-- ; )
      {
        size_t at ;
        if (len <= from) break ;
        at = from + rnd(len - from) ;
        switch (rnd(3))
        {
          case 0 : text[at] = mutations[rnd(sizeof(mutations) - 1)] ; break ;
          case 1 : memmove(text + at, text + at + 1, len - at) ; len-- ; break ;
          default : memmove(text + at + 1, text + at, len - at + 1) ; text[at] = mutations[rnd(sizeof(mutations) - 1)] ; len++ ; break ;
        }
      }
    }
    argc = parse(text, len, buf, av) ;
    if (!argc) continue ;
    accepted++ ;
    for (size_t i = 1 ; i < argc ; i++)
    {
      size_t l = strlen(av[i]) + 1 ;
      memcpy(mine + mlen, av[i], l) ;
      mlen += l ;
    }
    f = fopen(file, "w") ;
    if (!f) break ;
    fwrite(text, 1, len, f) ;
    fclose(f) ;
    chmod(file, 0700) ;
    olen = run_script(file, out, sizeof(out)) ;
    if (olen != (ssize_t)mlen || memcmp(out, mine, mlen))
    {
      if (!differ) { printf("# differs from execlineb:\n") ; fwrite(text, 1, len, stdout) ; }
      differ++ ;
    }
  }
  unlink(file) ;
  rmdir(dir) ;
  printf("# differential: %u mutated texts accepted, compared with execlineb\n", accepted) ;
  CHECK("argv-differential-execlineb", accepted >= 20 && !differ) ;
}

int main (int argc, char const *const *argv)
{
  if (getenv("TM_UNIT_ARGV_PRINT"))
  {
    for (int i = 1 ; i < argc ; i++) fwrite(argv[i], 1, strlen(argv[i]) + 1, stdout) ;
    return 0 ;
  }
  test_accept() ;
  test_reject() ;
  test_truncated() ;
  test_roundtrip() ;
  {
    char self[4096] ;
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1) ;
    if (n > 0) { self[n] = 0 ; test_differential(self) ; }
  }
  return failures ? 1 : 0 ;
}
