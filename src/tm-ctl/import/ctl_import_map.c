/* ISC license. */

/* import-supervisord: one [program:x] into one [[services]] per process,
   keys in the order of SPEC §3, comments where tm differs */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tm.h"
#include "import.h"
#include "imp.h"

#define COMMENT_VALUE_MAX 80
#define NUMPROCS_MAX 1000

typedef struct proc_s proc_t ;
struct proc_s
{
  imp_program_t const *p ;
  char const *pname ;           /* the program's name, as supervisord has it */
  imp_exp_t e ;
  imp_env_t penv ;              /* the program's own environment= */
  imp_list_t odd ;              /* its keys whose values lost unpaired quotes */
  imp_list_t tmp ;              /* expanded values, freed with the process */
  char *done ;                  /* per key of the section: dealt with */
  imp_service_t *sv ;
} ;

/* ---- reading keys ---- */

static imp_kv_t const *get (proc_t *x, char const *key)
{
  imp_section_t const *sec = x->p->sec ;
  for (size_t i = 0 ; i < sec->n ; i++)
    if (!strcmp(sec->kv[i].key, key)) { x->done[i] = 1 ; return &sec->kv[i] ; }
  return imp_sec_get(x->p->defaults, key) ;
}

/* what it returns lives until the process is done: reachable from x, so
   that an imp_fatal() on the way leaks nothing either */
static char *expand (proc_t *x, imp_kv_t const *kv, int now)
{
  sbuf_t v = SBUF_ZERO, err = SBUF_ZERO ;
  x->e.now = now ;
  x->e.used_env = 0 ;
  if (!imp_expand(kv, &x->e, &v, &err)) imp_fatal(kv->file, kv->line, "%s: %s", kv->key, imp_str(&err)) ;
  x->e.now = 0 ;
  imp_sbfree(&err) ;
  imp_list_add(&x->tmp, v.s) ;
  return v.s ;
}

/* the raw value, shortened, for a comment */
static void put_raw (sbuf_t *b, char const *s)
{
  size_t n = strlen(s) ;
  if (n <= COMMENT_VALUE_MAX) { imp_comment_text(b, s) ; return ; }
  n = COMMENT_VALUE_MAX - 3 ;
  while (n && ((unsigned char)s[n] & 0xc0) == 0x80) n-- ;
  {
    char cut[n + 1] ;
    memcpy(cut, s, n) ;
    cut[n] = 0 ;
    imp_comment_text(b, cut) ;
  }
  imp_puts(b, "...") ;
}

/* "# key = value: why" */
static void note (sbuf_t *b, imp_kv_t const *kv, char const *fmt, ...) __attribute__((format(printf, 3, 4))) ;
static void note (sbuf_t *b, imp_kv_t const *kv, char const *fmt, ...)
{
  va_list ap ;
  imp_printf(b, "# %s = ", imp_safe(kv->key)) ;
  put_raw(b, imp_str(&kv->value)) ;
  imp_puts(b, ": ") ;
  va_start(ap, fmt) ;
  imp_vprintf(b, fmt, ap) ;
  va_end(ap) ;
  imp_putc(b, '\n') ;
}

/* a value supervisord needs as a number or a flag: known now */
static char *now_value (proc_t *x, imp_kv_t const *kv)
{
  char *v = expand(x, kv, 1) ;
  if (x->e.used_env)
  {
    note(&x->sv->tail, kv, "expanded from the environment of tm-ctl import-supervisord (%s)", imp_safe(v)) ;
    x->e.used_env = 0 ;
  }
  return v ;
}

static long get_int (proc_t *x, char const *key, long def, int *set)
{
  imp_kv_t const *kv = get(x, key) ;
  long v = def ;
  char *s ;
  if (set) *set = !!kv ;
  if (!kv) return def ;
  s = now_value(x, kv) ;
  if (!imp_integer(s, &v)) imp_fatal(kv->file, kv->line, "%s = %s: not an integer", key, s) ;
  return v ;
}

static int get_bool (proc_t *x, char const *key, int def, int *set)
{
  imp_kv_t const *kv = get(x, key) ;
  int v = def ;
  char *s ;
  if (set) *set = !!kv ;
  if (!kv) return def ;
  s = now_value(x, kv) ;
  if (!imp_boolean(s, &v)) imp_fatal(kv->file, kv->line, "%s = %s: not a boolean (true, false, yes, no, on, off, 1, 0)", key, s) ;
  return v ;
}

/* ---- writing ---- */

/* ---- the name ---- */

static int name_taken (imp_service_t const *sv, size_t n, char const *name)
{
  for (size_t i = 0 ; i < n ; i++) if (!strcmp(sv[i].name, name)) return 1 ;
  return 0 ;
}

/* ^[A-Za-z0-9_-]{1,64}$: one '-' for each other character */
static char *tm_name (char const *s)
{
  sbuf_t b = SBUF_ZERO ;
  imp_putn(&b, "", 0) ;
  for (; *s && b.len < 64 ; s++)
  {
    unsigned char c = *s ;
    if ((c & 0xc0) == 0x80) continue ;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') imp_putc(&b, c) ;
    else imp_putc(&b, '-') ;
  }
  if (!b.len) imp_puts(&b, "service") ;
  return b.s ;
}

static char *unique_name (char *name, imp_service_t const *sv, size_t n)
{
  size_t len = strlen(name) ;
  for (unsigned int k = 2 ; name_taken(sv, n, name) ; k++)
  {
    char suffix[16] ;
    int m = snprintf(suffix, sizeof(suffix), "-%u", k) ;
    if (len + m > 64) len = 64 - m ;
    name[len] = 0 ;
    name = imp_realloc(name, len + m + 1) ;
    memcpy(name + len, suffix, m + 1) ;
  }
  return name ;
}

static char *process_name (proc_t *x, long numprocs)
{
  imp_kv_t const *kv = get(x, "process_name") ;
  imp_kv_t def = { .key = "process_name", .file = x->p->sec->file, .here = "", .line = x->p->sec->line } ;
  char *name ;
  if (numprocs == 1)
  {
    if (kv)
    {
      char *v = expand(x, kv, 1) ;
      if (strcmp(v, x->pname)) note(&x->sv->head, kv, "not used, tm names the service after the program") ;
    }
    name = imp_strdup(x->pname) ;
    imp_list_add(&x->tmp, name) ;
    return name ;
  }
  if (kv && !strstr(imp_str(&kv->value), "%(process_num)"))
  {
    note(&x->sv->head, kv, "has no %%(process_num), as numprocs > 1 needs: %%(program_name)s_%%(process_num)02d used") ;
    kv = 0 ;
  }
  if (!kv)
  {
    imp_puts(&def.value, "%(program_name)s_%(process_num)02d") ;
    kv = &def ;
  }
  name = expand(x, kv, 1) ;
  imp_sbfree(&def.value) ;
  return name ;
}

static void put_name (proc_t *x, long numprocs, imp_service_t const *all, size_t nall)
{
  sbuf_t *b = &x->sv->head ;
  imp_section_t const *sec = x->p->sec ;
  char *want = process_name(x, numprocs) ;
  char *name = unique_name(tm_name(want), all, nall) ;
  imp_printf(b, "# [%s]", imp_safe(sec->name)) ;
  if (numprocs > 1) imp_printf(b, ", process %ld (numprocs = %ld)", x->e.process_num, numprocs) ;
  if (x->p->show_file) imp_printf(b, " in %s", imp_safe(sec->file)) ;
  imp_putc(b, '\n') ;
  if (strcmp(name, want))
  {
    imp_puts(b, "# \"") ;
    imp_comment_text(b, want) ;
    if (name_taken(all, nall, want)) imp_puts(b, "\" is the name of another service: renamed\n") ;
    else imp_puts(b, "\" is not a tm name (1 to 64 letters, digits, _ or -): renamed\n") ;
  }
  imp_puts(b, "[[services]]\n") ;
  imp_toml_kv(b, "name", name, 0) ;
  x->sv->name = name ;
}

/* ---- command, args ---- */

/* sh reads a newline as the end of a command, shlex as a space */
static void unfold (char *s)
{
  char q = 0 ;
  for (; *s ; s++)
  {
    if (q) { if (*s == q) q = 0 ; else if (q == '"' && *s == '\\' && s[1]) s++ ; }
    else if (*s == '\\' && s[1]) s++ ;
    else if (*s == '\'' || *s == '"') q = *s ;
    else if (*s == '\n') *s = ' ' ;
  }
}

static void put_command (proc_t *x)
{
  sbuf_t *b = &x->sv->head ;
  imp_kv_t const *kv = get(x, "command") ;
  imp_list_t argv = IMP_LIST_ZERO ;
  sbuf_t err = SBUF_ZERO ;
  char const *shell ;
  char *cmd ;
  if (!kv) imp_fatal(x->p->sec->file, x->p->sec->line, "[%s] has no command", x->p->sec->name) ;
  cmd = expand(x, kv, 0) ;
  shell = imp_shell_syntax(cmd) ;
  if (shell)
  {
    char *sh[2] = { "-c", cmd } ;
    unfold(cmd) ;
    imp_printf(b, "# shell syntax (%s): supervisord passed it to the program as arguments;\n"
      "#   tm runs the command line with /bin/sh -c\n", shell) ;
    imp_toml_kv(b, "command", "/bin/sh", 0) ;
    imp_toml_array(b, "args", sh, 2) ;
    return ;
  }
  if (!imp_split(cmd, &argv, &err)) imp_fatal(kv->file, kv->line, "command: %s", imp_str(&err)) ;
  if (!argv.n) imp_fatal(kv->file, kv->line, "command is empty") ;
  if (argv.s[0][0] != '/' && argv.s[0][0] != IMP_MARK && strchr(argv.s[0], '/'))
  {
    imp_kv_t const *dir = get(x, "directory") ;
    if (dir)
    {
      char *d = expand(x, dir, 0) ;
      char const *rel = argv.s[0] ;
      sbuf_t abs = SBUF_ZERO ;
      while (!strncmp(rel, "./", 2)) rel += 2 ;
      imp_printf(&abs, "%s%s%s", d, d[0] && d[strlen(d) - 1] == '/' ? "" : "/", rel) ;
      imp_puts(b, "# supervisord ran the relative command path from directory: made absolute\n") ;
      free(argv.s[0]) ;
      argv.s[0] = abs.s ;
    }
    else imp_puts(b, "# a relative command path: tm needs an absolute path or a name found in PATH\n") ;
  }
  imp_toml_kv(b, "command", argv.s[0], 0) ;
  if (argv.n > 1) imp_toml_array(b, "args", argv.s + 1, argv.n - 1) ;
  imp_list_free(&argv) ;
  imp_sbfree(&err) ;
}

/* ---- user, working_dir, env ---- */

/* tm needs absolute paths. supervisord expanded ~/ in log file names, and
   took a relative one from its own working directory, which is not known
   here: 0 */
static char *absolute (proc_t *x, char *v, int tilde)
{
  char *home ;
  if (v[0] == '/' || v[0] == IMP_MARK) return v ;
  if (!tilde || v[0] != '~' || (v[1] && v[1] != '/')) return 0 ;
  home = imp_alloc(strlen(v) + 7) ;
  sprintf(home, "%cHOME%c%s", IMP_MARK, IMP_MARKEND, v + 1) ;
  imp_list_add(&x->tmp, home) ;
  return home ;
}

static void put_dir (proc_t *x)
{
  imp_kv_t const *kv = get(x, "directory") ;
  char *v ;
  if (!kv) return ;
  v = absolute(x, expand(x, kv, 0), 0) ;
  if (v) imp_toml_kv(&x->sv->tail, "working_dir", v, 0) ;
  else note(&x->sv->tail, kv, "a relative path, from supervisord's working directory: tm needs an absolute one") ;
}

static void put_user (proc_t *x)
{
  imp_kv_t const *kv = get(x, "user") ;
  if (kv) imp_toml_kv(&x->sv->tail, "user", expand(x, kv, 0), 0) ;
  else if (x->p->guser) imp_toml_kv(&x->sv->tail, "user", x->p->guser, "[supervisord] user") ;
}

static void map_env (proc_t *x)
{
  sbuf_t *b = &x->sv->tail ;
  imp_env_t env = IMP_ENV_ZERO ;
  sbuf_t line = SBUF_ZERO ;
  imp_env_t const *from[2] = { x->p->genv, &x->penv } ;
  for (size_t k = 0 ; k < 2 ; k++)
    for (size_t i = 0 ; i < from[k]->k.n ; i++)
    {
      char const *key = from[k]->k.s[i] ;
      if (imp_is_varname(key, strlen(key))) imp_env_set(&env, key, from[k]->v.s[i]) ;
      else if (k || !imp_env_get(&x->penv, key))
      {
        imp_puts(b, "# environment: \"") ;
        imp_comment_text(b, key) ;
        imp_puts(b, "\" is not a variable name tm accepts: dropped\n") ;
      }
    }
  for (size_t i = 0 ; i < x->odd.n ; i++)
  {
    imp_puts(b, "# environment ") ;
    imp_comment_text(b, x->odd.s[i]) ;
    imp_puts(b, ": supervisord strips every quote at both ends of a value\n") ;
  }
  if (!env.k.n) return ;
  imp_puts(&line, "env = { ") ;
  for (size_t i = 0 ; i < env.k.n ; i++)
  {
    if (i) imp_puts(&line, ", ") ;
    imp_toml_key(&line, env.k.s[i]) ;
    imp_puts(&line, " = ") ;
    imp_toml_string(&line, env.v.s[i]) ;
  }
  imp_puts(&line, " }\n") ;
  if (line.len <= IMP_WIDTH + 1) imp_puts(b, line.s) ;
  else
    for (size_t i = 0 ; i < env.k.n ; i++)
    {
      imp_puts(b, "env.") ;
      imp_toml_key(b, env.k.s[i]) ;
      imp_puts(b, " = ") ;
      imp_toml_string(b, env.v.s[i]) ;
      imp_putc(b, '\n') ;
    }
  imp_sbfree(&line) ;
  imp_env_free(&env) ;
}

/* ---- output ---- */

enum { LOG_NONE, LOG_AUTO, LOG_SYSLOG, LOG_CONSOLE, LOG_FILE, LOG_RELATIVE } ;

static int log_kind (char const *v)
{
  static char const *const console[] =
  {
    "/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2", "/proc/self/fd/1", "/proc/self/fd/2",
    "/proc/1/fd/1", "/proc/1/fd/2", "/dev/console", "/dev/tty"
  } ;
  if (!strcasecmp(v, "none") || !strcasecmp(v, "off") || !strcmp(v, "/dev/null")) return LOG_NONE ;
  if (!strcasecmp(v, "auto")) return LOG_AUTO ;
  if (!strcasecmp(v, "syslog")) return LOG_SYSLOG ;
  for (size_t i = 0 ; i < sizeof(console) / sizeof(console[0]) ; i++)
    if (!strcmp(v, console[i])) return LOG_CONSOLE ;
  return LOG_FILE ;
}

static void note_log (sbuf_t *b, imp_kv_t const *kv, int kind, char const *stream)
{
  switch (kind)
  {
    case LOG_NONE : note(b, kv, "supervisord discarded this output; tm relays it to its own %s", stream) ; break ;
    case LOG_AUTO : note(b, kv, "tm keeps no automatic log file; it relays the output to its own %s", stream) ; break ;
    case LOG_SYSLOG : note(b, kv, "tm has no syslog output; it relays the output to its own %s", stream) ; break ;
    case LOG_CONSOLE : note(b, kv, "tm relays the output to its own %s anyway", stream) ; break ;
    case LOG_RELATIVE : note(b, kv, "a relative path, from supervisord's working directory: tm needs an absolute one") ; break ;
    default : break ;
  }
}

static void size_string (char *buf, size_t max, long long v)
{
  if (!(v % (1LL << 30))) snprintf(buf, max, "%lldGB", v >> 30) ;
  else if (!(v % (1LL << 20))) snprintf(buf, max, "%lldMB", v >> 20) ;
  else if (!(v % (1LL << 10))) snprintf(buf, max, "%lldKB", v >> 10) ;
  else snprintf(buf, max, "%lld", v) ;
}

/* output_file from stdout_logfile (or stderr_logfile), rotated as
   supervisord rotated it */
static void put_output_file (proc_t *x, char const *stream, char const *path)
{
  sbuf_t *b = &x->sv->tail ;
  char key[64] ;
  imp_kv_t const *kv ;
  long long size = 50LL << 20 ;
  long files = 10 ;
  imp_toml_kv(b, "output_file", path, 0) ;
  snprintf(key, sizeof(key), "%s_logfile_maxbytes", stream) ;
  kv = get(x, key) ;
  if (kv)
  {
    char *s = now_value(x, kv) ;
    if (!imp_byte_size(s, &size)) imp_fatal(kv->file, kv->line, "%s = %s: not a size (such as 50MB, 1KB or a number of bytes)", key, s) ;
  }
  if (size > 0)
  {
    char buf[32] ;
    size_string(buf, sizeof(buf), size) ;
    imp_toml_kv(b, "output_max_size", buf, kv ? 0 : "supervisord's default") ;
  }
  else note(b, kv, "no rotation; tm always rotates, at its default size") ;
  snprintf(key, sizeof(key), "%s_logfile_backups", stream) ;
  kv = get(x, key) ;
  if (kv)
  {
    char *s = now_value(x, kv) ;
    if (!imp_integer(s, &files)) imp_fatal(kv->file, kv->line, "%s = %s: not an integer", key, s) ;
  }
  if (files < 0) files = 0 ;
  if (files > 1000) { note(b, kv, "tm keeps at most 1000 files") ; files = 1000 ; }
  imp_printf(b, "output_max_files = %ld%s\n", files, kv ? "" : "  # supervisord's default") ;
}

static int log_file (proc_t *x, imp_kv_t const *kv, char **v)
{
  int kind ;
  if (!kv) return LOG_AUTO ;
  *v = expand(x, kv, 0) ;
  kind = log_kind(*v) ;
  if (kind == LOG_FILE && !(*v = absolute(x, *v, 1))) kind = LOG_RELATIVE ;
  return kind ;
}

static void put_output (proc_t *x)
{
  sbuf_t *b = &x->sv->tail ;
  imp_kv_t const *out = get(x, "stdout_logfile") ;
  imp_kv_t const *err = get(x, "stderr_logfile") ;
  int redirect = get_bool(x, "redirect_stderr", 0, 0) ;
  char *outv = 0, *errv = 0 ;
  int outk = log_file(x, out, &outv) ;
  int errk = log_file(x, err, &errv) ;
  if (out) note_log(b, out, outk, "stdout") ;
  if (outk == LOG_FILE) put_output_file(x, "stdout", outv) ;
  if (err && redirect) note(b, err, "ignored, as redirect_stderr = true (by supervisord too)") ;
  else if (err && errk == LOG_FILE)
  {
    if (outk == LOG_FILE)
    {
      if (strcmp(outv, errv)) note(b, err, "tm's output_file gets both streams") ;
    }
    else
    {
      note(b, err, "tm's output_file gets both streams, stdout too") ;
      put_output_file(x, "stderr", errv) ;
    }
  }
  else if (err) note_log(b, err, errk, "stderr") ;
  if (redirect)
    note(b, get(x, "redirect_stderr"), "%s", outk == LOG_FILE ? "output_file gets both streams (tm relays stderr to its own stderr)" : "tm relays stderr to its own stderr, apart from stdout") ;
}

/* ---- restart ---- */

static int exitcodes_just_zero (proc_t *x, imp_kv_t const *kv)
{
  char *s = now_value(x, kv), *p = s ;
  int zero = 1 ;
  for (;;)
  {
    long v ;
    size_t n = strcspn(p, ",") ;
    char c = p[n] ;
    p[n] = 0 ;
    if (!imp_integer(p, &v) || v < 0 || v > 255) imp_fatal(kv->file, kv->line, "exitcodes = %s: not a list of exit codes (0 to 255)", imp_str(&kv->value)) ;
    if (v) zero = 0 ;
    if (!c) break ;
    p += n + 1 ;
  }
  return zero ;
}

static void put_restart (proc_t *x)
{
  sbuf_t *b = &x->sv->tail ;
  imp_kv_t const *kv = get(x, "autorestart") ;
  imp_kv_t const *codes = get(x, "exitcodes") ;
  char const *policy = "on-failure" ;
  int secs_set, tries_set ;
  long secs, tries ;
  if (kv)
  {
    char *s = now_value(x, kv) ;
    int yes ;
    if (!strcasecmp(s, "unexpected")) policy = "on-failure" ;
    else if (imp_boolean(s, &yes)) policy = yes ? "always" : "never" ;
    else imp_fatal(kv->file, kv->line, "autorestart = %s: not true, false nor unexpected", s) ;
    imp_toml_kv(b, "restart", policy, 0) ;
  }
  if (codes && !exitcodes_just_zero(x, codes) && !strcmp(policy, "on-failure"))
    note(b, codes, "tm treats only exit 0 as a success") ;
  secs = get_int(x, "startsecs", 1, &secs_set) ;
  tries = get_int(x, "startretries", 3, &tries_set) ;
  if (!strcmp(policy, "never"))
  {
    if (tries_set) note(b, get(x, "startretries"), "supervisord retried a failed start even with autorestart = false; tm does not") ;
    return ;
  }
  if (secs <= 0)
  {
    if (secs_set) note(b, get(x, "startsecs"), "supervisord counted no start failure, so never gave up: no max_restarts") ;
    return ;
  }
  if (secs_set) note(b, get(x, "startsecs"), "tm counts a run shorter than 10 s as a quick failure") ;
  if (tries <= 0)
  {
    note(b, get(x, "startretries"), "tm's max_restarts = 0 would mean no limit: 1 is the closest") ;
    tries = 1 ;
  }
  if (tries > 1000000) tries = 1000000 ;
  imp_printf(b, "max_restarts = %ld%s\n", tries, tries_set ? "" : "  # supervisord's default startretries") ;
}

/* ---- stop ---- */

static void put_stop (proc_t *x)
{
  sbuf_t *b = &x->sv->tail ;
  imp_kv_t const *kv = get(x, "stopsignal") ;
  imp_kv_t const *sg = get(x, "stopasgroup") ;
  imp_kv_t const *kg = get(x, "killasgroup") ;
  int secs_set ;
  long secs ;
  if (kv)
  {
    char *s = now_value(x, kv) ;
    int sig = tm_signal_scan(s) ;
    if (!sig) imp_fatal(kv->file, kv->line, "stopsignal = %s: not a signal name", s) ;
    if (sig >= 32) note(b, kv, "tm stops services with a standard signal only: SIGTERM used") ;
    else imp_toml_kv(b, "stop_signal", tm_signal_name(sig), 0) ;
  }
  secs = get_int(x, "stopwaitsecs", 10, &secs_set) ;
  if (secs_set)
  {
    if (secs <= 0) { note(b, get(x, "stopwaitsecs"), "SIGKILL at once; tm needs a positive stop_timeout") ; secs = 1 ; }
    if (secs > 86400) { note(b, get(x, "stopwaitsecs"), "tm waits at most 86400 s") ; secs = 86400 ; }
    imp_printf(b, "stop_timeout = %ld\n", secs) ;
  }
  get_bool(x, "stopasgroup", 0, 0) ;
  get_bool(x, "killasgroup", 0, 0) ;
  if (sg) note(b, sg, "tm always signals the whole process group") ;
  if (kg) note(b, kg, "tm always kills the whole process group") ;
}

/* ---- the rest ---- */

static char const *known_note (char const *key)
{
  static struct { char const *key ; char const *why ; } const known[] =
  {
    { "umask", "tm sets no umask per service: use sh -c 'umask 002; exec ...'" },
    { "serverurl", "tm has no XML-RPC server" },
    { "stdout_capture_maxbytes", "tm has no event listeners" },
    { "stderr_capture_maxbytes", "tm has no event listeners" },
    { "stdout_events_enabled", "tm has no event listeners" },
    { "stderr_events_enabled", "tm has no event listeners" },
    { "stdout_syslog", "tm has no syslog output" },
    { "stderr_syslog", "tm has no syslog output" },
    { "stdout_logfile_maxbytes", "no output_file: nothing to rotate" },
    { "stdout_logfile_backups", "no output_file: nothing to rotate" },
    { "stderr_logfile_maxbytes", "no output_file from stderr_logfile: nothing to rotate" },
    { "stderr_logfile_backups", "no output_file from stderr_logfile: nothing to rotate" },
  } ;
  for (size_t i = 0 ; i < sizeof(known) / sizeof(known[0]) ; i++)
    if (!strcmp(key, known[i].key)) return known[i].why ;
  return 0 ;
}

/* a rotation setting of a stream that goes to the console is moot */
static int moot (proc_t *x, char const *key)
{
  char stream[16] ;
  imp_kv_t const *kv ;
  if (strncmp(key, "stdout_logfile_", 15) && strncmp(key, "stderr_logfile_", 15)) return 0 ;
  memcpy(stream, key, 6) ;
  memcpy(stream + 6, "_logfile", 9) ;
  kv = imp_sec_get(x->p->sec, stream) ;
  if (!kv) return 1 ;
  {
    char *v = expand(x, kv, 0) ;
    int k = log_kind(v) ;
    return k != LOG_FILE ;
  }
}

static void put_rest (proc_t *x)
{
  imp_section_t const *sec = x->p->sec ;
  sbuf_t *b = &x->sv->tail ;
  for (size_t i = 0 ; i < sec->n ; i++)
  {
    imp_kv_t const *kv = &sec->kv[i] ;
    char const *why ;
    if (x->done[i]) continue ;
    why = known_note(kv->key) ;
    if (why && moot(x, kv->key)) continue ;
    if (why) note(b, kv, "%s", why) ;
    else
    {
      imp_puts(b, "# supervisord key \"") ;
      imp_comment_text(b, kv->key) ;
      imp_puts(b, "\" has no tm equivalent: dropped\n") ;
    }
  }
}

/* ---- one process ---- */

static void put_environment (proc_t *x)
{
  imp_kv_t const *kv = get(x, "environment") ;
  sbuf_t err = SBUF_ZERO ;
  char *v ;
  if (!kv) return ;
  v = expand(x, kv, 0) ;
  if (!imp_env_parse(v, &x->penv, &x->odd, &err)) imp_fatal(kv->file, kv->line, "%s", imp_str(&err)) ;
  imp_sbfree(&err) ;
}

static void map_process (imp_program_t const *p, char const *pname, long num, long numprocs, imp_service_t *sv, imp_service_t const *all, size_t nall)
{
  proc_t x = { .p = p, .pname = pname, .e = IMP_EXP_ZERO, .penv = IMP_ENV_ZERO, .odd = IMP_LIST_ZERO, .tmp = IMP_LIST_ZERO, .sv = sv } ;
  x.done = imp_alloc(p->sec->n + 1) ;
  memset(x.done, 0, p->sec->n + 1) ;
  x.e.program_name = pname ;
  x.e.group_name = p->group_name ? p->group_name : pname ;
  x.e.genv = p->genv ;
  x.e.has_num = 1 ;
  x.e.process_num = num ;
  x.e.numprocs = numprocs ;
  get(&x, "numprocs") ;
  get(&x, "numprocs_start") ;
  get(&x, "priority") ;
  put_environment(&x) ;
  x.e.penv = &x.penv ;
  put_name(&x, numprocs, all, nall) ;
  put_command(&x) ;
  if (!get_bool(&x, "autostart", 1, 0))
  {
    imp_puts(&sv->head, "enabled = false\n") ;
    sv->enabled = 0 ;
  }
  put_user(&x) ;
  put_dir(&x) ;
  map_env(&x) ;
  put_output(&x) ;
  put_restart(&x) ;
  put_stop(&x) ;
  put_rest(&x) ;
  imp_env_free(&x.penv) ;
  imp_list_free(&x.odd) ;
  imp_list_free(&x.tmp) ;
  free(x.done) ;
}

void imp_map_program (imp_program_t const *p, imp_service_t **sv, size_t *n, size_t *cap)
{
  imp_section_t const *sec = p->sec ;
  char const *s = sec->name + 8 ;
  size_t len ;
  long numprocs, start, prio ;
  proc_t x = { .p = p, .e = IMP_EXP_ZERO, .penv = IMP_ENV_ZERO, .odd = IMP_LIST_ZERO, .tmp = IMP_LIST_ZERO } ;
  imp_service_t scratch = { .name = 0 } ;
  while (*s == ' ' || *s == '\t') s++ ;
  len = strlen(s) ;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len-- ;
  {
    char pname[len + 1] ;
    memcpy(pname, s, len) ;
    pname[len] = 0 ;
    x.pname = pname ;
    x.e.program_name = pname ;
    x.e.group_name = p->group_name ? p->group_name : pname ;
    x.e.genv = p->genv ;
    x.done = imp_alloc(sec->n + 1) ;
    memset(x.done, 0, sec->n + 1) ;
    x.sv = &scratch ;
    numprocs = get_int(&x, "numprocs", 1, 0) ;
    start = get_int(&x, "numprocs_start", 0, 0) ;
    prio = get_int(&x, "priority", 999, 0) ;
    imp_list_free(&x.tmp) ;
    free(x.done) ;
    if (scratch.tail.len || scratch.head.len)
    {
      /* an %(ENV_X)s in those keys was expanded: say so once, at the top */
      imp_printf(p->notes, "# [%s]: ", imp_safe(sec->name)) ;
      imp_puts(p->notes, imp_str(&scratch.tail) + 2) ;
    }
    imp_sbfree(&scratch.head) ;
    imp_sbfree(&scratch.tail) ;
    if (numprocs < 0 || numprocs > NUMPROCS_MAX)
    {
      imp_kv_t const *kv = imp_sec_get(sec, "numprocs") ;
      imp_fatal(kv->file, kv->line, "numprocs = %ld: tm-ctl import-supervisord makes at most %d services of a program", numprocs, NUMPROCS_MAX) ;
    }
    if (!numprocs) imp_printf(p->notes, "# [%s]: numprocs = 0, so no process and no service\n", imp_safe(sec->name)) ;
    for (long i = 0 ; i < numprocs ; i++)
    {
      imp_service_t *v ;
      if (*n == *cap)
      {
        *cap = *cap ? *cap * 2 : 16 ;
        *sv = imp_realloc(*sv, *cap * sizeof(imp_service_t)) ;
      }
      v = &(*sv)[*n] ;
      memset(v, 0, sizeof(*v)) ;
      v->enabled = 1 ;
      v->order = *n ;
      v->prio = prio ;
      v->gprio = p->group_name ? p->group_priority : prio ;
      map_process(p, pname, start + i, numprocs, v, *sv, *n) ;
      (*n)++ ;
    }
  }
}
