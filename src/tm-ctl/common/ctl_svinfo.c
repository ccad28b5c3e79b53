/* ISC license. */

/* A service as tm-ctl sees it from outside: its directory, its status
   file, whether a supervisor holds its lock. Shared by the client verbs
   and the metrics; reads files, writes nothing. */

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>

#include "tm-ctl/common/ctl.h"

void svi_path (char *buf, char const *scandir, char const *name, char const *file)
{
  if (snprintf(buf, PATH_MAX, "%s/%s/%s", scandir, name, file) >= PATH_MAX) ctl_die(CTL_EX_SYS, "path too long: ", scandir, name) ;
}

int svi_is_dir (char const *scandir, char const *name)
{
  char path[PATH_MAX] ;
  struct stat sb ;
  if (!*name || name[0] == '.' || strchr(name, '/')) return 0 ;
  snprintf(path, sizeof(path), "%s/%s", scandir, name) ;
  return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ;
}

pid_t svi_supervisor (char const *scandir, char const *name)
{
  char path[PATH_MAX] ;
  svi_path(path, scandir, name, "supervise/lock") ;
  return tm_lock_holder(path) ;
}

int svi_svscan_runs (char const *scandir)
{
  char path[PATH_MAX] ;
  return tm_lock_holder(ctl_path(path, scandir, "/.tm-svscan/lock", "")) > 0 ;
}

/* Whether pid lives in our pid namespace, so that its number compares
   with the numbers our processes see. */
static int same_pidns (pid_t pid)
{
  char path[64] ;
  struct stat a, b ;
  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid) ;
  if (stat("/proc/self/ns/pid", &a) < 0 || stat(path, &b) < 0) return 1 ;
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev ;
}

/* 1 loaded, 0 unknown service, -1 unreadable status (errno set) */
int svi_read (char const *scandir, char const *name, svinfo_t *sv)
{
  char path[PATH_MAX] ;
  int r ;
  tm_status_t z = TM_STATUS_ZERO ;
  if (!svi_is_dir(scandir, name)) return 0 ;
  sv->name = name ;
  sv->st = z ;
  snprintf(sv->st.name, sizeof(sv->st.name), "%s", name) ;
  svi_path(path, scandir, name, "supervise/status") ;
  r = tm_status_read(path, &sv->st) ;
  if (r < 0) return -1 ;
  if (!r) snprintf(sv->st.reason, sizeof(sv->st.reason), "never supervised") ;
  sv->has_status = r > 0 ;
  {
    pid_t holder = svi_supervisor(scandir, name) ;
    sv->supervised = holder > 0 ;
    /* a pid from another pid namespace cannot be compared: trust it then */
    sv->ourns = !holder || same_pidns(holder) ;
    sv->fresh = sv->has_status && holder && (sv->st.supervisor == holder || !sv->ourns) ;
  }
  return 1 ;
}

/* 1 loaded, 0 unknown service; dies on a system error */
int svi_load (char const *scandir, char const *name, svinfo_t *sv)
{
  int r = svi_read(scandir, name, sv) ;
  if (r < 0)
  {
    int e = errno ;
    char path[PATH_MAX] ;
    svi_path(path, scandir, name, "supervise/status") ;
    if (e == EPROTO) ctl_die(CTL_EX_SYS, "unable to read ", path, ": malformed") ;
    errno = e ;
    ctl_diesys(CTL_EX_SYS, "unable to read ", path) ;
  }
  return r ;
}

static int cmpstr (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

/* every service of the scandir, sorted, into *names (malloc'ed, as the
   names); 1 ok, 0 error (errno set) */
int svi_names (char const *scandir, char const ***names, unsigned int *n)
{
  DIR *d = opendir(scandir) ;
  char const **v = 0 ;
  unsigned int len = 0, cap = 0 ;
  struct dirent *e ;
  if (!d) return 0 ;
  while ((e = readdir(d)))
  {
    if (!svi_is_dir(scandir, e->d_name)) continue ;
    if (len == cap)
    {
      char const **w = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(char *)) ;
      if (!w) goto nomem ;
      v = w ;
    }
    if (!(v[len] = strdup(e->d_name))) goto nomem ;
    len++ ;
  }
  closedir(d) ;
  if (len) qsort(v, len, sizeof(char *), &cmpstr) ;
  *names = v ;
  *n = len ;
  return 1 ;
 nomem:
  closedir(d) ;
  svi_names_free(v, len) ;
  errno = ENOMEM ;
  return 0 ;
}

void svi_names_free (char const **names, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++) free((char *)names[i]) ;
  free(names) ;
}

/* svi_names, dying on an error */
char const **all_services (char const *scandir, unsigned int *n)
{
  char const **names ;
  if (svi_names(scandir, &names, n)) return names ;
  if (errno == ENOMEM) ctl_die(CTL_EX_SYS, "out of memory", 0, 0) ;
  if (errno == ENOENT) ctl_die(CTL_EX_FALSE, "unable to open the scandir ", scandir, ": no such directory (is tm running? set -d or TM_SCANDIR)") ;
  if (errno == EACCES) ctl_die(CTL_EX_SYS, "unable to open the scandir ", scandir, ": permission denied") ;
  ctl_diesys(CTL_EX_SYS, "unable to open the scandir ", scandir) ;
  return 0 ;
}

void fmt_duration (char *buf, size_t max, uint64_t ms)
{
  uint64_t s = ms / 1000 ;
  if (s < 60) snprintf(buf, max, "%us", (unsigned int)s) ;
  else if (s < 3600) snprintf(buf, max, "%um%02us", (unsigned int)(s / 60), (unsigned int)(s % 60)) ;
  else if (s < 86400) snprintf(buf, max, "%uh%02um", (unsigned int)(s / 3600), (unsigned int)(s / 60 % 60)) ;
  else snprintf(buf, max, "%ud%02uh", (unsigned int)(s / 86400), (unsigned int)(s / 3600 % 24)) ;
}

/* CPU seconds and RSS bytes of the service's process; 0 if unavailable.
   Only from a live supervisor's status and in our pid namespace: the pid
   in the status of a dead supervisor may belong to anything by now. */
int svi_usage (svinfo_t const *sv, double *cpu, unsigned long long *rss)
{
  char path[64], buf[256] ;
  uint64_t times[2], pages ;
  pid_t pid = sv->st.pid ;
  size_t n ;
  ssize_t r ;
  if (!sv->fresh || pid <= 0 || !sv->ourns) return 0 ;
  if (!tm_proc_stat(pid, 14, 2, times)) return 0 ;  /* utime, stime */
  *cpu = (double)(times[0] + times[1]) / sysconf(_SC_CLK_TCK) ;
  snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid) ;
  r = openreadnclose(path, buf, sizeof(buf) - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  n = uint64_scan(buf, &pages) ;  /* size, then resident */
  if (!n || buf[n] != ' ' || !uint64_scan(buf + n + 1, &pages)) return 0 ;
  *rss = pages * (unsigned long long)sysconf(_SC_PAGESIZE) ;
  return 1 ;
}

int svi_enabled (char const *scandir, char const *name)
{
  char path[PATH_MAX] ;
  svi_path(path, scandir, name, "down") ;
  return access(path, F_OK) < 0 ;
}

/* longrun RUNNING and ready, oneshot completed */
int svi_ready (svinfo_t const *sv)
{
  tm_status_t const *st = &sv->st ;
  return sv->supervised && st->ready
    && (st->state == TM_RUNNING || (st->type == TM_ONESHOT && st->state == TM_STOPPED)) ;
}

int svi_healthy (svinfo_t const *sv)
{
  return svi_ready(sv) && sv->st.health != TM_HEALTH_UNHEALTHY ;
}

/* why it is not healthy: "FAILED: too many restarts" */
void svi_problem (char *buf, size_t max, svinfo_t const *sv)
{
  snprintf(buf, max, "%s%s%s%s", !sv->supervised ? "no supervisor" : tm_state_names[sv->st.state],
    sv->st.health == TM_HEALTH_UNHEALTHY ? " unhealthy" : "",
    sv->st.reason[0] ? ": " : "", sv->st.reason) ;
}

void svi_unknown (char const *scandir, char const *name, int die)
{
  char const **names ;
  unsigned int n ;
  char const *guess = 0 ;
  char more[TM_NAME_MAX + 24] = "" ;
  if (svi_names(scandir, &names, &n))
  {
    guess = tm_suggest(name, names, n) ;
    if (guess) snprintf(more, sizeof(more), " (did you mean %s?)", guess) ;
    svi_names_free(names, n) ;
  }
  if (die) ctl_die(CTL_EX_FALSE, "unknown service: ", name, more) ;
  ctl_warn("unknown service: ", name, more) ;
}
