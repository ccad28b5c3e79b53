/* ISC license. */

#ifndef TMCONF_H
#define TMCONF_H

#include <sys/types.h>
#include <stdint.h>

/* libtmconf: services.toml, validated (SPEC §3), and the compiler of
   service trees. Linked by tm-ctl only. Times are in milliseconds. */

/* the name of the compiled [metrics] server's service */
#define TM_METRICS_SERVICE "tm-metrics"

/* conf_nomem.c: out of memory while loading or compiling: exit 111 */
extern void tmconf_nomem (void) __attribute__((noreturn)) ;

enum { CONF_RESTART_ALWAYS, CONF_RESTART_ON_FAILURE, CONF_RESTART_NEVER, CONF_RESTART_UNLESS_STOPPED } ;
enum { HEALTH_NONE, HEALTH_HTTP, HEALTH_TCP, HEALTH_COMMAND } ;

typedef struct strlist_s strlist_t ;
struct strlist_s
{
  char **s ;
  unsigned int n ;
} ;

typedef struct health_s health_t ;
struct health_s
{
  int kind ;
  char *target ;                /* http URL or tcp host:port */
  strlist_t command ;
  unsigned int interval, timeout, retries, start_period ;
  int restart_on_unhealthy ;
} ;

typedef struct service_s service_t ;
struct service_s
{
  char *name ;
  unsigned int line ;           /* of its [[services]] header */
  unsigned int name_line, enabled_line ;
  unsigned int index ;
  char *command ;               /* as written */
  char *command_path ;          /* resolved (absolute) */
  strlist_t args ;
  int enabled, required, oneshot ;
  strlist_t deps ;
  unsigned int *dep_wait ;      /* per dependency, ms */
  unsigned int deps_line ;
  int wait_all_set ;
  unsigned int wait_all ;       /* wait_after as a number */
  char *user ;
  unsigned int user_line ;
  uid_t uid ;
  gid_t gid ;
  gid_t *groups ;
  int ngroups ;
  char *home ;
  char *username ;
  int has_user ;
  char *working_dir ;
  strlist_t env_keys, env_values ;
  char *pre_script, *post_script, *finish_script ;
  unsigned int script_timeout ;
  char *log_file, *output_file ;
  uint64_t output_max_size ;
  unsigned int output_max_files ;
  int log_timestamps, pty ;
  int restart ;
  unsigned int restart_delay, restart_max_delay, max_restarts ;
  int stop_signal ;
  unsigned int stop_timeout ;   /* 0: timeouts.service_shutdown_timeout */
  int ready_fd ;                /* -1: none */
  char *notify ;                /* "systemd", or 0 */
  char *ready_log_line ;        /* or 0 */
  health_t health ;
} ;

typedef struct config_s config_t ;
struct config_s
{
  char const *file ;
  int offline ;
  unsigned int post_script_timeout, service_shutdown_timeout, global_shutdown_timeout, dependency_wait_timeout ;
  char *metrics_listen ;
  char *control_group ;
  gid_t control_gid ;
  int log_format ;              /* [logging]: 0 prefix, 1 plain, 2 json */
  int log_color ;               /* 0 auto, 1 always, 2 never */
  int log_events ;
  uint64_t log_buffer ;         /* bytes per service for tm-ctl logs; 0: none */
  service_t *services ;
  unsigned int nservices ;
  unsigned int nerrors ;
  int syserr ;                  /* the file could not be read for a system error (exit 111) */
} ;

/* conf_load.c: reads and validates FILE. Prints every error as
   FILE:LINE: path: message on stderr. Returns 1 when valid. */
extern int config_load (config_t *c, char const *file, int offline) ;
extern void config_free (config_t *c) ;

/* conf_compile.c: writes the service tree of a valid config into dir,
   atomically. 1 ok, 0 refused (dir is a live tree), -1 system error;
   reported. config_write_tree: 1 ok, 0 system error (reported). */
extern int config_compile (config_t const *c, char const *dir) ;
extern int config_write_tree (config_t const *c, char const *dir, char const *defcwd) ;

#endif
