/* ISC license. */

/* Unit test of tm-supervise's automaton, without processes: every cell of
   table[phase][event] is driven from a machine put in that phase, and the
   phase it leads to is checked against EXPECT below (the same map as
   doc/tm-supervise.md's). The effects are recorded, not done; a few cells
   and sequences also check them. */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <skalibs/tai.h>

#include "../src/tm-supervise/sv_machine.h"

static int failures = 0 ;
#define CHECK(name, cond) do { if (cond) printf("ok %s\n", name) ; else { printf("FAIL %s at line %d\n", name, __LINE__) ; failures++ ; } } while (0)

/* ---- the fake world ---- */

static char fx[1024] ;          /* what the machine did, "spawn pre sig15 ..." */
static int world_deps = 1 ;     /* what fx_deps answers */
static unsigned int world_wait = 0 ;
static int world_dependents_down = 1 ;
static int world_leftovers = 0 ;
static int world_spawn_fails = 0 ;

static void did (char const *s)
{
  if (strlen(fx) + strlen(s) + 2 < sizeof(fx)) { strcat(fx, s) ; strcat(fx, " ") ; }
}

pid_t fx_spawn_service (void)
{
  if (world_spawn_fails) { st.exit_code = 127 ; st.exit_signal = 0 ; did("spawn-failed") ; return 0 ; }
  did("spawn") ;
  return 200 ;
}

pid_t fx_spawn_script (unsigned int which, int code, int sig)
{
  static char const *const names[3] = { "pre", "post", "finish" } ;
  (void)code ; (void)sig ;
  did(names[which]) ;
  return 100 + which ;
}

void fx_signal (pid_t group, int sig)
{
  char s[32] ;
  snprintf(s, sizeof(s), "sig%d:%d", sig, (int)group) ;
  did(s) ;
}

int fx_readiness (void)
{
  return conf.notif_fd >= 0 || conf.has_health || conf.notify || conf.ready_line ;
}

int fx_deps (char const **why, unsigned int *wait)
{
  *why = "db" ;
  *wait = world_wait ;
  return world_deps ;
}

void fx_deps_watch (int on) { did(on ? "watch-deps" : "unwatch-deps") ; }
int fx_dependents_down (void) { return world_dependents_down ; }
void fx_dependents_watch (int on) { did(on ? "watch-dependents" : "unwatch-dependents") ; }

int fx_leftovers (int sig)
{
  if (sig) { char s[16] ; snprintf(s, sizeof(s), "left%d", sig) ; did(s) ; }
  return world_leftovers ;
}

void fx_health (int on) { did(on ? "health-on" : "health-off") ; }
void fx_run_over (int code, int sig) { (void)code ; (void)sig ; did("drain") ; }
void fx_commit (void) { }
void fx_required (void) { did("required") ; }
void fx_say (char const *a, char const *b, char const *c) { (void)a ; (void)b ; (void)c ; }

/* ---- a machine in each phase ---- */

static void world_reset (void)
{
  fx[0] = 0 ;
  world_deps = 1 ;
  world_wait = 0 ;
  world_dependents_down = 1 ;
  world_leftovers = 0 ;
  world_spawn_fails = 0 ;
}

static void fresh (void)
{
  tm_status_t z = TM_STATUS_ZERO ;
  svconf_t c = SVCONF_DEFAULTS ;
  conf = c ;
  conf.has_pre = 1 ;            /* a start goes through pre-start */
  conf.has_finish = 1 ;         /* a run's end through finish */
  conf.notif_fd = 3 ;           /* a spawned service waits for readiness */
  st = z ;
  strcpy(st.name, "svc") ;
  world_reset() ;
  machine_init() ;
  tain_now_set_stopwatch_g() ;
}

static void put (unsigned int phase, unsigned int event)
{
  fresh() ;
  st.want = 1 ;
  switch (phase)
  {
    case P_DOWN : st.want = 0 ; st.state = TM_STOPPED ; break ;
    case P_WAIT_DEPS : world_deps = 0 ; machine_event(E_UP) ; break ;
    case P_WAIT_AFTER :
      world_wait = event == T_START ? 0 : 60000 ;
      conf.has_pre = 1 ;
      machine.phase = P_DOWN ;
      machine_event(E_UP) ;      /* wait_after runs ... */
      if (event == T_START) { machine.phase = P_WAIT_AFTER ; machine.waiting_after = 1 ; }  /* ... and is over */
      break ;
    case P_PRE : machine_event(E_UP) ; break ;
    case P_STARTING : machine_event(E_UP) ; machine_event(E_PRE_OK) ; break ;
    case P_UP : machine_event(E_UP) ; machine_event(E_PRE_OK) ; machine_event(E_READY) ; break ;
    case P_HOLD :
      machine_event(E_UP) ; machine_event(E_PRE_OK) ; machine_event(E_READY) ;
      world_dependents_down = 0 ;
      machine_event(E_SHUTDOWN) ;
      world_dependents_down = 1 ;
      break ;
    case P_STOPPING : machine_event(E_UP) ; machine_event(E_PRE_OK) ; machine_event(E_DOWN) ; break ;
    case P_LEFTOVERS :
      machine_event(E_UP) ; machine_event(E_PRE_OK) ;
      world_leftovers = 1 ;
      machine_event(E_EXIT) ;
      world_leftovers = 0 ;
      break ;
    case P_FINISH : machine_event(E_UP) ; machine_event(E_PRE_OK) ; machine_event(E_EXIT) ; break ;
    case P_BACKOFF :
      conf.has_finish = 0 ;
      machine_event(E_UP) ; machine_event(E_PRE_OK) ; st.exit_code = 1 ; machine_event(E_EXIT) ;
      conf.has_finish = 1 ;
      break ;
  }
  fx[0] = 0 ;
}

/* where each event leads from each phase:
   D WAIT_DEPS=W WAIT_AFTER=A PRE=p STARTING=s UP=U HOLD=H STOPPING=S
   LEFTOVERS=L FINISH=F BACKOFF=B; the columns are the events, in order
   up once down restart shutdown deps dependents ready unhealthy exit
   pre-ok pre-failed gone finished t-start t-deps t-kill */
static char const *const expect[P_COUNT] =
{
  [P_DOWN] =       "ppDpDDDDDDDDDDDDD",
  [P_WAIT_DEPS] =  "WWDWDWWWWWWWWWWDW",
  [P_WAIT_AFTER] = "AADADAAAAAAAAApAA",
  [P_PRE] =        "ppppppppppsDppppp",
  [P_STARTING] =   "ssSSSssUSFsssssss",
  [P_UP] =         "UUSSSUUUSFUUUUUUU",
  [P_HOLD] =       "HHSHHHSHHFHHHHHHH",
  [P_STOPPING] =   "SSSSSSSSSFSSSSSSS",
  [P_LEFTOVERS] =  "LLLLLLLLLLLLFLLLL",
  [P_FINISH] =     "FFFFFFFFFFFFFBFFF",
  [P_BACKOFF] =    "ppDpDBBBBBBBBBpBB",
} ;

static char const letters[P_COUNT] = { 'D', 'W', 'A', 'p', 's', 'U', 'H', 'S', 'L', 'F', 'B' } ;

static void test_table (void)
{
  for (unsigned int p = 0 ; p < P_COUNT ; p++)
    for (unsigned int e = 0 ; e < E_COUNT ; e++)
    {
      char name[64] ;
      put(p, e) ;
      snprintf(name, sizeof(name), "machine/%s/%s", phase_names[p], event_names[e]) ;
      if (machine.phase != p) { printf("FAIL %s: could not put the machine in %s\n", name, phase_names[p]) ; failures++ ; continue ; }
      if (e == E_EXIT) st.exit_code = 1 ;
      machine_event(e) ;
      if (letters[machine.phase] == expect[p][e]) printf("ok %s\n", name) ;
      else { printf("FAIL %s: led to %s, expected %c (effects: %s)\n", name, phase_names[machine.phase], expect[p][e], fx) ; failures++ ; }
    }
}

/* the public state of each phase (SPEC §4) */
static void test_states (void)
{
  static unsigned char const want[P_COUNT] =
  {
    TM_STOPPED, TM_PENDING, TM_PENDING, TM_STARTING, TM_STARTING, TM_RUNNING, TM_RUNNING,
    TM_STOPPING, TM_STOPPING, TM_STOPPING, TM_STARTING
  } ;
  for (unsigned int p = 0 ; p < P_COUNT ; p++)
  {
    char name[64] ;
    put(p, E_UP) ;
    snprintf(name, sizeof(name), "state/%s", phase_names[p]) ;
    CHECK(name, st.state == want[p]) ;
  }
}

static void test_effects (void)
{
  put(P_STARTING, E_DOWN) ;
  machine_event(E_DOWN) ;
  CHECK("effect/stop-signals-the-group", strstr(fx, "sig15:200") && strstr(fx, "sig18:200") && tain_less(&machine.timer[TIMER_KILL], &tain_infinite)) ;
  put(P_STOPPING, T_KILL) ;
  machine_event(T_KILL) ;
  CHECK("effect/kill-after-timeout", strstr(fx, "sig9:200") != 0) ;
  put(P_LEFTOVERS, T_KILL) ;
  machine_event(T_KILL) ;
  CHECK("effect/leftovers-killed", strstr(fx, "left9") != 0) ;
  put(P_UP, E_SHUTDOWN) ;
  world_dependents_down = 0 ;
  machine_event(E_SHUTDOWN) ;
  CHECK("effect/hold-watches-dependents", machine.phase == P_HOLD && strstr(fx, "watch-dependents") && machine.exiting && !st.want) ;
  put(P_WAIT_DEPS, T_DEPS) ;
  machine_event(T_DEPS) ;
  CHECK("effect/dependency-timeout", st.state == TM_FAILED && !strncmp(st.reason, "dependency timeout: db", 22)) ;
  put(P_DOWN, E_UP) ;
  world_deps = -1 ;
  machine_event(E_UP) ;
  CHECK("effect/dependency-failed", st.state == TM_FAILED && !strcmp(st.reason, "dependency failed: db") && strstr(fx, "required")) ;
}

/* runs to their end, by the restart policy */
static void test_sequences (void)
{
  /* a crash loop to FAILED: max_restarts 2, three runs */
  fresh() ;
  conf.has_pre = conf.has_finish = 0 ; conf.notif_fd = -1 ; conf.max_restarts = 2 ;
  st.want = 1 ;
  machine_event(E_UP) ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    st.exit_code = 1 ;
    machine_event(E_EXIT) ;
    if (i < 2) machine_event(T_START) ;
  }
  CHECK("sequence/too-many-restarts", machine.phase == P_DOWN && st.state == TM_FAILED && !strcmp(st.reason, "too many restarts") && st.restarts == 2) ;
  /* a oneshot that exits 0 is done, ready */
  fresh() ;
  conf.has_pre = conf.has_finish = 0 ; conf.notif_fd = -1 ;
  st.type = TM_ONESHOT ; st.want = 1 ;
  machine_event(E_UP) ;
  CHECK("sequence/oneshot-runs", st.state == TM_STARTING && !st.ready) ;
  st.exit_code = 0 ;
  machine_event(E_EXIT) ;
  CHECK("sequence/oneshot-done", st.state == TM_STOPPED && st.ready && !strcmp(st.reason, "completed")) ;
  /* once: not restarted */
  fresh() ;
  conf.has_pre = conf.has_finish = 0 ; conf.notif_fd = -1 ;
  machine_event(E_ONCE) ;
  st.exit_code = 1 ;
  machine_event(E_EXIT) ;
  CHECK("sequence/once", machine.phase == P_DOWN && st.state == TM_FAILED && !st.want) ;
  /* restart: a new run at once, not counted */
  fresh() ;
  conf.has_pre = conf.has_finish = 0 ; conf.notif_fd = -1 ;
  st.want = 1 ;
  machine_event(E_UP) ;
  machine_event(E_RESTART) ;
  st.exit_code = -1 ; st.exit_signal = SIGTERM ;
  fx[0] = 0 ;
  machine_event(E_EXIT) ;
  CHECK("sequence/restart", machine.phase == P_UP && strstr(fx, "spawn") && !st.restarts) ;
  /* on-failure: a clean exit stays down */
  fresh() ;
  conf.has_pre = conf.has_finish = 0 ; conf.notif_fd = -1 ; conf.restart = RESTART_ON_FAILURE ;
  st.want = 1 ;
  machine_event(E_UP) ;
  st.exit_code = 0 ;
  machine_event(E_EXIT) ;
  CHECK("sequence/on-failure-clean-exit", machine.phase == P_DOWN && st.state == TM_STOPPED && !strcmp(st.reason, "exited")) ;
  /* a spawn that fails is an exit 127, backed off */
  fresh() ;
  conf.has_pre = conf.has_finish = 0 ; conf.notif_fd = -1 ;
  world_spawn_fails = 1 ;
  st.want = 1 ;
  machine_event(E_UP) ;
  CHECK("sequence/spawn-failed", machine.phase == P_BACKOFF && st.exit_code == 127) ;
  /* d then u while pre-start runs: its end (killed by the d) is no
     failure, and the u starts it again; a required service must not shut
     the system down for it */
  fresh() ;
  st.want = 1 ; st.required = 1 ;
  machine_event(E_UP) ;
  machine_event(E_DOWN) ;
  machine_event(E_UP) ;
  fx[0] = 0 ;
  machine.pid_pre = 0 ;
  machine_event(E_PRE_FAILED) ;
  CHECK("sequence/down-up-in-pre", machine.phase == P_PRE && st.state == TM_STARTING && strstr(fx, "pre") && !strstr(fx, "required")) ;
  /* d alone while pre-start runs: STOPPED, not FAILED */
  fresh() ;
  st.want = 1 ; st.required = 1 ;
  machine_event(E_UP) ;
  machine_event(E_DOWN) ;
  machine.pid_pre = 0 ;
  machine_event(E_PRE_FAILED) ;
  CHECK("sequence/down-in-pre", machine.phase == P_DOWN && st.state == TM_STOPPED && !strstr(fx, "required")) ;
  /* shutdown while held: the dependents stop, then it does, then the exit */
  fresh() ;
  conf.has_pre = conf.has_finish = 0 ; conf.notif_fd = -1 ;
  st.want = 1 ;
  machine_event(E_UP) ;
  world_dependents_down = 0 ;
  machine_event(E_SHUTDOWN) ;
  world_dependents_down = 1 ;
  machine_event(E_DEPENDENTS) ;
  st.exit_code = -1 ; st.exit_signal = SIGTERM ;
  machine_event(E_EXIT) ;
  CHECK("sequence/ordered-shutdown", machine.phase == P_DOWN && st.state == TM_STOPPED && !strcmp(st.reason, "stopped") && machine.exiting && !machine_busy()) ;
}

int main (void)
{
  test_table() ;
  test_states() ;
  test_effects() ;
  test_sequences() ;
  return !!failures ;
}
