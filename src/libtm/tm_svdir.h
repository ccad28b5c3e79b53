/* ISC license. */

/* The files of a service directory that hold one number or one word
   (doc/servicedir.md), and what tm-supervise takes when one is absent.
   Header only: the compiler's schema (src/libtmconf/conf_schema.c) writes
   these names, and its defaults for the services.toml keys that compile
   to them are these; tm-supervise reads them (sv_init.c) and starts from
   these defaults (sv_machine.h), without linking anything of the
   compiler. */

#ifndef TM_SVDIR_H
#define TM_SVDIR_H

/* numbers, in ms unless said */
#define TM_SVD_TIMEOUT_KILL "timeout-kill"
#define TM_SVD_TIMEOUT_KILL_DEFAULT 15000             /* [timeouts] service_shutdown_timeout */
#define TM_SVD_RESTART_DELAY "restart-delay"
#define TM_SVD_RESTART_DELAY_DEFAULT 1000
#define TM_SVD_RESTART_MAX_DELAY "restart-max-delay"
#define TM_SVD_RESTART_MAX_DELAY_DEFAULT 30000
#define TM_SVD_MAX_RESTARTS "max-restarts"            /* a count; 0: no limit */
#define TM_SVD_MAX_RESTARTS_DEFAULT 0
#define TM_SVD_WAIT_AFTER "wait-after"
#define TM_SVD_WAIT_AFTER_DEFAULT 0
#define TM_SVD_TIMEOUT_DEPS "timeout-dependencies"
#define TM_SVD_TIMEOUT_DEPS_DEFAULT 120000            /* [timeouts] dependency_wait_timeout */
#define TM_SVD_TIMEOUT_SCRIPT "timeout-script"
#define TM_SVD_TIMEOUT_SCRIPT_DEFAULT 60000
#define TM_SVD_POST_START_DELAY "post-start-delay"
#define TM_SVD_POST_START_DELAY_DEFAULT 5000          /* [timeouts] post_script_timeout */
#define TM_SVD_NOTIFICATION_FD "notification-fd"      /* absent: none */
#define TM_SVD_NOTIFY "notify"                        /* "systemd"; absent: none */
#define TM_SVD_READY_LOG_LINE "ready-log-line"        /* absent: none */
#define TM_READY_LOG_LINE_MAX 1000                    /* bytes of its pattern */
#define TM_SVD_OUTPUT_MAX_FILES "output-max-files"    /* a count */
#define TM_SVD_OUTPUT_MAX_FILES_DEFAULT 5
#define TM_SVD_OUTPUT_MAX_SIZE "output-max-size"      /* bytes */
#define TM_SVD_OUTPUT_MAX_SIZE_DEFAULT (10ULL * 1024 * 1024)

/* in health/ */
#define TM_SVD_HEALTH_INTERVAL "interval"
#define TM_SVD_HEALTH_INTERVAL_DEFAULT 10000
#define TM_SVD_HEALTH_TIMEOUT "timeout"
#define TM_SVD_HEALTH_TIMEOUT_DEFAULT 3000
#define TM_SVD_HEALTH_RETRIES "retries"               /* a count */
#define TM_SVD_HEALTH_RETRIES_DEFAULT 3
#define TM_SVD_HEALTH_START_PERIOD "start-period"
#define TM_SVD_HEALTH_START_PERIOD_DEFAULT 0
#define TM_SVD_HEALTH_ON_UNHEALTHY "on-unhealthy"     /* "restart" or "none" */
#define TM_PROBE_TARGET "TM_PROBE_TARGET"              /* the environment variable that gives tm-ctl probe its URL or HOST:PORT */

/* words */
#define TM_SVD_TYPE "type"                            /* longrun (default) or oneshot */
#define TM_SVD_RESTART "restart"                      /* absent: always, as s6 */
#define TM_SVD_DOWN_SIGNAL "down-signal"              /* absent: SIGTERM */
#define TM_SVD_WORKING_DIR "working-dir"
#define TM_SVD_LOG_FILE "log-file"
#define TM_SVD_OUTPUT_FILE "output-file"

/* The numbers tm-supervise reads at start-up, each into the svconf_t
   field of the same name: X(FILE, FIELD, DEFAULT) */
#define TM_SVD_NUMBERS(X) \
  X(TM_SVD_TIMEOUT_KILL, timeout_kill, TM_SVD_TIMEOUT_KILL_DEFAULT) \
  X(TM_SVD_RESTART_DELAY, restart_delay, TM_SVD_RESTART_DELAY_DEFAULT) \
  X(TM_SVD_RESTART_MAX_DELAY, restart_max_delay, TM_SVD_RESTART_MAX_DELAY_DEFAULT) \
  X(TM_SVD_MAX_RESTARTS, max_restarts, TM_SVD_MAX_RESTARTS_DEFAULT) \
  X(TM_SVD_WAIT_AFTER, wait_after, TM_SVD_WAIT_AFTER_DEFAULT) \
  X(TM_SVD_TIMEOUT_DEPS, timeout_deps, TM_SVD_TIMEOUT_DEPS_DEFAULT) \
  X(TM_SVD_TIMEOUT_SCRIPT, timeout_script, TM_SVD_TIMEOUT_SCRIPT_DEFAULT) \
  X(TM_SVD_POST_START_DELAY, post_start_delay, TM_SVD_POST_START_DELAY_DEFAULT)

/* the same for health/ (read only when health/check is there) */
#define TM_SVD_HEALTH_NUMBERS(X) \
  X(TM_SVD_HEALTH_INTERVAL, health_interval, TM_SVD_HEALTH_INTERVAL_DEFAULT) \
  X(TM_SVD_HEALTH_TIMEOUT, health_timeout, TM_SVD_HEALTH_TIMEOUT_DEFAULT) \
  X(TM_SVD_HEALTH_RETRIES, health_retries, TM_SVD_HEALTH_RETRIES_DEFAULT) \
  X(TM_SVD_HEALTH_START_PERIOD, health_start_period, TM_SVD_HEALTH_START_PERIOD_DEFAULT)

#endif
