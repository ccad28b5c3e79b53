/* ISC license. */

/* The checks of a service against this machine: its command, scripts,
   directories and user exist. --offline skips what reads the machine. */

#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm.h"
#include "tm_userdb.h"
#include "toml.h"
#include "tmconf.h"
#include "conf_internal.h"

static int executable_file (char const *path)
{
  struct stat sb ;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0 ;
}

static int executable_abs (char const *path)
{
  return path[0] == '/' && executable_file(path) ;
}

static char *path_search (char const *name)
{
  char const *path = getenv("PATH") ;
  char buf[PATH_MAX] ;
  if (!path || !*path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ;
  return tm_path_search(path, name, buf, sizeof(buf), &executable_abs) ? conf_xstrdup(buf) : 0 ;
}

void conf_check_command (config_t const *c, service_t *sv, toml_value_t const *t, char const *prefix)
{
  char path[256] ;
  unsigned int line = conf_key_line(t, "command") ;
  conf_path_key(path, sizeof(path), prefix, "command") ;
  if (!sv->command) return ;
  if (!*sv->command) { conf_error(line, path, "the command is empty") ; return ; }
  if (sv->command[0] != '/' && strchr(sv->command, '/'))
  {
    conf_error(line, path, "\"%s\" is relative: write an absolute path, or a bare name to look up in PATH", sv->command) ;
    return ;
  }
  if (c->offline) { sv->command_path = conf_xstrdup(sv->command) ; return ; }
  if (sv->command[0] == '/')
  {
    if (!executable_file(sv->command))
      conf_error(line, path, access(sv->command, F_OK) ? "%s does not exist" : "%s is not an executable file", sv->command) ;
    else sv->command_path = conf_xstrdup(sv->command) ;
  }
  else if (!(sv->command_path = path_search(sv->command)))
    conf_error(line, path, "\"%s\" is not found in PATH (%s)", sv->command, getenv("PATH") ? getenv("PATH") : "unset") ;
}

void conf_check_script (config_t const *c, char const *script, toml_value_t const *t, char const *key, char const *prefix)
{
  char path[256] ;
  unsigned int line = conf_key_line(t, key) ;
  if (!script) return ;
  if (!strcmp(key, "post_script") && !toml_table_get(t, key)) { key = "pos_script" ; line = conf_key_line(t, key) ; }
  conf_path_key(path, sizeof(path), prefix, key) ;
  if (!strncmp(script, "#!", 2))
  {
    char interp[PATH_MAX] ;
    char const *s = script + 2 + strspn(script + 2, " \t") ;
    size_t n = strcspn(s, " \t\n") ;
    if (!n || n >= sizeof(interp) || s[0] != '/') { conf_error(line, path, "the inline script's #! line must name an absolute interpreter path") ; return ; }
    memcpy(interp, s, n) ;
    interp[n] = 0 ;
    if (!c->offline && !executable_file(interp)) conf_error(line, path, "the inline script's interpreter %s is not an executable file", interp) ;
    return ;
  }
  if (script[0] != '/') { conf_error(line, path, "\"%s\" must be an absolute path, or an inline script starting with #!", script) ; return ; }
  if (!c->offline && !executable_file(script))
    conf_error(line, path, access(script, F_OK) ? "%s does not exist" : "%s is not an executable file", script) ;
}

void conf_check_dir_of (config_t const *c, char const *file, toml_value_t const *t, char const *key, char const *prefix)
{
  char path[256], dir[PATH_MAX] ;
  struct stat sb ;
  char *slash ;
  unsigned int line = conf_key_line(t, key) ;
  if (!file) return ;
  conf_path_key(path, sizeof(path), prefix, key) ;
  if (file[0] != '/') { conf_error(line, path, "\"%s\" must be an absolute path", file) ; return ; }
  if (c->offline) return ;
  snprintf(dir, sizeof(dir), "%s", file) ;
  slash = strrchr(dir, '/') ;
  if (slash == dir) slash[1] = 0 ; else *slash = 0 ;
  if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) conf_error(line, path, "the directory %s does not exist", dir) ;
}

/* output_file's directory: someone else than the service's user (root for
   a root service) who may write in it may plant links where its files go */
void conf_check_dir_writers (config_t const *c, service_t const *sv, toml_value_t const *t, char const *prefix)
{
  char path[256], dir[PATH_MAX] ;
  struct stat sb ;
  char *slash ;
  uid_t uid = sv->has_user ? sv->uid : 0 ;
  gid_t gid = sv->has_user ? sv->gid : 0 ;
  char const *who = 0 ;
  if (!sv->output_file || c->offline || sv->output_file[0] != '/') return ;
  snprintf(dir, sizeof(dir), "%s", sv->output_file) ;
  slash = strrchr(dir, '/') ;
  if (slash == dir) slash[1] = 0 ; else *slash = 0 ;
  if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) return ;
  if (sb.st_uid != 0 && sb.st_uid != uid) who = "its owner" ;
  else if (sb.st_mode & S_IWOTH) who = "every user" ;
  else if (sb.st_mode & S_IWGRP && sb.st_gid != gid) who = "its group" ;
  if (!who) return ;
  conf_path_key(path, sizeof(path), prefix, "output_file") ;
  conf_warn(conf_key_line(t, "output_file"), path, "%s may be written by %s, not only by the service's user: %s", dir, who,
    sv->has_user ? "its files are opened with the service's rights, but others may plant links or files where they go"
                 : "a root service opens its files as root: use a directory only root may write") ;
}

/* a UID or GID as written: decimal digits only (no sign, no space), and
   never (uid_t)-1, which setresuid and setresgid take for "leave it as it
   is": the service would keep root's ids */
int conf_id_scan (char const *s, size_t len, unsigned long *id)
{
  unsigned long v = 0 ;
  while (len > 1 && *s == '0') { s++ ; len-- ; }
  if (!len || len > 10) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    v = v * 10 + (unsigned long)(s[i] - '0') ;
  }
  if (v >= 4294967295UL) return 0 ;
  *id = v ;
  return 1 ;
}

/* user = "UID" or "UID:GID": 1, with *has_gid; a name: 0; neither: -1 */
static int user_ids (char const *user, unsigned long *uid, unsigned long *gid, int *has_gid)
{
  size_t digits = strspn(user, "0123456789") ;
  char const *colon = strchr(user, ':') ;
  *has_gid = !!colon ;
  if (!digits || (user[digits] && user[digits] != ':')) return colon ? -1 : 0 ;
  if (!conf_id_scan(user, digits, uid)) return -1 ;
  return !colon || conf_id_scan(colon + 1, strlen(colon + 1), gid) ? 1 : -1 ;
}

void conf_check_user (config_t const *c, service_t *sv, toml_value_t const *t, char const *prefix)
{
  char path[256] ;
  userinfo_t u = { 0 } ;
  int known, numeric, has_gid ;
  unsigned long uid, gid ;
  if (!sv->user) return ;
  conf_path_key(path, sizeof(path), prefix, "user") ;
  numeric = user_ids(sv->user, &uid, &gid, &has_gid) ;
  if (numeric < 0)
  {
    conf_error(conf_key_line(t, "user"), path, "\"%s\" is not NAME, UID or UID:GID (a UID or GID is a number from 0 to 4294967294)", sv->user) ;
    return ;
  }
  if (c->offline) return ;
  if (numeric)
  {
    /* UID or UID:GID: need not be in /etc/passwd */
    known = userdb_user(0, uid, &u) ;
    if (!has_gid) gid = known ? u.gid : uid ;
  }
  else
  {
    known = userdb_user(sv->user, 0, &u) ;
    if (!known) { conf_error(conf_key_line(t, "user"), path, "no user named \"%s\" in /etc/passwd", sv->user) ; return ; }
    uid = u.uid ; gid = u.gid ;
  }
  sv->has_user = 1 ;
  sv->uid = uid ; sv->gid = gid ;
  if (known)
  {
    sv->home = u.home ;
    sv->username = u.name ;
    sv->groups = userdb_groups(u.name, gid, &sv->ngroups) ;
    if (!sv->groups) tmconf_nomem() ;
  }
  else
  {
    char num[16] ;
    snprintf(num, sizeof(num), "%lu", uid) ;
    sv->home = conf_xstrdup("/") ;
    sv->username = conf_xstrdup(num) ;
    sv->groups = 0 ;
    sv->ngroups = 0 ;
  }
}

void conf_check_working_dir (config_t const *c, service_t const *sv, toml_value_t const *t, char const *prefix)
{
  char path[256] ;
  struct stat sb ;
  if (!sv->working_dir) return ;
  conf_path_key(path, sizeof(path), prefix, "working_dir") ;
  if (sv->working_dir[0] != '/') { conf_error(conf_key_line(t, "working_dir"), path, "\"%s\" must be an absolute path", sv->working_dir) ; return ; }
  if (!c->offline && (stat(sv->working_dir, &sb) < 0 || !S_ISDIR(sb.st_mode)))
    conf_error(conf_key_line(t, "working_dir"), path, "the directory %s does not exist", sv->working_dir) ;
}
