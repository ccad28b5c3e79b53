/* ISC license. */

/* Unit tests of services.toml's schema table (src/libtmconf/conf_schema.c):
   it is well formed, and its defaults are what tm-supervise takes when a
   file is absent (src/libtm/tm_svdir.h), so that a compiled service and a
   hand-written one without the file behave alike. */

#include <stdio.h>
#include <string.h>

#include "tm_svdir.h"
#include "libtmconf/tmconf.h"
#include "libtmconf/conf_schema.h"

static int failures = 0 ;

#define CHECK(name, cond) do { if (cond) printf("ok %s\n", name) ; else { printf("FAIL %s at line %d\n", name, __LINE__) ; failures++ ; } } while (0)

static int well_formed (conf_key_t const *t, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (!t[i].key || !*t[i].key) return 0 ;
    for (unsigned int j = 0 ; j < i ; j++) if (!strcmp(t[i].key, t[j].key)) return 0 ;
    if (t[i].put && !t[i].file) return 0 ;
    if (t[i].kind == CK_ENUM && (!t[i].names || !t[i].nnames)) return 0 ;
    if (t[i].kind == CK_UINT && t[i].min > t[i].max) return 0 ;
  }
  return 1 ;
}

/* the default of the row that compiles to file */
static long long def_of (conf_key_t const *t, unsigned int n, char const *file, int *found)
{
  for (unsigned int i = 0 ; i < n ; i++)
    if (t[i].file && !strcmp(t[i].file, file)) { *found = t[i].has_default ; return t[i].def ; }
  *found = 0 ;
  return 0 ;
}

int main (void)
{
  service_t sv ;
  health_t h ;
  config_t c ;
  int ok = 1, found ;
  CHECK("schema-service-well-formed", well_formed(conf_service_keys, conf_service_nkeys)) ;
  CHECK("schema-health-well-formed", well_formed(conf_health_keys, conf_health_nkeys)) ;
  CHECK("schema-timeouts-well-formed", well_formed(conf_timeout_keys, conf_timeout_nkeys)) ;
  CHECK("schema-find", conf_key_find(conf_service_keys, conf_service_nkeys, "restart_delay") != 0
    && !conf_key_find(conf_service_keys, conf_service_nkeys, "restart-delay")) ;

  /* every number of a service dir that a services.toml key compiles to
     has the supervisor's default as the key's */
#define SAME_DEFAULT(file, field, def) \
  { long long d = def_of(conf_service_keys, conf_service_nkeys, file, &found) ; if (found && d != (def)) ok = 0 ; }
  TM_SVD_NUMBERS(SAME_DEFAULT)
#undef SAME_DEFAULT
#define SAME_DEFAULT(file, field, def) \
  { long long d = def_of(conf_health_keys, conf_health_nkeys, file, &found) ; if (!found || d != (def)) ok = 0 ; }
  TM_SVD_HEALTH_NUMBERS(SAME_DEFAULT)
#undef SAME_DEFAULT
  CHECK("schema-defaults-are-tm-supervise-defaults", ok) ;

  memset(&sv, 0, sizeof(sv)) ;
  conf_key_defaults(conf_service_keys, conf_service_nkeys, &sv) ;
  CHECK("schema-service-defaults", sv.enabled == 1 && sv.restart == CONF_RESTART_ON_FAILURE
    && sv.restart_delay == TM_SVD_RESTART_DELAY_DEFAULT && sv.restart_max_delay == TM_SVD_RESTART_MAX_DELAY_DEFAULT
    && sv.stop_signal == 15 && sv.script_timeout == TM_SVD_TIMEOUT_SCRIPT_DEFAULT
    && sv.output_max_size == TM_SVD_OUTPUT_MAX_SIZE_DEFAULT && sv.output_max_files == TM_SVD_OUTPUT_MAX_FILES_DEFAULT
    && sv.ready_fd == -1 && sv.max_restarts == 0 && sv.stop_timeout == 0) ;
  memset(&h, 0, sizeof(h)) ;
  conf_key_defaults(conf_health_keys, conf_health_nkeys, &h) ;
  CHECK("schema-health-defaults", h.interval == 10000 && h.timeout == 3000 && h.retries == 3
    && h.start_period == 0 && h.restart_on_unhealthy == 1) ;
  memset(&c, 0, sizeof(c)) ;
  conf_key_defaults(conf_timeout_keys, conf_timeout_nkeys, &c) ;
  CHECK("schema-timeout-defaults", c.post_script_timeout == 5000 && c.service_shutdown_timeout == 15000
    && c.global_shutdown_timeout == 45000 && c.dependency_wait_timeout == 120000) ;
  return !!failures ;
}
