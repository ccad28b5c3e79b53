/* ISC license. */

/* tm-ctl reload [CONFIG]: compile the configuration again beside the live
   tree, compare the two service by service, and apply only the difference:
   new services are moved in, removed ones out (their supervisors stop them),
   changed ones get their new files and a new supervisor (which restarts
   them), the others are left running.

   One reload at a time: each holds SCANDIR/.tm-svscan/reload-lock (root
   only, so no other user can hold it) from the compile until the new tree
   is in effect. Every change to the live tree is a rename recorded in a
   journal; when one fails, the journal is played backwards and the tree is
   as it was. Its work space is SCANDIR/.tm-svscan/reload/ (on the tree's
   own file system, so that renames work), and removed services wait in
   SCANDIR/.tm-svscan/removed/ until their supervisors have exited. */

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

#include "config.h"
#include "libtmconf/tmconf.h"

#define SETTLE_MS 60000         /* how long a reload waits for the new tree to take effect */
#define EVENT_MODE 03730        /* as tm_fifodir_make leaves it */

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

static int dot_or_dotdot (char const *s)
{
  return s[0] == '.' && (!s[1] || (s[1] == '.' && !s[2])) ;
}

/* a b c concatenated into buf (PATH_MAX) */
static int is_dir (char const *path)
{
  struct stat sb ;
  return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ;
}

/* the names in dir, but . and .., sorted; 0 when it cannot be read */
static strlist_t *dir_list (char const *dir, strlist_t *l)
{
  DIR *d = opendir(dir) ;
  struct dirent *e ;
  l->s = 0 ; l->n = 0 ;
  if (!d) return 0 ;
  while ((e = readdir(d)))
  {
    char **s ;
    if (dot_or_dotdot(e->d_name)) continue ;
    s = realloc(l->s, (l->n + 1) * sizeof(char *)) ;
    if (!s || !(s[l->n] = strdup(e->d_name))) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
    l->s = s ;
    l->n++ ;
  }
  closedir(d) ;
  return l ;
}

static void list_free (strlist_t *l)
{
  for (unsigned int i = 0 ; i < l->n ; i++) free(l->s[i]) ;
  free(l->s) ;
  l->s = 0 ; l->n = 0 ;
}

/* ---- comparing two trees ---- */

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
    if (!ba || !bb) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
    same = openreadnclose(a, ba, sa.st_size) == sa.st_size && openreadnclose(b, bb, sb.st_size) == sb.st_size
      && !memcmp(ba, bb, sa.st_size) ;
    free(ba) ; free(bb) ;
    return same ;
  }
  if (S_ISDIR(sa.st_mode))
  {
    strlist_t la = { 0, 0 }, lb = { 0, 0 } ;
    int same = dir_list(a, &la) && dir_list(b, &lb) && la.n == lb.n ;
    for (unsigned int i = 0 ; same && i < la.n ; i++)
    {
      char pa[PATH_MAX], pb[PATH_MAX] ;
      same = same_file(ctl_path(pa, a, "/", la.s[i]), ctl_path(pb, b, "/", la.s[i])) ;
    }
    list_free(&la) ;
    list_free(&lb) ;
    return same ;
  }
  return 1 ;
}

/* the compiled part of two service directories is the same */
static int same_service (char const *fresh, char const *live)
{
  int same = 1 ;
  for (int pass = 0 ; pass < 2 && same ; pass++)
  {
    char const *x = pass ? live : fresh, *y = pass ? fresh : live ;
    strlist_t l ;
    if (!dir_list(x, &l)) return 0 ;
    for (unsigned int i = 0 ; same && i < l.n ; i++)
    {
      char px[PATH_MAX], py[PATH_MAX] ;
      struct stat sb ;
      if (runtime_entry(l.s[i]) || derived_entry(l.s[i])) continue ;
      ctl_path(px, x, "/", l.s[i]) ;
      ctl_path(py, y, "/", l.s[i]) ;
      same = pass ? lstat(py, &sb) == 0 : same_file(px, py) ;  /* pass 1: nothing removed */
    }
    list_free(&l) ;
  }
  return same ;
}

/* ---- the journal: every change to the live tree, undone on failure ---- */

typedef struct move_s move_t ;
struct move_s { char *from, *to ; } ;

static move_t *journal = 0 ;
static unsigned int njournal = 0 ;
static char failure[PATH_MAX + 128] ;

static char *xstrdup (char const *s)
{
  char *t = strdup(s) ;
  if (!t) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  return t ;
}

/* rename, recorded; 1 ok, 0 failed (failure says what) */
static int move (char const *from, char const *to)
{
  move_t *j = realloc(journal, (njournal + 1) * sizeof(move_t)) ;
  if (!j) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  journal = j ;
  if (rename(from, to) < 0)
  {
    snprintf(failure, sizeof(failure), "unable to move %s to %s: %s", from, to, strerror(errno)) ;
    return 0 ;
  }
  journal[njournal].from = xstrdup(from) ;
  journal[njournal].to = xstrdup(to) ;
  njournal++ ;
  return 1 ;
}

static int make_dir (char const *path)
{
  if (mkdir(path, 0700) == 0 || errno == EEXIST) return 1 ;
  snprintf(failure, sizeof(failure), "unable to mkdir %s: %s", path, strerror(errno)) ;
  return 0 ;
}

/* plays the journal backwards; 1 when every move was undone */
static int rollback (void)
{
  int ok = 1 ;
  while (njournal--)
    if (rename(journal[njournal].to, journal[njournal].from) < 0)
    {
      ctl_warnf("reload: unable to move %s back to %s: %s", journal[njournal].to, journal[njournal].from, strerror(errno)) ;
      ok = 0 ;
    }
  njournal = 0 ;
  return ok ;
}

static void journal_free (void)
{
  for (unsigned int i = 0 ; i < njournal ; i++) { free(journal[i].from) ; free(journal[i].to) ; }
  free(journal) ;
  journal = 0 ;
  njournal = 0 ;
}

/* ---- the changes ---- */

typedef struct reload_s reload_t ;
struct reload_s
{
  char const *scandir ;
  char work[PATH_MAX] ;         /* .tm-svscan/reload */
  char fresh[PATH_MAX] ;        /* work/new: the compiled tree */
  char backup[PATH_MAX] ;       /* work/old: what the new files replaced */
  char trash[PATH_MAX] ;        /* .tm-svscan/removed/PID: removed services */
  strlist_t added, removed, changed ;
  unsigned int kept ;
} ;

/* the compiled entries of live move to backup/name, those of fresh to live */
static int replace_files (reload_t *r, char const *name)
{
  char live[PATH_MAX], fresh[PATH_MAX], old[PATH_MAX] ;
  strlist_t l ;
  int ok = 1 ;
  ctl_path(live, r->scandir, "/", name) ;
  ctl_path(fresh, r->fresh, "/", name) ;
  if (!make_dir(ctl_path(old, r->backup, "/", name))) return 0 ;
  if (!dir_list(live, &l)) { snprintf(failure, sizeof(failure), "unable to read %s: %s", live, strerror(errno)) ; return 0 ; }
  for (unsigned int i = 0 ; ok && i < l.n ; i++)
  {
    char p[PATH_MAX], q[PATH_MAX] ;
    if (l.s[i][0] == '.' || runtime_entry(l.s[i])) continue ;
    ok = move(ctl_path(p, live, "/", l.s[i]), ctl_path(q, old, "/", l.s[i])) ;
  }
  list_free(&l) ;
  if (!ok) return 0 ;
  if (!dir_list(fresh, &l)) { snprintf(failure, sizeof(failure), "unable to read %s: %s", fresh, strerror(errno)) ; return 0 ; }
  for (unsigned int i = 0 ; ok && i < l.n ; i++)
  {
    char p[PATH_MAX], q[PATH_MAX] ;
    if (l.s[i][0] == '.' || runtime_entry(l.s[i])) continue ;
    ok = move(ctl_path(p, fresh, "/", l.s[i]), ctl_path(q, live, "/", l.s[i])) ;
  }
  list_free(&l) ;
  return ok ;
}

/* a kept service: only its dependents may have changed */
static int replace_dependents (reload_t *r, char const *name)
{
  char p[PATH_MAX], q[PATH_MAX], dir[PATH_MAX] ;
  struct stat sb ;
  ctl_path(dir, r->backup, "/", name) ;
  ctl_path(p, r->scandir, "/", name) ;
  ctl_path(q, p, "/", "dependents.d") ;
  if (lstat(q, &sb) == 0 && (!make_dir(dir) || !move(q, ctl_path(p, dir, "/", "dependents.d")))) return 0 ;
  ctl_path(p, r->fresh, "/", name) ;
  ctl_path(dir, p, "/", "dependents.d") ;
  return lstat(dir, &sb) < 0 || move(dir, q) ;
}

static void list_add (strlist_t *l, char const *s)
{
  char **v = realloc(l->s, (l->n + 1) * sizeof(char *)) ;
  if (!v) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  l->s = v ;
  l->s[l->n++] = xstrdup(s) ;
}

static char const *const globals[9] = { "timeout-shutdown", "metrics-listen", "control-gid", "config", "working-dir", "log-format", "log-color", "log-buffer", "log-quiet" } ;

/* every change, as renames in the journal; 1 ok, 0 failed (failure says
   what, nothing undone yet) */
static int apply (reload_t *r)
{
  strlist_t l ;
  int ok = 1 ;
  if (!make_dir(r->backup)) return 0 ;
  if (!dir_list(r->scandir, &l)) { snprintf(failure, sizeof(failure), "unable to read %s: %s", r->scandir, strerror(errno)) ; return 0 ; }
  for (unsigned int i = 0 ; ok && i < l.n ; i++)
  {
    char live[PATH_MAX], fresh[PATH_MAX] ;
    if (l.s[i][0] == '.' || !is_dir(ctl_path(live, r->scandir, "/", l.s[i])) || is_dir(ctl_path(fresh, r->fresh, "/", l.s[i]))) continue ;
    ok = make_dir(r->trash) && move(live, ctl_path(fresh, r->trash, "/", l.s[i])) ;
    if (ok) list_add(&r->removed, l.s[i]) ;
  }
  list_free(&l) ;
  if (!ok) return 0 ;
  /* every directory of the new tree: the configured services, and those
     the compiler adds (tm-metrics) */
  if (!dir_list(r->fresh, &l)) { snprintf(failure, sizeof(failure), "unable to read %s: %s", r->fresh, strerror(errno)) ; return 0 ; }
  for (unsigned int i = 0 ; ok && i < l.n ; i++)
  {
    char live[PATH_MAX], fresh[PATH_MAX] ;
    char const *name = l.s[i] ;
    if (name[0] == '.' || !is_dir(ctl_path(fresh, r->fresh, "/", name))) continue ;
    if (!is_dir(ctl_path(live, r->scandir, "/", name)))
    {
      ok = move(fresh, live) ;
      if (ok) list_add(&r->added, name) ;
    }
    else if (same_service(fresh, live))
    {
      ok = replace_dependents(r, name) ;
      r->kept += ok ;
    }
    else
    {
      ok = replace_files(r, name) ;
      if (ok) list_add(&r->changed, name) ;
    }
  }
  list_free(&l) ;
  if (!ok) return 0 ;
  {
    char dir[PATH_MAX] ;
    if (!make_dir(ctl_path(dir, r->backup, "/", ".tm-svscan"))) return 0 ;
    for (unsigned int i = 0 ; i < sizeof(globals) / sizeof(*globals) ; i++)
    {
      char p[PATH_MAX], q[PATH_MAX], o[PATH_MAX] ;
      struct stat sb ;
      ctl_path(p, r->fresh, "/.tm-svscan/", globals[i]) ;
      ctl_path(q, r->scandir, "/.tm-svscan/", globals[i]) ;
      if (lstat(q, &sb) == 0 && !move(q, ctl_path(o, dir, "/", globals[i]))) return 0 ;
      if (lstat(p, &sb) == 0 && !move(p, q)) return 0 ;
    }
  }
  return 1 ;
}

/* ---- [control] group on the running services ---- */

/* A root-owned directory or FIFO, the kind given, checked on the
   descriptor; closed: no one else may write in it either */
static int ours (int fd, mode_t kind, int closed, char const *what, char const *name)
{
  struct stat sb ;
  if (fstat(fd, &sb) < 0) return 0 ;
  if ((sb.st_mode & S_IFMT) == kind && !sb.st_uid && (!closed || !(sb.st_mode & 022))) return 1 ;
  ctl_warnf("reload: warning: %s of %s is not a root-owned %s%s: its permissions are left alone",
    what, name, kind == S_IFDIR ? "directory" : "FIFO", closed ? " that only root may write" : "") ;
  return 0 ;
}

/* The control FIFO root:GID 0620 (root:root 0600 without a group) and the
   event fifodir root:GID 03730 (root:root without), as a supervisor
   started now would make them. Group members may create entries in
   event/, so nothing is followed: each is opened with O_NOFOLLOW below
   root's own directories, checked, and changed through its descriptor. */
static void control_group_apply (int scanfd, char const *name, int has_group, gid_t gid)
{
  int svfd = openat(scanfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  int fd, sfd ;
  if (!has_group) gid = 0 ;
  if (svfd < 0) return ;
  if (!ours(svfd, S_IFDIR, 1, "the directory", name)) goto end ;
  fd = openat(svfd, "event", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) ;
  if (fd >= 0)
  {
    /* the old group loses its access before the new one gains it */
    if (ours(fd, S_IFDIR, 0, "event", name)
     && (fchmod(fd, EVENT_MODE & ~070) < 0 || fchown(fd, 0, gid) < 0 || fchmod(fd, EVENT_MODE) < 0))
      ctl_warnf("reload: warning: unable to set the group of %s/event: %s", name, strerror(errno)) ;
    close(fd) ;
  }
  sfd = openat(svfd, "supervise", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) ;
  if (sfd < 0) goto end ;
  if (ours(sfd, S_IFDIR, 1, "supervise", name))
  {
    /* read side, non-blocking: the open never waits for a writer */
    fd = openat(sfd, "control", O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC) ;
    if (fd >= 0)
    {
      if (ours(fd, S_IFIFO, 0, "supervise/control", name)
       && (fchmod(fd, 0600) < 0 || fchown(fd, 0, gid) < 0 || (has_group && fchmod(fd, 0620) < 0)))
        ctl_warnf("reload: warning: unable to set the group of %s/supervise/control: %s", name, strerror(errno)) ;
      close(fd) ;
    }
  }
  close(sfd) ;
 end:
  close(svfd) ;
}

static void control_group_apply_all (char const *scandir, config_t const *c)
{
  strlist_t l ;
  int scanfd = open(scandir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (scanfd < 0 || !dir_list(scandir, &l))
  {
    ctl_warnf("reload: warning: unable to apply the control group in %s: %s", scandir, strerror(errno)) ;
    if (scanfd >= 0) close(scanfd) ;
    return ;
  }
  for (unsigned int i = 0 ; i < l.n ; i++)
    if (l.s[i][0] != '.') control_group_apply(scanfd, l.s[i], !!c->control_group, c->control_gid) ;
  list_free(&l) ;
  close(scanfd) ;
}

/* ---- the new tree takes effect ---- */


/* cmd to the supervisor of name; one that has just taken its lock may not
   have opened its FIFO yet: a moment for it */
static int tell (char const *scandir, char const *name, char const *cmd)
{
  char fifo[PATH_MAX], dir[PATH_MAX] ;
  ctl_path(fifo, ctl_path(dir, scandir, "/", name), "/supervise/control", "") ;
  for (unsigned int waited = 0 ; ; waited += 20)
  {
    int r = tm_control_write(fifo, cmd, strlen(cmd)) ;
    if (r) return r > 0 ;
    if (waited >= 2000 || svi_supervisor(scandir, name) <= 0) return 0 ;
    poll(0, 0, 20) ;
  }
}

/* Until every removed service's supervisor has exited, every changed one
   has a new supervisor (old[i] was the one before), every added one has
   one: then the live tree is what the config says, and the next reload
   starts from it. At most SETTLE_MS; what did not settle is named. */
static void settle (reload_t *r, pid_t const *old)
{
  unsigned int waited = 0 ;
  for (;;)
  {
    char const *busy = 0, *why = 0 ;
    for (unsigned int i = 0 ; !busy && i < r->removed.n ; i++)
      if (svi_supervisor(r->trash, r->removed.s[i]) > 0) { busy = r->removed.s[i] ; why = "still stopping (its directory stays in .tm-svscan/removed until it exited)" ; }
    for (unsigned int i = 0 ; !busy && i < r->changed.n ; i++)
    {
      pid_t h ;
      if (old[i] < 0) continue ;  /* it could not be told */
      h = svi_supervisor(r->scandir, r->changed.s[i]) ;
      if (h <= 0 || h == old[i]) { busy = r->changed.s[i] ; why = "not restarted by a new supervisor yet" ; }
    }
    for (unsigned int i = 0 ; !busy && i < r->added.n ; i++)
      if (svi_supervisor(r->scandir, r->added.s[i]) <= 0) { busy = r->added.s[i] ; why = "not supervised yet" ; }
    if (!busy) break ;
    if (waited >= SETTLE_MS)
    {
      ctl_warnf("reload: warning: after %u s, %s is %s", SETTLE_MS / 1000, busy, why) ;
      return ;
    }
    poll(0, 0, 50) ;
    waited += 50 ;
  }
  rm_rf(r->trash) ;
}

/* a previous reload's leftovers: its work space, and the directories of
   removed services whose supervisors have exited since */
static void clean_leftovers (reload_t *r)
{
  char dir[PATH_MAX] ;
  strlist_t l ;
  rm_rf(r->work) ;
  if (!dir_list(ctl_path(dir, r->scandir, "/.tm-svscan/removed", ""), &l)) return ;
  for (unsigned int i = 0 ; i < l.n ; i++)
  {
    char p[PATH_MAX] ;
    strlist_t s ;
    int busy = 0 ;
    if (!dir_list(ctl_path(p, dir, "/", l.s[i]), &s)) continue ;
    for (unsigned int j = 0 ; j < s.n ; j++) busy |= svi_supervisor(p, s.s[j]) > 0 ;
    list_free(&s) ;
    if (!busy) rm_rf(p) ;
  }
  list_free(&l) ;
}

/* ---- the lock ---- */

/* SCANDIR/.tm-svscan/reload-lock, exclusive, held until we exit. Mode
   0600 in root's directory: a user who could open it could hold a read
   lock and block every reload. */
static void lock_reload (char const *scandir)
{
  char path[PATH_MAX] ;
  struct stat sb ;
  int r ;
  int fd = open(ctl_path(path, scandir, "/.tm-svscan/reload-lock", ""), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600) ;
  if (fd < 0)
  {
    if (errno == EACCES || errno == EPERM) ctl_die(CTL_EX_FALSE, "permission denied: only root may reload (", path, ")") ;
    if (errno == ELOOP) ctl_die(CTL_EX_SYS, "unable to open ", path, ": a symbolic link") ;
    ctl_diesys(CTL_EX_SYS, "unable to open ", path) ;
  }
  if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || sb.st_nlink != 1)
    ctl_die(CTL_EX_SYS, path, " is not a regular file of ours: remove it", 0) ;
  if (sb.st_mode & 077 && fchmod(fd, 0600) < 0) ctl_die(CTL_EX_SYS, "unable to chmod ", path, 0) ;
  r = fd_lock(fd, 1, 1) ;
  if (!r)
  {
    ctl_warnf("another reload runs on %s: waiting for it", scandir) ;
    r = fd_lock(fd, 1, 0) ;
  }
  if (r < 1) ctl_die(CTL_EX_SYS, "unable to lock ", path, 0) ;
}

/* ---- the verb ---- */

static char const *reload_config (ctl_args_t const *a, char *buf)
{
  char file[PATH_MAX] ;
  if (a->nnames) return a->names[0] ;
  ctl_path(file, a->scandir, "/.tm-svscan/config", "") ;
  if (tm_svfile_read(file, buf, PATH_MAX) > 0) return buf ;
  return ctl_default_config() ;
}

static void reload_free (reload_t *r)
{
  list_free(&r->added) ;
  list_free(&r->removed) ;
  list_free(&r->changed) ;
  journal_free() ;
}

/* the compile into r->fresh; 1 ok, 0 (reported) */
static int compile (reload_t *r, config_t const *c)
{
  /* the default working directory of the first compile, not ours */
  char wd[PATH_MAX], file[PATH_MAX] ;
  int known = tm_svfile_read(ctl_path(file, r->scandir, "/.tm-svscan/working-dir", ""), wd, sizeof(wd)) > 0 ;
  if (mkdir(r->work, 0700) < 0) { ctl_warnf("reload: unable to mkdir %s: %s", r->work, strerror(errno)) ; return 0 ; }
  return config_write_tree(c, r->fresh, known ? wd : 0) ;
}

int ctl_reload (ctl_args_t const *a)
{
  reload_t r = { .scandir = a->scandir } ;
  char buf[PATH_MAX] ;
  char const *file ;
  pid_t *old ;
  config_t c ;
  if (a->nnames > 1) ctl_die(CTL_EX_USAGE, "reload takes at most one CONFIG", 0, 0) ;
  file = reload_config(a, buf) ;
  if (!svi_svscan_runs(a->scandir))
    ctl_die(CTL_EX_FALSE, "no tm-svscan is running on ", a->scandir, ": nothing to reload") ;
  lock_reload(a->scandir) ;
  ctl_path(r.work, a->scandir, "/.tm-svscan/reload", "") ;
  ctl_path(r.fresh, r.work, "/", "new") ;
  ctl_path(r.backup, r.work, "/", "old") ;
  snprintf(r.trash, sizeof(r.trash), "%s/.tm-svscan/removed/%d", a->scandir, (int)getpid()) ;
  clean_leftovers(&r) ;
  if (!config_load(&c, file, 0))
  {
    int code = c.syserr ? CTL_EX_SYS : CTL_EX_FALSE ;
    ctl_warnf("%u error%s in %s: nothing changed", c.nerrors, c.nerrors == 1 ? "" : "s", file) ;
    config_free(&c) ;
    return code ;
  }
  if (!compile(&r, &c))
  {
    rm_rf(r.work) ;
    config_free(&c) ;
    ctl_warnf("reload: nothing changed") ;
    return CTL_EX_SYS ;
  }
  {
    char dir[PATH_MAX] ;
    mkdir(ctl_path(dir, a->scandir, "/.tm-svscan/removed", ""), 0700) ;
  }
  if (!apply(&r))
  {
    int undone = rollback() ;
    ctl_warnf("reload: %s", failure) ;
    if (undone)
    {
      rm_rf(r.work) ;
      rm_rf(r.trash) ;
      ctl_warnf("reload: every change was undone: the services run as before, nothing changed") ;
    }
    else ctl_warnf("reload: the tree could not be restored whole: what was not moved back is in %s and %s", r.work, r.trash) ;
    reload_free(&r) ;
    config_free(&c) ;
    return CTL_EX_SYS ;
  }
  rm_rf(r.work) ;
  control_group_apply_all(a->scandir, &c) ;
  {
    char fifo[PATH_MAX] ;
    if (tm_control_write(ctl_path(fifo, a->scandir, "/.tm-svscan/control", ""), "a", 1) <= 0)
      ctl_warn("reload: warning: unable to tell tm-svscan to rescan", 0, 0) ;
  }
  /* a changed service: stop it, and its supervisor exits; tm-svscan starts
     a new supervisor, which reads the new files and starts it again */
  old = calloc(r.changed.n + 1, sizeof(pid_t)) ;
  if (!old) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  for (unsigned int i = 0 ; i < r.changed.n ; i++)
  {
    old[i] = svi_supervisor(a->scandir, r.changed.s[i]) ;
    if (old[i] > 0 && !tell(a->scandir, r.changed.s[i], "X"))
    {
      ctl_warn("reload: warning: unable to tell the supervisor of ", r.changed.s[i], " to restart: it runs with the old files until it restarts") ;
      old[i] = -1 ;
    }
  }
  printf("reload: %u added, %u removed, %u restarted, %u unchanged\n", r.added.n, r.removed.n, r.changed.n, r.kept) ;
  fflush(stdout) ;
  settle(&r, old) ;
  free(old) ;
  reload_free(&r) ;
  config_free(&c) ;
  return CTL_EX_OK ;
}
