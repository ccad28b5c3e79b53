/* ISC license. */

/* tm-ctl import-s6 DIR: s6 service definitions printed as a services.toml.
   DIR holds one directory per service: s6-rc source definitions (a type
   file: longrun, oneshot or bundle; run or up; dependencies.d;
   notification-fd; down-signal; timeout-down; finish), or s6-overlay's
   classic /etc/services.d (a run file, maybe finish and down). The run
   scripts stay where they are: tm runs them in place. What tm does not do
   the s6 way becomes a # comment where it matters. */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <skalibs/djbunix.h>

#include "import.h"
#include "imp.h"

#define SMALL_MAX 4096          /* type, notification-fd, ... are one word */

enum { T_LONGRUN, T_ONESHOT, T_BUNDLE, T_CLASSIC } ;

typedef struct s6svc_s s6svc_t ;
struct s6svc_s
{
  char *dir ;                   /* its name in DIR */
  char *name ;                  /* tm's name for it */
  int type ;
  int wanted ;                  /* reached from the user bundles */
  imp_list_t deps ;             /* dependencies.d, or contents.d for a bundle */
} ;

static char const *base ;       /* DIR, absolute */
static s6svc_t *svc ;
static size_t nsvc ;

/* DIR/SVC/FILE into buf: its length without the trailing newlines, -1 when
   there is no such file */
static ssize_t small_file (char const *svcdir, char const *file, char *buf)
{
  char path[PATH_MAX] ;
  ssize_t r ;
  if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", base, svcdir, file) >= sizeof(path))
    imp_fatal(base, 0, "%s/%s: the path is too long", svcdir, file) ;
  r = imp_read_file(path, buf, SMALL_MAX - 1) ;
  if (r < 0)
  {
    if (errno == ENOENT) return -1 ;
    imp_fatal(path, 0, "unable to read: %s", strerror(errno)) ;
  }
  while (r && (buf[r - 1] == '\n' || buf[r - 1] == ' ' || buf[r - 1] == '\t' || buf[r - 1] == '\r')) r-- ;
  buf[r] = 0 ;
  return r ;
}

static int has_file (char const *svcdir, char const *file)
{
  char path[PATH_MAX] ;
  struct stat st ;
  snprintf(path, sizeof(path), "%s/%s/%s", base, svcdir, file) ;
  return stat(path, &st) == 0 ;
}

static int by_name (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

/* the entries of a directory not starting with a dot, sorted; 0 when it
   does not exist */
static int list_dir (char const *path, int dirs_only, imp_list_t *l)
{
  DIR *d = opendir(path) ;
  struct dirent *e ;
  if (!d)
  {
    if (errno == ENOENT || errno == ENOTDIR) return 0 ;
    imp_fatal(path, 0, "unable to read the directory: %s", strerror(errno)) ;
  }
  while ((errno = 0, e = readdir(d)))
  {
    if (e->d_name[0] == '.') continue ;
    if (dirs_only)
    {
      char sub[PATH_MAX] ;
      struct stat st ;
      snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) ;
      if (stat(sub, &st) < 0 || !S_ISDIR(st.st_mode)) continue ;
    }
    imp_list_add(l, imp_strdup(e->d_name)) ;
  }
  if (errno) imp_fatal(path, 0, "unable to read the directory: %s", strerror(errno)) ;
  closedir(d) ;
  if (l->n) qsort(l->s, l->n, sizeof(char *), &by_name) ;
  return 1 ;
}

/* s6 names may hold what tm's may not (dots, mostly): those become - */
static char *tm_name (char const *s6name)
{
  char *n = imp_strdup(s6name) ;
  for (char *p = n ; *p ; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) *p = '-' ;
  if (strlen(n) > 64) n[64] = 0 ;
  return n ;
}

static s6svc_t *find (char const *dir)
{
  for (size_t i = 0 ; i < nsvc ; i++) if (!strcmp(svc[i].dir, dir)) return &svc[i] ;
  return 0 ;
}

/* a list file (one name a line, # comments) or a list directory */
static void read_names (char const *svcdir, char const *what, imp_list_t *l)
{
  char path[PATH_MAX], buf[SMALL_MAX] ;
  ssize_t n ;
  snprintf(path, sizeof(path), "%s/%s/%s.d", base, svcdir, what) ;
  if (list_dir(path, 0, l)) return ;
  n = small_file(svcdir, what, buf) ;
  if (n < 0) return ;
  for (char *s = buf, *nl ; *s ; s = nl)
  {
    nl = strchr(s, '\n') ;
    if (nl) *nl++ = 0 ; else nl = s + strlen(s) ;
    s += strspn(s, " \t") ;
    s[strcspn(s, " \t\r#")] = 0 ;
    if (*s) imp_list_add(l, imp_strdup(s)) ;
  }
}

static void load (void)
{
  imp_list_t dirs = IMP_LIST_ZERO ;
  char buf[SMALL_MAX] ;
  if (!list_dir(base, 1, &dirs)) imp_fatal(base, 0, "no such directory") ;
  svc = imp_alloc((dirs.n ? dirs.n : 1) * sizeof(s6svc_t)) ;
  for (size_t i = 0 ; i < dirs.n ; i++)
  {
    s6svc_t *s = &svc[nsvc] ;
    ssize_t n = small_file(dirs.s[i], "type", buf) ;
    memset(s, 0, sizeof(*s)) ;
    if (n < 0) { if (!has_file(dirs.s[i], "run")) continue ; s->type = T_CLASSIC ; }
    else if (!strcmp(buf, "longrun")) s->type = T_LONGRUN ;
    else if (!strcmp(buf, "oneshot")) s->type = T_ONESHOT ;
    else if (!strcmp(buf, "bundle")) s->type = T_BUNDLE ;
    else imp_fatal(base, 0, "%s/type: \"%s\" is none of longrun, oneshot, bundle", dirs.s[i], buf) ;
    s->dir = imp_strdup(dirs.s[i]) ;
    s->name = tm_name(s->dir) ;
    s->deps = (imp_list_t)IMP_LIST_ZERO ;
    if (s->type == T_BUNDLE) read_names(s->dir, "contents", &s->deps) ;
    else if (s->type != T_CLASSIC) read_names(s->dir, "dependencies", &s->deps) ;
    for (size_t j = 0 ; j < nsvc ; j++)
      if (!strcmp(svc[j].name, s->name))
        imp_fatal(base, 0, "%s and %s both become the service name %s", svc[j].dir, s->dir, s->name) ;
    nsvc++ ;
  }
  imp_list_free(&dirs) ;
}

/* what s6-rc would bring up: everything reached from the user bundles of
   s6-overlay (user, user2); without them, everything */
static void want (s6svc_t *s, unsigned int depth)
{
  if (s->wanted || depth > nsvc) return ;
  s->wanted = 1 ;
  for (size_t i = 0 ; i < s->deps.n ; i++)
  {
    s6svc_t *d = find(s->deps.s[i]) ;
    if (d) want(d, depth + 1) ;
  }
}

static int mark_wanted (void)
{
  s6svc_t *u = find("user"), *u2 = find("user2") ;
  if ((!u || u->type != T_BUNDLE) && (!u2 || u2->type != T_BUNDLE))
  {
    for (size_t i = 0 ; i < nsvc ; i++) svc[i].wanted = 1 ;
    return 0 ;
  }
  if (u && u->type == T_BUNDLE) want(u, 0) ;
  if (u2 && u2->type == T_BUNDLE) want(u2, 0) ;
  return 1 ;
}

/* the dependencies of s, bundles opened, in tm's names; what DIR does not
   define (s6-overlay's base and legacy stages) into missing */
static void add_deps (imp_list_t const *names, imp_list_t *out, imp_list_t *missing, unsigned int depth)
{
  for (size_t i = 0 ; i < names->n ; i++)
  {
    s6svc_t *d = find(names->s[i]) ;
    int seen = 0 ;
    if (!d) { imp_list_add(missing, imp_strdup(names->s[i])) ; continue ; }
    if (d->type == T_BUNDLE) { if (depth < nsvc) add_deps(&d->deps, out, missing, depth + 1) ; continue ; }
    for (size_t j = 0 ; j < out->n ; j++) if (!strcmp(out->s[j], d->name)) seen = 1 ;
    if (!seen) imp_list_add(out, imp_strdup(d->name)) ;
  }
}

static int is_overlays (char const *path)
{
  return !strncmp(path, "/command/", 9) || !strncmp(path, "/package/", 9) ;
}

static char const *basename_of (char const *path)
{
  char const *slash = strrchr(path, '/') ;
  return slash ? slash + 1 : path ;
}

/* Words that name what goes with s6-overlay: a leading with-contenv (tm
   gives every service the container's environment) is dropped when a
   command follows it, and a program in /command/ is the one in PATH. Says
   so in comments; the index of the first word left, *changed when any. */
static size_t overlay_free (sbuf_t *b, imp_list_t *argv, int *changed)
{
  size_t first = 0 ;
  if (argv->n > 1 && !strcmp(basename_of(argv->s[0]), "with-contenv"))
  {
    imp_puts(b, "# with-contenv dropped: tm passes the container's environment to every service\n") ;
    first = 1 ;
    *changed = 1 ;
  }
  if (first < argv->n && is_overlays(argv->s[first]))
  {
    char const *name = basename_of(argv->s[first]) ;
    imp_printf(b, "# %s goes with s6-overlay: %s is looked up in PATH\n", argv->s[first], name) ;
    memmove(argv->s[first], name, strlen(name) + 1) ;
    *changed = 1 ;
  }
  return first ;
}

/* path's first SMALL_MAX - 1 bytes, NUL-terminated, into buf: their length */
static size_t script_read (char const *path, char *buf)
{
  ssize_t r = imp_read_file(path, buf, SMALL_MAX - 1) ;
  if (r < 0) imp_fatal(path, 0, "unable to read: %s", strerror(errno)) ;
  buf[r] = 0 ;
  return r ;
}

/* A script run in place, unless its #! line names what goes with
   s6-overlay: with-contenv (tm gives every service the container's
   environment) is dropped, and an interpreter in /command/ is the one
   found in PATH; the script is then its argument. */
static void put_script (sbuf_t *b, char const *path)
{
  char line[SMALL_MAX] ;
  imp_list_t argv = IMP_LIST_ZERO ;
  size_t first ;
  int changed = 0 ;
  script_read(path, line) ;
  {
    char *body = line + strcspn(line, "\n") ;
    if (*body && (strstr(body + 1, "with-contenv") || strstr(body + 1, "/command/")))
      imp_puts(b, "# the script calls with-contenv or /command/ programs: they go with s6-overlay\n") ;
    *body = 0 ;
  }
  if (strncmp(line, "#!", 2)) imp_puts(b, "# no #! line: run as it is, as s6 ran it\n") ;
  else
    for (char *s = line + 2, *w ; (w = strtok(s, " \t\r")) ; s = 0) imp_list_add(&argv, imp_strdup(w)) ;
  first = overlay_free(b, &argv, &changed) ;
  if (!changed || first == argv.n) imp_toml_kv(b, "command", path, 0) ;
  else
  {
    imp_toml_kv(b, "command", argv.s[first], 0) ;
    imp_list_add(&argv, imp_strdup(path)) ;
    imp_toml_array(b, "args", argv.s + first + 1, argv.n - first - 1) ;
  }
  imp_list_free(&argv) ;
}

/* a oneshot's up is an execline script: a line of plain words is the
   command itself, anything else runs through execlineb */
static void put_up (sbuf_t *b, char const *path)
{
  char buf[SMALL_MAX] ;
  imp_list_t argv = IMP_LIST_ZERO ;
  size_t first ;
  int changed = 0 ;
  size_t r = script_read(path, buf) ;
  char *s = buf ;
  while (*s == '#' || *s == '\n') s += strcspn(s, "\n") + !!*s ;
  while (r && (buf[r - 1] == '\n' || buf[r - 1] == ' ')) buf[--r] = 0 ;
  if (!*s || strchr(s, '\n') || s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._=:,@+- ")])
  {
    char *args[2] = { "-P", (char *)path } ;
    imp_toml_kv(b, "command", "execlineb", 0) ;
    imp_toml_array(b, "args", args, 2) ;
    return ;
  }
  for (char *w ; (w = strtok(s, " ")) ; s = 0) imp_list_add(&argv, imp_strdup(w)) ;
  if (argv.n == 1 && !strcmp(basename_of(argv.s[0]), "with-contenv")) imp_fatal(path, 0, "with-contenv and no command") ;
  first = overlay_free(b, &argv, &changed) ;
  imp_toml_kv(b, "command", argv.s[first], 0) ;
  if (argv.n > first + 1) imp_toml_array(b, "args", argv.s + first + 1, argv.n - first - 1) ;
  imp_list_free(&argv) ;
}

static int uint_value (char const *dir, char const *file, char const *buf, unsigned long *v)
{
  char *end ;
  errno = 0 ;
  *v = strtoul(buf, &end, 10) ;
  if (!*buf || *end || errno || *buf == '-') imp_fatal(base, 0, "%s/%s: \"%s\" is not a number", dir, file, buf) ;
  return 1 ;
}

static void put_signal (sbuf_t *b, s6svc_t const *s, char const *sig)
{
  char name[32] ;
  if (*sig >= '0' && *sig <= '9')
  {
    unsigned long n ;
    uint_value(s->dir, "down-signal", sig, &n) ;
    if (n < 1 || n > 64) imp_fatal(base, 0, "%s/down-signal: no signal %lu", s->dir, n) ;
    sig = tm_signal_name(n) ;
  }
  if (strlen(sig) > 20) imp_fatal(base, 0, "%s/down-signal: \"%.20s...\" is not a signal", s->dir, sig) ;
  snprintf(name, sizeof(name), "%s%.20s", strncmp(sig, "SIG", 3) ? "SIG" : "", sig) ;
  imp_toml_kv(b, "stop_signal", name, 0) ;
}

/* the files of a longrun (or a classic service) that tm has keys for */
static void put_longrun (sbuf_t *b, s6svc_t const *s, char const *path)
{
  char buf[SMALL_MAX] ;
  unsigned long v ;
  if (small_file(s->dir, "notification-fd", buf) >= 0 && uint_value(s->dir, "notification-fd", buf, &v))
    imp_printf(b, "ready_fd = %lu\n", v) ;
  if (small_file(s->dir, "down-signal", buf) > 0) put_signal(b, s, buf) ;
  if (small_file(s->dir, "timeout-down", buf) >= 0 && uint_value(s->dir, "timeout-down", buf, &v))
  {
    if (!v) imp_puts(b, "# timeout-down 0 (no limit) in s6: tm's service_shutdown_timeout applies\n") ;
    else if (v % 1000 == 0) imp_printf(b, "stop_timeout = %lu\n", v / 1000) ;
    else imp_printf(b, "stop_timeout = %lu.%03lu\n", v / 1000, v % 1000) ;
  }
  if (small_file(s->dir, "timeout-up", buf) >= 0)
    imp_printf(b, "# timeout-up %s ms: tm has one dependency_wait_timeout for all services\n", imp_safe(buf)) ;
  if (has_file(s->dir, "finish"))
  {
    imp_puts(b, "# s6 gave finish the exit code and the signal number; tm gives the code and the signal name\n") ;
    imp_toml_kv(b, "finish_script", path, 0) ;
  }
  if (small_file(s->dir, "producer-for", buf) >= 0)
    imp_printf(b, "# its output went to %s: tm relays it with a [name] prefix (output_file keeps a file)\n", imp_safe(buf)) ;
  if (s->type == T_CLASSIC && has_file(s->dir, "down"))
  {
    imp_puts(b, "# a down file: s6 did not start it\n") ;
    imp_puts(b, "enabled = false\n") ;
  }
}

static void put_deps (sbuf_t *b, s6svc_t const *s)
{
  imp_list_t deps = IMP_LIST_ZERO, missing = IMP_LIST_ZERO ;
  add_deps(&s->deps, &deps, &missing, 0) ;
  for (size_t i = 0 ; i < missing.n ; i++)
    imp_printf(b, "# depended on %s, %s\n", imp_safe(missing.s[i]),
      !strcmp(missing.s[i], "base") ? "s6-overlay's own stage: tm has none" : "not defined here: dropped") ;
  if (deps.n == 1) imp_toml_kv(b, "depends_on", deps.s[0], 0) ;
  else if (deps.n) imp_toml_array(b, "depends_on", deps.s, deps.n) ;
  imp_list_free(&deps) ;
  imp_list_free(&missing) ;
}

static void put_service (sbuf_t *b, s6svc_t const *s, int bundles)
{
  static char const *const what[] = { "s6-rc longrun", "s6-rc oneshot", "s6-rc bundle", "services.d service" } ;
  char path[PATH_MAX], buf[SMALL_MAX] ;
  imp_printf(b, "\n# %s %s\n", what[s->type], imp_safe(s->dir)) ;
  if (strcmp(s->name, s->dir)) imp_printf(b, "# named %s: tm's names are letters, digits, _ and -\n", s->name) ;
  imp_puts(b, "[[services]]\n") ;
  imp_toml_kv(b, "name", s->name, 0) ;
  if (s->type == T_ONESHOT)
  {
    snprintf(path, sizeof(path), "%s/%s/up", base, s->dir) ;
    if (!has_file(s->dir, "up")) imp_fatal(base, 0, "%s: a oneshot with no up file", s->dir) ;
    imp_toml_kv(b, "type", "oneshot", 0) ;
    put_up(b, path) ;
    if (has_file(s->dir, "down")) imp_puts(b, "# its down script is not run: tm has no stop action for a oneshot\n") ;
  }
  else
  {
    snprintf(path, sizeof(path), "%s/%s/run", base, s->dir) ;
    if (!has_file(s->dir, "run")) imp_fatal(base, 0, "%s: a longrun with no run file", s->dir) ;
    put_script(b, path) ;
    snprintf(path, sizeof(path), "%s/%s/finish", base, s->dir) ;
    put_longrun(b, s, path) ;
  }
  put_deps(b, s) ;
  if (small_file(s->dir, "consumer-for", buf) >= 0)
  {
    imp_printf(b, "# the logger of %s: tm relays that output itself (output_file keeps a file)\n", imp_safe(buf)) ;
    imp_puts(b, "enabled = false\n") ;
  }
  else if (!s->wanted && bundles)
  {
    imp_puts(b, "# not in the user bundles: s6-rc did not start it\n") ;
    imp_puts(b, "enabled = false\n") ;
  }
}

static char *absolute (char const *dir)
{
  char *abs = realpath(dir, 0) ;
  if (!abs) ctl_die(errno == ENOENT || errno == EACCES || errno == ENOTDIR ? CTL_EX_FALSE : CTL_EX_SYS, "unable to read ", dir, errno == ENOENT ? ": no such directory" : ": permission denied or not a directory") ;
  return abs ;
}

int ctl_import_s6 (ctl_args_t const *a)
{
  sbuf_t out = SBUF_ZERO ;
  char *abs ;
  int bundles ;
  size_t n = 0 ;
  if (a->nnames != 1) ctl_die(CTL_EX_USAGE, "import-s6 needs exactly one DIR (s6-rc source definitions or services.d)", 0, 0) ;
  abs = absolute(a->names[0]) ;
  base = abs ;
  load() ;
  bundles = mark_wanted() ;
  imp_printf(&out, "# services.toml for tm, generated by tm-ctl import-s6 from %s\n", imp_safe(base)) ;
  imp_puts(&out, "# The scripts run where they are. S6_* variables and what tm has instead: doc/import-s6.md\n"
    "# Check the result with: tm-ctl check services.toml\n") ;
  for (size_t i = 0 ; i < nsvc ; i++)
    if (svc[i].type == T_BUNDLE)
    {
      imp_printf(&out, "# bundle %s: ", imp_safe(svc[i].dir)) ;
      for (size_t j = 0 ; j < svc[i].deps.n ; j++) imp_printf(&out, "%s%s", j ? ", " : "", imp_safe(svc[i].deps.s[j])) ;
      imp_puts(&out, svc[i].deps.n ? "\n" : "(empty)\n") ;
    }
  for (size_t i = 0 ; i < nsvc ; i++)
    if (svc[i].type != T_BUNDLE) { put_service(&out, &svc[i], bundles) ; n++ ; }
  if (!n) imp_fatal(base, 0, "no service: no directory with a type file (s6-rc) or a run file (services.d)") ;
  if (fwrite(out.s, 1, out.len, stdout) < out.len || fflush(stdout) == EOF)
    ctl_diesys(CTL_EX_SYS, "unable to write to stdout", 0) ;
  for (size_t i = 0 ; i < nsvc ; i++) { free(svc[i].dir) ; free(svc[i].name) ; imp_list_free(&svc[i].deps) ; }
  free(svc) ;
  free(abs) ;
  imp_sbfree(&out) ;
  imp_safe_free() ;
  return CTL_EX_OK ;
}
