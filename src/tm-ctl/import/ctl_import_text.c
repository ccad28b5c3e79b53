/* ISC license. */

/* import-supervisord: supervisord's value syntax (expansions, shlex, the
   environment= lexer, datatypes) and TOML strings */

#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "imp.h"

/* ---- memory ---- */

void *imp_alloc (size_t n)
{
  void *p = malloc(n ? n : 1) ;
  if (!p) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  return p ;
}

void *imp_realloc (void *p, size_t n)
{
  p = realloc(p, n ? n : 1) ;
  if (!p) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  return p ;
}

char *imp_strdup (char const *s)
{
  size_t n = strlen(s) + 1 ;
  return memcpy(imp_alloc(n), s, n) ;
}

static void sb_ready (sbuf_t *b, size_t more)
{
  if (b->len + more + 1 <= b->cap) return ;
  b->cap = (b->len + more + 1) * 2 ;
  if (b->cap < 64) b->cap = 64 ;
  b->s = imp_realloc(b->s, b->cap) ;
}

void imp_putn (sbuf_t *b, char const *s, size_t n)
{
  sb_ready(b, n) ;
  memcpy(b->s + b->len, s, n) ;
  b->len += n ;
  b->s[b->len] = 0 ;
}

void imp_puts (sbuf_t *b, char const *s)
{
  imp_putn(b, s, strlen(s)) ;
}

void imp_putc (sbuf_t *b, char c)
{
  imp_putn(b, &c, 1) ;
}

void imp_vprintf (sbuf_t *b, char const *fmt, va_list ap)
{
  va_list aq ;
  int n ;
  va_copy(aq, ap) ;
  n = vsnprintf(0, 0, fmt, aq) ;
  va_end(aq) ;
  if (n < 0) ctl_die(CTL_EX_SYS, "unable to format a message", 0, 0) ;
  sb_ready(b, n) ;
  vsnprintf(b->s + b->len, n + 1, fmt, ap) ;
  b->len += n ;
}

void imp_printf (sbuf_t *b, char const *fmt, ...)
{
  va_list ap ;
  va_start(ap, fmt) ;
  imp_vprintf(b, fmt, ap) ;
  va_end(ap) ;
}

char const *imp_str (sbuf_t const *b)
{
  return b->s ? b->s : "" ;
}

void imp_sbfree (sbuf_t *b)
{
  free(b->s) ;
  b->s = 0 ; b->len = b->cap = 0 ;
}

void imp_list_add (imp_list_t *l, char *s)
{
  if (l->n == l->cap)
  {
    l->cap = l->cap ? l->cap * 2 : 8 ;
    l->s = imp_realloc(l->s, l->cap * sizeof(char *)) ;
  }
  l->s[l->n++] = s ;
}

void imp_list_free (imp_list_t *l)
{
  for (size_t i = 0 ; i < l->n ; i++) free(l->s[i]) ;
  free(l->s) ;
  l->s = 0 ; l->n = l->cap = 0 ;
}

void imp_env_set (imp_env_t *e, char const *k, char const *v)
{
  for (size_t i = 0 ; i < e->k.n ; i++)
    if (!strcmp(e->k.s[i], k))
    {
      free(e->v.s[i]) ;
      e->v.s[i] = imp_strdup(v) ;
      return ;
    }
  imp_list_add(&e->k, imp_strdup(k)) ;
  imp_list_add(&e->v, imp_strdup(v)) ;
}

char const *imp_env_get (imp_env_t const *e, char const *k)
{
  if (e)
    for (size_t i = 0 ; i < e->k.n ; i++)
      if (!strcmp(e->k.s[i], k)) return e->v.s[i] ;
  return 0 ;
}

void imp_env_free (imp_env_t *e)
{
  imp_list_free(&e->k) ;
  imp_list_free(&e->v) ;
}

/* ---- %(name)s expansions: Python's str % dict ---- */

int imp_is_varname (char const *s, size_t n)
{
  if (!n || isdigit((unsigned char)s[0])) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_') return 0 ;
  return 1 ;
}

typedef struct fmtspec_s fmtspec_t ;
struct fmtspec_s
{
  char flags[8] ;
  int width ;                   /* -1: none */
  int prec ;                    /* -1: none */
  char conv ;
} ;

static int spec_plain (fmtspec_t const *f)
{
  return !f->flags[0] && f->width < 0 && f->prec < 0 ;
}

/* the flags of f that C's printf defines for conversion c */
static void c_flags (char *to, fmtspec_t const *f, char const *allowed)
{
  size_t n = 0 ;
  for (char const *p = f->flags ; *p ; p++) if (strchr(allowed, *p)) to[n++] = *p ;
  to[n] = 0 ;
}

static int put_string (sbuf_t *out, char const *v, fmtspec_t const *f, char const *name, sbuf_t *err)
{
  char fmt[32], flags[8] ;
  if (f->conv != 's')
  {
    imp_printf(err, "%%(%s)%c: %s is a string, not a number (use %%(%s)s)", name, f->conv, name, name) ;
    return 0 ;
  }
  if (spec_plain(f)) { imp_puts(out, v) ; return 1 ; }
  if (strchr(v, IMP_MARK))
  {
    imp_printf(err, "%%(%s)s: a width or precision cannot apply to a value known only when tm starts", name) ;
    return 0 ;
  }
  c_flags(flags, f, "-") ;
  snprintf(fmt, sizeof(fmt), "%%%s*.*s", flags) ;
  imp_printf(out, fmt, f->width < 0 ? 0 : f->width, f->prec < 0 ? INT_MAX : f->prec, v) ;
  return 1 ;
}

static int put_number (sbuf_t *out, long v, fmtspec_t const *f, char const *name, sbuf_t *err)
{
  char fmt[32], flags[8] ;
  char c = f->conv == 'i' || f->conv == 'u' ? 'd' : f->conv ;
  if (!strchr("dsxXo", c))
  {
    imp_printf(err, "%%(%s)%c: this conversion is not supported here (use d or s)", name, f->conv) ;
    return 0 ;
  }
  if (c == 's') { c = 'd' ; c_flags(flags, f, "-") ; }
  else c_flags(flags, f, c == 'd' ? "-+ 0" : "-#0") ;
  snprintf(fmt, sizeof(fmt), "%%%s*l%c", flags, c) ;
  imp_printf(out, fmt, f->width < 0 ? 0 : f->width, v) ;
  return 1 ;
}

static void put_mark (sbuf_t *out, char const *name)
{
  imp_putc(out, IMP_MARK) ;
  imp_puts(out, name) ;
  imp_putc(out, IMP_MARKEND) ;
}

static int expand_env (char const *var, imp_exp_t *e, fmtspec_t const *f, char const *name, sbuf_t *out, sbuf_t *err)
{
  char const *v = imp_env_get(e->penv, var) ;
  if (!v) v = imp_env_get(e->genv, var) ;
  if (v)
  {
    if (e->now && strchr(v, IMP_MARK))
    {
      imp_printf(err, "%%(%s)s must be known now, but its value refers to another variable", name) ;
      return 0 ;
    }
    return put_string(out, v, f, name, err) ;
  }
  if (e->now)
  {
    v = getenv(var) ;
    if (!v)
    {
      imp_printf(err, "%%(%s)s: %s is not set, and this value must be known now: set it in the environment of tm-ctl", name, var) ;
      return 0 ;
    }
    e->used_env = 1 ;
    return put_string(out, v, f, name, err) ;
  }
  if (!imp_is_varname(var, strlen(var)))
  {
    imp_printf(err, "%%(%s)s: \"%s\" cannot be written as a tm ${VARIABLE}", name, var) ;
    return 0 ;
  }
  if (f->conv != 's' || !spec_plain(f))
  {
    imp_printf(err, "%%(%s)%c: only %%(%s)s can become ${%s}", name, f->conv, name, var) ;
    return 0 ;
  }
  put_mark(out, var) ;
  return 1 ;
}

static int expand_one (char const *name, imp_kv_t const *kv, imp_exp_t *e, fmtspec_t const *f, sbuf_t *out, sbuf_t *err)
{
  if (!strncmp(name, "ENV_", 4)) return expand_env(name + 4, e, f, name, out, err) ;
  if (!strcmp(name, "here")) return put_string(out, kv->here, f, name, err) ;
  if (!strcmp(name, "host_node_name"))
  {
    char host[256] ;
    if (!e->now && f->conv == 's' && spec_plain(f)) { put_mark(out, "HOSTNAME") ; return 1 ; }
    if (gethostname(host, sizeof(host)) < 0) ctl_diesys(CTL_EX_SYS, "unable to get the host name", 0) ;
    host[sizeof(host) - 1] = 0 ;
    return put_string(out, host, f, name, err) ;
  }
  if (e->program_name && !strcmp(name, "program_name")) return put_string(out, e->program_name, f, name, err) ;
  if (e->program_name && !strcmp(name, "group_name")) return put_string(out, e->group_name, f, name, err) ;
  if (e->has_num && !strcmp(name, "process_num")) return put_number(out, e->process_num, f, name, err) ;
  if (e->has_num && !strcmp(name, "numprocs")) return put_number(out, e->numprocs, f, name, err) ;
  imp_printf(err, "%%(%s)%c cannot be expanded here (supervisord knows %s)", name, f->conv,
    e->program_name ? "ENV_*, here, host_node_name, program_name, group_name, process_num, numprocs" : "ENV_*, here, host_node_name") ;
  return 0 ;
}

/* s points after "%("; reads "name)flags width .prec conv" */
static int parse_spec (char const *s, size_t *used, char *name, size_t namemax, fmtspec_t *f, sbuf_t *err)
{
  char const *p = strchr(s, ')') ;
  size_t n = 0 ;
  if (!p) { imp_puts(err, "\"%(\" without a closing \")\": write %% for a literal %") ; return 0 ; }
  if ((size_t)(p - s) >= namemax) { imp_puts(err, "a %(name) that long is not a supervisord expansion") ; return 0 ; }
  memcpy(name, s, p - s) ; name[p - s] = 0 ;
  p++ ;
  while (*p && strchr("-+ #0", *p) && n < sizeof(f->flags) - 1) f->flags[n++] = *p++ ;
  f->flags[n] = 0 ;
  f->width = f->prec = -1 ;
  if (isdigit((unsigned char)*p)) { f->width = 0 ; while (isdigit((unsigned char)*p)) f->width = f->width * 10 + (*p++ - '0') ; }
  if (*p == '.') { p++ ; f->prec = 0 ; while (isdigit((unsigned char)*p)) f->prec = f->prec * 10 + (*p++ - '0') ; }
  while (*p == 'h' || *p == 'l' || *p == 'L') p++ ;
  if (!*p || !strchr("sdiuxXo", *p) || f->width > 4096 || f->prec > 4096)
  {
    imp_printf(err, "%%(%s) is not followed by a supported conversion such as s or d", name) ;
    return 0 ;
  }
  f->conv = *p++ ;
  *used = p - s ;
  return 1 ;
}

int imp_expand (imp_kv_t const *kv, imp_exp_t *e, sbuf_t *out, sbuf_t *err)
{
  char const *s = imp_str(&kv->value) ;
  imp_putn(out, "", 0) ;
  while (*s)
  {
    char const *pct = strchr(s, '%') ;
    char name[128] ;
    fmtspec_t f ;
    size_t used ;
    if (!pct) { imp_puts(out, s) ; break ; }
    imp_putn(out, s, pct - s) ;
    if (pct[1] == '%') { imp_putc(out, '%') ; s = pct + 2 ; continue ; }
    if (pct[1] != '(')
    {
      imp_puts(err, "a % that starts no %(name)s expansion: supervisord needs %% for a literal %") ;
      return 0 ;
    }
    if (!parse_spec(pct + 2, &used, name, sizeof(name), &f, err)) return 0 ;
    if (!expand_one(name, kv, e, &f, out, err)) return 0 ;
    s = pct + 2 + used ;
  }
  return 1 ;
}

/* ---- shlex.split(), as supervisord splits command ---- */

static int is_ws (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' ;
}

int imp_split (char const *s, imp_list_t *argv, sbuf_t *err)
{
  sbuf_t tok = SBUF_ZERO ;
  char state = ' ', escaped = 'a' ;
  int quoted = 0, ok = 1 ;
  for (;; s++)
  {
    char c = *s ;
    if (state == ' ' || state == 'a')
    {
      if (!c || is_ws(c))
      {
        if (state == 'a' && (tok.len || quoted)) { imp_list_add(argv, imp_strdup(imp_str(&tok))) ; tok.len = 0 ; if (tok.s) tok.s[0] = 0 ; }
        quoted = 0 ;
        state = ' ' ;
        if (!c) break ;
      }
      else if (c == '\\') { escaped = 'a' ; state = '\\' ; }
      else if (c == '\'' || c == '"') { state = c ; quoted = 1 ; }
      else { imp_putc(&tok, c) ; state = 'a' ; }
    }
    else if (state == '\\')
    {
      if (!c) { imp_puts(err, "a \\ at the end of the command escapes nothing") ; ok = 0 ; break ; }
      if (escaped != 'a' && c != '\\' && c != escaped) imp_putc(&tok, '\\') ;
      imp_putc(&tok, c) ;
      state = escaped ;
    }
    else
    {
      if (!c) { imp_printf(err, "no closing %c quote in the command", state) ; ok = 0 ; break ; }
      if (c == state) state = 'a' ;
      else if (state == '"' && c == '\\') { escaped = '"' ; state = '\\' ; }
      else imp_putc(&tok, c) ;
    }
  }
  imp_sbfree(&tok) ;
  return ok ;
}

/* The first shell construct outside quotes. supervisord never runs a
   shell, but a command line written with these was meant for one. Only
   clear cases count: "a|b", "x=1&y=2", "a;b" inside a word, and ? or [ of
   URLs and IPv6 addresses, are arguments, as supervisord passed them. */
static char const *shell_word_start (char const *s)
{
  char const *p = s ;
  while (isdigit((unsigned char)*p)) p++ ;
  if (p == s && *p == '&' && p[1] == '>') p++ ;
  return *p == '<' || *p == '>' ? "a redirection" : 0 ;
}

char const *imp_shell_syntax (char const *s)
{
  char q = 0 ;
  int start = 1 ;
  for (; *s ; s++)
  {
    char c = *s ;
    int end = !s[1] || is_ws(s[1]) ;
    if (q) { if (c == q) q = 0 ; else if (q == '"' && c == '\\' && s[1]) s++ ; start = 0 ; continue ; }
    if (is_ws(c)) { start = 1 ; continue ; }
    if (start && shell_word_start(s)) return shell_word_start(s) ;
    switch (c)
    {
      case '\\' : if (s[1]) s++ ; break ;
      case '\'' : case '"' : q = c ; break ;
      case '|' : if (start || end) return "a pipe, |" ; break ;
      case '&' : if (start || end) return s[1] == '&' || (!start && s[-1] == '&') ? "a command list, &&" : "a background job, &" ; break ;
      case ';' : if (end) return "a command list, ;" ; break ;
      case '`' : return "a command substitution, `...`" ;
      case '$' :
        if (s[1] == '(') return "a command substitution, $(...)" ;
        if (s[1] == '{' || s[1] == '_' || isalpha((unsigned char)s[1])) return "a shell variable" ;
        break ;
      case '*' : return "a glob pattern, *" ;
      default : break ;
    }
    start = 0 ;
  }
  return 0 ;
}

/* ---- environment=: dict_of_key_value_pairs(), a non-POSIX shlex.shlex
   with '/.+-():' added to its word characters, as released supervisord
   parses it. A UTF-8 sequence counts as one character. ---- */

static int env_wordchar (unsigned char c)
{
  return isalnum(c) || c == '_' || strchr("/.+-():", c) || c == (unsigned char)IMP_MARK || c == (unsigned char)IMP_MARKEND ;
}

static size_t char_len (char const *s)
{
  unsigned char c = *s ;
  size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4 ;
  if (c == (unsigned char)IMP_MARK || c == (unsigned char)IMP_MARKEND) return 1 ;
  for (size_t i = 1 ; i < n ; i++) if (!s[i]) return i ;
  return n ;
}

static void env_token (imp_list_t *toks, sbuf_t *tok)
{
  imp_list_add(toks, imp_strdup(imp_str(tok))) ;
  tok->len = 0 ;
  if (tok->s) tok->s[0] = 0 ;
}

static int env_lex (char const *s, imp_list_t *toks, sbuf_t *err)
{
  sbuf_t tok = SBUF_ZERO ;
  char state = ' ' ;
  while (*s || state != ' ')
  {
    char c = *s ;
    if (state == ' ')
    {
      if (is_ws(c)) s++ ;
      else if (c == '#') s += strcspn(s, "\n") ;
      else if (env_wordchar(c)) { imp_putc(&tok, c) ; state = 'a' ; s++ ; }
      else if (c == '\'' || c == '"') { imp_putc(&tok, c) ; state = c ; s++ ; }
      else { size_t n = char_len(s) ; imp_putn(&tok, s, n) ; s += n ; env_token(toks, &tok) ; }
    }
    else if (state == 'a')
    {
      if (!c || is_ws(c)) { env_token(toks, &tok) ; state = ' ' ; }
      else if (c == '#') s += strcspn(s, "\n") + !!strchr(s, '\n') ;
      else if (env_wordchar(c) || c == '\'' || c == '"') { imp_putc(&tok, c) ; s++ ; }
      else { env_token(toks, &tok) ; state = ' ' ; }
    }
    else
    {
      if (!c) { imp_printf(err, "environment has no closing %c quote", state) ; imp_sbfree(&tok) ; return 0 ; }
      imp_putc(&tok, c) ;
      s++ ;
      if (c == state) { env_token(toks, &tok) ; state = ' ' ; }
    }
  }
  imp_sbfree(&tok) ;
  return 1 ;
}

/* supervisord strips every quote at both ends: 'say "hi"' is say "hi */
static int odd_quotes (char const *tok, char const *v)
{
  size_t n = strlen(tok) ;
  if (n >= 2 && (tok[0] == '"' || tok[0] == '\'') && tok[n - 1] == tok[0])
    return strlen(v) != n - 2 || memcmp(v, tok + 1, n - 2) ;
  return strcmp(v, tok) != 0 ;
}

int imp_env_parse (char const *s, imp_env_t *env, imp_list_t *odd, sbuf_t *err)
{
  imp_list_t t = IMP_LIST_ZERO ;
  int ok = env_lex(s, &t, err) ;
  for (size_t i = 0 ; ok && i < t.n ; i += 4)
  {
    char const *tok ;
    char *v ;
    size_t a, n ;
    if (i + 2 >= t.n || strcmp(t.s[i + 1], "="))
    {
      imp_printf(err, "environment is not a list of KEY=\"value\" pairs separated by commas (at \"%s\")", t.s[i]) ;
      ok = 0 ;
      break ;
    }
    tok = t.s[i + 2] ;
    a = strspn(tok, "\"'") ;
    n = strlen(tok) ;
    while (n > a && (tok[n - 1] == '"' || tok[n - 1] == '\'')) n-- ;
    v = imp_alloc(n - a + 1) ;
    memcpy(v, tok + a, n - a) ;
    v[n - a] = 0 ;
    imp_env_set(env, t.s[i], v) ;
    if (odd && odd_quotes(tok, v)) imp_list_add(odd, imp_strdup(t.s[i])) ;
    free(v) ;
  }
  imp_list_free(&t) ;
  return ok ;
}

/* ---- datatypes.py ---- */

int imp_integer (char const *s, long *out)
{
  long v = 0 ;
  int neg = 0, digits = 0 ;
  while (isspace((unsigned char)*s)) s++ ;
  if (*s == '+' || *s == '-') neg = *s++ == '-' ;
  for (; *s ; s++)
  {
    if (*s == '_' && digits && isdigit((unsigned char)s[1])) continue ;
    if (!isdigit((unsigned char)*s)) break ;
    if (v > (LONG_MAX - 9) / 10) return 0 ;
    v = v * 10 + (*s - '0') ;
    digits++ ;
  }
  while (isspace((unsigned char)*s)) s++ ;
  if (!digits || *s) return 0 ;
  *out = neg ? -v : v ;
  return 1 ;
}

int imp_boolean (char const *s, int *out)
{
  static char const *const yes[] = { "yes", "true", "on", "1" } ;
  static char const *const no[] = { "no", "false", "off", "0" } ;
  for (size_t i = 0 ; i < 4 ; i++)
  {
    if (!strcasecmp(s, yes[i])) { *out = 1 ; return 1 ; }
    if (!strcasecmp(s, no[i])) { *out = 0 ; return 1 ; }
  }
  return 0 ;
}

int imp_byte_size (char const *s, long long *out)
{
  static struct { char const *suffix ; long long mult ; } const units[] =
  {
    { "kb", 1024LL }, { "mb", 1024LL * 1024 }, { "gb", 1024LL * 1024 * 1024 }
  } ;
  size_t n = strlen(s) ;
  long long mult = 1 ;
  long v ;
  char buf[64] ;
  if (n >= sizeof(buf)) return 0 ;
  memcpy(buf, s, n + 1) ;
  for (size_t i = 0 ; i < 3 ; i++)
    if (n >= 2 && !strcasecmp(buf + n - 2, units[i].suffix)) { mult = units[i].mult ; buf[n - 2] = 0 ; break ; }
  if (!imp_integer(buf, &v)) return 0 ;
  if (v > LLONG_MAX / mult || v < LLONG_MIN / mult) return 0 ;
  *out = v * mult ;
  return 1 ;
}

/* ---- checks and output ---- */

int imp_utf8_check (char const *s, size_t n, size_t *bad)
{
  size_t i = 0 ;
  while (i < n)
  {
    unsigned char c = s[i] ;
    unsigned int cp, len ;
    if (c < 0x80) { i++ ; continue ; }
    if (c >= 0xc2 && c <= 0xdf) { len = 2 ; cp = c & 0x1f ; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3 ; cp = c & 0x0f ; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4 ; cp = c & 0x07 ; }
    else break ;
    if (i + len > n) break ;
    for (unsigned int j = 1 ; j < len ; j++)
    {
      unsigned char d = s[i + j] ;
      if ((d & 0xc0) != 0x80) { len = 0 ; break ; }
      cp = cp << 6 | (d & 0x3f) ;
    }
    if (!len || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) break ;
    i += len ;
  }
  *bad = i ;
  return i == n ;
}

static void toml_escaped (sbuf_t *b, char const *s, int subst)
{
  for (; *s ; s++)
  {
    unsigned char c = *s ;
    if (subst && c == (unsigned char)IMP_MARK)
    {
      size_t n = strcspn(s + 1, "\xff") ;
      imp_printf(b, "${%.*s}", (int)n, s + 1) ;
      s += n + !!s[n + 1] ;
    }
    else if (c == '"' || c == '\\') { imp_putc(b, '\\') ; imp_putc(b, c) ; }
    else if (subst && c == '$') imp_puts(b, "$$") ;
    else if (c == '\n') imp_puts(b, "\\n") ;
    else if (c == '\t') imp_puts(b, "\\t") ;
    else if (c == '\r') imp_puts(b, "\\r") ;
    else if (c < 0x20 || c == 0x7f) imp_printf(b, "\\u%04X", c) ;
    else imp_putc(b, c) ;
  }
}

/* a basic string for a value tm substitutes: $ doubled, markers as ${NAME} */
void imp_toml_string (sbuf_t *b, char const *s)
{
  imp_putc(b, '"') ;
  toml_escaped(b, s, 1) ;
  imp_putc(b, '"') ;
}

void imp_toml_key (sbuf_t *b, char const *s)
{
  size_t n = strlen(s) ;
  if (n && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n) { imp_puts(b, s) ; return ; }
  imp_putc(b, '"') ;
  toml_escaped(b, s, 0) ;
  imp_putc(b, '"') ;
}

/* text for a # comment: no control character may appear there */
void imp_comment_text (sbuf_t *b, char const *s)
{
  for (; *s ; s++)
  {
    unsigned char c = *s ;
    if (c == (unsigned char)IMP_MARK)
    {
      size_t n = strcspn(s + 1, "\xff") ;
      imp_printf(b, "${%.*s}", (int)n, s + 1) ;
      s += n + !!s[n + 1] ;
    }
    else if (c == '\n') imp_puts(b, "\\n") ;
    else if (c == '\r') imp_puts(b, "\\r") ;
    else if ((c < 0x20 && c != '\t') || c == 0x7f) imp_printf(b, "\\x%02X", c) ;
    else imp_putc(b, c) ;
  }
}

/* key = [...] on one line, or filled up to IMP_WIDTH columns */
void imp_toml_kv (sbuf_t *b, char const *key, char const *v, char const *comment)
{
  imp_printf(b, "%s = ", key) ;
  imp_toml_string(b, v) ;
  if (comment) imp_printf(b, "  # %s", comment) ;
  imp_putc(b, '\n') ;
}

void imp_toml_array (sbuf_t *b, char const *key, char *const *v, size_t n)
{
  sbuf_t line = SBUF_ZERO, item = SBUF_ZERO ;
  imp_printf(&line, "%s = [", key) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (i) imp_puts(&line, ", ") ;
    imp_toml_string(&line, v[i]) ;
  }
  imp_puts(&line, "]\n") ;
  if (line.len <= IMP_WIDTH + 1) imp_puts(b, line.s) ;
  else
  {
    size_t col = 0 ;
    imp_printf(b, "%s = [\n", key) ;
    for (size_t i = 0 ; i < n ; i++)
    {
      item.len = 0 ;
      imp_toml_string(&item, v[i]) ;
      imp_putc(&item, ',') ;
      if (col && col + 1 + item.len > IMP_WIDTH) { imp_putc(b, '\n') ; col = 0 ; }
      imp_puts(b, col ? " " : "  ") ;
      imp_puts(b, item.s) ;
      col += (col ? 1 : 2) + item.len ;
    }
    imp_puts(b, "\n]\n") ;
  }
  imp_sbfree(&item) ;
  imp_sbfree(&line) ;
}

/* imp_comment_text() of s, for a "%s" in a comment; the last 4 stay valid */
static sbuf_t safe_bufs[4] ;
static unsigned int safe_next ;

char const *imp_safe (char const *s)
{
  sbuf_t *b = &safe_bufs[safe_next++ % 4] ;
  b->len = 0 ;
  imp_putn(b, "", 0) ;
  imp_comment_text(b, s) ;
  return b->s ;
}

void imp_safe_free (void)
{
  for (unsigned int i = 0 ; i < 4 ; i++) imp_sbfree(&safe_bufs[i]) ;
}

void imp_fatal (char const *file, unsigned int line, char const *fmt, ...)
{
  sbuf_t b = SBUF_ZERO ;
  va_list ap ;
  if (line) imp_printf(&b, "%s:%u: ", file, line) ;
  else imp_printf(&b, "%s: ", file) ;
  va_start(ap, fmt) ;
  imp_vprintf(&b, fmt, ap) ;
  va_end(ap) ;
  ctl_die(CTL_EX_FALSE, imp_str(&b), 0, 0) ;
  abort() ;
}

imp_kv_t const *imp_sec_get (imp_section_t const *sec, char const *key)
{
  if (sec)
    for (size_t i = 0 ; i < sec->n ; i++)
      if (!strcmp(sec->kv[i].key, key)) return &sec->kv[i] ;
  return 0 ;
}

/* path, opened for reading: a regular file, or EISDIR; anything else (a
   FIFO, a device: reading it could wait forever) is fatal. Its size in
   *size when size is not 0. */
int imp_open_file (char const *path, off_t *size)
{
  struct stat st ;
  int e, fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  if (fstat(fd, &st) < 0) e = errno ;
  else if (S_ISREG(st.st_mode)) { if (size) *size = st.st_size ; return fd ; }
  else if (S_ISDIR(st.st_mode)) e = EISDIR ;
  else imp_fatal(path, 0, "not a regular file") ;
  close(fd) ;
  errno = e ;
  return -1 ;
}

/* at most max bytes of the regular file path: how many, or -1 */
ssize_t imp_read_file (char const *path, char *buf, size_t max)
{
  size_t n = 0 ;
  int fd = imp_open_file(path, 0) ;
  if (fd < 0) return -1 ;
  while (n < max)
  {
    ssize_t r = read(fd, buf + n, max - n) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) { int e = errno ; close(fd) ; errno = e ; return -1 ; }
    if (!r) break ;
    n += r ;
  }
  close(fd) ;
  return n ;
}

/* the whole regular file path, NUL-terminated, in *len bytes of malloc'ed
   memory; 0 with errno, EFBIG when it has more than max bytes (known from
   its size before it is read, or while reading one that grows) */
char *imp_slurp (char const *path, size_t max, size_t *len)
{
  char *buf = 0 ;
  size_t n = 0, cap = 0 ;
  off_t size ;
  int e, fd = imp_open_file(path, &size) ;
  if (fd < 0) return 0 ;
  if ((uintmax_t)size > max) { e = EFBIG ; goto err ; }
  for (;;)
  {
    ssize_t r ;
    if (n + 4096 + 1 > cap)
    {
      cap = (n + 4096 + 1) * 2 ;
      buf = imp_realloc(buf, cap) ;
    }
    r = read(fd, buf + n, cap - n - 1) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) { e = errno ; goto err ; }
    if (!r) break ;
    n += r ;
    if (n > max) { e = EFBIG ; goto err ; }
  }
  close(fd) ;
  buf[n] = 0 ;
  *len = n ;
  return buf ;
 err:
  close(fd) ;
  free(buf) ;
  errno = e ;
  return 0 ;
}

/* UTF-8 text without a NUL byte, or imp_fatal at the line that is not;
   the length of its longest line */
size_t imp_text_check (char const *file, char const *buf, size_t len)
{
  char const *nul = memchr(buf, 0, len) ;
  size_t bad, start = 0, longest = 0 ;
  unsigned int line = 1 ;
  int utf8 = imp_utf8_check(buf, nul ? (size_t)(nul - buf) : len, &bad) ;
  if (utf8 && nul) bad = nul - buf ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (i == bad) imp_fatal(file, line, utf8 ? "a NUL byte: this is not a text file" : "this line is not valid UTF-8") ;
    if (buf[i] != '\n') continue ;
    if (i - start > longest) longest = i - start ;
    line++ ;
    start = i + 1 ;
  }
  if (len - start > longest) longest = len - start ;
  return longest ;
}
