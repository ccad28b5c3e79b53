/* ISC license. */

#ifndef TM_SV_H
#define TM_SV_H

#include <sys/types.h>
#include <stdint.h>

#include "tm.h"

/* ---- sv_relay.c: [name]-prefixed relay of the service's stdout/stderr ---- */

typedef struct relay_s relay_t ;
struct relay_s
{
  int rfd ;                     /* read end: we relay from it */
  int wfd ;                     /* write end: the service's fd 1 or 2 */
  int out ;                     /* where relayed lines go */
  size_t len ;
  char *buf ;                   /* TM_LINE_MAX bytes, apart: untouched pages cost no memory */
} ;

extern relay_t relay[4] ;     /* stdout, stderr, log_file, pty */
extern void relay_init (relay_t *r, char const *fds, int out) ;
extern void relay_options (int timestamps) ;
extern void relay_output_init (char const *path, uint64_t max, unsigned int files) ;
extern void relay_follow_init (char const *path) ;
extern void relay_follow_poll (void) ;
extern int relay_pty_open (char *slave, size_t max) ;  /* the master fd (relayed as stdout), -1 on error */
extern int relay_pty_read (void) ;    /* 1 data, 0 none now, -1 the end */
extern void relay_pty_close (void) ;
extern void relay_prefix_init (char const *name, unsigned int width) ;
extern int relay_read (relay_t *r) ;
extern void relay_drain (void) ;

/* ---- sv_spawn.c: starting processes ---- */

typedef struct spawn_conf_s spawn_conf_t ;
struct spawn_conf_s
{
  char const *dir ;             /* the service directory, absolute */
  char const *cwd ;             /* working directory of the service */
  char const *const *envp ;     /* its environment */
  int user ;                    /* switch to uid/gid/groups below */
  uid_t uid ;
  gid_t gid ;
  gid_t *groups ;
  unsigned int ngroups ;
} ;

extern spawn_conf_t spawn_conf ;
extern int spawn_conf_init (char const *dir) ;  /* reads working-dir, env/, uid, gid, groups, run, health/check */
/* Runs FILE (relative to the service dir) with argv in its own session,
   stdin /dev/null, stdout/stderr into the relay. Returns the pid, or 0
   with errno set when it could not be executed. */
typedef struct spawn_opts_s spawn_opts_t ;
struct spawn_opts_s
{
  int as_user ;                 /* as the service's user (else root) */
  int notif_w ;                 /* >= 0: becomes fd notif_fd */
  int notif_fd ;
  int quiet ;                   /* stdout and stderr to /dev/null, not the relay */
  char const *pty ;             /* stdout and stderr on this terminal, made the controlling one */
} ;
extern pid_t spawn_in_dir (char const *file, char const *const *argv, spawn_opts_t const *o) ;
/* after spawn_in_dir failed with errno set: warns "NAME: unable to spawn
   PROGRAM: error", PROGRAM being what the kernel could not execute (the
   compiled command, or FILE, or FILE's interpreter), and returns the same
   without NAME, for a status reason (a static buffer) */
extern char const *spawn_failure (char const *name, char const *file) ;

/* ---- sv_argv.c: a compiled run or health/check back into an argv ---- */

/* s[0..len) is exactly what tm-ctl compile writes (an execlineb -P line,
   comment lines, one line of double-quoted words): unescapes it in place,
   fills argv (max slots, the last one 0) and returns argc; else 0 */
extern size_t sv_argv_parse (char *s, size_t len, char **argv, size_t max) ;
#define SV_ARGV_FILE_MAX 262144 /* a bigger file is exec'd as it is */

/* ---- sv_deps.c: other services' states, through their event fifodirs ---- */

typedef struct peer_s peer_t ;
struct peer_s
{
  char *name ;
  unsigned int wait_ms ;        /* dependencies: wait_after for this one */
  int fd ;                      /* our FIFO in its event/, or -1 */
  char *fifo ;
} ;

typedef struct peers_s peers_t ;
struct peers_s
{
  peer_t *p ;
  unsigned int n ;
} ;

extern char const *scandir_prefix ;  /* "SCANDIR/" */
extern char const *svscan_file (char const *file) ;  /* SCANDIR/.tm-svscan/FILE in a static buffer, 0 if too long */
extern int peers_read (peers_t *ps, char const *listdir, int with_wait) ;  /* 0: error, errno set, ps empty */
extern void peers_free (peers_t *ps) ;
extern void peers_subscribe (peers_t *ps) ;
extern void peers_unsubscribe (peers_t *ps) ;
extern int peers_drain (peers_t *ps, unsigned int i) ;  /* 1 if fd i had events */
extern int peer_status (peer_t const *p, tm_status_t *st) ;  /* 1 read, 0 none (no supervisor or no status) */

#endif
