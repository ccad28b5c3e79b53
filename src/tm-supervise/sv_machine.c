/* ISC license. */

/* tm-supervise's automaton. The service is in one phase; what happens to
   it (a command, a child's exit, readiness, a dependency, a timer) is one
   event; table[phase][event] is the one place that decides what follows,
   and an empty cell means the event changes nothing in that phase. The
   public state of SPEC §4 is derived from the phase (public_state). Three
   flags refine what a run's end leads to: once, restart_now, exiting. The
   world is touched only through the fx_ functions (sv_machine.h). */

#include <signal.h>
#include <string.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>

#include "sv_machine.h"

#define QUICK_MS 10000          /* a run shorter than this is a quick failure */
#define MIN_BACKOFF_MS 100      /* quick failures wait at least this, doubled: never a busy loop ... */
#define FLOOR_BACKOFF_MS 1000   /* ... up to at least this, whatever restart_max_delay says */
#define RESUBSCRIBE_MS 500      /* peers whose event/ was not there yet: looked at again */

svconf_t conf = SVCONF_DEFAULTS ;
tm_status_t st = TM_STATUS_ZERO ;
machine_t machine ;
static tain wait_until ;        /* the end of wait_after, once every dependency is ready */
static char const *spawn_why = 0 ;  /* why the last spawn failed */

char const *const phase_names[P_COUNT] =
{
  "DOWN", "WAIT_DEPS", "WAIT_AFTER", "PRE", "STARTING", "UP", "HOLD", "STOPPING", "LEFTOVERS", "FINISH", "BACKOFF"
} ;

char const *const event_names[E_COUNT] =
{
  "up", "once", "down", "restart", "shutdown", "deps", "dependents", "ready", "unhealthy",
  "exit", "pre-ok", "pre-failed", "gone", "finished", "t-start", "t-deps", "t-kill"
} ;

/* ---- time ---- */

void timer_in (unsigned int kind, unsigned int ms)
{
  tm_deadline_in(&machine.timer[kind], ms) ;
}

void timer_off (unsigned int kind)
{
  machine.timer[kind] = tain_infinite ;
}

void timer_next (tain *deadline)
{
  *deadline = tain_infinite ;
  for (unsigned int i = 0 ; i < TIMER_COUNT ; i++)
    if (tain_less(&machine.timer[i], deadline)) *deadline = machine.timer[i] ;
}

unsigned int ms_since (tain const *t)
{
  tain d ;
  int ms ;
  tain_sub(&d, &STAMP, t) ;
  ms = tain_to_millisecs(&d) ;
  return ms < 0 ? 0x7fffffff : ms ;
}

/* "2.5 s", "12 s", "3 min" */
static char const *duration (unsigned int ms)
{
  static char buf[UINT_FMT + 8] ;
  size_t n ;
  if (ms < 10000)
  {
    /* "2 s" as SPEC §8 writes it, "0.5 s": tenths only when there are any */
    n = uint_fmt(buf, ms / 1000) ;
    if (ms / 100 % 10) { buf[n++] = '.' ; buf[n++] = '0' + ms / 100 % 10 ; }
    memcpy(buf + n, " s", 3) ;
  }
  else if (ms < 120000) { n = uint_fmt(buf, ms / 1000) ; memcpy(buf + n, " s", 3) ; }
  else { n = uint_fmt(buf, ms / 60000) ; memcpy(buf + n, " min", 5) ; }
  return buf ;
}

/* ---- the public state ---- */

static unsigned char public_state (unsigned char failed)
{
  switch (machine.phase)
  {
    case P_DOWN : return failed ? TM_FAILED : TM_STOPPED ;
    case P_WAIT_DEPS : case P_WAIT_AFTER : return TM_PENDING ;
    case P_PRE : case P_STARTING : case P_BACKOFF : return TM_STARTING ;
    case P_UP : return TM_RUNNING ;
    case P_HOLD : return st.ready ? TM_RUNNING : TM_STARTING ;
    default : return TM_STOPPING ;
  }
}

/* into a phase, with the reason of SPEC §4 */
static void enter (unsigned char phase, char const *reason, char const *more)
{
  machine.phase = phase ;
  st.state = public_state(st.state == TM_FAILED) ;
  st.since = tm_wallclock_ms() ;
  tm_status_setreason(&st, reason ? reason : "", more) ;
  fx_commit() ;
}

/* PENDING for a reason; the status is written only when it changes */
static void pending (unsigned char phase, char const *reason, char const *more)
{
  tm_status_t t = st ;
  tm_status_setreason(&t, reason, more) ;
  if (st.state == TM_PENDING && !strcmp(t.reason, st.reason)) { machine.phase = phase ; return ; }
  enter(phase, reason, more) ;
}

static void down (int failed, char const *reason, char const *more)
{
  st.state = failed ? TM_FAILED : TM_STOPPED ;
  enter(P_DOWN, reason, more) ;
}

/* a final end: a required service's shuts the system down */
static void end_for_good (int failed, char const *reason, char const *more)
{
  down(failed, reason, more) ;
  fx_required() ;
}

/* ---- starting ---- */

static void deps_done (void)
{
  fx_deps_watch(0) ;
  timer_off(TIMER_DEPS) ;
  timer_off(TIMER_RESUBSCRIBE) ;
  machine.waiting_after = 0 ;
}

static void fail (char const *reason, char const *more)
{
  deps_done() ;
  timer_off(TIMER_START) ;
  st.exit_code = -1 ;
  st.exit_signal = 0 ;
  fx_say("FAILED: ", reason, more) ;
  end_for_good(1, reason, more) ;
}

static void exited (void) ;

static void spawn (void)
{
  char pidfmt[PID_FMT] ;
  tain_copynow(&machine.started) ;
  machine.restart_now = 0 ;
  machine.stopped = 0 ;
  st.ready = 0 ;
  spawn_why = 0 ;
  st.pid = fx_spawn_service() ;
  if (!st.pid) { exited() ; return ; }  /* as an exit: fx_spawn_service set its code, and spawn_why */
  machine.pgid = st.pid ;
  pidfmt[pid_fmt(pidfmt, st.pid)] = 0 ;
  fx_say("started, pid ", pidfmt, 0) ;
  if (conf.has_health && st.type != TM_ONESHOT) fx_health(1) ;
  if (st.type == TM_ONESHOT) enter(P_STARTING, "running", 0) ;
  else if (fx_readiness())
    enter(P_STARTING, conf.has_health && conf.notif_fd < 0 && !conf.notify && !conf.ready_line ? "waiting for a healthy check" : "waiting for readiness", 0) ;
  else
  {
    if (conf.has_post) timer_in(TIMER_POST_START, conf.post_start_delay) ;
    st.ready = 1 ;
    enter(P_UP, 0, 0) ;
  }
}

/* the next step towards a running service, from a phase where nothing runs */
static void start (void)
{
  char const *why = 0 ;
  unsigned int wait ;
  int r ;
  if (!st.want || machine.exiting) return ;
  r = fx_deps(&why, &wait) ;
  if (r < 0) { fail("dependency failed: ", why) ; return ; }
  if (!r)
  {
    machine.waiting_after = 0 ;
    if (machine.phase != P_WAIT_DEPS)
    {
      timer_in(TIMER_DEPS, conf.timeout_deps) ;
      timer_in(TIMER_RESUBSCRIBE, RESUBSCRIBE_MS) ;
      fx_deps_watch(1) ;
    }
    pending(P_WAIT_DEPS, "waiting for dependency: ", why) ;
    return ;
  }
  /* the end of the wait is set once, on the monotonic clock */
  if (!machine.waiting_after)
  {
    tain t ;
    machine.waiting_after = 1 ;
    tain_from_millisecs(&t, wait) ;
    tain_add_g(&wait_until, &t) ;
  }
  if (tain_future(&wait_until))
  {
    machine.timer[TIMER_START] = wait_until ;
    pending(P_WAIT_AFTER, "wait_after", 0) ;
    return ;
  }
  deps_done() ;
  timer_off(TIMER_START) ;
  if (conf.has_pre)
  {
    st.ready = 0 ;
    machine.stopped = 0 ;
    machine.pid_pre = fx_spawn_script(SCRIPT_PRE, 0, 0) ;
    if (!machine.pid_pre) { fail("unable to run pre_script", 0) ; return ; }
    timer_in(TIMER_PRE, conf.timeout_script) ;
    enter(P_PRE, "running pre_script", 0) ;
    return ;
  }
  spawn() ;
}

static void run_post (void)
{
  timer_off(TIMER_POST_START) ;
  if (!conf.has_post || machine.pid_post || !st.pid) return ;
  machine.pid_post = fx_spawn_script(SCRIPT_POST, 0, 0) ;
  if (machine.pid_post) timer_in(TIMER_POST_KILL, conf.timeout_script) ;
}

void machine_why (char const *why)
{
  spawn_why = why ;
}

void machine_post (void)
{
  run_post() ;
}

/* ---- stopping ---- */

static void stop (void)
{
  if (machine.pid_pre) { machine.stopped = 1 ; fx_signal(machine.pid_pre, SIGTERM) ; }
  if (!st.pid) return ;
  machine.stopped = 1 ;
  fx_signal(machine.pgid, conf.stop_signal) ;
  if (conf.stop_signal != SIGCONT && conf.stop_signal != SIGKILL) fx_signal(machine.pgid, SIGCONT) ;
  if (machine.phase == P_STOPPING) return ;
  timer_in(TIMER_KILL, conf.timeout_kill) ;
  enter(P_STOPPING, "stop signal sent", 0) ;
}

/* "exited with code 1, " or "killed by SIGKILL, ", then what comes next:
   the shape of SPEC §8's example, "exited with code 1, restarting in 2 s
   (2 of 5)" */
static void say_exit (char const *next, char const *more)
{
  char line[80] ;
  size_t n ;
  if (st.exit_signal)
  {
    char const *sig = tm_signal_name(st.exit_signal) ;
    memcpy(line, "killed by ", 10) ; n = 10 ;
    memcpy(line + n, sig, strlen(sig)) ; n += strlen(sig) ;
  }
  else
  {
    memcpy(line, "exited with code ", 17) ; n = 17 ;
    n += int_fmt(line + n, st.exit_code) ;
  }
  memcpy(line + n, ", ", 3) ;
  fx_say(line, next, more) ;
}

static void schedule_restart (void)
{
  char line[64] ;
  size_t n ;
  if (ms_since(&machine.started) >= QUICK_MS)
  {
    machine.quick_failures = 0 ;
    machine.next_delay = conf.restart_delay ;
  }
  else machine.quick_failures++ ;
  if (conf.max_restarts && machine.quick_failures > conf.max_restarts)
  {
    say_exit("FAILED: ", "too many restarts") ;
    end_for_good(1, "too many restarts", 0) ;
    return ;
  }
  if (machine.quick_failures)
  {
    /* even with restart_delay = 0, a service that dies at once backs off */
    unsigned int floor = MIN_BACKOFF_MS << (machine.quick_failures > 8 ? 8 : machine.quick_failures - 1) ;
    unsigned int cap = conf.restart_max_delay > FLOOR_BACKOFF_MS ? conf.restart_max_delay : FLOOR_BACKOFF_MS ;
    if (machine.next_delay < floor) machine.next_delay = floor < cap ? floor : cap ;
  }
  timer_in(TIMER_START, machine.next_delay) ;
  memcpy(line, "restarting in ", 14) ; n = 14 ;
  memcpy(line + n, duration(machine.next_delay), strlen(duration(machine.next_delay))) ; n += strlen(duration(machine.next_delay)) ;
  if (conf.max_restarts)
  {
    memcpy(line + n, " (", 2) ; n += 2 ;
    n += uint_fmt(line + n, machine.quick_failures ? machine.quick_failures : 1) ;
    memcpy(line + n, " of ", 4) ; n += 4 ;
    n += uint_fmt(line + n, conf.max_restarts) ;
    line[n++] = ')' ;
  }
  line[n] = 0 ;
  say_exit(line, 0) ;
  machine.next_delay = machine.next_delay > conf.restart_max_delay / 2 ? conf.restart_max_delay : machine.next_delay * 2 ;
  st.restarts++ ;
  enter(P_BACKOFF, spawn_why ? spawn_why : "restart back-off", 0) ;
}

/* the run and its finish script are over: what next */
static void after_exit (void)
{
  int success = !st.exit_signal && !st.exit_code ;
  if (!st.want)
  {
    say_exit("stopped", 0) ;
    down(0, machine.stopped ? "stopped" : "exited", 0) ;
    return ;
  }
  if (machine.restart_now) { say_exit("restarting now", 0) ; start() ; return ; }
  if (st.type == TM_ONESHOT && success)
  {
    st.ready = 1 ;
    say_exit("done", 0) ;
    end_for_good(0, "completed", 0) ;
    return ;
  }
  if (machine.once)
  {
    machine.once = 0 ;
    st.want = 0 ;
    say_exit(success ? "stopped" : "FAILED: ", success ? 0 : "exited") ;
    end_for_good(!success, "exited", 0) ;
    return ;
  }
  if (conf.restart == RESTART_NEVER || (conf.restart == RESTART_ON_FAILURE && success))
  {
    char const *why = success ? "exited" : spawn_why ? spawn_why : "failed, restart policy never" ;
    say_exit(success ? "done" : "FAILED: ", success ? 0 : why) ;
    end_for_good(!success, why, 0) ;
    return ;
  }
  schedule_restart() ;
}

static void run_over (void)
{
  if (conf.has_finish)
  {
    machine.pid_finish = fx_spawn_script(SCRIPT_FINISH, st.exit_code, st.exit_signal) ;
    if (machine.pid_finish)
    {
      timer_in(TIMER_FINISH, conf.timeout_script) ;
      enter(P_FINISH, "running finish_script", 0) ;
      return ;
    }
  }
  after_exit() ;
}

/* the main process is gone (st.exit_code and exit_signal say how): the
   run is over once what it left behind is gone too */
static void exited (void)
{
  fx_health(0) ;
  timer_off(TIMER_POST_START) ;
  fx_run_over(st.exit_code, st.exit_signal) ;
  st.pid = 0 ;
  st.pid_start = 0 ;
  st.ready = 0 ;
  if (fx_leftovers(conf.stop_signal))
  {
    /* they get SIGKILL once stop_timeout is over (a stop's own deadline, if one runs) */
    if (machine.phase != P_STOPPING) timer_in(TIMER_KILL, conf.timeout_kill) ;
    enter(P_LEFTOVERS, "stopping what the service left behind", 0) ;
    return ;
  }
  timer_off(TIMER_KILL) ;
  run_over() ;
}

/* ---- the actions of the table ---- */

static void want (int up, int once)
{
  st.want = up ;
  machine.once = once ;
  if (!up) machine.restart_now = 0 ;
}

static void a_up (void)
{
  int again = machine.phase == P_DOWN || machine.phase == P_BACKOFF ;
  want(1, 0) ;
  if (!again) return ;
  machine.quick_failures = 0 ;
  machine.next_delay = conf.restart_delay ;
  timer_off(TIMER_START) ;
  start() ;
}

static void a_once (void)
{
  a_up() ;
  machine.once = 1 ;
}

static void a_up_while_running (void)
{
  want(1, 0) ;
}

static void a_once_while_running (void)
{
  want(1, 1) ;
}

static void a_recheck (void)
{
  start() ;
}

/* down while nothing runs */
static void a_down_idle (void)
{
  want(0, 0) ;
  timer_off(TIMER_START) ;
  deps_done() ;
  if (machine.phase == P_DOWN && st.state != TM_FAILED && st.state != TM_STOPPED) down(0, "stopped", 0) ;
  else if (machine.phase == P_DOWN) fx_commit() ;
  else { fx_say("stopped", 0, 0) ; down(0, "stopped", 0) ; }
}

static void a_down_running (void)
{
  want(0, 0) ;
  stop() ;
}

static void a_down_pre (void)
{
  want(0, 0) ;
  stop() ;  /* pre-start gets SIGTERM; its end says STOPPED */
}

static void a_down_ending (void)
{
  want(0, 0) ;
}

static void a_restart_running (void)
{
  want(1, 0) ;
  machine.restart_now = 1 ;
  stop() ;
}

static void a_restart_ending (void)
{
  want(1, 0) ;
  machine.restart_now = 1 ;
}

static void a_shutdown_idle (void)
{
  machine.exiting = 1 ;
  a_down_idle() ;
}

static void a_shutdown_pre (void)
{
  machine.exiting = 1 ;
  a_down_pre() ;
}

static void a_shutdown_running (void)
{
  machine.exiting = 1 ;
  want(0, 0) ;
  if (fx_dependents_down()) { stop() ; return ; }
  fx_dependents_watch(1) ;
  timer_in(TIMER_RESUBSCRIBE, RESUBSCRIBE_MS) ;
  enter(P_HOLD, "waiting for dependents to stop", 0) ;
}

static void a_shutdown_ending (void)
{
  machine.exiting = 1 ;
  want(0, 0) ;
}

static void a_dependents (void)
{
  if (!fx_dependents_down()) return ;
  fx_dependents_watch(0) ;
  timer_off(TIMER_RESUBSCRIBE) ;
  stop() ;
}

static void a_ready (void)
{
  st.ready = 1 ;
  fx_say("ready after ", duration(ms_since(&machine.started)), 0) ;
  if (machine.phase == P_STARTING) enter(P_UP, 0, 0) ;
  else { st.state = TM_RUNNING ; fx_commit() ; }  /* held for its dependents, but ready */
  run_post() ;
}

static void a_unhealthy (void)
{
  if (!conf.health_restart) return ;
  fx_say("unhealthy: restarting", 0, 0) ;
  st.restarts++ ;
  a_restart_running() ;
}

static void a_exit (void)
{
  exited() ;
}

static void a_pre_ok (void)
{
  timer_off(TIMER_PRE) ;
  if (!st.want || machine.exiting) { down(0, "stopped", 0) ; return ; }
  spawn() ;
}

static void a_pre_failed (void)
{
  timer_off(TIMER_PRE) ;
  if (!st.want || machine.exiting) { down(0, "stopped", 0) ; return ; }
  /* stopped, then wanted up again before it ended: a new start */
  if (machine.stopped) { start() ; return ; }
  st.exit_code = -1 ;
  st.exit_signal = 0 ;
  fx_say("FAILED: ", st.reason, 0) ;
  end_for_good(1, st.reason, 0) ;  /* the reap said why, in the reason */
}

static void a_gone (void)
{
  timer_off(TIMER_KILL) ;
  run_over() ;
}

static void a_finished (void)
{
  timer_off(TIMER_FINISH) ;
  after_exit() ;
}

static void a_start_timer (void)
{
  start() ;
}

static void a_deps_timeout (void)
{
  char const *why = 0 ;
  unsigned int wait ;
  if (fx_deps(&why, &wait) <= 0) fail("dependency timeout: ", why) ;
}

static void a_kill (void)
{
  if (st.pid) fx_signal(machine.pgid, SIGKILL) ;
}

static void a_kill_leftovers (void)
{
  fx_leftovers(SIGKILL) ;
}

/* what each event does in each phase; 0: nothing */
typedef void action_t (void) ;
static action_t *const table[P_COUNT][E_COUNT] =
{
  /*               UP                  ONCE                   DOWN            RESTART            SHUTDOWN            DEPS       DEPENDENTS    READY    UNHEALTHY    EXIT    PRE_OK    PRE_FAILED    GONE    FINISHED    T_START        T_DEPS          T_KILL */
  [P_DOWN] =       { &a_up,             &a_once,               &a_down_idle,   &a_up,             &a_shutdown_idle,   0,         0,            0,       0,           0,      0,        0,            0,      0,          0,             0,              0 },
  [P_WAIT_DEPS] =  { &a_recheck,        &a_once_while_running, &a_down_idle,   &a_recheck,        &a_shutdown_idle,   &a_recheck, 0,           0,       0,           0,      0,        0,            0,      0,          0,             &a_deps_timeout, 0 },
  [P_WAIT_AFTER] = { &a_recheck,        &a_once_while_running, &a_down_idle,   &a_recheck,        &a_shutdown_idle,   &a_recheck, 0,           0,       0,           0,      0,        0,            0,      0,          &a_start_timer, 0,              0 },
  [P_PRE] =        { &a_up_while_running, &a_once_while_running, &a_down_pre, 0,                 &a_shutdown_pre,    0,         0,            0,       0,           0,      &a_pre_ok, &a_pre_failed, 0,     0,          0,             0,              0 },
  [P_STARTING] =   { &a_up_while_running, &a_once_while_running, &a_down_running, &a_restart_running, &a_shutdown_running, 0,   0,            &a_ready, &a_unhealthy, &a_exit, 0,      0,            0,      0,          0,             0,              0 },
  [P_UP] =         { &a_up_while_running, &a_once_while_running, &a_down_running, &a_restart_running, &a_shutdown_running, 0,   0,            0,       &a_unhealthy, &a_exit, 0,      0,            0,      0,          0,             0,              0 },
  [P_HOLD] =       { 0,                 0,                     &a_down_running, 0,                0,                  0,         &a_dependents, &a_ready, 0,          &a_exit, 0,      0,            0,      0,          0,             0,              0 },
  [P_STOPPING] =   { &a_up_while_running, &a_once_while_running, &a_down_ending, &a_restart_ending, &a_shutdown_ending, 0,    0,            0,       0,           &a_exit, 0,      0,            0,      0,          0,             0,              &a_kill },
  [P_LEFTOVERS] =  { &a_up_while_running, &a_once_while_running, &a_down_ending, &a_restart_ending, &a_shutdown_ending, 0,    0,            0,       0,           0,      0,        0,            &a_gone, 0,         0,             0,              &a_kill_leftovers },
  [P_FINISH] =     { &a_up_while_running, &a_once_while_running, &a_down_ending, &a_restart_ending, &a_shutdown_ending, 0,    0,            0,       0,           0,      0,        0,            0,      &a_finished, 0,            0,              0 },
  [P_BACKOFF] =    { &a_up,             &a_once,               &a_down_idle,   &a_up,             &a_shutdown_idle,   0,         0,            0,       0,           0,      0,        0,            0,      0,          &a_start_timer, 0,              0 },
} ;

void machine_event (unsigned int event)
{
  action_t *a = table[machine.phase][event] ;
  if (a) (*a)() ;
}

/* a process of ours that the service's end waits for still runs */
int machine_busy (void)
{
  return st.pid || machine.pid_pre || machine.pid_finish || machine.phase == P_LEFTOVERS ;
}

void machine_init (void)
{
  memset(&machine, 0, sizeof(machine)) ;
  for (unsigned int i = 0 ; i < TIMER_COUNT ; i++) machine.timer[i] = tain_infinite ;
  machine.next_delay = conf.restart_delay ;
  machine.phase = P_DOWN ;
}
