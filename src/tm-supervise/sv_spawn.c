/* ISC license. */

/* Starting the service and its scripts. The cheap set-up a run script would
   otherwise pay an exec for each (working directory, environment, user) is
   done here, from files read once at start-up. So is reading a compiled run
   (or health/check) back into its argv: the command is then exec'd
   directly, without execlineb. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include "sv.h"

extern char **environ ;

spawn_conf_t spawn_conf ;

/* the files that may be compiled ones, and their argv when they are */
typedef struct compiled_s compiled_t ;
struct compiled_s
{
  char const *file ;
  char const *const *argv ;     /* 0: exec the file itself */
} ;
static compiled_t compiled[] = { { "run", 0 }, { "health/check", 0 } } ;
#define NCOMPILED (sizeof(compiled) / sizeof(compiled[0]))

/* what the last failed spawn was doing when it failed */
enum stage_e { STAGE_FDS, STAGE_CWD, STAGE_USER, STAGE_EXEC } ;
static int last_stage = STAGE_EXEC ;

/* env/: one file per variable, its whole content the value */
static char const *const *env_init (void)
{
  DIR *d = opendir("env") ;
  size_t n = 0, extra = 0 ;
  char **envp ;
  struct dirent *e ;
  for (char **p = environ ; *p ; p++) n++ ;
  if (d) while ((e = readdir(d))) if (e->d_name[0] != '.') extra++ ;
  envp = calloc(n + extra + 1, sizeof(char *)) ;
  if (!envp) strerr_diefu1sys(111, "allocate") ;
  memcpy(envp, environ, n * sizeof(char *)) ;
  if (!d) return (char const *const *)envp ;
  rewinddir(d) ;
  while ((e = readdir(d)))
  {
    char path[TM_NAME_MAX + 8] ;
    struct stat sb ;
    size_t klen = strlen(e->d_name), i ;
    char *kv ;
    ssize_t r ;
    if (e->d_name[0] == '.' || klen > TM_NAME_MAX) continue ;
    memcpy(path, "env/", 4) ;
    memcpy(path + 4, e->d_name, klen + 1) ;
    if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) continue ;
    kv = malloc(klen + sb.st_size + 2) ;
    if (!kv) strerr_diefu1sys(111, "allocate") ;
    memcpy(kv, e->d_name, klen) ;
    kv[klen] = '=' ;
    r = openreadnclose(path, kv + klen + 1, sb.st_size) ;
    if (r < 0) strerr_diefu2sys(111, "read ", path) ;
    kv[klen + 1 + r] = 0 ;
    for (i = 0 ; i < n ; i++)
      if (!strncmp(envp[i], kv, klen + 1)) break ;
    envp[i] = kv ;
    if (i == n) n++ ;
  }
  closedir(d) ;
  return (char const *const *)envp ;
}

#define GROUPS_FILE_MAX (NGROUPS_MAX * 11)

/* groups: the supplementary gids, read whole (a list cut short would give
   other groups than meant); 0, or what is wrong */
static char const *groups_init (void)
{
  struct stat sb ;
  size_t len, n = 1 ;
  char *buf ;
  int fd = open("groups", O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return errno == ENOENT ? 0 : "unable to read the groups file" ;
  if (fstat(fd, &sb) < 0 || sb.st_size > GROUPS_FILE_MAX) { close(fd) ; return "groups file unreadable or too large" ; }
  buf = malloc(sb.st_size + 1) ;
  if (!buf) strerr_diefu1sys(111, "allocate") ;
  len = allread(fd, buf, sb.st_size) ;
  close(fd) ;
  if (len != (size_t)sb.st_size) return "unable to read the groups file" ;
  while (len && (buf[len-1] == '\n' || buf[len-1] == ' ')) len-- ;
  buf[len] = 0 ;
  if (!len) return 0 ;
  for (size_t i = 0 ; i < len ; i++) if (buf[i] == ',') n++ ;
  if (n > NGROUPS_MAX) return "too many groups in the groups file" ;
  spawn_conf.groups = calloc(n, sizeof(gid_t)) ;
  if (!spawn_conf.groups) strerr_diefu1sys(111, "allocate") ;
  if (gid_scanlist(spawn_conf.groups, n, buf, &n) != len) return "invalid groups file" ;
  spawn_conf.ngroups = n ;
  return 0 ;
}

/* uid, gid, groups: any doubt is an error, never a service run as root
   by mistake; 0, or what is wrong */
static char const *user_init (void)
{
  unsigned int u ;
  int r = tm_svfile_uint("uid", &u) ;
  if (!r) return 0 ;
  if (r < 0) return "invalid uid file" ;
  spawn_conf.user = 1 ;
  spawn_conf.uid = u ;
  r = tm_svfile_uint("gid", &u) ;
  if (r < 0) return "invalid gid file" ;
  spawn_conf.gid = r ? u : spawn_conf.uid ;
  return groups_init() ;
}


/* The argv of a compiled file, or 0: not a regular executable file of the
   compiled shape (then it is exec'd as it is). Not followed if a symlink:
   that is a user's own script. Read as root, but only ever exec'd as the
   service's user, as the file itself would be. */
static char const *const *compiled_read (char const *file)
{
  struct stat sb ;
  char *buf = 0 ;
  char **argv = 0 ;
  size_t max, argc = 0 ;
  int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || !(sb.st_mode & 0111) || sb.st_size > SV_ARGV_FILE_MAX) goto end ;
  max = sb.st_size / 2 + 2 ;
  buf = malloc(sb.st_size + 1) ;
  argv = malloc(max * sizeof(char *)) ;
  if (!buf || !argv) strerr_diefu1sys(111, "allocate") ;
  if (allread(fd, buf, sb.st_size + 1) != (size_t)sb.st_size) goto end ;
  argc = sv_argv_parse(buf, sb.st_size, argv, max) ;
 end:
  close(fd) ;
  if (!argc) { free(buf) ; free(argv) ; return 0 ; }
  {
    char **small = realloc(argv, (argc + 1) * sizeof(char *)) ;
    return (char const *const *)(small ? small : argv) ;
  }
}

char const *spawn_conf_init (char const *dir)
{
  char buf[4096] ;
  int r = tm_svfile_read(TM_SVD_WORKING_DIR, buf, sizeof(buf)) ;
  spawn_conf.dir = sv_xstrdup(dir) ;
  if (r == -2) return "unable to read the working-dir file" ;
  spawn_conf.cwd = r > 0 ? sv_xstrdup(buf) : spawn_conf.dir ;
  spawn_conf.envp = env_init() ;
  for (unsigned int i = 0 ; i < NCOMPILED ; i++) compiled[i].argv = compiled_read(compiled[i].file) ;
  return user_init() ;
}

static char const *const *compiled_argv (char const *file)
{
  for (unsigned int i = 0 ; i < NCOMPILED ; i++)
    if (!strcmp(file, compiled[i].file)) return compiled[i].argv ;
  return 0 ;
}

/* musl 1.2.3 has no close_range() */
static void close_from_to (unsigned int lo, unsigned int hi)
{
  syscall(SYS_close_range, lo, hi, 0) ;
}

/* a copy of envp with KEY=VALUE in place of KEY's entry, else at its end;
   start-up only: kv is kept */
static char const *const *env_with (char const *const *envp, char const *kv)
{
  size_t n = 0, klen = strchr(kv, '=') - kv + 1 ;
  char const **e ;
  while (envp[n]) n++ ;
  e = malloc((n + 2) * sizeof(char *)) ;
  if (!e) strerr_diefu1sys(111, "allocate") ;
  memcpy(e, envp, n * sizeof(char *)) ;
  e[n] = kv ;
  e[n + 1] = 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!strncmp(e[i], kv, klen)) { e[i] = kv ; e[n] = 0 ; break ; }
  return e ;
}

/* KEY=VALUE into the services' environment, at start-up */
void spawn_conf_setenv (char const *kv)
{
  char const *const *old = spawn_conf.envp ;
  spawn_conf.envp = env_with(old, kv) ;
  free((void *)old) ;
}

/* The environment of an http or tcp health probe: the services' and its
   target, which is not in the probe's arguments: those are anyone's to read
   in /proc while it runs, its environment only its user's. */
static char const *const *probe_envp = 0 ;

void spawn_conf_probe (char const *kv)
{
  probe_envp = env_with(spawn_conf.envp, kv) ;
}

/* closes every fd from 3 up but a and b */
static void close_all_but (int a, int b)
{
  int lo = a < b ? a : b, hi = a < b ? b : a ;
  if (lo > 3) close_from_to(3, lo - 1) ;
  if (hi > lo + 1) close_from_to(lo + 1, hi - 1) ;
  close_from_to(hi + 1, ~0U) ;
}

/* In the child: execve, with execlineb's PATH search (the service's PATH,
   else /usr/bin:/bin) for a compiled command that has no slash. errno is
   that of the last attempt, EACCES if any attempt found one. */
static void exec_compiled (char const *const *argv, char const *const *envp)
{
  char const *path = "/usr/bin:/bin" ;
  size_t flen = strlen(argv[0]) ;
  int eacces = 0 ;
  if (strchr(argv[0], '/')) { execve(argv[0], (char *const *)argv, (char *const *)envp) ; return ; }
  for (char const *const *e = envp ; *e ; e++)
    if (!strncmp(*e, "PATH=", 5)) { path = *e + 5 ; break ; }
  for (;;)
  {
    size_t n = strcspn(path, ":") ;
    char full[PATH_MAX] ;
    if (n + flen + 2 <= sizeof(full))
    {
      memcpy(full, n ? path : ".", n ? n : 1) ;
      if (!n) n = 1 ;
      full[n] = '/' ;
      memcpy(full + n + 1, argv[0], flen + 1) ;
      execve(full, (char *const *)argv, (char *const *)envp) ;
      if (errno == EACCES) eacces = 1 ;
    }
    path += strcspn(path, ":") ;
    if (!*path++) break ;
  }
  errno = eacces ? EACCES : ENOENT ;
}

/* The service's user, groups first. Raw system calls: the libc's wrappers
   would set the ids of every thread, through locks and signals a vfork
   child must not take; a child has one thread. */
static int become_user (void)
{
  return syscall(SYS_setgroups, spawn_conf.ngroups, spawn_conf.groups) == 0
      && syscall(SYS_setgid, spawn_conf.gid) == 0 && syscall(SYS_setuid, spawn_conf.uid) == 0 ;
}

/* In the child: fds 0, 1, 2, the notification fd, the working directory,
   the user. Only async-signal-safe calls. *errfd may move out of the way;
   *stage says what failed. */
static int child_setup (spawn_opts_t const *o, int *errfd, int *stage)
{
  int fd0 = open("/dev/null", o->quiet ? O_RDWR : O_RDONLY) ;
  int fd1 = o->quiet ? fd0 : relay[0].wfd, fd2 = o->quiet ? fd0 : relay[1].wfd ;
  if (fd0 < 0 || setsid() < 0) return 0 ;
  if (o->pty && (fd1 = fd2 = open(o->pty, O_RDWR)) < 0) return 0 ;  /* our controlling terminal */
  if (dup2(fd0, 0) < 0 || dup2(fd1, 1) < 0 || dup2(fd2, 2) < 0) return 0 ;
  if (o->notif_w >= 0)
  {
    if (*errfd == o->notif_fd && (*errfd = fcntl(*errfd, F_DUPFD_CLOEXEC, o->notif_fd + 1)) < 0) return 0 ;
    /* dup2 onto itself would leave it close-on-exec */
    if (o->notif_w == o->notif_fd ? fcntl(o->notif_fd, F_SETFD, 0) < 0 : dup2(o->notif_w, o->notif_fd) < 0) return 0 ;
  }
  *stage = STAGE_CWD ;
  if (chdir(spawn_conf.cwd) < 0) return 0 ;
  *stage = STAGE_USER ;
  if (o->as_user && spawn_conf.user && !become_user()) return 0 ;
  /* the service gets 0, 1, 2 (and its notification fd), nothing else */
  close_all_but(o->notif_w >= 0 ? o->notif_fd : *errfd, *errfd) ;
  *stage = STAGE_EXEC ;
  return 1 ;
}

/* vfork rather than posix_spawn: glibc's file actions allocate, and the
   user switch is not one of them. vfork rather than fork: nothing of ours
   is copied, and we wait for the exec anyway (the child only makes system
   calls, on its own stack frames). A failure comes back through a
   close-on-exec pipe: the stage, then errno. */
static pid_t spawn_child (char const *path, char const *const *argv, char const *const *cargv, spawn_opts_t const *o)
{
  int p[2] ;
  int e[2] = { STAGE_FDS, 0 } ;
  pid_t pid ;
  if (pipe2(p, O_CLOEXEC) < 0) return 0 ;
  last_stage = STAGE_EXEC ;
  pid = vfork() ;
  if (pid < 0) { e[1] = errno ; close(p[0]) ; close(p[1]) ; errno = e[1] ; return 0 ; }
  if (!pid)
  {
    int errfd = p[1] ;
    if (child_setup(o, &errfd, &e[0]))
    {
      tm_sigmask_restore() ;
      char const *const *envp = o->probe && probe_envp ? probe_envp : spawn_conf.envp ;
      if (cargv) exec_compiled(cargv, envp) ;
      else execve(path, (char *const *)argv, (char *const *)envp) ;
    }
    e[1] = errno ;
    if (errfd >= 0 && write(errfd, e, sizeof(e)) < 0) _exit(127) ;
    _exit(127) ;
  }
  close(p[1]) ;
  {
    ssize_t r ;
    do r = read(p[0], e, sizeof(e)) ; while (r < 0 && errno == EINTR) ;
    close(p[0]) ;
    if (r == sizeof(e)) { last_stage = e[0] ; errno = e[1] ; return 0 ; }  /* the child exits 127: reaped as a stranger */
  }
  return pid ;
}

pid_t spawn_in_dir (char const *file, char const *const *argv, spawn_opts_t const *o)
{
  size_t dlen = strlen(spawn_conf.dir), flen = strlen(file) ;
  char path[dlen + flen + 2] ;
  memcpy(path, spawn_conf.dir, dlen) ;
  path[dlen] = '/' ;
  memcpy(path + dlen + 1, file, flen + 1) ;
  return spawn_child(path, argv, compiled_argv(file), o) ;
}

/* ---- saying what could not be spawned ---- */

static size_t cat (char *buf, size_t len, char const *s)
{
  size_t n = strlen(s) ;
  if (n > TM_REASON_MAX - len) n = TM_REASON_MAX - len ;
  memcpy(buf + len, s, n) ;
  buf[len + n] = 0 ;
  return len + n ;
}

/* the interpreter named by file's #! line, into buf; 0 if none */
static char const *interpreter (char const *file, char *buf, size_t max)
{
  ssize_t r ;
  size_t n ;
  int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  r = read(fd, buf, max - 1) ;
  close(fd) ;
  if (r < 3 || buf[0] != '#' || buf[1] != '!') return 0 ;
  buf[r] = 0 ;
  buf += 2 + strspn(buf + 2, " \t") ;
  n = strcspn(buf, " \t\n") ;
  if (!n) return 0 ;
  buf[n] = 0 ;
  return buf ;
}

char const *spawn_failure (char const *name, char const *file)
{
  static char reason[TM_REASON_MAX + 1] ;
  int e = errno ;
  char ibuf[256] ;
  char const *const *cargv = compiled_argv(file) ;
  char const *interp = 0 ;
  size_t n = 0 ;
  if (!cargv && last_stage == STAGE_EXEC && e == ENOENT && access(file, F_OK) == 0)
    interp = interpreter(file, ibuf, sizeof(ibuf)) ;
  n = cat(reason, n, "unable to spawn ") ;
  n = cat(reason, n, interp ? interp : cargv ? cargv[0] : file) ;
  if (interp) { n = cat(reason, n, " (the interpreter of ") ; n = cat(reason, n, file) ; n = cat(reason, n, ")") ; }
  switch (last_stage)
  {
    case STAGE_FDS : n = cat(reason, n, ": setting up its fds") ; break ;
    case STAGE_CWD : n = cat(reason, n, ": chdir to ") ; n = cat(reason, n, spawn_conf.cwd) ; break ;
    case STAGE_USER : n = cat(reason, n, ": switching to its user") ; break ;
    default : break ;
  }
  n = cat(reason, n, ": ") ;
  cat(reason, n, strerror(e)) ;
  strerr_warnw3x(name, ": ", reason) ;
  errno = e ;
  return reason ;
}

/* ---- acting with the service's rights ---- */

#define AS_USER_MS 2000         /* a helper that takes longer is killed */

/* one int (errno) and, when fd >= 0, the descriptor */
static void send_fd (int sock, int fd, int e)
{
  char cbuf[CMSG_SPACE(sizeof(int))] ;
  struct iovec v = { .iov_base = &e, .iov_len = sizeof(e) } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 } ;
  if (fd >= 0)
  {
    struct cmsghdr *c ;
    memset(cbuf, 0, sizeof(cbuf)) ;
    m.msg_control = cbuf ;
    m.msg_controllen = sizeof(cbuf) ;
    c = CMSG_FIRSTHDR(&m) ;
    c->cmsg_level = SOL_SOCKET ;
    c->cmsg_type = SCM_RIGHTS ;
    c->cmsg_len = CMSG_LEN(sizeof(int)) ;
    memcpy(CMSG_DATA(c), &fd, sizeof(int)) ;
  }
  while (sendmsg(sock, &m, 0) < 0 && errno == EINTR) ;
}

static int recv_fd (int sock, int *e)
{
  char cbuf[CMSG_SPACE(sizeof(int))] ;
  struct iovec v = { .iov_base = e, .iov_len = sizeof(*e) } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) } ;
  struct pollfd p = { .fd = sock, .events = POLLIN } ;
  struct cmsghdr *c ;
  int fd = -1 ;
  ssize_t r ;
  *e = ETIMEDOUT ;
  if (poll(&p, 1, AS_USER_MS) <= 0) return -1 ;
  r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC) ;
  if (r != sizeof(*e)) { *e = EPROTO ; return -1 ; }
  c = CMSG_FIRSTHDR(&m) ;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof(int)) ;
  return fd ;
}

/* Runs op(arg) with the service's user's rights and returns the descriptor
   it opened, or -1 with errno. With a user, op runs in a child that became
   that user and sends the descriptor back: root never opens the path. *soft
   gets the errno op left beside a descriptor (a warning), else 0. */
int as_service_user (int (*op)(void *), void *arg, int *soft)
{
  int sv[2], fd, e ;
  pid_t pid ;
  if (!spawn_conf.user)
  {
    errno = 0 ;
    fd = op(arg) ;
    *soft = fd >= 0 ? errno : 0 ;
    return fd ;
  }
  *soft = 0 ;
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) return -1 ;
  pid = fork() ;
  if (pid < 0) { e = errno ; close(sv[0]) ; close(sv[1]) ; errno = e ; return -1 ; }
  if (!pid)
  {
    close(sv[0]) ;
    errno = 0 ;
    fd = become_user() ? op(arg) : -1 ;
    send_fd(sv[1], fd, errno) ;
    _exit(0) ;
  }
  close(sv[1]) ;
  fd = recv_fd(sv[0], &e) ;
  close(sv[0]) ;
  if (fd < 0 && e == ETIMEDOUT)
  {
    /* stuck (a hung file system): killed, and reaped by the main loop */
    kill(pid, SIGKILL) ;
    waitpid(pid, 0, WNOHANG) ;
  }
  else while (waitpid(pid, 0, 0) < 0 && errno == EINTR) ;
  if (fd < 0) { errno = e ; return -1 ; }
  *soft = e ;
  return fd ;
}
