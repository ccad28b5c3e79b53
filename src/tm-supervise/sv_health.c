/* ISC license. */

/* Health checks: health/check runs as the service's user every interval
   (every second at most until the first success), killed after timeout.
   The first success is the readiness of a service that has no readiness
   fd (E_READY); retries failures in a row, after start_period, make it
   unhealthy (E_UNHEALTHY: the machine decides about a restart). */

#include <sys/wait.h>
#include <signal.h>

#include <skalibs/strerr.h>

#include "sv.h"

#define HEALTH_EAGER_MS 1000    /* checks until the first success come at least this often */

static pid_t pid_health = 0 ;
static unsigned int failures = 0 ;

static void schedule (void)
{
  unsigned int ms = conf.health_interval ;
  if (st.health != TM_HEALTH_HEALTHY && ms > HEALTH_EAGER_MS) ms = HEALTH_EAGER_MS ;
  timer_in(TIMER_HEALTH, ms) ;
}

pid_t health_pid (void)
{
  return pid_health ;
}

void health_on (void)
{
  st.health = TM_HEALTH_STARTING ;
  failures = 0 ;
  schedule() ;
}

void health_off (void)
{
  if (pid_health) fx_signal(pid_health, SIGKILL) ;
  timer_off(TIMER_HEALTH) ;
  timer_off(TIMER_HEALTH_KILL) ;
  st.health = TM_HEALTH_NONE ;
}

void health_run (void)
{
  static char const *const argv[2] = { "health/check", 0 } ;
  spawn_opts_t o = { .as_user = 1, .notif_w = -1, .notif_fd = -1, .quiet = 1, .probe = 1 } ;
  if (!st.pid || pid_health) return ;
  pid_health = spawn_in_dir("health/check", argv, &o) ;
  if (!pid_health) { spawn_failure(st.name, "health/check") ; schedule() ; return ; }
  timer_in(TIMER_HEALTH_KILL, conf.health_timeout) ;
}

void health_kill (void)
{
  if (pid_health) fx_signal(pid_health, SIGKILL) ;
}

static void success (void)
{
  failures = 0 ;
  if (st.health == TM_HEALTH_HEALTHY) return ;
  if (st.health == TM_HEALTH_UNHEALTHY) fx_say("healthy again", 0, 0) ;
  st.health = TM_HEALTH_HEALTHY ;
  fx_commit() ;
  health_says_healthy() ;  /* a readiness, with the others the service has */
}

static void failure (void)
{
  if (ms_since(&machine.started) < conf.health_start_period) return ;
  if (++failures < conf.health_retries || st.health == TM_HEALTH_UNHEALTHY) return ;
  st.health = TM_HEALTH_UNHEALTHY ;
  if (!conf.health_restart) fx_say("unhealthy", 0, 0) ;
  fx_commit() ;
  machine_event(E_UNHEALTHY) ;
}

int health_reaped (pid_t pid, int wstat)
{
  if (!pid || pid != pid_health) return 0 ;
  pid_health = 0 ;
  timer_off(TIMER_HEALTH_KILL) ;
  if (!st.pid) return 1 ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) success() ;
  else failure() ;
  if (st.pid && machine.phase != P_STOPPING) schedule() ;
  return 1 ;
}
