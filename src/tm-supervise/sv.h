/* ISC license. */

#ifndef TM_SV_H
#define TM_SV_H

#include <sys/types.h>
#include <stdint.h>

#include <skalibs/tai.h>

#include "tm.h"
#include "sv_machine.h"

#define FOLLOW_MS 250           /* log_file is looked at this often */

/* A buffer of whole pages that shares none with the small variables, after
   all of them (.lbss follows .bss): its pages are touched only as it is
   used, so an idle service pays for none of it, and the small variables
   share the few pages an idle supervisor does touch (the size must be a
   multiple of 4096). */
#define BIG __attribute__((aligned(4096), section(".lbss.tm")))
#define LOGBUF_MAX (64 << 20)   /* [logging] buffer, at most */

/* ---- sv_init.c: start-up ---- */

extern int ctlfd, sigfd ;
extern tain sup_start ;         /* when we started (monotonic) */
extern void sv_start (char const *arg, char const *ofds, char const *efds, unsigned int width) ;
extern void want_persist (char const *what) ;   /* "up", "down", or 0: none */
extern char *sv_xstrdup (char const *s) ;       /* strdup or die; start-up only */

/* ---- sv_health.c ---- */

extern void health_on (void) ;
extern void health_off (void) ;
extern void health_run (void) ;   /* TIMER_HEALTH */
extern void health_kill (void) ;  /* TIMER_HEALTH_KILL */
extern int health_reaped (pid_t pid, int wstat) ;  /* 1 if it was the check */
extern pid_t health_pid (void) ;
extern int notif_waiting (void) ; /* the readiness newline is still awaited */
extern void health_says_healthy (void) ;  /* in tm-supervise.c: a readiness */


/* ---- sv_sink.c: our stdout and stderr, written without ever waiting ---- */

#define SINK_MAX 65536          /* the backlog of a console stream */
#define STALL_MS 1000           /* a console that took nothing this long: lines are dropped */

typedef struct sink_s sink_t ;
struct sink_s
{
  tm_console_t con ;
  size_t len ;                  /* bytes waiting in buf */
  int blocked ;                 /* the console would wait: poll it for writing */
  int broken ;                  /* its reader is gone: everything is dropped */
  tain progress ;               /* when it last took something, or was last free */
  uint64_t dropped ;            /* lines dropped since the backlog last drained */
  char *buf ;                   /* SINK_MAX bytes, apart: untouched pages cost no memory */
} ;

extern sink_t sink[2] ;         /* stdout, stderr */
extern void sinks_init (void) ;
extern int sink_room (sink_t const *k, size_t n) ;  /* 1 fits, 0 wait, -1 drop */
extern char *sink_reserve (sink_t *k, size_t n) ;  /* after sink_room said 1 */
extern void sink_wrote (sink_t *k) ;
extern void sink_drop (sink_t *k) ;
extern void sink_put (sink_t *k, char const *s, size_t n) ;
extern int sink_flush (sink_t *k) ;   /* 1 all written, 0 it would wait */
extern uint64_t sink_dropped_total (void) ;

/* ---- sv_relay.c: [name]-prefixed relay of the service's stdout/stderr ---- */

#define RELAY_BUF 65536         /* what one read may bring: several lines of TM_LINE_MAX */

typedef struct relay_s relay_t ;
struct relay_s
{
  int rfd ;                     /* read end: we relay from it */
  int wfd ;                     /* write end: the service's fd 1 or 2 */
  sink_t *sink ;                /* where relayed lines go */
  size_t len ;
  int cont ;                    /* a line is under way: what comes continues it */
  int stuck ;                   /* a line waits for room in the console's backlog */
  int owing ;                   /* a run ended: owed bytes of it are still in the pipe, */
  size_t owed ;                 /* then its last line goes, newline or not */
  char *buf ;                   /* RELAY_BUF bytes, apart: untouched pages cost no memory */
} ;

extern relay_t relay[4] ;     /* stdout, stderr, log_file, pty */
extern void relay_init (relay_t *r, char const *fds) ;
extern int relay_read (relay_t *r) ;  /* 1 data, 0 none now, -1 the end */
extern void relay_run_over (void) ;   /* the service exited: what it wrote goes, to its last line */
extern void relay_drain (void) ;      /* the supervisor exits: all there is goes */
extern void relay_take (relay_t *r, size_t n) ;  /* n more bytes in r->buf */
extern void relay_flush (relay_t *r) ;
extern void relay_finish (relay_t *r) ;  /* the source ended: its last line too */
extern void relay_note (sink_t *k, char const *a, char const *b) ;  /* "[name] tm: ab" */
extern int relay_wants_read (relay_t const *r) ;
extern void relay_resume (void) ;   /* the console took some: waiting lines go on */
extern void relay_deadline (tain *d) ;  /* when waiting lines start to be dropped */
extern int relay_pty_open (char *slave, size_t max) ;  /* the master fd (relayed as stdout), -1 on error */
extern int relay_pty_read (void) ;    /* 1 data, 0 none now, -1 the end */
extern void relay_pty_close (void) ;

/* ---- sv_render.c: how a line looks on the console ---- */

enum { FORMAT_PREFIX, FORMAT_PLAIN, FORMAT_JSON } ;
enum { COLOUR_AUTO, COLOUR_ALWAYS, COLOUR_NEVER } ;
extern void render_init (char const *name, unsigned int width, int format, int colour, int timestamps) ;
extern void render_width (unsigned int width) ;
extern void render_stamp (void) ;     /* the lines relayed from now on carry this time */
extern size_t render_file_stamp (char *buf) ;   /* "TIME " for output_file, or nothing; buf >= 32 */
extern uint64_t render_ms (void) ;    /* that time, ms since the epoch */
extern size_t render_piece_max (sink_t const *k) ;
extern size_t render_need (sink_t const *k, char const *s, size_t n, int ends, int cont, int tm) ;
extern void render_out (sink_t *k, char const *s, size_t n, int ends, int cont, int tm) ;

/* ---- sv_json.c ---- */

#define JSON_HAS_SERVICE 1
#define JSON_HAS_STREAM 2
#define JSON_HAS_TIME 4
extern int json_object_scan (char const *s, size_t n, unsigned int *has, size_t *start, size_t *end) ;
extern size_t json_escape (char *out, size_t max, char const *s, size_t n, size_t *used) ;
extern size_t json_escaped_len (char const *s, size_t n) ;

/* ---- sv_logbuf.c: recent lines for tm-ctl logs ---- */

extern void logbuf_init (uint64_t bytes, gid_t gid) ;
extern void logbuf_put (uint64_t ms, char stream, char const *s, size_t n) ;

/* ---- sv_logfile.c: output_file and log_file ---- */

extern void outfile_init (char const *path, uint64_t max, unsigned int files) ;
extern void outfile_put (char const *ts, size_t tslen, char const *s, size_t n, int ends) ;
extern void outfile_span (char const *s, size_t n) ;
extern void outfile_flush (void) ;
extern void follow_init (char const *path) ;
extern int follow_poll (void) ;       /* 1: more to read at once */

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
extern char const *spawn_conf_init (char const *dir) ;  /* reads working-dir, env/, uid, gid, groups, run, health/check; 0, or what is wrong */
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
  int probe ;                   /* the environment has the health probe's target */
} ;
extern pid_t spawn_in_dir (char const *file, char const *const *argv, spawn_opts_t const *o) ;
extern int as_service_user (int (*op)(void *), void *arg, int *soft) ;  /* fd, or -1 with errno */
extern void spawn_conf_setenv (char const *kv) ;  /* start-up only; kv is kept */
extern void spawn_conf_probe (char const *kv) ;   /* the last of start-up; kv is kept */

/* ---- sv_notify.c: sd_notify ---- */

extern int notify_fd ;
extern void notify_init (char const *dir, char *env, size_t envmax) ;
extern void notify_read (void) ;
extern pid_t notify_mainpid (void) ;
extern void notify_reset (void) ;
extern void notify_ready (void) ;     /* in tm-supervise.c: READY=1 */
extern void notify_status (char const *s, size_t n) ;  /* STATUS= */

/* ---- readiness (tm-supervise.c) ---- */

extern tm_match_t *const ready_pattern ;
extern void (*relay_watch) (char const *s, size_t n) ;  /* each relayed line, while set */
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
extern peers_t deps, dependents ;
extern char const *svscan_file (char const *file) ;  /* SCANDIR/.tm-svscan/FILE in a static buffer, 0 if too long */
extern int peers_read (peers_t *ps, char const *listdir, int with_wait) ;  /* 0: error, errno set, ps empty */
extern void peers_free (peers_t *ps) ;
extern void peers_subscribe (peers_t *ps) ;
extern void peers_unsubscribe (peers_t *ps) ;
extern int peers_drain (peers_t *ps, unsigned int i) ;  /* 1 if fd i had events */
extern int peer_status (peer_t const *p, tm_status_t *s) ;  /* 1 read, 0 none (no supervisor or no status) */

#endif
