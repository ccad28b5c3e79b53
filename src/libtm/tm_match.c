/* ISC license. */

/* ready_log_line's patterns: POSIX extended regular expressions in the C
   locale, answering what regexec(REG_EXTENDED|REG_NOSUB) answers: does the
   line hold a match. Plain text is searched as a substring. A pattern is
   compiled once into a fixed program (Thompson's construction, laid out
   linearly so that a piece can be wrapped or copied for its count) and
   matched by following every state at once over bitsets (a Pike VM without
   captures): time linear in the line, no allocation, no recursion, so that
   a supervisor may match the lines of an untrusted service. What POSIX
   leaves undefined or glibc reads otherwise (\d, back-references, a * with
   nothing before it, empty groups, [.x.]...) is refused at compile time,
   with the reason; tests/fuzz/match_fuzz.c compares it with glibc. */

#include <string.h>

#include "tm.h"

enum { OP_CHAR, OP_ANY, OP_SET, OP_BOL, OP_EOL, OP_JMP, OP_SPLIT, OP_PENDING, OP_MATCH } ;
/* OP_SPLIT goes on at the next instruction and at x; OP_PENDING is a jump
   to the end of its group, not known yet: x links the group's others */

#define NONE 0xffff
#define DEPTH 32
#define DUP_MAX 255             /* RE_DUP_MAX as POSIX has it at least */
#define STR_(x) #x
#define STR(x) STR_(x)
#define SPECIAL ".[\\()*+?{|^$"

#define TOO_BIG "too big a pattern: more than " STR(TM_MATCH_MAX) " states once its counts are written out"

static int in_set (unsigned char const *set, unsigned char c)
{
  return set[c >> 3] >> (c & 7) & 1 ;
}

static void set_add (unsigned char *set, unsigned char c)
{
  set[c >> 3] |= 1 << (c & 7) ;
}

/* the C locale's classes, whatever the process's locale */
static int in_class (unsigned int k, unsigned char c)
{
  int upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9' ;
  int graph = c > 0x20 && c < 0x7f ;
  switch (k)
  {
    case 0 : return upper || lower ;
    case 1 : return digit ;
    case 2 : return upper || lower || digit ;
    case 3 : return c == ' ' || (c >= '\t' && c <= '\r') ;
    case 4 : return upper ;
    case 5 : return lower ;
    case 6 : return graph && !upper && !lower && !digit ;
    case 7 : return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ;
    case 8 : return graph || c == ' ' ;
    case 9 : return graph ;
    case 10 : return c < 0x20 || c == 0x7f ;
    default : return c == ' ' || c == '\t' ;
  }
}

static char const *const class_names[] =
{
  "alpha", "digit", "alnum", "space", "upper", "lower", "punct", "xdigit", "print", "graph", "cntrl", "blank"
} ;

/* [:name:] at s (after its "[:"): adds the class, returns after ":]", or 0 */
static char const *bracket_class (char const *s, unsigned char *set)
{
  char const *end = strstr(s, ":]") ;
  if (!end) return 0 ;
  for (unsigned int k = 0 ; k < sizeof(class_names) / sizeof(*class_names) ; k++)
  {
    size_t len = strlen(class_names[k]) ;
    if ((size_t)(end - s) != len || memcmp(s, class_names[k], len)) continue ;
    for (unsigned int c = 0 ; c < 256 ; c++) if (in_class(k, c)) set_add(set, c) ;
    return end + 2 ;
  }
  return 0 ;
}

#define BRACKET_WHY "a bracket expression that is not closed, has a [:class:] tm does not know, a [.x.] or [=x=], a class as a range's end, or a - neither first, last nor in a range"

/* a bracket expression from s (after the '['); 0 on error, else after ']' */
static char const *bracket (char const *s, unsigned char *set)
{
  int negate = 0, first = 1 ;
  memset(set, 0, 32) ;
  if (*s == '^') { negate = 1 ; s++ ; }
  for (; *s && (*s != ']' || first) ; first = 0)
  {
    unsigned char lo = *s, hi ;
    if (s[0] == '[' && (s[1] == '.' || s[1] == '=')) return 0 ;
    if (s[0] == '[' && s[1] == ':')
    {
      s = bracket_class(s + 2, set) ;
      if (!s || (*s == '-' && s[1] != ']')) return 0 ;
      continue ;
    }
    s++ ;
    hi = lo ;
    if (lo == '-' && !first && *s != ']') return 0 ;  /* POSIX: a - first, last or as an end */
    if (*s == '-' && s[1] && s[1] != ']')
    {
      if (s[1] == '[' && (s[2] == ':' || s[2] == '.' || s[2] == '=')) return 0 ;
      hi = s[1] ; s += 2 ;
    }
    if (hi < lo) return 0 ;
    for (unsigned int c = lo ; c <= hi ; c++) set_add(set, c) ;
  }
  if (*s != ']') return 0 ;
  if (negate) for (unsigned int i = 0 ; i < 32 ; i++) set[i] = ~set[i] ;
  return s + 1 ;
}

/* plain text, maybe with ^ before and $ after, kept as a string for a
   substring search: 1, or 0 when it holds anything else */
static int compile_literal (tm_match_t *m, char const *p)
{
  unsigned int n = 0 ;
  m->bol = *p == '^' ;
  m->eol = 0 ;
  p += m->bol ;
  for (; *p ; p++)
  {
    if (*p == '$' && !p[1]) { m->eol = 1 ; break ; }
    if (*p == '\\' && p[1] && strchr(SPECIAL, p[1])) p++ ;
    else if (strchr(SPECIAL, *p)) return 0 ;
    if (n == sizeof(m->u.text)) return 0 ;
    m->u.text[n++] = *p ;
  }
  m->n = n ;
  m->literal = 1 ;
  return 1 ;
}

/* ---- the program's compiler ---- */

typedef struct level_s level_t ;
struct level_s
{
  uint16_t start ;              /* where the group's code starts */
  uint16_t alt ;                /* where its current alternative starts */
  uint16_t pending ;            /* its last OP_PENDING, NONE */
  unsigned char nonempty ;      /* the current alternative has something */
} ;

typedef struct compiler_s compiler_t ;
struct compiler_s
{
  tm_match_t *m ;
  unsigned int n ;              /* instructions so far */
  int piece ;                   /* where the piece a count may follow starts, -1 */
  char const *why ;
} ;

static int has_target (unsigned char op)
{
  return op == OP_JMP || op == OP_SPLIT ;
}

static int emit (compiler_t *k, unsigned char op, unsigned char c, unsigned int x)
{
  if (k->n >= TM_MATCH_MAX - 1) { k->why = TOO_BIG ; return 0 ; }  /* - 1: OP_MATCH */
  k->m->u.prog[k->n].op = op ;
  k->m->u.prog[k->n].c = c ;
  k->m->u.prog[k->n].x = x ;
  k->n++ ;
  return 1 ;
}

/* a new instruction at `at`, the later ones moved up. A jump to `at` from
   before it now reaches the new instruction (it wraps what starts there);
   one from what moved (a loop back to the piece's start) still reaches
   what it reached. */
static int insert (compiler_t *k, unsigned int at, unsigned char op, unsigned int x)
{
  tm_match_insn_t *prog = k->m->u.prog ;
  if (k->n >= TM_MATCH_MAX - 1) { k->why = TOO_BIG ; return 0 ; }
  memmove(prog + at + 1, prog + at, (k->n - at) * sizeof(*prog)) ;
  k->n++ ;
  for (unsigned int i = 0 ; i < k->n ; i++)
  {
    if (i == at || !has_target(prog[i].op)) continue ;
    if (prog[i].x > at || (i > at && prog[i].x == at)) prog[i].x++ ;
  }
  prog[at].op = op ;
  prog[at].c = 0 ;
  prog[at].x = x ;
  return 1 ;
}

/* e?: the piece [s, e) may be skipped */
static int optional (compiler_t *k, unsigned int s, unsigned int e)
{
  return insert(k, s, OP_SPLIT, e + 1) ;
}

/* e*: the piece at s, to the end, may be skipped or repeated */
static int star (compiler_t *k, unsigned int s)
{
  if (!insert(k, s, OP_SPLIT, 0) || !emit(k, OP_JMP, 0, s)) return 0 ;
  k->m->u.prog[s].x = k->n ;
  return 1 ;
}

/* e+ */
static int plus (compiler_t *k, unsigned int s)
{
  return emit(k, OP_SPLIT, 0, s) ;
}

/* e{lo,hi}, hi < 0 for no bound: the piece [s, n) written out lo times,
   then optional up to hi, or repeated */
static int count (compiler_t *k, unsigned int s, int lo, int hi)
{
  tm_match_insn_t *prog = k->m->u.prog ;
  unsigned int len = k->n - s, copies = hi < 0 ? (lo ? lo : 1) : hi ;
  unsigned int need = copies * len + (hi < 0 ? 2 : hi - lo) ;
  if (!hi) { k->n = s ; return 1 ; }
  /* glibc loses the anchors of the copies it makes for the first n */
  if (lo >= 2)
    for (unsigned int i = s ; i < k->n ; i++)
      if (prog[i].op == OP_BOL || prog[i].op == OP_EOL) { k->why = "a ^ or $ in what a count {n}, {n,} or {n,m} with n >= 2 repeats (glibc reads it otherwise): write the copies out" ; return 0 ; }
  if (s + need >= TM_MATCH_MAX) { k->why = TOO_BIG ; return 0 ; }
  for (unsigned int c = 1 ; c < copies ; c++)
    for (unsigned int i = 0 ; i < len ; i++)
    {
      tm_match_insn_t *to = prog + s + c * len + i ;
      *to = prog[s + i] ;
      if (has_target(to->op)) to->x += c * len ;
    }
  k->n = s + copies * len ;
  if (hi < 0) return lo ? plus(k, s + (lo - 1) * len) : star(k, s) ;
  for (unsigned int c = hi ; c-- > (unsigned int)lo ;)
    if (!optional(k, s + c * len, s + (c + 1) * len)) return 0 ;
  return 1 ;
}

/* {n}, {n,}, {n,m} at p (after the '{'): after the '}', or 0 */
static char const *interval (char const *p, int *lo, int *hi)
{
  int v = 0 ;
  if (*p < '0' || *p > '9') return 0 ;
  for (; *p >= '0' && *p <= '9' ; p++) if ((v = v * 10 + (*p - '0')) > DUP_MAX) return 0 ;
  *lo = *hi = v ;
  if (*p == ',')
  {
    p++ ;
    *hi = -1 ;
    if (*p >= '0' && *p <= '9')
    {
      for (v = 0 ; *p >= '0' && *p <= '9' ; p++) if ((v = v * 10 + (*p - '0')) > DUP_MAX) return 0 ;
      if (v < *lo) return 0 ;
      *hi = v ;
    }
  }
  return *p == '}' ? p + 1 : 0 ;
}

/* the index of a set equal to set, added if new; -1 when full */
static int set_index (tm_match_t *m, unsigned char const *set)
{
  for (unsigned int i = 0 ; i < m->nsets ; i++) if (!memcmp(m->sets[i], set, 32)) return i ;
  if (m->nsets == TM_MATCH_SETS) return -1 ;
  memcpy(m->sets[m->nsets], set, 32) ;
  return m->nsets++ ;
}

/* the jumps of a finished group, or of the whole pattern, to here */
static void resolve (compiler_t *k, level_t *l)
{
  for (unsigned int i = l->pending ; i != NONE ;)
  {
    tm_match_insn_t *j = k->m->u.prog + i ;
    i = j->x ;
    j->op = OP_JMP ;
    j->x = k->n ;
  }
  l->pending = NONE ;
}

/* "a|": the alternative so far may be taken, or what follows */
static int alternate (compiler_t *k, level_t *l)
{
  if (!insert(k, l->alt, OP_SPLIT, 0) || !emit(k, OP_PENDING, 0, l->pending)) return 0 ;
  l->pending = k->n - 1 ;
  k->m->u.prog[l->alt].x = k->n ;
  l->alt = k->n ;
  l->nonempty = 0 ;
  return 1 ;
}

/* an atom (., [...], a character, \x) at p: after it, or 0 */
static char const *atom (compiler_t *k, char const *p)
{
  k->piece = k->n ;
  if (*p == '.') return emit(k, OP_ANY, 0, 0) ? p + 1 : 0 ;
  if (*p == '[')
  {
    unsigned char set[32] ;
    int i ;
    p = bracket(p + 1, set) ;
    if (!p) { k->why = BRACKET_WHY ; return 0 ; }
    i = set_index(k->m, set) ;
    if (i < 0) { k->why = "more than " STR(TM_MATCH_SETS) " different bracket expressions" ; return 0 ; }
    return emit(k, OP_SET, i, 0) ? p : 0 ;
  }
  if (*p == '\\')
  {
    p++ ;
    if (!*p) { k->why = "a \\ at the end" ; return 0 ; }
    /* \d \w \< \1 ... mean classes, anchors or back-references to other
       matchers: refused, not quietly read as the letter */
    if (!strchr(".[]\\()*+?{}|^$", *p)) { k->why = "a \\ before a character that is not special (\\d or \\w are not supported: write [0-9] or [[:alnum:]_]; back-references \\1 neither)" ; return 0 ; }
  }
  return emit(k, OP_CHAR, (unsigned char)*p, 0) ? p + 1 : 0 ;
}

/* a * + ? or {n,m} at p, after the piece at k->piece: after it, or 0 */
static char const *repeat (compiler_t *k, char const *p)
{
  unsigned int s = k->piece ;
  int ok, lo, hi ;
  if (k->piece < 0) { k->why = "a * + ? or { with nothing to repeat (at the start, after ( | ^ $, or after another one)" ; return 0 ; }
  k->piece = -1 ;
  switch (*p)
  {
    case '*' : return star(k, s) ? p + 1 : 0 ;
    case '+' : return plus(k, s) ? p + 1 : 0 ;
    case '?' : return optional(k, s, k->n) ? p + 1 : 0 ;
  }
  p = interval(p + 1, &lo, &hi) ;
  if (!p) { k->why = "a { that does not start a count {n}, {n,} or {n,m} with n <= m <= " STR(DUP_MAX) " (\\{ is the character)" ; return 0 ; }
  ok = count(k, s, lo, hi) ;
  return ok ? p : 0 ;
}

static int compile_program (tm_match_t *m, char const *p, char const **why)
{
  level_t levels[DEPTH] ;
  unsigned int depth = 0 ;
  compiler_t k = { .m = m, .n = 0, .piece = -1, .why = 0 } ;
  levels[0] = (level_t){ .start = 0, .alt = 0, .pending = NONE, .nonempty = 0 } ;
  m->nsets = 0 ;
  while (*p)
  {
    level_t *l = levels + depth ;
    if (*p == '(')
    {
      if (depth + 1 == DEPTH) { *why = "more than " STR(DEPTH) " nested groups" ; return 0 ; }
      l->nonempty = 1 ;
      levels[++depth] = (level_t){ .start = k.n, .alt = k.n, .pending = NONE, .nonempty = 0 } ;
      k.piece = -1 ;
      p++ ;
    }
    else if (*p == ')')
    {
      if (!depth) { *why = "a ) without its (: \\) is the character" ; return 0 ; }
      if (!l->nonempty) { *why = "an empty group or alternative: ( ) or ( | )" ; return 0 ; }
      resolve(&k, l) ;
      k.piece = l->start ;
      depth-- ;
      p++ ;
    }
    else if (*p == '|')
    {
      if (!l->nonempty) { *why = "an empty alternative: a | at the start or end of a group or the pattern, or after another" ; return 0 ; }
      if (!alternate(&k, l)) break ;
      k.piece = -1 ;
      p++ ;
    }
    else if (*p == '^' || *p == '$')
    {
      l->nonempty = 1 ;
      if (!emit(&k, *p == '^' ? OP_BOL : OP_EOL, 0, 0)) break ;
      k.piece = -1 ;
      p++ ;
    }
    else if (strchr("*+?{", *p))
    {
      p = repeat(&k, p) ;
      if (!p) break ;
    }
    else
    {
      l->nonempty = 1 ;
      p = atom(&k, p) ;
      if (!p) break ;
    }
  }
  if (k.why) { *why = k.why ; return 0 ; }
  if (depth) { *why = "a ( without its ): \\( is the character" ; return 0 ; }
  if (!levels[0].nonempty && levels[0].pending != NONE) { *why = "an empty alternative: a | at the start or end of a group or the pattern, or after another" ; return 0 ; }
  resolve(&k, levels) ;
  m->u.prog[k.n].op = OP_MATCH ;
  m->n = k.n + 1 ;
  m->bol = m->u.prog[0].op == OP_BOL ;
  m->literal = 0 ;
  return 1 ;
}

int tm_match_compile (tm_match_t *m, char const *p, char const **why)
{
  *why = 0 ;  /* no memset: the program's pages are touched only as used */
  return compile_literal(m, p) || compile_program(m, p, why) ;
}

/* ---- matching ---- */

#define WORDS ((TM_MATCH_MAX + 63) / 64)

typedef struct run_s run_t ;
struct run_s
{
  tm_match_t const *m ;
  size_t len ;
  uint16_t stack[TM_MATCH_MAX] ;
} ;

/* adds i and what it reaches without reading a character, at position at;
   each instruction once, so the stack holds at most one entry for each */
static void add (run_t *r, uint64_t *states, unsigned int i, size_t at)
{
  unsigned int sp = 0 ;
  for (;;)
  {
    if (!(states[i >> 6] >> (i & 63) & 1))
    {
      tm_match_insn_t const *in = r->m->u.prog + i ;
      states[i >> 6] |= (uint64_t)1 << (i & 63) ;
      switch (in->op)
      {
        case OP_JMP : i = in->x ; continue ;
        case OP_SPLIT : r->stack[sp++] = in->x ; i++ ; continue ;
        case OP_BOL : if (!at) { i++ ; continue ; } break ;
        case OP_EOL : if (at == r->len) { i++ ; continue ; } break ;
        default : break ;
      }
    }
    if (!sp) return ;
    i = r->stack[--sp] ;
  }
}

static int takes (tm_match_t const *m, tm_match_insn_t const *in, unsigned char c)
{
  switch (in->op)
  {
    case OP_CHAR : return in->c == c ;
    case OP_ANY : return 1 ;
    case OP_SET : return in_set(m->sets[in->c], c) ;
    default : return 0 ;
  }
}

static int run (tm_match_t const *m, unsigned char const *s, size_t len)
{
  run_t r = { .m = m, .len = len } ;
  uint64_t states[2][WORDS] ;
  unsigned int words = (m->n + 63) / 64, last = m->n - 1, cur = 0 ;
  memset(states[0], 0, words * sizeof(uint64_t)) ;
  add(&r, states[0], 0, 0) ;
  for (size_t at = 0 ; ; at++)
  {
    uint64_t *now = states[cur], *next = states[cur ^ 1] ;
    int alive = 0 ;
    if (now[last >> 6] >> (last & 63) & 1) return 1 ;
    if (at == len) return 0 ;
    memset(next, 0, words * sizeof(uint64_t)) ;
    for (unsigned int w = 0 ; w < words ; w++)
      for (uint64_t bits = now[w] ; bits ; bits &= bits - 1)
      {
        unsigned int i = w * 64 + __builtin_ctzll(bits) ;
        if (takes(m, m->u.prog + i, s[at])) { add(&r, next, i + 1, at + 1) ; alive = 1 ; }
      }
    if (m->bol && !alive) return 0 ;
    if (!m->bol) add(&r, next, 0, at + 1) ;
    cur ^= 1 ;
  }
}

static int literal (tm_match_t const *m, char const *s, size_t len)
{
  if (len < m->n) return 0 ;
  if (m->bol && m->eol) return len == m->n && !memcmp(s, m->u.text, len) ;
  if (m->bol) return !memcmp(s, m->u.text, m->n) ;
  if (m->eol) return !memcmp(s + len - m->n, m->u.text, m->n) ;
  return !!memmem(s, len, m->u.text, m->n) ;
}

int tm_match (tm_match_t const *m, char const *s, size_t len)
{
  return m->literal ? literal(m, s, len) : run(m, (unsigned char const *)s, len) ;
}
