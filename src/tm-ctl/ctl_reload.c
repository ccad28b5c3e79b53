/* ISC license. */

/* tm-ctl reload [CONFIG]: compile the configuration again beside the live
   tree, compare the two service by service, and apply only the difference:
   new services are moved in, removed ones out (their supervisors stop them),
   changed ones get their new files and a new supervisor (which restarts
   them), the others are left running. */

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>

#include "tm-ctl.h"
#include "ctl_config.h"

/* what a service directory holds at run time, not from the compiler */
static int runtime_entry (char const *name)
{
  return !strcmp(name, "supervise") || !strcmp(name, "event") ;
}

/* derived from other services: it changes when a dependent is added, which
   is no reason to restart this one */
static int derived_entry (char const *name)
{
  return !strcmp(name, "dependents.d") ;
}

/* a b c concatenated into buf (PATH_MAX) */
static char *cat3 (char *buf, char const *a, char const *b, char const *c)
{
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c) ;
  if (la + lb + lc >= PATH_MAX) ctl_die(EX_SYS, "path too long: ", a, b) ;
  memcpy(buf, a, la) ;
  memcpy(buf + la, b, lb) ;
  memcpy(buf + la + lb, c, lc + 1) ;
  return buf ;
}

static char *join2 (char *buf, char const *a, char const *b)
{
  return cat3(buf, a, "/", b) ;
}

static int same_file (char const *a, char const *b)
{
  struct stat sa, sb ;
  if (lstat(a, &sa) < 0 || lstat(b, &sb) < 0) return 0 ;
  if ((sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT)) return 0 ;
  if (S_ISLNK(sa.st_mode))
  {
    char ta[PATH_MAX], tb[PATH_MAX] ;
    ssize_t na = readlink(a, ta, sizeof(ta)), nb = readlink(b, tb, sizeof(tb)) ;
    return na >= 0 && na == nb && !memcmp(ta, tb, na) ;
  }
  if (S_ISREG(sa.st_mode))
  {
    char *ba, *bb ;
    int same ;
    if (sa.st_size != sb.st_size || (sa.st_mode & 07777) != (sb.st_mode & 07777)) return 0 ;
    ba = malloc(sa.st_size + 1) ;
    bb = malloc(sb.st_size + 1) ;
    if (!ba || !bb) ctl_die(EX_SYS, "out of memory", 0, 0) ;
    same = openreadnclose(a, ba, sa.st_size) == sa.st_size && openreadnclose(b, bb, sb.st_size) == sb.st_size
      && !memcmp(ba, bb, sa.st_size) ;
    free(ba) ; free(bb) ;
    return same ;
  }
  if (S_ISDIR(sa.st_mode))
  {
    DIR *d = opendir(a) ;
    struct dirent *e ;
    unsigned int na = 0, nb = 0 ;
    int same = 1 ;
    if (!d) return 0 ;
    while (same && (e = readdir(d)))
    {
      char pa[PATH_MAX], pb[PATH_MAX] ;
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue ;
      na++ ;
      same = same_file(join2(pa, a, e->d_name), join2(pb, b, e->d_name)) ;
    }
    closedir(d) ;
    if (!same || !(d = opendir(b))) return 0 ;
    while ((e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) nb++ ;
    closedir(d) ;
    return na == nb ;
  }
  return 1 ;
}

/* the compiled part of two service directories is the same */
static int same_service (char const *newdir, char const *live)
{
  DIR *d ;
  struct dirent *e ;
  int same = 1 ;
  for (int pass = 0 ; pass < 2 && same ; pass++)
  {
    char const *x = pass ? live : newdir, *y = pass ? newdir : live ;
    if (!(d = opendir(x))) return 0 ;
    while (same && (e = readdir(d)))
    {
      char px[PATH_MAX], py[PATH_MAX] ;
      if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue ;
      if (runtime_entry(e->d_name) || derived_entry(e->d_name)) continue ;
      join2(px, x, e->d_name) ;
      join2(py, y, e->d_name) ;
      if (pass) { struct stat sb ; same = lstat(py, &sb) == 0 ; }  /* nothing removed */
      else same = same_file(px, py) ;
    }
    closedir(d) ;
  }
  return same ;
}

/* moves every compiled entry of newdir over live's, keeping live's runtime
   entries; removes compiled entries that are no more */
static int replace_files (char const *newdir, char const *live)
{
  DIR *d = opendir(live) ;
  struct dirent *e ;
  if (!d) return 0 ;
  while ((e = readdir(d)))
  {
    char p[PATH_MAX], q[PATH_MAX] ;
    if (e->d_name[0] == '.' || runtime_entry(e->d_name)) continue ;
    if (access(join2(q, newdir, e->d_name), F_OK) < 0) rm_rf(join2(p, live, e->d_name)) ;
  }
  closedir(d) ;
  if (!(d = opendir(newdir))) return 0 ;
  while ((e = readdir(d)))
  {
    char p[PATH_MAX], q[PATH_MAX] ;
    struct stat sb ;
    if (e->d_name[0] == '.' || runtime_entry(e->d_name)) continue ;
    join2(p, newdir, e->d_name) ;
    join2(q, live, e->d_name) ;
    if (lstat(q, &sb) == 0 && S_ISDIR(sb.st_mode)) rm_rf(q) ;  /* rename cannot replace a non-empty one */
    if (rename(p, q) < 0) { closedir(d) ; return 0 ; }
  }
  closedir(d) ;
  return 1 ;
}

static int is_dir (char const *path)
{
  struct stat sb ;
  return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ;
}

static void tell (char const *scandir, char const *name, char const *cmd)
{
  char fifo[PATH_MAX], dir[PATH_MAX] ;
  cat3(fifo, join2(dir, scandir, name), "/supervise/control", "") ;
  if (tm_control_write(fifo, cmd, strlen(cmd)) <= 0) ctl_warn("unable to tell the supervisor of ", name, " to restart") ;
}

static int locked (char const *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC) ;
  int r ;
  if (fd < 0) return 0 ;
  r = fd_islocked(fd) ;
  close(fd) ;
  return r > 0 ;
}

/* the supervisors of removed services stop them and exit: wait for that,
   then remove their directories */
static void reap_removed (char const *trash, unsigned int ms)
{
  for (unsigned int waited = 0 ; ; waited += 50)
  {
    DIR *d = opendir(trash) ;
    struct dirent *e ;
    int busy = 0 ;
    if (!d) return ;
    while ((e = readdir(d)))
    {
      char p[PATH_MAX], dir[PATH_MAX] ;
      if (e->d_name[0] == '.') continue ;
      cat3(p, join2(dir, trash, e->d_name), "/supervise/lock", "") ;
      if (locked(p)) busy = 1 ;
    }
    closedir(d) ;
    if (!busy) { rm_rf(trash) ; return ; }
    if (waited >= ms) { ctl_warn("removed services are still stopping; their directories stay in ", trash, "") ; return ; }
    poll(0, 0, 50) ;
  }
}

static char const *reload_config (ctl_args_t const *a, char *buf)
{
  char file[PATH_MAX] ;
  if (a->nnames) return a->names[0] ;
  cat3(file, a->scandir, "/.tm-svscan/config", "") ;
  if (tm_svfile_read(file, buf, PATH_MAX) > 0) return buf ;
  return ctl_default_config() ;
}

int ctl_reload (ctl_args_t const *a)
{
  char buf[PATH_MAX], lock[PATH_MAX], tmp[PATH_MAX], trash[PATH_MAX] ;
  char const *file = reload_config(a, buf) ;
  unsigned int added = 0, removed = 0, changed = 0, kept = 0 ;
  char **restart = 0 ;
  config_t c ;
  if (a->nnames > 1) ctl_die(EX_USAGE, "reload takes at most one CONFIG", 0, 0) ;
  cat3(lock, a->scandir, "/.tm-svscan/lock", "") ;
  if (!locked(lock)) ctl_die(EX_FALSE, "no tm-svscan is running on ", a->scandir, ": nothing to reload") ;
  if (!config_load(&c, file, 0))
  {
    fprintf(stderr, "tm-ctl: %u error%s in %s: nothing changed\n", c.nerrors, c.nerrors == 1 ? "" : "s", file) ;
    config_free(&c) ;
    return EX_FALSE ;
  }
  snprintf(tmp, sizeof(tmp), "%s.reload.%d", a->scandir, (int)getpid()) ;
  snprintf(trash, sizeof(trash), "%s.removed.%d", a->scandir, (int)getpid()) ;
  rm_rf(tmp) ;
  {
    /* the default working directory of the first compile, not ours */
    char wd[PATH_MAX], file2[PATH_MAX] ;
    int known = tm_svfile_read(cat3(file2, a->scandir, "/.tm-svscan/working-dir", ""), wd, sizeof(wd)) > 0 ;
    if (!config_write_tree(&c, tmp, known ? wd : 0)) { rm_rf(tmp) ; config_free(&c) ; return EX_SYS ; }
  }
  {
    DIR *d = opendir(a->scandir) ;
    struct dirent *e ;
    if (!d) ctl_die(EX_SYS, "unable to open ", a->scandir, 0) ;
    while ((e = readdir(d)))
    {
      char live[PATH_MAX], fresh[PATH_MAX] ;
      if (e->d_name[0] == '.' || !is_dir(join2(live, a->scandir, e->d_name))) continue ;
      if (is_dir(join2(fresh, tmp, e->d_name))) continue ;
      if (!removed && mkdir(trash, 0755) < 0 && errno != EEXIST) ctl_die(EX_SYS, "unable to mkdir ", trash, 0) ;
      if (rename(live, join2(fresh, trash, e->d_name)) < 0) ctl_die(EX_SYS, "unable to move out ", live, 0) ;
      removed++ ;
    }
    closedir(d) ;
  }
  {
    /* every directory of the new tree: the configured services, and those
       the compiler adds (tm-metrics) */
    DIR *d = opendir(tmp) ;
    struct dirent *e ;
    if (!d) ctl_die(EX_SYS, "unable to open ", tmp, 0) ;
    while ((e = readdir(d)))
    {
      char live[PATH_MAX], fresh[PATH_MAX] ;
      char const *name = e->d_name ;
      if (name[0] == '.' || !is_dir(join2(fresh, tmp, name))) continue ;
      if (!is_dir(join2(live, a->scandir, name)))
      {
        if (rename(fresh, live) < 0) ctl_die(EX_SYS, "unable to move in ", live, 0) ;
        added++ ;
      }
      else if (same_service(fresh, live))
      {
        /* its dependents may still have changed */
        char p[PATH_MAX], q[PATH_MAX] ;
        rm_rf(join2(q, live, "dependents.d")) ;
        if (rename(join2(p, fresh, "dependents.d"), q) < 0 && errno != ENOENT) ctl_warn("unable to update ", q, "") ;
        kept++ ;
      }
      else
      {
        if (!replace_files(fresh, live)) ctl_die(EX_SYS, "unable to update ", live, 0) ;
        restart = realloc(restart, (changed + 1) * sizeof(char *)) ;
        if (!restart || !(restart[changed++] = strdup(name))) ctl_die(EX_SYS, "out of memory", 0, 0) ;
      }
    }
    closedir(d) ;
  }
  {
    char p[PATH_MAX], q[PATH_MAX] ;
    char const *global[5] = { "timeout-shutdown", "metrics-listen", "control-gid", "config", "working-dir" } ;
    for (unsigned int i = 0 ; i < 5 ; i++)
    {
      cat3(p, tmp, "/.tm-svscan/", global[i]) ;
      cat3(q, a->scandir, "/.tm-svscan/", global[i]) ;
      if (rename(p, q) < 0 && errno == ENOENT) unlink(q) ;
    }
  }
  {
    char fifo[PATH_MAX] ;
    cat3(fifo, a->scandir, "/.tm-svscan/control", "") ;
    if (tm_control_write(fifo, "a", 1) <= 0) ctl_warn("unable to tell tm-svscan to rescan", 0, 0) ;
  }
  /* a changed service: stop it, and its supervisor exits; tm-svscan starts
     a new supervisor, which reads the new files and starts it again */
  for (unsigned int i = 0 ; i < changed ; i++) tell(a->scandir, restart[i], "X") ;
  rm_rf(tmp) ;
  printf("reload: %u added, %u removed, %u restarted, %u unchanged\n", added, removed, changed, kept) ;
  fflush(stdout) ;
  if (removed) reap_removed(trash, 60000) ;
  for (unsigned int i = 0 ; i < changed ; i++) free(restart[i]) ;
  free(restart) ;
  config_free(&c) ;
  return EX_OK ;
}
