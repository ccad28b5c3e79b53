/* ISC license. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tm_svdir.h"
#include "tmconf.h"
#include "conf_schema.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SV(f) offsetof(service_t, f)
#define HC(f) offsetof(health_t, f)
#define CF(f) offsetof(config_t, f)

static char const *const type_names[] = { "longrun", "oneshot" } ;
static char const *const restart_names[] = { "always", "on-failure", "never", "unless-stopped" } ;
/* tm-supervise restarts an unless-stopped service as an always one: the
   difference (no restart after tm-ctl stop) is its want file's */
static char const *const restart_files[] = { "always", "on-failure", "never", "always" } ;
static char const *const on_unhealthy_names[] = { "none", "restart" } ;

/* in the order of the did-you-mean list of old */
conf_key_t const conf_service_keys[] =
{
  { .key = "name", .kind = CK_STRING, .required = 1, .field = SV(name), .line_field = SV(name_line) },
  { .key = "command", .kind = CK_STRING, .required = 1, .field = SV(command) },
  { .key = "args", .kind = CK_STRINGS, .field = SV(args) },
  { .key = "enabled", .kind = CK_BOOL, .has_default = 1, .def = 1, .field = SV(enabled), .line_field = SV(enabled_line) },
  { .key = "required", .kind = CK_BOOL, .field = SV(required) },
  { .key = "type", .kind = CK_ENUM, .put = 1, .names = type_names, .nnames = 2, .field = SV(oneshot), .file = TM_SVD_TYPE },
  { .key = "depends_on", .kind = CK_OWN },
  { .key = "wait_after", .kind = CK_OWN },
  { .key = "user", .kind = CK_STRING, .field = SV(user), .line_field = SV(user_line) },
  { .key = "working_dir", .kind = CK_STRING, .field = SV(working_dir), .file = TM_SVD_WORKING_DIR },
  { .key = "env", .kind = CK_OWN },
  { .key = "pre_script", .kind = CK_OWN },
  { .key = "post_script", .kind = CK_OWN },
  { .key = "pos_script", .kind = CK_OWN },
  { .key = "finish_script", .kind = CK_OWN },
  { .key = "script_timeout", .kind = CK_SECS, .has_default = 1, .def = TM_SVD_TIMEOUT_SCRIPT_DEFAULT, .field = SV(script_timeout), .file = TM_SVD_TIMEOUT_SCRIPT },
  { .key = "log_file", .kind = CK_STRING, .field = SV(log_file), .file = TM_SVD_LOG_FILE },
  { .key = "output_file", .kind = CK_STRING, .field = SV(output_file), .file = TM_SVD_OUTPUT_FILE },
  { .key = "output_max_size", .kind = CK_SIZE, .min = 1, .max = 1LL << 50, .has_default = 1, .def = TM_SVD_OUTPUT_MAX_SIZE_DEFAULT, .field = SV(output_max_size), .file = TM_SVD_OUTPUT_MAX_SIZE },
  { .key = "output_max_files", .kind = CK_UINT, .min = 0, .max = 1000, .has_default = 1, .def = TM_SVD_OUTPUT_MAX_FILES_DEFAULT, .field = SV(output_max_files), .file = TM_SVD_OUTPUT_MAX_FILES },
  { .key = "log_timestamps", .kind = CK_BOOL, .field = SV(log_timestamps) },
  { .key = "pty", .kind = CK_BOOL, .field = SV(pty) },
  { .key = "restart", .kind = CK_ENUM, .put = 1, .names = restart_names, .file_names = restart_files, .nnames = 4, .has_default = 1, .def = CONF_RESTART_ON_FAILURE, .field = SV(restart), .file = TM_SVD_RESTART },
  { .key = "restart_delay", .kind = CK_SECS0, .put = 1, .has_default = 1, .def = TM_SVD_RESTART_DELAY_DEFAULT, .field = SV(restart_delay), .file = TM_SVD_RESTART_DELAY },
  { .key = "restart_max_delay", .kind = CK_SECS0, .put = 1, .has_default = 1, .def = TM_SVD_RESTART_MAX_DELAY_DEFAULT, .field = SV(restart_max_delay), .file = TM_SVD_RESTART_MAX_DELAY },
  { .key = "max_restarts", .kind = CK_UINT, .put = 1, .min = 0, .max = 1000000, .has_default = 1, .def = TM_SVD_MAX_RESTARTS_DEFAULT, .field = SV(max_restarts), .file = TM_SVD_MAX_RESTARTS },
  { .key = "stop_signal", .kind = CK_SIGNAL, .put = 1, .has_default = 1, .def = 15, .field = SV(stop_signal), .file = TM_SVD_DOWN_SIGNAL },
  /* 0: [timeouts] service_shutdown_timeout, resolved by the loader */
  { .key = "stop_timeout", .kind = CK_SECS, .put = 1, .field = SV(stop_timeout), .file = TM_SVD_TIMEOUT_KILL },
  { .key = "ready_fd", .kind = CK_UINT, .min = 3, .max = 1023, .has_default = 1, .def = -1, .field = SV(ready_fd), .file = TM_SVD_NOTIFICATION_FD },
  { .key = "notify", .kind = CK_STRING, .field = SV(notify), .file = TM_SVD_NOTIFY },
  { .key = "ready_log_line", .kind = CK_STRING, .field = SV(ready_log_line), .file = TM_SVD_READY_LOG_LINE },
  { .key = "healthcheck", .kind = CK_OWN },
} ;
unsigned int const conf_service_nkeys = NELEM(conf_service_keys) ;

/* in health/ */
conf_key_t const conf_health_keys[] =
{
  { .key = "http", .kind = CK_OWN },
  { .key = "tcp", .kind = CK_OWN },
  { .key = "command", .kind = CK_OWN },
  { .key = "interval", .kind = CK_SECS, .put = 1, .has_default = 1, .def = TM_SVD_HEALTH_INTERVAL_DEFAULT, .field = HC(interval), .file = TM_SVD_HEALTH_INTERVAL },
  { .key = "timeout", .kind = CK_SECS, .put = 1, .has_default = 1, .def = TM_SVD_HEALTH_TIMEOUT_DEFAULT, .field = HC(timeout), .file = TM_SVD_HEALTH_TIMEOUT },
  { .key = "retries", .kind = CK_UINT, .put = 1, .min = 1, .max = 1000, .has_default = 1, .def = TM_SVD_HEALTH_RETRIES_DEFAULT, .field = HC(retries), .file = TM_SVD_HEALTH_RETRIES },
  { .key = "start_period", .kind = CK_SECS0, .put = 1, .has_default = 1, .def = TM_SVD_HEALTH_START_PERIOD_DEFAULT, .field = HC(start_period), .file = TM_SVD_HEALTH_START_PERIOD },
  { .key = "on_unhealthy", .kind = CK_ENUM, .put = 1, .names = on_unhealthy_names, .nnames = 2, .has_default = 1, .def = 1, .field = HC(restart_on_unhealthy), .file = TM_SVD_HEALTH_ON_UNHEALTHY },
} ;
unsigned int const conf_health_nkeys = NELEM(conf_health_keys) ;

/* each compiles into every service that needs it (the loader and the
   compiler do that), not from its row */
conf_key_t const conf_timeout_keys[] =
{
  { .key = "post_script_timeout", .kind = CK_SECS, .has_default = 1, .def = TM_SVD_POST_START_DELAY_DEFAULT, .field = CF(post_script_timeout) },
  { .key = "service_shutdown_timeout", .kind = CK_SECS, .has_default = 1, .def = TM_SVD_TIMEOUT_KILL_DEFAULT, .field = CF(service_shutdown_timeout) },
  { .key = "global_shutdown_timeout", .kind = CK_SECS, .has_default = 1, .def = 45000, .field = CF(global_shutdown_timeout) },
  { .key = "dependency_wait_timeout", .kind = CK_SECS, .has_default = 1, .def = TM_SVD_TIMEOUT_DEPS_DEFAULT, .field = CF(dependency_wait_timeout) },
} ;
unsigned int const conf_timeout_nkeys = NELEM(conf_timeout_keys) ;

conf_key_t const *conf_key_find (conf_key_t const *table, unsigned int n, char const *key)
{
  for (unsigned int i = 0 ; i < n ; i++) if (!strcmp(table[i].key, key)) return table + i ;
  return 0 ;
}

void conf_key_defaults (conf_key_t const *table, unsigned int n, void *base)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    conf_key_t const *k = table + i ;
    char *p = (char *)base + k->field ;
    if (!k->has_default) continue ;
    switch (k->kind)
    {
      case CK_BOOL : case CK_ENUM : case CK_SIGNAL : *(int *)p = (int)k->def ; break ;
      case CK_UINT : case CK_SECS : case CK_SECS0 : *(unsigned int *)p = (unsigned int)k->def ; break ;
      case CK_SIZE : *(uint64_t *)p = (uint64_t)k->def ; break ;
      default : break ;
    }
  }
}
