/* ISC license. */

/* config_t -> service tree. One directory per service holding small files,
   one value each, that tm-supervise reads at start-up (doc/servicedir.md).
   The tree is built beside its destination and renamed into place, so that
   a reader never sees half of it and a failed compile leaves the old one.
   Two trees compare file by file: that is what a reload will diff. */

#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>

#include "tm/config.h"
#include "tm.h"
#include "tm_svdir.h"
#include "tmconf.h"
#include "conf_schema.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int failed = 0 ;

static void fail_sys (char const *what, char const *path)
{
  if (!failed) fprintf(stderr, "tm-ctl: unable to %s %s: %s\n", what, path, strerror(errno)) ;
  failed = 1 ;
}

/* dir/name into buf (PATH_MAX); a path too long is reported as an error */
static char *join (char *buf, char const *dir, char const *name)
{
  size_t a = strlen(dir), b = strlen(name) ;
  if (a + b + 2 > PATH_MAX)
  {
    if (!failed) fprintf(stderr, "tm-ctl: path too long: %s/%s\n", dir, name) ;
    failed = 1 ;
    buf[0] = 0 ;
    return buf ;
  }
  memcpy(buf, dir, a) ;
  buf[a] = '/' ;
  memcpy(buf + a + 1, name, b + 1) ;
  return buf ;
}

static void put_file (char const *dir, char const *name, char const *s, size_t len, mode_t mode)
{
  char path[PATH_MAX] ;
  int fd ;
  if (!*join(path, dir, name)) return ;
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) ;
  if (fd < 0) { fail_sys("create", path) ; return ; }
  if (fchmod(fd, mode) < 0 || (len && write(fd, s, len) != (ssize_t)len)) fail_sys("write", path) ;
  if (close(fd) < 0) fail_sys("write", path) ;
}

static void put_vfmt (char const *dir, char const *name, mode_t mode, char const *fmt, va_list ap)
{
  char buf[PATH_MAX + 64] ;
  int n = vsnprintf(buf, sizeof(buf), fmt, ap) ;
  put_file(dir, name, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1, mode) ;
}

static void put_fmt (char const *dir, char const *name, char const *fmt, ...)
{
  va_list ap ;
  va_start(ap, fmt) ;
  put_vfmt(dir, name, 0644, fmt, ap) ;
  va_end(ap) ;
}

/* what may carry credentials (a command line, a URL with a password):
   readable by root, the supervisor, only */
static void put_secret_fmt (char const *dir, char const *name, char const *fmt, ...)
{
  va_list ap ;
  va_start(ap, fmt) ;
  put_vfmt(dir, name, 0600, fmt, ap) ;
  va_end(ap) ;
}

static void put_dir (char const *dir, char const *name)
{
  char path[PATH_MAX] ;
  if (*join(path, dir, name) && mkdir(path, 0755) < 0) fail_sys("mkdir", path) ;
}

static void put_link (char const *dir, char const *name, char const *target)
{
  char path[PATH_MAX] ;
  if (*join(path, dir, name) && symlink(target, path) < 0) fail_sys("symlink", path) ;
}

/* ---- execline text ---- */

static void sb_cat (stralloc *b, char const *s, size_t n)
{
  if (!stralloc_catb(b, s, n)) tmconf_nomem() ;
}

static void sb_cats (stralloc *b, char const *s)
{
  sb_cat(b, s, strlen(s)) ;
}

/* one execline word: always quoted, so that it is exactly one word */
static void sb_word (stralloc *b, char const *s)
{
  sb_cat(b, "\"", 1) ;
  for (; *s ; s++)
  {
    unsigned char c = *s ;
    char esc[8] ;
    if (c == '"' || c == '\\') { esc[0] = '\\' ; esc[1] = c ; sb_cat(b, esc, 2) ; }
    else if (c == '\n') sb_cat(b, "\\n", 2) ;
    else if (c == '\t') sb_cat(b, "\\t", 2) ;
    else if (c < 0x20 || c == 0x7f) { snprintf(esc, sizeof(esc), "\\0x%02x", c) ; sb_cat(b, esc, 5) ; }
    else sb_cat(b, (char const *)&c, 1) ;
  }
  sb_cat(b, "\"", 1) ;
}

static void sb_argv (stralloc *b, char const *cmd, strlist_t const *args)
{
  sb_word(b, cmd) ;
  for (unsigned int i = 0 ; i < args->n ; i++) { sb_cat(b, " ", 1) ; sb_word(b, args->s[i]) ; }
  sb_cat(b, "\n", 1) ;
}

static void put_execline (char const *dir, char const *name, char const *comment, char const *cmd, strlist_t const *args)
{
  stralloc b = STRALLOC_ZERO ;
  sb_cats(&b, "#!" TM_EXECLINEB " -P\n# ") ;
  sb_cats(&b, comment) ;
  sb_cats(&b, "\n# (working directory, environment and user are set by tm-supervise from\n# working-dir, env/ and uid/gid/groups beside this file)\n") ;
  sb_argv(&b, cmd, args) ;
  /* tm-supervise reads it as root and execs the command it holds: the
     service's user never needs to read it, and nobody else may */
  put_file(dir, name, b.s, b.len, 0700) ;
  free(b.s) ;
}

/* ---- one service ---- */

/* the files of the rows of a schema table that the compiler writes from
   their field alone */
static void put_schema (char const *dir, conf_key_t const *table, unsigned int n, void const *base)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    conf_key_t const *k = table + i ;
    char const *p = (char const *)base + k->field ;
    if (!k->put) continue ;
    switch (k->kind)
    {
      case CK_UINT : case CK_SECS : case CK_SECS0 : put_fmt(dir, k->file, "%u\n", *(unsigned int const *)p) ; break ;
      case CK_ENUM : put_fmt(dir, k->file, "%s\n", (k->file_names ? k->file_names : k->names)[*(int const *)p]) ; break ;
      case CK_SIGNAL : put_fmt(dir, k->file, "%s\n", tm_signal_name(*(int const *)p)) ; break ;
      default : break ;
    }
  }
}

static void put_script (char const *dir, char const *name, char const *script)
{
  if (!script) return ;
  if (!strncmp(script, "#!", 2)) put_file(dir, name, script, strlen(script), 0700) ;  /* run as root */
  else put_link(dir, name, script) ;
}

static int has_env (service_t const *sv, char const *key)
{
  for (unsigned int i = 0 ; i < sv->env_keys.n ; i++) if (!strcmp(sv->env_keys.s[i], key)) return 1 ;
  return 0 ;
}

static void put_env_dir (char const *sd, service_t const *sv)
{
  char dir[PATH_MAX] ;
  join(dir, sd, "env") ;
  put_dir(sd, "env") ;
  /* the environment may hold secrets: only root (the supervisor) reads it */
  if (sv->has_user)
  {
    char const *keys[3] = { "HOME", "USER", "LOGNAME" } ;
    char const *vals[3] = { sv->home, sv->username, sv->username } ;
    for (unsigned int i = 0 ; i < 3 ; i++)
      if (!has_env(sv, keys[i])) put_file(dir, keys[i], vals[i], strlen(vals[i]), 0600) ;
  }
  for (unsigned int i = 0 ; i < sv->env_keys.n ; i++)
    put_file(dir, sv->env_keys.s[i], sv->env_values.s[i], strlen(sv->env_values.s[i]), 0600) ;
}

static void put_user (char const *sd, service_t const *sv)
{
  stralloc b = STRALLOC_ZERO ;
  if (!sv->has_user) return ;
  put_fmt(sd, "uid", "%u\n", (unsigned int)sv->uid) ;
  put_fmt(sd, "gid", "%u\n", (unsigned int)sv->gid) ;
  for (int i = 0 ; i < sv->ngroups ; i++)
  {
    char n[16] ;
    snprintf(n, sizeof(n), "%s%u", i ? "," : "", (unsigned int)sv->groups[i]) ;
    sb_cats(&b, n) ;
  }
  sb_cats(&b, "\n") ;
  put_file(sd, "groups", b.s, b.len, 0644) ;
  free(b.s) ;
}

static void put_health (char const *sd, service_t const *sv)
{
  health_t const *h = &sv->health ;
  char dir[PATH_MAX] ;
  if (!h->kind) return ;
  put_dir(sd, "health") ;
  join(dir, sd, "health") ;
  if (h->kind == HEALTH_COMMAND)
  {
    strlist_t rest = { h->command.s + 1, h->command.n - 1 } ;
    put_execline(dir, "check", "healthcheck command", h->command.s[0], &rest) ;
  }
  else
  {
    /* http and tcp: tm-ctl probe does it, run by the same check script;
       the target is in the file beside it, and tm-supervise gives it to
       the probe in its environment, not in its arguments */
    char self[PATH_MAX] ;
    char *argv[2] = { "probe", h->kind == HEALTH_HTTP ? "http" : "tcp" } ;
    strlist_t args = { argv, 2 } ;
    if (!tm_self_path(self, sizeof(self))) { fail_sys("find tm-ctl's own path for", dir) ; return ; }
    put_secret_fmt(dir, h->kind == HEALTH_HTTP ? "http" : "tcp", "%s\n", h->target) ;
    put_execline(dir, "check", "healthcheck", self, &args) ;
  }
  put_schema(dir, conf_health_keys, conf_health_nkeys, h) ;
}

static void put_deps (char const *sd, config_t const *c, service_t const *sv)
{
  char dir[PATH_MAX] ;
  put_dir(sd, "dependencies.d") ;
  join(dir, sd, "dependencies.d") ;
  for (unsigned int i = 0 ; i < sv->deps.n ; i++) put_fmt(dir, sv->deps.s[i], "%u\n", sv->dep_wait[i]) ;
  put_dir(sd, "dependents.d") ;
  join(dir, sd, "dependents.d") ;
  for (unsigned int i = 0 ; i < c->nservices ; i++)
    for (unsigned int j = 0 ; j < c->services[i].deps.n ; j++)
      if (!strcmp(c->services[i].deps.s[j], sv->name)) put_file(dir, c->services[i].name, "", 0, 0644) ;
  if (sv->deps.n) put_fmt(sd, TM_SVD_TIMEOUT_DEPS, "%u\n", c->dependency_wait_timeout) ;
  else if (sv->wait_all_set && sv->wait_all) put_fmt(sd, TM_SVD_WAIT_AFTER, "%u\n", sv->wait_all) ;
}

static void put_service (char const *root, config_t const *c, service_t const *sv, char const *cwd)
{
  char sd[PATH_MAX] ;
  char comment[TM_NAME_MAX + 64] ;
  put_dir(root, sv->name) ;
  join(sd, root, sv->name) ;
  /* nothing here that changes when the config file is only rearranged:
     a reload restarts the services whose files differ */
  snprintf(comment, sizeof(comment), "service %s, compiled by tm-ctl", sv->name) ;
  put_execline(sd, "run", comment, sv->command_path, &sv->args) ;
  {
    /* the event fifodir exists before any supervisor runs, so that
       dependents can subscribe to it at once */
    char ev[PATH_MAX] ;
    put_dir(sd, "event") ;
    if (*join(ev, sd, "event") && chmod(ev, 03730) < 0) fail_sys("chmod", ev) ;
  }
  put_schema(sd, conf_service_keys, conf_service_nkeys, sv) ;
  put_fmt(sd, TM_SVD_WORKING_DIR, "%s\n", sv->working_dir ? sv->working_dir : cwd) ;
  if (sv->ready_fd >= 0) put_fmt(sd, TM_SVD_NOTIFICATION_FD, "%d\n", sv->ready_fd) ;
  if (sv->notify) put_fmt(sd, TM_SVD_NOTIFY, "%s\n", sv->notify) ;
  if (sv->ready_log_line) put_fmt(sd, TM_SVD_READY_LOG_LINE, "%s\n", sv->ready_log_line) ;
  if (!sv->enabled) put_file(sd, "down", "", 0, 0644) ;
  if (sv->required) put_file(sd, "required", "", 0, 0644) ;
  put_deps(sd, c, sv) ;
  put_env_dir(sd, sv) ;
  put_user(sd, sv) ;
  put_script(sd, "pre-start", sv->pre_script) ;
  put_script(sd, "post-start", sv->post_script) ;
  put_script(sd, "finish", sv->finish_script) ;
  if (sv->pre_script || sv->post_script || sv->finish_script) put_fmt(sd, TM_SVD_TIMEOUT_SCRIPT, "%u\n", sv->script_timeout) ;
  if (sv->post_script) put_fmt(sd, TM_SVD_POST_START_DELAY, "%u\n", c->post_script_timeout) ;
  if (sv->log_file) put_fmt(sd, TM_SVD_LOG_FILE, "%s\n", sv->log_file) ;
  if (sv->output_file)
  {
    put_fmt(sd, TM_SVD_OUTPUT_FILE, "%s\n", sv->output_file) ;
    put_fmt(sd, TM_SVD_OUTPUT_MAX_SIZE, "%llu\n", (unsigned long long)sv->output_max_size) ;
    put_fmt(sd, TM_SVD_OUTPUT_MAX_FILES, "%u\n", sv->output_max_files) ;
  }
  if (sv->log_timestamps) put_file(sd, "log-timestamps", "", 0, 0644) ;
  if (sv->pty) put_file(sd, "pty", "", 0, 0644) ;
  put_health(sd, sv) ;
}

/* [metrics] listen: the server as an ordinary service. Without a
   working-dir it runs in its own directory, so the scandir is "..",
   wherever a reload or a rename puts the tree. */
static void put_metrics (char const *root, config_t const *c)
{
  char sd[PATH_MAX], self[PATH_MAX] ;
  char *argv[4] = { "-d", "..", "serve-metrics", c->metrics_listen } ;
  strlist_t args = { argv, 4 } ;
  if (!c->metrics_listen) return ;
  if (!tm_self_path(self, sizeof(self))) { fail_sys("find tm-ctl's own path for", TM_METRICS_SERVICE) ; return ; }
  put_dir(root, TM_METRICS_SERVICE) ;
  join(sd, root, TM_METRICS_SERVICE) ;
  put_execline(sd, "run", "the [metrics] server, compiled by tm-ctl", self, &args) ;
  put_fmt(sd, "type", "longrun\n") ;
  put_fmt(sd, "restart", "always\n") ;
}

static void put_global (char const *root, config_t const *c, char const *cwd)
{
  char dir[PATH_MAX] ;
  put_dir(root, ".tm-svscan") ;
  join(dir, root, ".tm-svscan") ;
  put_fmt(dir, "timeout-shutdown", "%u\n", c->global_shutdown_timeout) ;
  if (c->metrics_listen) put_fmt(dir, "metrics-listen", "%s\n", c->metrics_listen) ;
  if (c->control_group) put_fmt(dir, "control-gid", "%u\n", (unsigned int)c->control_gid) ;
  {
    static char const *const formats[3] = { "prefix", "plain", "json" } ;
    static char const *const colors[3] = { "auto", "always", "never" } ;
    put_fmt(dir, "log-format", "%s\n", formats[c->log_format]) ;
    put_fmt(dir, "log-color", "%s\n", colors[c->log_color]) ;
    put_fmt(dir, "log-buffer", "%llu\n", (unsigned long long)c->log_buffer) ;
    if (!c->log_events) put_file(dir, "log-quiet", "", 0, 0644) ;
  }
  {
    /* where it came from, for tm-ctl reload */
    char real[PATH_MAX] ;
    if (realpath(c->file, real)) put_fmt(dir, "config", "%s\n", real) ;
  }
  put_fmt(dir, "working-dir", "%s\n", cwd) ;
}

/* ---- into place ---- */

static int in_use (char const *dir)
{
  char path[PATH_MAX] ;
  int fd, r ;
  join(path, dir, ".tm-svscan/lock") ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  r = fd_islocked(fd) ;
  close(fd) ;
  return r > 0 ;
}

static int mkdir_parents (char const *dir)
{
  char path[PATH_MAX] ;
  snprintf(path, sizeof(path), "%s", dir) ;
  for (char *p = path + 1 ; (p = strchr(p, '/')) ; p++)
  {
    *p = 0 ;
    if (mkdir(path, 0755) < 0 && errno != EEXIST) return 0 ;
    *p = '/' ;
  }
  return 1 ;
}

static int swap_into_place (char const *tmp, char const *dir)
{
  struct stat sb ;
  if (rename(tmp, dir) == 0) return 1 ;
  if (errno != EEXIST && errno != ENOTEMPTY && errno != EISDIR) return 0 ;
  if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) return (errno = ENOTDIR, 0) ;
  if (syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0)
  {
    rm_rf(tmp) ;  /* the old tree now */
    return 1 ;
  }
  if (errno != EINVAL && errno != ENOSYS) return 0 ;
  {
    /* no atomic exchange on this file system: the closest thing */
    char old[PATH_MAX] ;
    snprintf(old, sizeof(old), "%s.old.%d", dir, (int)getpid()) ;
    if (rename(dir, old) < 0) return 0 ;
    if (rename(tmp, dir) < 0) { int e = errno ; rename(old, dir) ; errno = e ; return 0 ; }
    rm_rf(old) ;
    return 1 ;
  }
}

/* the tree into dir, which must not exist; services without working_dir
   run in cwd (default: ours, tm-init's: Docker's WORKDIR). 1 ok, 0 error
   (reported) */
int config_write_tree (config_t const *c, char const *dir, char const *defcwd)
{
  char cwd[PATH_MAX] ;
  if (defcwd) snprintf(cwd, sizeof(cwd), "%s", defcwd) ;
  else if (!getcwd(cwd, sizeof(cwd))) strcpy(cwd, "/") ;
  failed = 0 ;
  if (mkdir(dir, 0755) < 0) { fail_sys("mkdir", dir) ; return 0 ; }
  for (unsigned int i = 0 ; i < c->nservices && !failed ; i++) put_service(dir, c, c->services + i, cwd) ;
  if (!failed) put_metrics(dir, c) ;
  if (!failed) put_global(dir, c, cwd) ;
  return !failed ;
}

int config_compile (config_t const *c, char const *dir)
{
  char tmp[PATH_MAX] ;
  size_t n = strlen(dir) ;
  while (n > 1 && dir[n-1] == '/') n-- ;
  if (in_use(dir))
  {
    fprintf(stderr, "tm-ctl: %s is the live tree of a running tm-svscan: use tm-ctl reload\n", dir) ;
    return 0 ;
  }
  snprintf(tmp, sizeof(tmp), "%.*s.new.%d", (int)n, dir, (int)getpid()) ;
  if (!mkdir_parents(tmp)) { fail_sys("create the parents of", tmp) ; return -1 ; }
  rm_rf(tmp) ;
  if (!config_write_tree(c, tmp, 0) || !swap_into_place(tmp, dir))
  {
    if (!failed) fail_sys("rename into place", dir) ;
    rm_rf(tmp) ;
    return -1 ;
  }
  return 1 ;
}
