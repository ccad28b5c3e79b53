/* ISC license. */

/* services.toml -> config_t. Every error is collected with its line and key
   path, and all of them are printed, sorted by line, in one run. */

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm.h"
#include "toml.h"
#include "tmconf.h"
#include "conf_internal.h"
#include "conf_schema.h"
#include "tm_userdb.h"
#include "tm_svdir.h"

#define MAX_SECS 86400
#define CONFIG_MAX (4U << 20)

static void strlist_add (strlist_t *l, char *s)
{
  l->s = realloc(l->s, (l->n + 1) * sizeof(char *)) ;
  if (!l->s) tmconf_nomem() ;
  l->s[l->n++] = s ;
}

static void strlist_free (strlist_t *l)
{
  for (unsigned int i = 0 ; i < l->n ; i++) free(l->s[i]) ;
  free(l->s) ;
  l->s = 0 ; l->n = 0 ;
}

static char const *a_an (toml_type_t t)
{
  return t == TOML_INTEGER || t == TOML_ARRAY || t == TOML_DATE_LOCAL ? "an" : "a" ;
}

/* ---- typed getters: each reports its own errors and returns 0 then ---- */

static int want (toml_value_t const *v, toml_type_t t, char const *path, char const *what)
{
  if (v->type == t) return 1 ;
  conf_error(v->line, path, "expected %s, got %s %s", what, a_an(v->type), toml_type_name(v->type)) ;
  return 0 ;
}

static int get_bool (toml_value_t const *v, char const *path, int *b)
{
  if (!want(v, TOML_BOOL, path, "true or false")) return 0 ;
  *b = v->b ;
  return 1 ;
}

/* raw: no substitution (inline scripts are the shell's business) */
static char *get_string (toml_value_t const *v, char const *path, int raw)
{
  if (!want(v, TOML_STRING, path, "a string")) return 0 ;
  if (memchr(v->s, 0, v->slen)) { conf_error(v->line, path, "a NUL character cannot be used here") ; return 0 ; }
  if (raw) return conf_xstrdup(v->s) ;
  return conf_substitute(v->s, v->slen, v->line, path) ;
}

/* An optional string: empty (as written, or once substituted) is unset,
   as the Go seed read it: templated configs write user = "" or
   log_file = "${LOG:-}" for "none" */
static char *get_optional_string (toml_value_t const *v, char const *path, int raw)
{
  char *s = get_string(v, path, raw) ;
  if (s && !*s) { free(s) ; return 0 ; }
  return s ;
}

static int get_int (toml_value_t const *v, char const *path, long long min, long long max, long long *out)
{
  if (!want(v, TOML_INTEGER, path, "an integer")) return 0 ;
  if (v->i < min || v->i > max)
  {
    conf_error(v->line, path, "%lld is out of range: it must be between %lld and %lld", v->i, min, max) ;
    return 0 ;
  }
  *out = v->i ;
  return 1 ;
}

/* llround of a number in [0, 2^32), without libm (one shared object
   fewer for a dynamic tm-ctl to load at every start): x - trunc(x) is
   exact for such a double */
static unsigned int round_half_up (double x)
{
  unsigned int i = (unsigned int)x ;
  return x - i >= 0.5 ? i + 1 : i ;
}

/* d as written, or near enough to read back the same: "%g" would call
   86400.001 "86400", out of range though it seems at the bound */
static void number_fmt (char *buf, size_t max, double d)
{
  for (int p = 6 ; p <= 17 ; p++)
  {
    snprintf(buf, max, "%.*g", p, d) ;
    if (strtod(buf, 0) == d) return ;
  }
}

/* seconds as an integer or a float, into ms; zero_ok: [0, max], else (0, max] */
static int get_secs (toml_value_t const *v, char const *path, int zero_ok, unsigned int *ms)
{
  double d ;
  if (v->type == TOML_INTEGER) d = (double)v->i ;
  else if (v->type == TOML_FLOAT) d = v->f ;
  else { conf_error(v->line, path, "expected a number of seconds, got %s %s", a_an(v->type), toml_type_name(v->type)) ; return 0 ; }
  if (isnan(d) || d < 0 || (!zero_ok && d == 0) || d > MAX_SECS)
  {
    char num[32] ;
    if (v->type == TOML_INTEGER) snprintf(num, sizeof(num), "%lld", v->i) ;
    else number_fmt(num, sizeof(num), d) ;
    conf_error(v->line, path, "%s is out of range: it must be %s 0 and at most %d seconds", num, zero_ok ? "at least" : "more than", MAX_SECS) ;
    return 0 ;
  }
  *ms = round_half_up(d * 1000) ;
  if (!zero_ok && !*ms) *ms = 1 ;
  return 1 ;
}

static int get_strings (toml_value_t const *v, char const *path, strlist_t *l)
{
  int ok = 1 ;
  if (!want(v, TOML_ARRAY, path, "an array of strings")) return 0 ;
  for (size_t i = 0 ; i < v->n ; i++)
  {
    char p[256] ;
    char *s ;
    snprintf(p, sizeof(p), "%s[%zu]", path, i) ;
    s = get_string(v->items[i], p, 0) ;
    if (s) strlist_add(l, s) ; else ok = 0 ;
  }
  return ok ;
}

static int get_enum (toml_value_t const *v, char const *path, char const *const *names, unsigned int n, int *out)
{
  char *s = get_string(v, path, 0) ;
  if (!s) return 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (!strcmp(s, names[i])) { *out = i ; free(s) ; return 1 ; }
  {
    char list[256] = "" ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      strcat(list, i ? (i + 1 == n ? " or \"" : ", \"") : "\"") ;
      strcat(list, names[i]) ;
      strcat(list, "\"") ;
    }
    conf_error(v->line, path, "\"%s\" is not one of %s", s, list) ;
  }
  free(s) ;
  return 0 ;
}

static void unknown_key (toml_key_t const *k, char const *prefix, char const *const *names, unsigned int n)
{
  char const *s = tm_suggest(k->s, names, n) ;
  char path[256] ;
  conf_path_key(path, sizeof(path), prefix, k->s) ;
  if (s) conf_error(k->line, path, "unknown key (did you mean \"%s\"?)", s) ;
  else conf_error(k->line, path, "unknown key") ;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* the did-you-mean list of a table of the schema */
static void unknown_schema_key (toml_key_t const *k, char const *prefix, conf_key_t const *table, unsigned int n)
{
  char const *names[n] ;
  for (unsigned int i = 0 ; i < n ; i++) names[i] = table[i].key ;
  unknown_key(k, prefix, names, n) ;
}

static int parse_size (char const *s, int zero_ok, uint64_t *out) ;

/* a key of the schema into its field of base, as its row says; 0 for a
   CK_OWN key, that its caller loads */
static int load_key (conf_key_t const *k, toml_value_t const *v, char const *path, void *base)
{
  char *p = (char *)base + k->field ;
  long long ll ;
  if (k->line_field) *(unsigned int *)((char *)base + k->line_field) = v->line ;
  switch (k->kind)
  {
    case CK_STRING : *(char **)p = k->required ? get_string(v, path, 0) : get_optional_string(v, path, 0) ; break ;
    case CK_STRINGS : get_strings(v, path, (strlist_t *)p) ; break ;
    case CK_BOOL : get_bool(v, path, (int *)p) ; break ;
    case CK_UINT : if (get_int(v, path, k->min, k->max, &ll)) *(unsigned int *)p = ll ; break ;
    case CK_SECS : get_secs(v, path, 0, (unsigned int *)p) ; break ;
    case CK_SECS0 : get_secs(v, path, 1, (unsigned int *)p) ; break ;
    case CK_ENUM : get_enum(v, path, k->names, k->nnames, (int *)p) ; break ;
    case CK_SIGNAL :
    {
      char *name = want(v, TOML_STRING, path, "a signal name such as \"SIGTERM\"") ? get_string(v, path, 0) : 0 ;
      if (name)
      {
        int sig = tm_signal_scan(name) ;
        if (!sig || sig >= 32) conf_error(v->line, path, "\"%s\" is not a signal name (e.g. \"SIGTERM\", \"SIGQUIT\", \"SIGINT\")", name) ;
        else *(int *)p = sig ;
        free(name) ;
      }
      break ;
    }
    case CK_SIZE :
      if (v->type == TOML_INTEGER) { if (get_int(v, path, k->min, k->max, &ll)) *(uint64_t *)p = ll ; }
      else if (v->type == TOML_STRING)
      {
        char *size = get_string(v, path, 0) ;
        if (size && !parse_size(size, 0, (uint64_t *)p))
          conf_error(v->line, path, "\"%s\" is not a size: write e.g. \"10MB\", \"512KB\", \"1GB\" or a number of bytes", size) ;
        free(size) ;
      }
      else conf_error(v->line, path, "expected a size (\"10MB\" or a number of bytes), got %s %s", a_an(v->type), toml_type_name(v->type)) ;
      break ;
    default : return 0 ;
  }
  return 1 ;
}

/* ---- [timeouts], [metrics], [control] ---- */

static void load_timeouts (config_t *c, toml_value_t const *t)
{
  if (!want(t, TOML_TABLE, "timeouts", "a table")) return ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    conf_key_t const *k = conf_key_find(conf_timeout_keys, conf_timeout_nkeys, t->keys[i].s) ;
    char path[256] ;
    if (!k) { unknown_schema_key(&t->keys[i], "timeouts", conf_timeout_keys, conf_timeout_nkeys) ; continue ; }
    conf_path_key(path, sizeof(path), "timeouts", k->key) ;
    load_key(k, t->items[i], path, c) ;
  }
}

static int valid_hostport (char const *s)
{
  char const *colon = strrchr(s, ':') ;
  long port ;
  char *end ;
  if (!colon) return 0 ;
  port = strtol(colon + 1, &end, 10) ;
  return *end == 0 && colon[1] && port > 0 && port < 65536 ;
}

/* the host part of HOST:PORT is an IP address (v6 in brackets), localhost,
   or nothing (":9100", as Go writes every address): the server resolves no
   names */
static int ip_host (char const *hostport)
{
  char host[64] ;
  unsigned char addr[16] ;
  char const *colon = strrchr(hostport, ':') ;
  size_t n = colon - hostport ;
  if (n >= sizeof(host)) return 0 ;
  memcpy(host, hostport, n) ;
  host[n] = 0 ;
  if (!n || !strcmp(host, "localhost")) return 1 ;
  if (host[0] == '[' && n > 2 && host[n-1] == ']')
  {
    host[n-1] = 0 ;
    return inet_pton(AF_INET6, host + 1, addr) == 1 ;
  }
  return inet_pton(AF_INET, host, addr) == 1 ;
}

static void load_metrics (config_t *c, toml_value_t const *t)
{
  static char const *const keys[] = { "listen" } ;
  if (!want(t, TOML_TABLE, "metrics", "a table")) return ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    if (strcmp(t->keys[i].s, "listen")) { unknown_key(&t->keys[i], "metrics", keys, 1) ; continue ; }
    c->metrics_listen = get_string(t->items[i], "metrics.listen", 0) ;
    if (c->metrics_listen && (!valid_hostport(c->metrics_listen) || !ip_host(c->metrics_listen)))
      conf_error(t->items[i]->line, "metrics.listen", "\"%s\" is not ADDRESS:PORT with an IP address or localhost (e.g. \"127.0.0.1:9100\", \"[::]:9100\", \":9100\")", c->metrics_listen) ;
  }
}

static void load_control (config_t *c, toml_value_t const *t)
{
  static char const *const keys[] = { "group" } ;
  if (!want(t, TOML_TABLE, "control", "a table")) return ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    if (strcmp(t->keys[i].s, "group")) { unknown_key(&t->keys[i], "control", keys, 1) ; continue ; }
    c->control_group = get_string(t->items[i], "control.group", 0) ;
    if (!c->control_group || c->offline) continue ;
    {
      gid_t g ;
      unsigned long gid ;
      if (userdb_group(c->control_group, &g)) c->control_gid = g ;
      else if (conf_id_scan(c->control_group, strlen(c->control_group), &gid)) c->control_gid = gid ;
      else conf_error(t->items[i]->line, "control.group", "no group named \"%s\" in /etc/group", c->control_group) ;
    }
  }
}

static int parse_size (char const *s, int zero_ok, uint64_t *out) ;

static void load_logging (config_t *c, toml_value_t const *t)
{
  static char const *const keys[] = { "format", "color", "events", "buffer" } ;
  static char const *const formats[] = { "prefix", "plain", "json" } ;
  static char const *const colors[] = { "auto", "always", "never" } ;
  if (!want(t, TOML_TABLE, "logging", "a table")) return ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    char const *k = t->keys[i].s ;
    toml_value_t const *v = t->items[i] ;
    if (!strcmp(k, "format")) get_enum(v, "logging.format", formats, 3, &c->log_format) ;
    else if (!strcmp(k, "color")) get_enum(v, "logging.color", colors, 3, &c->log_color) ;
    else if (!strcmp(k, "events")) get_bool(v, "logging.events", &c->log_events) ;
    else if (!strcmp(k, "buffer"))
    {
      long long ll ;
      if (v->type == TOML_INTEGER) { if (get_int(v, "logging.buffer", 0, 64LL << 20, &ll)) c->log_buffer = ll ; }
      else if (v->type == TOML_STRING)
      {
        char *size = get_string(v, "logging.buffer", 0) ;
        if (size && (!parse_size(size, 1, &c->log_buffer) || c->log_buffer > 64 << 20))
          conf_error(v->line, "logging.buffer", "\"%s\" is not a size of at most 64MB: write e.g. \"64KB\", \"1MB\", or \"0\" for none", size) ;
        free(size) ;
      }
      else conf_error(v->line, "logging.buffer", "expected a size (\"64KB\", or a number of bytes; 0 for none), got %s %s", a_an(v->type), toml_type_name(v->type)) ;
    }
    else unknown_key(&t->keys[i], "logging", keys, 4) ;
  }
}

/* ---- one service ---- */

/* zero_ok: "0" is a size ([logging] buffer = "0": no buffer) */
static int parse_size (char const *s, int zero_ok, uint64_t *out)
{
  char *end ;
  double d = strtod(s, &end) ;
  uint64_t mult = 1 ;
  while (*end == ' ') end++ ;
  if (end == s || isnan(d) || d < 0 || (!zero_ok && d == 0)) return 0 ;
  if (!strcasecmp(end, "") || !strcasecmp(end, "B")) mult = 1 ;
  else if (!strcasecmp(end, "K") || !strcasecmp(end, "KB") || !strcasecmp(end, "KiB")) mult = 1024 ;
  else if (!strcasecmp(end, "M") || !strcasecmp(end, "MB") || !strcasecmp(end, "MiB")) mult = 1024 * 1024 ;
  else if (!strcasecmp(end, "G") || !strcasecmp(end, "GB") || !strcasecmp(end, "GiB")) mult = 1024ULL * 1024 * 1024 ;
  else return 0 ;
  if (d * mult > 1e15) return 0 ;
  *out = (uint64_t)(d * mult) ;
  return *out > 0 || (zero_ok && d == 0) ;
}

static void load_health (service_t *sv, toml_value_t const *t, char const *prefix)
{
  health_t *h = &sv->health ;
  char path[256] ;
  int kinds = 0 ;
  unsigned int kindline = t->line ;
  if (!want(t, TOML_TABLE, prefix, "a table")) return ;
  conf_key_defaults(conf_health_keys, conf_health_nkeys, h) ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    char const *k = t->keys[i].s ;
    toml_value_t const *v = t->items[i] ;
    conf_key_t const *row = conf_key_find(conf_health_keys, conf_health_nkeys, k) ;
    if (!row) { unknown_schema_key(&t->keys[i], prefix, conf_health_keys, conf_health_nkeys) ; continue ; }
    conf_path_key(path, sizeof(path), prefix, k) ;
    if (load_key(row, v, path, h)) continue ;
    if (!strcmp(k, "http") || !strcmp(k, "tcp"))
    {
      char *s = get_string(v, path, 0) ;
      kinds++ ; kindline = v->line ;
      if (!s) continue ;
      free(h->target) ;
      h->target = s ;
      h->kind = k[0] == 'h' ? HEALTH_HTTP : HEALTH_TCP ;
      if (h->kind == HEALTH_HTTP && (strncmp(s, "http://", 7) || !s[7]))
        conf_error(v->line, path, "\"%s\" is not an http:// URL (https is not supported: probe the plain port)", s) ;
      if (h->kind == HEALTH_TCP && !valid_hostport(s))
        conf_error(v->line, path, "\"%s\" is not HOST:PORT (e.g. \"127.0.0.1:6379\")", s) ;
    }
    else if (!strcmp(k, "command"))
    {
      kinds++ ; kindline = v->line ;
      h->kind = HEALTH_COMMAND ;
      if (get_strings(v, path, &h->command) && !h->command.n) conf_error(v->line, path, "the command is empty") ;
    }
  }
  if (kinds != 1)
    conf_error(kinds ? kindline : t->line, prefix, kinds ? "http, tcp and command are mutually exclusive: set exactly one" : "set one of http, tcp or command") ;
}

static void load_deps (service_t *sv, toml_value_t const *v, char const *path)
{
  sv->deps_line = v->line ;
  if (v->type == TOML_STRING)
  {
    char *s = get_string(v, path, 0) ;
    if (s) strlist_add(&sv->deps, s) ;
  }
  else if (v->type == TOML_ARRAY) get_strings(v, path, &sv->deps) ;
  else conf_error(v->line, path, "expected a service name or an array of names, got %s %s", a_an(v->type), toml_type_name(v->type)) ;
}

static void load_env (service_t *sv, toml_value_t const *v, char const *prefix)
{
  if (!want(v, TOML_TABLE, prefix, "a table of strings (env = { KEY = \"value\" })")) return ;
  for (size_t i = 0 ; i < v->n ; i++)
  {
    char path[256] ;
    char *s ;
    conf_path_key(path, sizeof(path), prefix, v->keys[i].s) ;
    if (!conf_is_name(v->keys[i].s, v->keys[i].len))
    {
      conf_error(v->keys[i].line, path, "not a valid environment variable name") ;
      continue ;
    }
    if (v->items[i]->type != TOML_STRING)
    {
      conf_error(v->items[i]->line, path, "expected a string, got %s %s (quote it: environment values are strings)", a_an(v->items[i]->type), toml_type_name(v->items[i]->type)) ;
      continue ;
    }
    s = get_string(v->items[i], path, 0) ;
    if (!s) continue ;
    strlist_add(&sv->env_keys, conf_xstrdup(v->keys[i].s)) ;
    strlist_add(&sv->env_values, s) ;
  }
}

/* wait_after: a number for every dependency, or a table per dependency;
   resolved once depends_on is known */
static toml_value_t const *load_service_keys (config_t *c, service_t *sv, toml_value_t const *t, char const *prefix)
{
  toml_value_t const *wait_after = 0 ;
  unsigned int post_line = 0 ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    char const *k = t->keys[i].s ;
    toml_value_t const *v = t->items[i] ;
    conf_key_t const *row = conf_key_find(conf_service_keys, conf_service_nkeys, k) ;
    char path[256] ;
    if (!row) { unknown_schema_key(&t->keys[i], prefix, conf_service_keys, conf_service_nkeys) ; continue ; }
    conf_path_key(path, sizeof(path), prefix, k) ;
    if (load_key(row, v, path, sv)) continue ;
    if (!strcmp(k, "depends_on")) load_deps(sv, v, path) ;
    else if (!strcmp(k, "wait_after")) wait_after = v ;
    else if (!strcmp(k, "env")) load_env(sv, v, path) ;
    else if (!strcmp(k, "pre_script") || !strcmp(k, "finish_script"))
    {
      char **slot = k[0] == 'p' ? &sv->pre_script : &sv->finish_script ;
      *slot = get_optional_string(v, path, v->type == TOML_STRING && !strncmp(v->s, "#!", 2)) ;
    }
    else if (!strcmp(k, "post_script") || !strcmp(k, "pos_script"))
    {
      if (post_line)
      {
        conf_error(v->line, path, "post_script and pos_script are the same setting (pos_script is the seed's spelling): set only one (the other is at line %u)", post_line) ;
        continue ;
      }
      post_line = v->line ;
      sv->post_script = get_optional_string(v, path, v->type == TOML_STRING && !strncmp(v->s, "#!", 2)) ;
    }
    else if (!strcmp(k, "healthcheck")) load_health(sv, v, path) ;
  }
  (void)c ;
  return wait_after ;
}

static void load_wait_after (service_t *sv, toml_value_t const *v, char const *prefix)
{
  char path[256] ;
  conf_path_key(path, sizeof(path), prefix, "wait_after") ;
  sv->dep_wait = calloc(sv->deps.n + 1, sizeof(unsigned int)) ;
  if (!sv->dep_wait) tmconf_nomem() ;
  if (!v) return ;
  if (v->type == TOML_TABLE)
  {
    for (size_t i = 0 ; i < v->n ; i++)
    {
      char p[256] ;
      unsigned int j = 0, ms ;
      conf_path_key(p, sizeof(p), path, v->keys[i].s) ;
      while (j < sv->deps.n && strcmp(sv->deps.s[j], v->keys[i].s)) j++ ;
      if (j == sv->deps.n)
      {
        /* the seed accepted (and ignored) these */
        conf_warn(v->keys[i].line, p, "\"%s\" is not in depends_on: ignored", v->keys[i].s) ;
        continue ;
      }
      if (get_secs(v->items[i], p, 1, &ms)) sv->dep_wait[j] = ms ;
    }
  }
  else if (get_secs(v, path, 1, &sv->wait_all))
  {
    sv->wait_all_set = 1 ;
    for (unsigned int j = 0 ; j < sv->deps.n ; j++) sv->dep_wait[j] = sv->wait_all ;
  }
}

static int valid_name (char const *s)
{
  size_t n = strlen(s) ;
  if (!n || n > 64) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-') return 0 ;
  return 1 ;
}

/* notify and ready_log_line, as tm-supervise will read them */
static void check_readiness (service_t const *sv, toml_value_t const *t, char const *prefix)
{
  char path[96] ;
  if (sv->notify && strcmp(sv->notify, "systemd"))
  {
    snprintf(path, sizeof(path), "%s.notify", prefix) ;
    conf_error(conf_key_line(t, "notify"), path, "\"%s\" is not a notification protocol tm speaks: the only one is \"systemd\"", sv->notify) ;
  }
  if (sv->ready_log_line)
  {
    static tm_match_t m ;
    char const *why = 0 ;
    snprintf(path, sizeof(path), "%s.ready_log_line", prefix) ;
    if (!*sv->ready_log_line) conf_error(conf_key_line(t, "ready_log_line"), path, "empty: every line would match") ;
    else if (strchr(sv->ready_log_line, '\n')) conf_error(conf_key_line(t, "ready_log_line"), path, "a newline: lines are matched one at a time") ;
    else if (strlen(sv->ready_log_line) > TM_READY_LOG_LINE_MAX) conf_error(conf_key_line(t, "ready_log_line"), path, "longer than %d bytes", TM_READY_LOG_LINE_MAX) ;
    else if (!tm_match_compile(&m, sv->ready_log_line, &why)) conf_error(conf_key_line(t, "ready_log_line"), path, "%s", why) ;
  }
}

static void load_service (config_t *c, service_t *sv, toml_value_t const *t, unsigned int index)
{
  char prefix[64] ;
  toml_value_t const *wait_after ;
  snprintf(prefix, sizeof(prefix), "services[%u]", index) ;
  conf_key_defaults(conf_service_keys, conf_service_nkeys, sv) ;
  sv->index = index ;
  sv->line = t->line ;
  if (!want(t, TOML_TABLE, prefix, "a table ([[services]])")) return ;
  wait_after = load_service_keys(c, sv, t, prefix) ;
  load_wait_after(sv, wait_after, prefix) ;
  if (!toml_table_get(t, "name")) conf_error(t->line, prefix, "missing required key \"name\"") ;
  else if (sv->name && !valid_name(sv->name))
  {
    char path[80] ;
    snprintf(path, sizeof(path), "%s.name", prefix) ;
    conf_error(sv->name_line, path, "\"%s\" is not a valid name: use 1 to 64 letters, digits, '_' or '-'", sv->name) ;
  }
  if (sv->name && !strcmp(sv->name, TM_METRICS_SERVICE)) conf_error(sv->name_line, prefix, "the name \"" TM_METRICS_SERVICE "\" is reserved for the [metrics] server") ;
  if (!toml_table_get(t, "command")) conf_error(t->line, prefix, "missing required key \"command\"") ;
  if (sv->restart_max_delay < sv->restart_delay)
  {
    /* one of them set alone (restart_delay = 60): the other's default
       gives way, rather than a conflict with a value the user never wrote */
    if (!toml_table_get(t, "restart_max_delay")) sv->restart_max_delay = sv->restart_delay ;
    else if (!toml_table_get(t, "restart_delay")) sv->restart_delay = sv->restart_max_delay ;
    else
    {
      char path[256] ;
      conf_path_key(path, sizeof(path), prefix, "restart_max_delay") ;
      conf_error(conf_key_line(t, "restart_max_delay"), path, "%u ms is less than restart_delay (%u ms)", sv->restart_max_delay, sv->restart_delay) ;
    }
  }
  if (sv->oneshot)
  {
    if (sv->restart == CONF_RESTART_ALWAYS || sv->restart == CONF_RESTART_UNLESS_STOPPED)
      conf_error(toml_table_get(t, "restart")->line, prefix, "restart = \"%s\" would run a oneshot again after it succeeded: use \"on-failure\" or \"never\"", sv->restart == CONF_RESTART_ALWAYS ? "always" : "unless-stopped") ;
    if (sv->health.kind) conf_error(toml_table_get(t, "healthcheck")->line, prefix, "type = \"oneshot\" and healthcheck are mutually exclusive: a oneshot is done when it exits 0") ;
    if (sv->ready_fd >= 0) conf_error(toml_table_get(t, "ready_fd")->line, prefix, "type = \"oneshot\" and ready_fd are mutually exclusive: a oneshot is ready when it exits 0") ;
    if (sv->notify) conf_error(toml_table_get(t, "notify")->line, prefix, "type = \"oneshot\" and notify are mutually exclusive: a oneshot is ready when it exits 0") ;
    if (sv->ready_log_line) conf_error(toml_table_get(t, "ready_log_line")->line, prefix, "type = \"oneshot\" and ready_log_line are mutually exclusive: a oneshot is ready when it exits 0") ;
  }
  check_readiness(sv, t, prefix) ;
  if (sv->required && !toml_table_get(t, "restart"))
  {
    char path[80] ;
    snprintf(path, sizeof(path), "%s.required", prefix) ;
    conf_warn(conf_key_line(t, "required"), path, "hint: without restart, a crash is restarted (on-failure) and an exit 0 stops the system; restart = \"never\" stops it on a crash too, as the Go tool did") ;
  }
}

/* ---- across services ---- */

static service_t *find_service (config_t const *c, char const *name)
{
  for (unsigned int i = 0 ; i < c->nservices ; i++)
    if (c->services[i].name && !strcmp(c->services[i].name, name)) return c->services + i ;
  return 0 ;
}

static void check_names (config_t const *c)
{
  for (unsigned int i = 0 ; i < c->nservices ; i++)
  {
    service_t const *a = c->services + i ;
    if (!a->name) continue ;
    for (unsigned int j = 0 ; j < i ; j++)
      if (c->services[j].name && !strcmp(c->services[j].name, a->name))
      {
        char prefix[64] ;
        snprintf(prefix, sizeof(prefix), "services[%u].name", i) ;
        conf_error(a->name_line, prefix, "duplicate name \"%s\" (already used by services[%u] at line %u)", a->name, j, c->services[j].name_line) ;
        break ;
      }
  }
}

static void check_deps (config_t const *c)
{
  char const **names = conf_xmalloc((c->nservices + 1) * sizeof(char *)) ;
  unsigned int nn = 0 ;
  for (unsigned int i = 0 ; i < c->nservices ; i++) if (c->services[i].name) names[nn++] = c->services[i].name ;
  for (unsigned int i = 0 ; i < c->nservices ; i++)
  {
    service_t const *sv = c->services + i ;
    char path[64] ;
    snprintf(path, sizeof(path), "services[%u].depends_on", i) ;
    for (unsigned int j = 0 ; j < sv->deps.n ; j++)
    {
      service_t const *d = find_service(c, sv->deps.s[j]) ;
      char const *s ;
      if (sv->name && !strcmp(sv->deps.s[j], sv->name)) { conf_error(sv->deps_line, path, "dependency cycle: %s -> %s (\"%s\" depends on itself)", sv->name, sv->name, sv->name) ; continue ; }
      for (unsigned int k = 0 ; k < j ; k++)
        if (!strcmp(sv->deps.s[k], sv->deps.s[j])) { conf_error(sv->deps_line, path, "\"%s\" is listed twice", sv->deps.s[j]) ; break ; }
      if (d)
      {
        if (sv->enabled && !d->enabled)
          conf_error(sv->deps_line, path, "\"%s\" is disabled (enabled = false at line %u) but the enabled service \"%s\" depends on it", d->name, d->enabled_line, sv->name ? sv->name : "?") ;
        continue ;
      }
      s = tm_suggest(sv->deps.s[j], names, nn) ;
      if (s) conf_error(sv->deps_line, path, "no service named \"%s\" (did you mean \"%s\"?)", sv->deps.s[j], s) ;
      else conf_error(sv->deps_line, path, "no service named \"%s\"", sv->deps.s[j]) ;
    }
  }
  free(names) ;
}

/* depth-first search; a grey node met again closes a cycle */
static void visit (config_t const *c, unsigned int i, unsigned char *color, unsigned int *stack, unsigned int depth)
{
  service_t const *sv = c->services + i ;
  color[i] = 1 ;
  stack[depth] = i ;
  for (unsigned int j = 0 ; j < sv->deps.n ; j++)
  {
    service_t const *d = find_service(c, sv->deps.s[j]) ;
    unsigned int k ;
    if (!d || d == sv) continue ;
    k = d - c->services ;
    if (color[k] == 1)
    {
      char cycle[2048] = "" ;
      char path[64] ;
      unsigned int from = depth ;
      while (stack[from] != k) from-- ;
      for (unsigned int m = from ; m <= depth ; m++)
      {
        strncat(cycle, c->services[stack[m]].name, sizeof(cycle) - strlen(cycle) - 1) ;
        strncat(cycle, " -> ", sizeof(cycle) - strlen(cycle) - 1) ;
      }
      strncat(cycle, d->name, sizeof(cycle) - strlen(cycle) - 1) ;
      snprintf(path, sizeof(path), "services[%u].depends_on", sv->index) ;
      conf_error(sv->deps_line, path, "dependency cycle: %s", cycle) ;
    }
    else if (!color[k]) visit(c, k, color, stack, depth + 1) ;
  }
  color[i] = 2 ;
}

static void check_cycles (config_t const *c)
{
  unsigned char *color = calloc(c->nservices + 1, 1) ;
  unsigned int *stack = conf_xmalloc((c->nservices + 1) * sizeof(unsigned int)) ;
  if (!color) tmconf_nomem() ;
  for (unsigned int i = 0 ; i < c->nservices ; i++)
    if (!color[i] && c->services[i].name) visit(c, i, color, stack, 0) ;
  free(color) ;
  free(stack) ;
}

/* ---- the whole file ---- */

static char const *const top_keys[] = { "timeouts", "services", "metrics", "control", "logging" } ;

static void load_root (config_t *c, toml_value_t const *root)
{
  toml_value_t const *services = 0 ;
  for (size_t i = 0 ; i < root->n ; i++)
  {
    char const *k = root->keys[i].s ;
    if (!strcmp(k, "timeouts")) load_timeouts(c, root->items[i]) ;
    else if (!strcmp(k, "metrics")) load_metrics(c, root->items[i]) ;
    else if (!strcmp(k, "control")) load_control(c, root->items[i]) ;
    else if (!strcmp(k, "logging")) load_logging(c, root->items[i]) ;
    else if (!strcmp(k, "services")) services = root->items[i] ;
    else unknown_key(&root->keys[i], "", top_keys, NELEM(top_keys)) ;
  }
  if (!services) return ;
  if (services->type != TOML_ARRAY)
  {
    conf_error(services->line, "services", "expected an array of tables ([[services]]), got %s %s", a_an(services->type), toml_type_name(services->type)) ;
    return ;
  }
  c->nservices = services->n ;
  c->services = calloc(c->nservices + 1, sizeof(service_t)) ;
  if (!c->services) tmconf_nomem() ;
  for (unsigned int i = 0 ; i < c->nservices ; i++)
  {
    toml_value_t const *t = services->items[i] ;
    service_t *sv = c->services + i ;
    char prefix[64] ;
    load_service(c, sv, t, i) ;
    if (t->type != TOML_TABLE) continue ;
    snprintf(prefix, sizeof(prefix), "services[%u]", i) ;
    if (!sv->stop_timeout) sv->stop_timeout = c->service_shutdown_timeout ;
    conf_check_command(c, sv, t, prefix) ;
    conf_check_script(c, sv->pre_script, t, "pre_script", prefix) ;
    conf_check_script(c, sv->post_script, t, "post_script", prefix) ;
    conf_check_script(c, sv->finish_script, t, "finish_script", prefix) ;
    conf_check_dir_of(c, sv->log_file, t, "log_file", prefix) ;
    conf_check_dir_of(c, sv->output_file, t, "output_file", prefix) ;
    conf_check_user(c, sv, t, prefix) ;
    conf_check_dir_writers(c, sv, t, prefix) ;
    conf_check_working_dir(c, sv, t, prefix) ;
  }
  check_names(c) ;
  check_deps(c) ;
  check_cycles(c) ;
}

/* ---- reading the file ---- */

static char const *file_kind (mode_t mode)
{
  switch (mode & S_IFMT)
  {
    case S_IFDIR : return "a directory" ;
    case S_IFIFO : return "a FIFO" ;
    case S_IFCHR : return "a character device" ;
    case S_IFBLK : return "a block device" ;
    case S_IFSOCK : return "a socket" ;
    default : return "not a regular file" ;
  }
}

/* the errors that say the file is wrong, not the system */
static int errno_is_config (int e)
{
  return e == ENOENT || e == ENOTDIR || e == EACCES || e == EPERM || e == ELOOP || e == ENAMETOOLONG || e == EISDIR ;
}

/* /dev/null reads as an empty configuration: tm-init compiles it to run
   a command alone */
static int is_null_device (struct stat const *sb)
{
  return S_ISCHR(sb->st_mode) && major(sb->st_rdev) == 1 && minor(sb->st_rdev) == 3 ;
}

/* The whole file, NUL-terminated: a regular file (a symlink to one is
   followed) of at most CONFIG_MAX bytes, or the null device. Anything else
   (a FIFO that would block, /dev/zero that never ends) is refused before it
   is read. 0 after printing the error; *sys then tells a system error. */
static char *config_text_read (char const *file, size_t *len, int *sys)
{
  struct stat sb ;
  char *buf ;
  size_t n = 0, cap ;
  int fd ;
  *sys = 0 ;
  if (stat(file, &sb) < 0) goto err ;
  if (is_null_device(&sb)) { *len = 0 ; return conf_xstrdup("") ; }
  if (!S_ISREG(sb.st_mode)) goto notreg ;
  if (sb.st_size > CONFIG_MAX) goto toobig ;
  /* O_NONBLOCK: should it have become a FIFO since, the open does not hang */
  fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) goto err ;
  if (fstat(fd, &sb) < 0) { close(fd) ; goto err ; }
  if (!S_ISREG(sb.st_mode)) { close(fd) ; goto notreg ; }
  cap = (size_t)sb.st_size + 1 ;
  buf = conf_xmalloc(cap + 1) ;
  for (;;)
  {
    ssize_t r ;
    if (n == cap)
    {
      /* it grew since the stat: read on, up to one byte past the cap */
      cap = 2 * cap > CONFIG_MAX + 1 ? CONFIG_MAX + 1 : 2 * cap ;
      buf = realloc(buf, cap + 1) ;
      if (!buf) tmconf_nomem() ;
    }
    r = read(fd, buf + n, cap - n) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) { int e = errno ; close(fd) ; free(buf) ; errno = e ; goto err ; }
    if (!r) break ;
    n += r ;
    if (n > CONFIG_MAX) { close(fd) ; free(buf) ; goto toobig ; }
  }
  close(fd) ;
  buf[n] = 0 ;
  *len = n ;
  return buf ;
 err:
  *sys = !errno_is_config(errno) ;
  fprintf(stderr, "%s: unable to read: %s\n", file, strerror(errno)) ;
  return 0 ;
 notreg:
  fprintf(stderr, "%s: %s: the configuration must be a regular file\n", file, file_kind(sb.st_mode)) ;
  return 0 ;
 toobig:
  fprintf(stderr, "%s: too large: a configuration has at most %u bytes (4 MiB)\n", file, (unsigned int)CONFIG_MAX) ;
  return 0 ;
}

int config_load (config_t *c, char const *file, int offline)
{
  char err[512] ;
  unsigned int line = 0, col = 0 ;
  size_t len ;
  char *text ;
  toml_value_t *root ;
  memset(c, 0, sizeof(*c)) ;
  c->file = file ;
  c->offline = offline ;
  conf_key_defaults(conf_timeout_keys, conf_timeout_nkeys, c) ;
  c->log_events = 1 ;
  c->log_buffer = 65536 ;
  conf_report_begin(file) ;
  text = config_text_read(file, &len, &c->syserr) ;
  if (!text)
  {
    c->nerrors = 1 ;
    return 0 ;
  }
  root = toml_parse_at(text, len, err, sizeof(err), &line, &col) ;
  free(text) ;
  if (!root)
  {
    fprintf(stderr, "%s:%u: TOML syntax error at column %u: %s\n", file, line, col, err) ;
    c->nerrors = 1 ;
    return 0 ;
  }
  load_root(c, root) ;
  toml_free(root) ;
  c->nerrors = conf_report_end() ;
  return !c->nerrors ;
}

static void service_free (service_t *sv)
{
  free(sv->name) ; free(sv->command) ; free(sv->command_path) ;
  strlist_free(&sv->args) ; strlist_free(&sv->deps) ; free(sv->dep_wait) ;
  free(sv->user) ; free(sv->groups) ; free(sv->home) ; free(sv->username) ;
  free(sv->working_dir) ;
  strlist_free(&sv->env_keys) ; strlist_free(&sv->env_values) ;
  free(sv->pre_script) ; free(sv->post_script) ; free(sv->finish_script) ;
  free(sv->log_file) ; free(sv->output_file) ;
  free(sv->notify) ; free(sv->ready_log_line) ;
  free(sv->health.target) ; strlist_free(&sv->health.command) ;
}

void config_free (config_t *c)
{
  for (unsigned int i = 0 ; i < c->nservices ; i++) service_free(c->services + i) ;
  free(c->services) ;
  free(c->metrics_listen) ;
  free(c->control_group) ;
  memset(c, 0, sizeof(*c)) ;
}
