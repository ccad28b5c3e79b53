/* ISC license. */

#ifndef TM_H
#define TM_H

#include <sys/types.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <skalibs/tai.h>

#define TM_SCANDIR_DEFAULT "/run/tm/services"
#define TM_NAME_MAX 255         /* a service dir name (compiled names are <= 64) */
#define TM_REASON_MAX 127
#define TM_STATUS_MAX 1024      /* a formatted status file always fits in this */
#define TM_LINE_MAX 16384       /* relayed log lines longer than this are split */

enum tm_state_e
{
  TM_PENDING,
  TM_STARTING,
  TM_RUNNING,
  TM_STOPPING,
  TM_STOPPED,
  TM_FAILED,
  TM_NSTATES
} ;

enum tm_health_e { TM_HEALTH_NONE, TM_HEALTH_STARTING, TM_HEALTH_HEALTHY, TM_HEALTH_UNHEALTHY } ;
enum tm_type_e { TM_LONGRUN, TM_ONESHOT } ;

typedef struct tm_status_s tm_status_t ;
struct tm_status_s
{
  char name[TM_NAME_MAX + 1] ;
  unsigned char state ;
  unsigned char want ;          /* 1 up, 0 down */
  unsigned char ready ;
  unsigned char health ;
  unsigned char required ;
  unsigned char type ;
  pid_t pid ;
  pid_t supervisor ;            /* the writer: tells a fresh status from a dead supervisor's */
  uint64_t since ;              /* wall clock, milliseconds since the epoch */
  unsigned int restarts ;
  int exit_code ;               /* -1: none yet */
  int exit_signal ;             /* 0: none */
  uint64_t dropped ;            /* log lines dropped: the console did not read them */
  uint64_t pid_start ;          /* pid's start time (tm_proc_starttime): pid names this process only */
  char status_text[TM_REASON_MAX + 1] ;  /* what the service said of itself (sd_notify STATUS=) */
  char reason[TM_REASON_MAX + 1] ;
} ;
#define TM_STATUS_ZERO { .name = "", .state = TM_STOPPED, .want = 0, .ready = 0, .health = TM_HEALTH_NONE, .required = 0, .type = TM_LONGRUN, .pid = 0, .supervisor = 0, .since = 0, .restarts = 0, .exit_code = -1, .exit_signal = 0, .dropped = 0, .pid_start = 0, .status_text = "", .reason = "" }

/* tm_status.c */
extern char const *const tm_state_names[TM_NSTATES] ;
extern char const *const tm_health_names[4] ;
extern int tm_state_scan (char const *s) ;           /* -1 if unknown */
extern size_t tm_status_fmt (char *buf, tm_status_t const *st) ;  /* buf: TM_STATUS_MAX */
extern int tm_status_parse (char const *s, size_t len, tm_status_t *st) ; /* 1 ok, 0 malformed */
extern int tm_status_read (char const *file, tm_status_t *st) ;   /* 1 ok, 0 no file, -1 error */
extern int tm_status_write (char const *file, tm_status_t const *st) ; /* atomic; 1 ok, 0 error */
extern void tm_status_setreason (tm_status_t *st, char const *a, char const *b) ;
extern uint64_t tm_wallclock_ms (void) ;
extern size_t tm_ms_fmt (char *buf, uint64_t ms) ;   /* "1764164709.123" ; buf >= 32 */

/* tm_svfile.c: small one-value files in a service directory */
extern int tm_svfile_read (char const *file, char *buf, size_t max) ;  /* length, -1 absent, -2 error; strips trailing whitespace */
extern int tm_svfile_uint (char const *file, unsigned int *u) ;     /* 1 read, 0 absent, -1 bad/error */
extern int tm_svfile_exists (char const *file) ;

/* tm_signal.c */
extern int tm_signal_scan (char const *s) ;     /* "TERM", "SIGTERM", "15" -> 15; 0 if unknown */
extern char const *tm_signal_name (int sig) ;   /* "SIGTERM"; "SIG15" style for unknown */
extern char tm_signal_letter (int sig) ;        /* control FIFO letter, 0 if none */
extern int tm_letter_signal (char c) ;          /* 0 if not a signal letter */

/* tm_fifodir.c: s6-style event fifodirs */
extern int tm_fifodir_make (char const *dir, gid_t gid) ;      /* 1 ok, 0 error */
extern void tm_fifodir_notify (char const *dir, char byte) ;   /* best effort, no allocation */
extern int tm_fifodir_listen (char const *dir, char *fifo, size_t fifomax) ; /* fd, or -1 */

/* tm_fifo.c */
extern int tm_mkfifo (char const *path, mode_t mode) ;        /* 1 ok (created or present), 0 error */
extern int tm_control_write (char const *fifo, char const *s, size_t len) ; /* 1 ok, 0 no reader (ENXIO/ENOENT), -1 other error */

/* tm_lock.c: lock files, root's only (0600) */
extern int tm_lock_open (char const *path) ;     /* fd, made or fixed 0600 and ours; -1 on error */
extern pid_t tm_lock_holder (char const *path) ; /* who holds a lock on it, 0 if none or unknown:
                                                    F_GETLK when we may open it, else /proc/locks */

/* tm_sigmask.c: the signal mask we were started with */
extern void tm_sigmask_save (void) ;             /* first thing in main */
extern sigset_t const *tm_sigmask_saved (void) ;
extern void tm_sigmask_allow (int) ;              /* not blocked in what we start */
extern void tm_sigmask_restore (void) ;          /* in a child before exec; async-signal-safe */

/* tm_suggest.c: the closest of names to s if it is a likely typo, else 0 */
extern char const *tm_suggest (char const *s, char const *const *names, unsigned int n) ;

/* tm_usage.c: --help (-h) or --version (-V) as the first argument: the
   exit code after answering, -1 when it is neither */
extern int tm_usage_answer (int argc, char const *const *argv, char const *prog, char const *help, size_t helplen) ;

/* tm_self.c */
extern int tm_self_path (char *buf, size_t max) ;   /* /proc/self/exe; 1 ok */
extern char const *tm_sibling (char const *name, char *buf, size_t max) ;  /* beside us if there, else name (PATH) */

/* tm_names.c */
#define TM_CONFIG_NDEFAULTS 2
extern char const *const tm_config_defaults[TM_CONFIG_NDEFAULTS] ;  /* where services.toml is looked for, in order */
#define TM_NLINKS 4
extern char const *const tm_link_names[TM_NLINKS] ;  /* tm-ctl and the seed's names, all links to tm-ctl */
/* a b c into buf of max bytes; 0 (errno ENAMETOOLONG) when it does not fit */
extern char *tm_path_cat (char *buf, size_t max, char const *a, char const *b, char const *c) ;
/* the first DIR/name (DIR in the colon-separated path) for which ok()
   says yes, in buf (max bytes); 1 found, 0 not (too long ones skipped) */
extern int tm_path_search (char const *path, char const *name, char *buf, size_t max, int (*ok) (char const *)) ;

/* tm_console.c: writes to the shared console that never wait for its reader */
typedef struct tm_console_s tm_console_t ;
struct tm_console_s
{
  int fd ;                      /* what to write to, and to poll for writing */
  unsigned char how ;
  size_t atom ;                 /* the most one write may carry: PIPE_BUF but for files */
} ;
extern void tm_console_init (tm_console_t *c, int fd) ;  /* after any change to SIGALRM's disposition */
extern ssize_t tm_console_write (tm_console_t *c, char const *s, size_t n) ;  /* -1 EAGAIN: it would wait */
extern void tm_console_stderr_nowait (void) ;  /* strerr's messages: dropped, never waited for */

/* tm_match.c: ready_log_line's patterns, POSIX extended regular expressions
   (C locale, as regexec with REG_EXTENDED|REG_NOSUB answers "does the line
   hold a match"), compiled once into a fixed program, matched without
   allocation or recursion in time linear in the line */
#define TM_MATCH_MAX 1024       /* instructions of a compiled pattern */
#define TM_MATCH_SETS 64        /* distinct bracket expressions in it */
typedef struct tm_match_insn_s tm_match_insn_t ;
struct tm_match_insn_s
{
  unsigned char op, c ;         /* c: the character, or the set's index */
  uint16_t x ;                  /* a jump's target */
} ;
typedef struct tm_match_s tm_match_t ;
struct tm_match_s
{
  unsigned int n ;              /* instructions, or the literal's length */
  unsigned char literal, bol, eol, nsets ;  /* literal: plain text, maybe anchored */
  union
  {
    tm_match_insn_t prog[TM_MATCH_MAX] ;
    char text[TM_MATCH_MAX * sizeof(tm_match_insn_t)] ;
  } u ;
  unsigned char sets[TM_MATCH_SETS][32] ;
} ;
extern int tm_match_compile (tm_match_t *m, char const *pattern, char const **why) ;  /* 1 ok, 0 *why */
extern int tm_match (tm_match_t const *m, char const *s, size_t len) ;  /* 1 if s holds a match */

/* tm_time.c */
#define TM_RFC3339_LEN 24
extern size_t tm_rfc3339_fmt (char *buf, uint64_t ms) ;  /* "2026-11-26T18:15:00.123Z", not terminated */
/* tm_deadline.c, tm_iopause.c */
extern void tm_deadline_in (tain *d, unsigned int ms) ;  /* *d = now (the global stamp) + ms */
extern void tm_iopause_backoff (void) ;  /* after a failed iopause: a warning, 100 ms of pause */

/* tm_dir.c: f(name, d_type, arg) for every entry of the directory open on
   fd, read into buf (len bytes): no allocation. 1 done, 0 error (errno) */
extern int tm_dir_each (int fd, char *buf, size_t len, void (*f) (char const *name, unsigned char type, void *arg), void *arg) ;

/* tm_proc.c */
extern int tm_proc_stat (pid_t pid, unsigned int first, unsigned int n, uint64_t *v) ;  /* 1 ok, 0 no such process */
extern int tm_proc_starttime (pid_t pid, uint64_t *t) ;  /* 1 ok, 0 no such process */

/* tm_env.c */
extern char const *tm_scandir (char const *opt) ;   /* opt, else $TM_SCANDIR, else the default */
extern int tm_secs_scan (char const *s, tain *t) ;  /* "1.5" -> 1.5 s; 1 ok, 0 bad */

#endif
