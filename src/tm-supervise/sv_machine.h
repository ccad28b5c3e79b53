/* ISC license. */

#ifndef TM_SV_MACHINE_H
#define TM_SV_MACHINE_H

/* tm-supervise's automaton: one phase, one event, one table
   (sv_machine.c). The effects it has on the world are the fx_ functions
   below: tm-supervise.c does them for real, tests/unit-machine.c records
   them. doc/tm-supervise.md draws the table. */

#include <sys/types.h>
#include <stdint.h>

#include <skalibs/tai.h>

#include "tm.h"
#include "tm_svdir.h"

enum phase_e
{
  P_DOWN,         /* nothing runs: STOPPED or FAILED */
  P_WAIT_DEPS,    /* PENDING: a dependency is not ready */
  P_WAIT_AFTER,   /* PENDING: the dependencies are ready, wait_after runs */
  P_PRE,          /* STARTING: pre-start runs */
  P_STARTING,     /* STARTING: spawned, not ready yet (a oneshot: until it exits) */
  P_UP,           /* RUNNING */
  P_HOLD,         /* shutting down: it runs on until its dependents have stopped */
  P_STOPPING,     /* STOPPING: the stop signal was sent */
  P_LEFTOVERS,    /* STOPPING: the main process is gone, what it left is stopped */
  P_FINISH,       /* STOPPING: finish runs */
  P_BACKOFF,      /* STARTING: waiting to start again */
  P_COUNT
} ;

enum event_e
{
  E_UP,           /* u: wanted up */
  E_ONCE,         /* o: up, not restarted when it ends */
  E_DOWN,         /* d, X: wanted down */
  E_RESTART,      /* r */
  E_SHUTDOWN,     /* S, SIGTERM: stop after the dependents, then exit */
  E_DEPS,         /* a dependency changed */
  E_DEPENDENTS,   /* a dependent changed */
  E_READY,        /* the readiness newline, or the first healthy check */
  E_UNHEALTHY,    /* the health check failed retries times */
  E_EXIT,         /* the main process exited */
  E_PRE_OK,       /* pre-start exited 0 */
  E_PRE_FAILED,   /* pre-start failed, was killed, or could not run */
  E_GONE,         /* what the run left behind is gone */
  E_FINISHED,     /* finish exited */
  T_START,        /* the back-off, or wait_after, is over */
  T_DEPS,         /* the dependencies took longer than timeout-dependencies */
  T_KILL,         /* stop_timeout is over */
  E_COUNT
} ;

/* timers: one array, one deadline */
enum timer_e
{
  TIMER_START, TIMER_DEPS, TIMER_KILL, TIMER_PRE, TIMER_FINISH,
  TIMER_POST_START, TIMER_POST_KILL, TIMER_HEALTH, TIMER_HEALTH_KILL,
  TIMER_RESUBSCRIBE, TIMER_FOLLOW, TIMER_DROPPED, TIMER_COUNT
} ;

enum restart_e { RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_NEVER } ;
enum script_e { SCRIPT_PRE, SCRIPT_POST, SCRIPT_FINISH } ;

typedef struct svconf_s svconf_t ;
struct svconf_s
{
  unsigned int timeout_kill ;   /* ms */
  int stop_signal ;
  int notif_fd ;                /* -1: no readiness notification */
  unsigned char restart ;
  unsigned int restart_delay ;  /* ms */
  unsigned int restart_max_delay ;
  unsigned int max_restarts ;   /* 0: no limit */
  unsigned int wait_after ;     /* ms, before the first start when there are no dependencies */
  unsigned int timeout_deps ;
  unsigned int timeout_script ;
  unsigned int post_start_delay ;
  int has_pre, has_post, has_finish ;
  int has_health ;              /* health/check: readiness and liveness */
  int pty ;
  int events ;                  /* [logging] events: tm's lines on the console */
  unsigned int health_interval, health_timeout, health_retries, health_start_period ;
  int health_restart ;          /* on_unhealthy = restart */
  int notify ;                  /* notify = "systemd": READY=1 on NOTIFY_SOCKET */
  int ready_line ;              /* ready_log_line */
} ;
#define SVCONF_NUMBER_DEFAULT(file, field, def) .field = def,
#define SVCONF_DEFAULTS \
{ \
  TM_SVD_NUMBERS(SVCONF_NUMBER_DEFAULT) \
  TM_SVD_HEALTH_NUMBERS(SVCONF_NUMBER_DEFAULT) \
  .stop_signal = SIGTERM, .notif_fd = -1, .restart = RESTART_ALWAYS, \
  .events = 1, .health_restart = 1 \
}

typedef struct machine_s machine_t ;
struct machine_s
{
  unsigned char phase ;
  unsigned char once ;          /* not restarted after this run */
  unsigned char restart_now ;   /* started again at once after this run */
  unsigned char exiting ;       /* the supervisor exits once the service is down */
  unsigned char waiting_after ; /* timer[TIMER_START] is wait_after's end */
  unsigned char stopped ;       /* this run was sent the stop signal */
  pid_t pgid ;                  /* the run's process group: its first pid, kept if MAINPID moves */
  pid_t pid_pre, pid_post, pid_finish ;
  unsigned int quick_failures ;
  unsigned int next_delay ;
  tain started ;                /* when the current run was spawned */
  tain timer[TIMER_COUNT] ;
} ;

extern svconf_t conf ;
extern tm_status_t st ;
extern machine_t machine ;

extern void machine_init (void) ;
extern void machine_event (unsigned int event) ;
extern int machine_busy (void) ;      /* a process of ours still runs */
extern void machine_post (void) ;     /* post-start's time has come (TIMER_POST_START) */
extern void machine_why (char const *why) ;  /* why the spawn under way failed (a static text) */
extern char const *const phase_names[P_COUNT] ;
extern char const *const event_names[E_COUNT] ;

extern void timer_in (unsigned int kind, unsigned int ms) ;
extern void timer_off (unsigned int kind) ;
extern void timer_next (tain *deadline) ;
extern unsigned int ms_since (tain const *t) ;

/* the machine's effects on the world */
extern pid_t fx_spawn_service (void) ;          /* 0: it could not run (errno) */
extern int fx_readiness (void) ;                /* 1: readiness is awaited (ready_fd, notify, a log line, a health check) */
extern pid_t fx_spawn_script (unsigned int which, int code, int sig) ;  /* 0: it could not run */
extern void fx_signal (pid_t group, int sig) ;  /* to a process group */
extern int fx_deps (char const **why, unsigned int *wait) ;  /* 1 ready (wait: ms of wait_after left), 0 waiting for *why, -1 *why failed */
extern void fx_deps_watch (int on) ;
extern int fx_dependents_down (void) ;          /* also reads the list again the first time */
extern void fx_dependents_watch (int on) ;
extern int fx_leftovers (int sig) ;             /* sig (0: none) to what the run left; 1 if there is some */
extern void fx_health (int on) ;
extern void fx_run_over (int code, int sig) ;   /* the run is over: drain its output */
extern void fx_commit (void) ;                  /* the status, to its file and the waiters */
extern void fx_required (void) ;                /* a required service ended for good */
extern void fx_say (char const *a, char const *b, char const *c) ;  /* a tm line on the console */

#endif
