/* ISC license. */

/* The schema of services.toml: one row per key, read by the loader
   (parsing, range, default, the did-you-mean list) and by the compiler
   (the service-directory file it writes). A new key is one row here plus
   its behaviour in tm-supervise. */

#ifndef TMCONF_SCHEMA_H
#define TMCONF_SCHEMA_H

#include <stddef.h>

enum conf_kind_e
{
  CK_OWN,                       /* loaded by its own code in conf_load.c */
  CK_STRING,                    /* char *, ${VAR} substituted */
  CK_STRINGS,                   /* strlist_t */
  CK_BOOL,                      /* int */
  CK_UINT,                      /* unsigned int (or int), an integer in [min, max] */
  CK_SECS,                      /* unsigned int, ms, from seconds > 0 */
  CK_SECS0,                     /* unsigned int, ms, from seconds >= 0 */
  CK_ENUM,                      /* int, the index of the word in names */
  CK_SIGNAL,                    /* int, from "SIGTERM" */
  CK_SIZE,                      /* uint64_t, from "10MB" or a number of bytes */
} ;

typedef struct conf_key_s conf_key_t ;
struct conf_key_s
{
  char const *key ;             /* in services.toml */
  unsigned char kind ;
  unsigned char put ;           /* the compiler writes file from the field alone */
  unsigned char has_default ;
  unsigned char required ;      /* CK_STRING: must not be empty (else empty is unset) */
  long long min, max ;          /* CK_UINT */
  char const *const *names ;    /* CK_ENUM: the words of services.toml */
  char const *const *file_names ;  /* CK_ENUM: the words written in file, when not names */
  unsigned int nnames ;
  long long def ;               /* its default (ms for seconds), set before loading */
  size_t field ;                /* offsetof in service_t, health_t or config_t */
  size_t line_field ;           /* offsetof of an unsigned int for its line; 0: none */
  char const *file ;            /* the service-directory file it compiles to; 0: none */
} ;

extern conf_key_t const conf_service_keys[] ;   /* [[services]], fields of service_t */
extern unsigned int const conf_service_nkeys ;
extern conf_key_t const conf_health_keys[] ;    /* [services.healthcheck], of health_t */
extern unsigned int const conf_health_nkeys ;
extern conf_key_t const conf_timeout_keys[] ;   /* [timeouts], of config_t */
extern unsigned int const conf_timeout_nkeys ;

extern conf_key_t const *conf_key_find (conf_key_t const *table, unsigned int n, char const *key) ;
extern void conf_key_defaults (conf_key_t const *table, unsigned int n, void *base) ;

#endif
