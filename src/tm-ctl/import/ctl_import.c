/* ISC license. */

/* tm-ctl import-supervisord FILE: a supervisord.conf, read with inih the
   way supervisord's configparser reads it, printed as a services.toml.
   This file reads the files and writes the result; ctl_import_map.c
   translates the programs, ctl_import_text.c the value syntax. */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "import.h"
#include "imp.h"

#define MAX_FILE_SIZE (64UL << 20)

typedef struct reader_s reader_t ;
struct reader_s
{
  char const *buf ;
  size_t len ;
  size_t pos ;
  size_t bol ;                  /* where the line being parsed starts */
  int at_bol ;
  unsigned int line ;
  char const *file ;
  char const *here ;
  long cur ;                    /* current section, -1 before the first */
  long lastkv ;                 /* the key a continuation line adds to, -1: none */
  int is_main ;
  sbuf_t err ;
} ;

typedef struct ctx_s ctx_t ;
struct ctx_s
{
  imp_section_t *sec ;
  size_t nsec ;
  size_t seccap ;
  imp_list_t names ;            /* files read, as shown */
  imp_list_t dirs ;             /* and their absolute directories */
  imp_list_t bufs ;             /* their contents */
  sbuf_t notes ;                /* comments at the top of the output */
  sbuf_t incnotes ;             /* what [include] did, for its place among them */
  int nested ;                  /* an included file had an [include] */
  imp_env_t genv ;
  imp_service_t *sv ;
  size_t nsv ;
  size_t svcap ;
  char *maindir ;
} ;

/* global so that what is allocated stays reachable when ctl_die exits */
static ctx_t ctx ;

static imp_section_t *find_section (char const *name)
{
  for (size_t i = 0 ; i < ctx.nsec ; i++)
    if (!strcmp(ctx.sec[i].name, name)) return &ctx.sec[i] ;
  return 0 ;
}

/* ---- reading: inih drives, our reader feeds it and watches the lines ---- */

static int is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ;
}

static void enter_section (reader_t *r, char const *s, size_t n)
{
  char *name = imp_alloc(n + 1) ;
  imp_section_t *sec ;
  memcpy(name, s, n) ;
  name[n] = 0 ;
  sec = find_section(name) ;
  if (sec) free(name) ;
  else
  {
    if (ctx.nsec == ctx.seccap)
    {
      ctx.seccap = ctx.seccap ? ctx.seccap * 2 : 16 ;
      ctx.sec = imp_realloc(ctx.sec, ctx.seccap * sizeof(imp_section_t)) ;
    }
    sec = &ctx.sec[ctx.nsec++] ;
    memset(sec, 0, sizeof(*sec)) ;
    sec->name = name ;
    sec->file = r->file ;
    sec->line = r->line ;
  }
  if (!r->is_main && !strcmp(sec->name, "include")) ctx.nested = 1 ;
  r->cur = sec - ctx.sec ;
  r->lastkv = -1 ;
}

/* A section header, found as inih finds it: '[' then ']' before any
   inline comment. inih keeps only 50 bytes of a section name, and does not
   tell when a section starts, so we follow the lines ourselves. */
static void watch_line (reader_t *r)
{
  char const *s = r->buf + r->bol ;
  char const *end = memchr(s, '\n', r->len - r->bol) ;
  size_t n = end ? (size_t)(end - s) : r->len - r->bol ;
  size_t i = 0 ;
  int was_space = 0 ;
  if (r->line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) i = 3 ;
  while (i < n && is_blank(s[i])) i++ ;
  if (i >= n || s[i] != '[') return ;
  if (i && r->lastkv >= 0) return ;     /* a continuation line */
  for (size_t j = ++i ; j < n ; j++)
  {
    if (s[j] == ']') { enter_section(r, s + i, j - i) ; return ; }
    if (was_space && (s[j] == ';' || s[j] == '#')) return ;
    was_space = is_blank(s[j]) ;
  }
}

/* fgets() on the buffer */
static char *reader (char *str, int num, void *stream)
{
  reader_t *r = stream ;
  size_t k = 0 ;
  if (r->pos >= r->len || num < 2) return 0 ;
  if (r->at_bol)
  {
    r->line++ ;
    r->bol = r->pos ;
    watch_line(r) ;
  }
  while (k + 1 < (size_t)num && r->pos < r->len)
  {
    char c = r->buf[r->pos++] ;
    str[k++] = c ;
    if (c == '\n') break ;
  }
  str[k] = 0 ;
  r->at_bol = str[k - 1] == '\n' ;
  return str ;
}

/* configparser strips inline comments from continuation lines too;
   inih 55 does not */
static size_t continuation_len (char const *s)
{
  size_t n = strlen(s) ;
  for (size_t i = 1 ; i < n ; i++)
    if ((s[i] == ';' || s[i] == '#') && is_blank(s[i - 1])) { n = i ; break ; }
  while (n && is_blank(s[n - 1])) n-- ;
  return n ;
}

static void add_kv (reader_t *r, imp_section_t *sec, char const *name, char const *value)
{
  imp_kv_t *kv = 0 ;
  char *key = imp_strdup(name) ;
  for (char *p = key ; *p ; p++) if (*p >= 'A' && *p <= 'Z') *p += 'a' - 'A' ;
  for (size_t i = 0 ; i < sec->n ; i++)
    if (!strcmp(sec->kv[i].key, key)) { kv = &sec->kv[i] ; free(key) ; kv->value.len = 0 ; break ; }
  if (!kv)
  {
    if (sec->n == sec->cap)
    {
      sec->cap = sec->cap ? sec->cap * 2 : 16 ;
      sec->kv = imp_realloc(sec->kv, sec->cap * sizeof(imp_kv_t)) ;
    }
    kv = &sec->kv[sec->n++] ;
    memset(kv, 0, sizeof(*kv)) ;
    kv->key = key ;
  }
  imp_putn(&kv->value, "", 0) ;
  imp_puts(&kv->value, value) ;
  kv->file = r->file ;
  kv->here = r->here ;
  kv->line = r->line ;
  r->lastkv = kv - sec->kv ;
}

static int handler (void *user, char const *section, char const *name, char const *value)
{
  reader_t *r = user ;
  imp_section_t *sec ;
  (void)section ;
  if (r->cur < 0)
  {
    imp_printf(&r->err, "\"%s\" is outside any section: supervisord needs a [section] header first", name) ;
    return 0 ;
  }
  sec = &ctx.sec[r->cur] ;
  if (!value) value = "" ;
  if (r->lastkv >= 0 && is_blank(r->buf[r->bol]))
  {
    imp_kv_t *kv = &sec->kv[r->lastkv] ;
    imp_putc(&kv->value, '\n') ;
    imp_putn(&kv->value, value, continuation_len(value)) ;
  }
  else add_kv(r, sec, name, value) ;
  return 1 ;
}


/* os.path.abspath(os.path.dirname(path)): lexical, symlinks stay */
static char *dirname_abs (char const *path)
{
  sbuf_t full = SBUF_ZERO, out = SBUF_ZERO ;
  char const *slash = strrchr(path, '/') ;
  char *s ;
  if (path[0] != '/')
  {
    char *cwd = getcwd(0, 0) ;
    if (!cwd) ctl_diesys(CTL_EX_SYS, "unable to get the current directory", 0) ;
    imp_printf(&full, "%s/", cwd) ;
    free(cwd) ;
  }
  if (slash) imp_putn(&full, path, slash - path) ;
  imp_putn(&out, "", 0) ;
  for (s = full.s ; *s ; )
  {
    size_t n = strcspn(s, "/") ;
    if (n == 2 && !strncmp(s, "..", 2)) { char *up = strrchr(out.s, '/') ; out.len = up ? (size_t)(up - out.s) : 0 ; out.s[out.len] = 0 ; }
    else if (n && !(n == 1 && *s == '.')) { imp_putc(&out, '/') ; imp_putn(&out, s, n) ; }
    s += n + !!s[n] ;
  }
  if (!out.len) imp_putc(&out, '/') ;
  imp_sbfree(&full) ;
  return out.s ;
}

static int opens_section (char const *buf, size_t len, int line)
{
  size_t i = 0 ;
  while (--line > 0)
  {
    char const *nl = memchr(buf + i, '\n', len - i) ;
    if (!nl) return 0 ;
    i = nl - buf + 1 ;
  }
  while (i < len && is_blank(buf[i])) i++ ;
  return i < len && buf[i] == '[' ;
}

static char comment_prefixes[] = ";#" ;

/* 1 read, 0 could not be read (errno-like code in *err) */
static int import_file_read (char const *path, char const *shown, int is_main, int *err)
{
  reader_t r = { .pos = 0, .at_bol = 1, .line = 0, .cur = -1, .lastkv = -1, .is_main = is_main, .err = SBUF_ZERO } ;
  size_t longest ;
  char *buf ;
  int ret ;
  *err = 0 ;
  buf = imp_slurp(path, MAX_FILE_SIZE, &r.len) ;
  if (!buf) { *err = errno ; return 0 ; }
  imp_list_add(&ctx.bufs, buf) ;
  imp_list_add(&ctx.names, imp_strdup(shown)) ;
  imp_list_add(&ctx.dirs, dirname_abs(path)) ;
  r.buf = buf ;
  r.file = ctx.names.s[ctx.names.n - 1] ;
  r.here = ctx.dirs.s[ctx.dirs.n - 1] ;
  longest = imp_text_check(r.file, buf, r.len) ;

 /* configparser's rules: ; and # comments, inline after whitespace,
    values continued on indented lines; no length limit */
  ini_use_stack = 0 ;
  ini_allow_realloc = 1 ;
  ini_initial_alloc = 4096 ;
  ini_max_line = longest + 3 > 4096 ? (int)(longest + 3) : 4096 ;
  ini_allow_multiline = 1 ;
  ini_allow_inline_comments = 1 ;
  ini_inline_comment_prefixes = comment_prefixes ;
  ini_start_comment_prefixes = comment_prefixes ;
  ini_allow_no_value = 0 ;
  ini_stop_on_first_error = 1 ;
  ini_allow_bom = 1 ;
  ret = ini_parse_stream(&reader, &r, &handler, &r) ;
  if (ret == -2) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  if (ret)
  {
    if (r.err.len) imp_fatal(r.file, ret, "%s", imp_str(&r.err)) ;
    imp_fatal(r.file, ret, "%s", opens_section(buf, r.len, ret) ? "a section header without its closing ]"
      : "not a [section] header, a key = value line, a key: value line nor a comment") ;
  }
  imp_sbfree(&r.err) ;
  return 1 ;
}

/* ---- [include] ---- */

static char const *shown_path (char const *path)
{
  size_t n = strlen(ctx.maindir) ;
  if (!strncmp(path, ctx.maindir, n) && path[n] == '/') return path + n + 1 ;
  return path ;
}

static void include_one (char const *pattern)
{
  imp_list_t paths = IMP_LIST_ZERO ;
  sbuf_t full = SBUF_ZERO ;
  if (pattern[0] != '/') imp_printf(&full, "%s/", ctx.maindir) ;
  imp_puts(&full, pattern) ;
  imp_glob(imp_str(&full), &paths) ;
  if (!paths.n)
    imp_printf(&ctx.incnotes, "#   %s matches no file: nothing read\n", imp_safe(pattern)) ;
  for (size_t i = 0 ; i < paths.n ; i++)
  {
    char const *shown = shown_path(paths.s[i]) ;
    int err ;
    ctx.nested = 0 ;
    if (!import_file_read(paths.s[i], shown, 0, &err))
      imp_printf(&ctx.incnotes, "#   %s could not be read (%s): skipped, as supervisord skips it\n", imp_safe(shown), strerror(err)) ;
    else if (ctx.nested)
      imp_printf(&ctx.incnotes, "#   read %s; its own [include] is ignored, as supervisord reads no nested include\n", imp_safe(shown)) ;
    else imp_printf(&ctx.incnotes, "#   read %s\n", imp_safe(shown)) ;
  }
  imp_list_free(&paths) ;
  imp_sbfree(&full) ;
}

static void includes (void)
{
  imp_section_t *inc = find_section("include") ;
  imp_kv_t const *files = imp_sec_get(inc, "files") ;
  imp_exp_t e = IMP_EXP_ZERO ;
  sbuf_t list = SBUF_ZERO, err = SBUF_ZERO ;
  char *s ;
  if (!inc) return ;
  if (!files) imp_fatal(inc->file, inc->line, "[include] has no files = setting") ;
  e.now = 1 ;
  if (!imp_expand(files, &e, &list, &err)) imp_fatal(files->file, files->line, "files: %s", imp_str(&err)) ;
  s = list.s ;
  for (;;)
  {
    char c ;
    size_t n ;
    s += strspn(s, " \t\r\n\f\v") ;
    if (!*s) break ;
    n = strcspn(s, " \t\r\n\f\v") ;
    c = s[n] ;
    s[n] = 0 ;
    include_one(s) ;
    s[n] = c ;
    s += n ;
  }
  imp_sbfree(&list) ;
  imp_sbfree(&err) ;
}

/* ---- the sections that are not programs ---- */

static void note_kv (char const *prefix, imp_kv_t const *kv, char const *why)
{
  sbuf_t b = SBUF_ZERO ;
  imp_comment_text(&b, imp_str(&kv->value)) ;
  imp_printf(&ctx.notes, "%s%s = %s: %s\n", prefix, imp_safe(kv->key), imp_str(&b), why) ;
  imp_sbfree(&b) ;
}

static char const *supervisord_key_note (char const *key)
{
  static struct { char const *keys ; char const *why ; } const notes[] =
  {
    { " logfile logfile_maxbytes logfile_backups loglevel pidfile nodaemon silent nocleanup childlogdir identifier strip_ansi ",
      "no meaning under tm" },
    { " minfds minprocs ", "tm raises no limits: use docker run --ulimit" },
    { " umask ", "tm sets no umask: services inherit tm-init's" },
    { " directory ", "tm-init does not chdir: set working_dir per service" },
  } ;
  char pat[64] ;
  if (strlen(key) > sizeof(pat) - 3) return 0 ;
  snprintf(pat, sizeof(pat), " %s ", key) ;
  for (size_t i = 0 ; i < sizeof(notes) / sizeof(notes[0]) ; i++)
    if (strstr(notes[i].keys, pat)) return notes[i].why ;
  return 0 ;
}

static char const *supervisord_section (imp_section_t const *sec)
{
  static char guser[256] ;
  imp_kv_t const *u = imp_sec_get(sec, "user") ;
  imp_kv_t const *env = imp_sec_get(sec, "environment") ;
  char const *user = 0 ;
  imp_puts(&ctx.notes, "# [supervisord]: tm-init is PID 1 and the supervisor; it stays in the foreground and\n"
    "#   relays every service's output to its own stdout and stderr.\n") ;
  for (size_t i = 0 ; i < sec->n ; i++)
  {
    imp_kv_t const *kv = &sec->kv[i] ;
    char const *why = supervisord_key_note(kv->key) ;
    if (kv == u || kv == env) continue ;
    note_kv("#   ", kv, why ? why : "not a supervisord setting: dropped") ;
  }
  if (u)
  {
    imp_exp_t e = IMP_EXP_ZERO ;
    sbuf_t v = SBUF_ZERO, err = SBUF_ZERO ;
    if (!imp_expand(u, &e, &v, &err)) imp_fatal(u->file, u->line, "user: %s", imp_str(&err)) ;
    if (!strcmp(imp_str(&v), "root") || !strcmp(imp_str(&v), "0"))
      note_kv("#   ", u, "tm-init runs as root, and so does a service without user") ;
    else if (v.len < sizeof(guser))
    {
      note_kv("#   ", u, "supervisord ran everything as this user: so does every service without user") ;
      memcpy(guser, v.s, v.len + 1) ;
      user = guser ;
    }
    imp_sbfree(&v) ;
    imp_sbfree(&err) ;
  }
  if (env)
  {
    imp_exp_t e = IMP_EXP_ZERO ;
    sbuf_t v = SBUF_ZERO, err = SBUF_ZERO ;
    imp_list_t odd = IMP_LIST_ZERO ;
    if (!imp_expand(env, &e, &v, &err) || !imp_env_parse(imp_str(&v), &ctx.genv, &odd, &err))
      imp_fatal(env->file, env->line, "environment: %s", imp_str(&err)) ;
    note_kv("#   ", env, "added to the env of every service") ;
    for (size_t i = 0 ; i < odd.n ; i++)
      imp_printf(&ctx.notes, "#   environment %s: supervisord strips every quote at both ends of a value\n", imp_safe(odd.s[i])) ;
    imp_list_free(&odd) ;
    imp_sbfree(&v) ;
    imp_sbfree(&err) ;
  }
  return user ;
}

static void note_section (imp_section_t const *sec, char const *why)
{
  imp_printf(&ctx.notes, "# [%s] dropped: %s\n", imp_safe(sec->name), why) ;
}

static void note_group (imp_section_t const *sec)
{
  imp_kv_t const *progs = imp_sec_get(sec, "programs") ;
  sbuf_t b = SBUF_ZERO ;
  if (progs) imp_comment_text(&b, imp_str(&progs->value)) ;
  imp_printf(&ctx.notes, "# [%s] dropped: tm has no process groups; control its programs (%s) by name\n", imp_safe(sec->name), imp_str(&b)) ;
  imp_sbfree(&b) ;
}

static void note_listener (imp_section_t const *sec, char const *why)
{
  imp_kv_t const *cmd = imp_sec_get(sec, "command") ;
  note_section(sec, why) ;
  if (cmd) note_kv("#   ", cmd, "not run") ;
}

/* the group a program belongs to and that group's priority */
static char const *program_group (char const *prog, long *prio)
{
  for (size_t i = 0 ; i < ctx.nsec ; i++)
  {
    imp_section_t const *sec = &ctx.sec[i] ;
    imp_kv_t const *progs = imp_sec_get(sec, "programs") ;
    imp_kv_t const *p = imp_sec_get(sec, "priority") ;
    char const *s ;
    size_t n = strlen(prog) ;
    if (strncmp(sec->name, "group:", 6) || !progs) continue ;
    for (s = imp_str(&progs->value) ; *s ; )
    {
      size_t len = strcspn(s, ",") ;
      char const *a = s, *b = s + len ;
      while (a < b && strchr(" \t\r\n", *a)) a++ ;
      while (b > a && strchr(" \t\r\n", b[-1])) b-- ;
      if ((size_t)(b - a) == n && !memcmp(a, prog, n))
      {
        *prio = 999 ;
        if (p && !imp_integer(imp_str(&p->value), prio))
          imp_fatal(p->file, p->line, "priority = %s: not an integer", imp_str(&p->value)) ;
        return sec->name + 6 ;
      }
      s += len + !!s[len] ;
    }
  }
  return 0 ;
}

static void sections (void)
{
  imp_section_t const *defaults = find_section("DEFAULT") ;
  imp_section_t const *sup = find_section("supervisord") ;
  char const *guser = 0 ;
  for (size_t i = 0 ; i < ctx.nsec ; i++)
  {
    imp_section_t const *sec = &ctx.sec[i] ;
    char const *n = sec->name ;
    if (sec == sup) guser = supervisord_section(sec) ;
    else if (!strcmp(n, "include"))
    {
      imp_puts(&ctx.notes, "# [include] files, read in supervisord's order:\n") ;
      imp_puts(&ctx.notes, imp_str(&ctx.incnotes)) ;
    }
    else if (!strcmp(n, "DEFAULT")) imp_puts(&ctx.notes, "# [DEFAULT]: configparser's defaults; every program below uses them\n") ;
    else if (!strcmp(n, "unix_http_server")) note_section(sec, "tm-ctl talks to each service's supervisor through its control FIFO") ;
    else if (!strcmp(n, "inet_http_server")) note_section(sec, "no XML-RPC in tm; [metrics] listen serves status over HTTP") ;
    else if (!strcmp(n, "supervisorctl")) note_section(sec, "use tm-ctl (list, status, start, stop, restart, ...)") ;
    else if (!strncmp(n, "rpcinterface:", 13)) note_section(sec, "tm has no XML-RPC interface") ;
    else if (!strncmp(n, "ctlplugin:", 10)) note_section(sec, "tm-ctl has no plugins") ;
    else if (!strncmp(n, "group:", 6)) note_group(sec) ;
    else if (!strncmp(n, "eventlistener:", 14)) note_listener(sec, "tm has no event listener protocol") ;
    else if (!strncmp(n, "fcgi-program:", 13)) note_listener(sec, "tm creates no FastCGI socket: give the program its own, as a service") ;
    else if (strncmp(n, "program:", 8)) note_section(sec, "not a supervisord section, ignored by supervisord too") ;
  }
  for (size_t i = 0 ; i < ctx.nsec ; i++)
  {
    imp_program_t p = { .sec = &ctx.sec[i], .defaults = defaults, .genv = &ctx.genv, .guser = guser, .show_file = ctx.names.n > 1, .notes = &ctx.notes } ;
    if (strncmp(ctx.sec[i].name, "program:", 8)) continue ;
    p.group_name = program_group(ctx.sec[i].name + 8, &p.group_priority) ;
    imp_map_program(&p, &ctx.sv, &ctx.nsv, &ctx.svcap) ;
  }
}

/* ---- priorities into dependencies ---- */

static int before (imp_service_t const *a, imp_service_t const *b)
{
  if (a->gprio != b->gprio) return a->gprio < b->gprio ;
  if (a->prio != b->prio) return a->prio < b->prio ;
  return a->order < b->order ;
}

static int same_level (imp_service_t const *a, imp_service_t const *b)
{
  return a->gprio == b->gprio && a->prio == b->prio ;
}

static void sort_services (void)
{
  for (size_t i = 1 ; i < ctx.nsv ; i++)
  {
    imp_service_t t = ctx.sv[i] ;
    size_t j = i ;
    for (; j && before(&t, &ctx.sv[j - 1]) ; j--) ctx.sv[j] = ctx.sv[j - 1] ;
    ctx.sv[j] = t ;
  }
}

static void level_name (sbuf_t *b, imp_service_t const *s)
{
  if (s->gprio == s->prio) imp_printf(b, "priority %ld", s->prio) ;
  else imp_printf(b, "group priority %ld, priority %ld", s->gprio, s->prio) ;
}

/* every service depends on the enabled services of the nearest lower
   priority level that has any: supervisord started them in that order */
static void dependencies (size_t i, sbuf_t *out)
{
  imp_service_t const *s = &ctx.sv[i] ;
  size_t start = i, lo = 0, hi, n = 0 ;
  imp_list_t deps = IMP_LIST_ZERO ;
  while (start && same_level(&ctx.sv[start - 1], s)) start-- ;
  for (hi = start ; hi ; hi = lo)
  {
    lo = hi - 1 ;
    while (lo && same_level(&ctx.sv[lo - 1], &ctx.sv[hi - 1])) lo-- ;
    n = 0 ;
    for (size_t j = lo ; j < hi ; j++) n += ctx.sv[j].enabled ;
    if (n) break ;
  }
  if (!start || !n) return ;
  imp_puts(out, "# supervisord ") ;
  level_name(out, s) ;
  imp_puts(out, ": starts after the programs of ") ;
  level_name(out, &ctx.sv[hi - 1]) ;
  imp_puts(out, "\n") ;
  for (size_t j = lo ; j < hi ; j++)
    if (ctx.sv[j].enabled) imp_list_add(&deps, ctx.sv[j].name) ;
  if (deps.n == 1) { imp_puts(out, "depends_on = ") ; imp_toml_string(out, deps.s[0]) ; imp_putc(out, '\n') ; }
  else imp_toml_array(out, "depends_on", deps.s, deps.n) ;
  free(deps.s) ;
}

/* ---- the whole ---- */

static void cleanup (void)
{
  for (size_t i = 0 ; i < ctx.nsec ; i++)
  {
    for (size_t j = 0 ; j < ctx.sec[i].n ; j++)
    {
      free(ctx.sec[i].kv[j].key) ;
      imp_sbfree(&ctx.sec[i].kv[j].value) ;
    }
    free(ctx.sec[i].kv) ;
    free(ctx.sec[i].name) ;
  }
  free(ctx.sec) ;
  for (size_t i = 0 ; i < ctx.nsv ; i++)
  {
    free(ctx.sv[i].name) ;
    imp_sbfree(&ctx.sv[i].head) ;
    imp_sbfree(&ctx.sv[i].tail) ;
  }
  free(ctx.sv) ;
  imp_list_free(&ctx.names) ;
  imp_list_free(&ctx.dirs) ;
  imp_list_free(&ctx.bufs) ;
  imp_sbfree(&ctx.notes) ;
  imp_sbfree(&ctx.incnotes) ;
  imp_env_free(&ctx.genv) ;
  imp_safe_free() ;
  free(ctx.maindir) ;
}

int ctl_import_supervisord (ctl_args_t const *a)
{
  sbuf_t out = SBUF_ZERO ;
  char const *file ;
  int err ;
  if (a->nnames != 1) ctl_die(CTL_EX_USAGE, "import-supervisord needs exactly one FILE (a supervisord.conf)", 0, 0) ;
  file = a->names[0] ;
  if (!import_file_read(file, file, 1, &err))
  {
    int perm = err == ENOENT || err == EACCES || err == EISDIR || err == ENOTDIR || err == ELOOP || err == EFBIG || err == ENAMETOOLONG ;
    char msg[256] ;
    snprintf(msg, sizeof(msg), ": %s", err == EFBIG ? "too big for a supervisord config" : strerror(err)) ;
    ctl_die(perm ? CTL_EX_FALSE : CTL_EX_SYS, "unable to read ", file, msg) ;
  }
  ctx.maindir = imp_strdup(ctx.dirs.s[0]) ;
  includes() ;
  sections() ;
  sort_services() ;

  imp_printf(&out, "# services.toml for tm, generated by tm-ctl import-supervisord from %s\n", imp_safe(file)) ;
  imp_puts(&out, "# The comments say what supervisord did that tm does not, or does differently.\n"
    "# Check the result with: tm-ctl check services.toml\n") ;
  if (ctx.notes.len) { imp_putc(&out, '\n') ; imp_puts(&out, imp_str(&ctx.notes)) ; }
  if (!ctx.nsv) imp_puts(&out, "\n# supervisord had no [program:x] section: no service\n") ;
  for (size_t i = 0 ; i < ctx.nsv ; i++)
  {
    imp_putc(&out, '\n') ;
    imp_puts(&out, imp_str(&ctx.sv[i].head)) ;
    dependencies(i, &out) ;
    imp_puts(&out, imp_str(&ctx.sv[i].tail)) ;
  }
  if (fwrite(out.s, 1, out.len, stdout) < out.len || fflush(stdout) == EOF)
    ctl_diesys(CTL_EX_SYS, "unable to write to stdout", 0) ;
  imp_sbfree(&out) ;
  cleanup() ;
  return CTL_EX_OK ;
}
