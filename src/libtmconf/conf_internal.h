/* ISC license. */

/* libtmconf's own: what its loader's files share. Nothing outside
   src/libtmconf includes this. */

#ifndef TMCONF_INTERNAL_H
#define TMCONF_INTERNAL_H

#include <stddef.h>

#include "toml.h"
#include "tmconf.h"

/* conf_report.c: errors as FILE:LINE: path: message, sorted by line at
   the end of a load (begin names the file, end prints them and says how
   many errors, warnings aside) */
extern void conf_report_begin (char const *file) ;
extern unsigned int conf_report_end (void) ;
extern void conf_error (unsigned int line, char const *path, char const *fmt, ...) __attribute__((format(printf, 3, 4))) ;
extern void conf_warn (unsigned int line, char const *path, char const *fmt, ...) __attribute__((format(printf, 3, 4))) ;
extern void *conf_xmalloc (size_t n) ;
extern char *conf_xstrdup (char const *s) ;
extern void conf_path_key (char *buf, size_t max, char const *prefix, char const *key) ;
extern unsigned int conf_key_line (toml_value_t const *t, char const *key) ;  /* of key in t, else t's */

/* conf_subst.c: $$, ${V}, ${V:-default}, ${V:?message}; a new string, or
   0 after reporting the error */
extern int conf_is_name (char const *s, size_t n) ;
extern char *conf_substitute (char const *s, size_t len, unsigned int line, char const *path) ;

/* conf_host.c: the checks against this machine (c->offline skips them) */
extern void conf_check_command (config_t const *c, service_t *sv, toml_value_t const *t, char const *prefix) ;
extern void conf_check_script (config_t const *c, char const *script, toml_value_t const *t, char const *key, char const *prefix) ;
extern void conf_check_dir_of (config_t const *c, char const *file, toml_value_t const *t, char const *key, char const *prefix) ;
extern void conf_check_dir_writers (config_t const *c, service_t const *sv, toml_value_t const *t, char const *prefix) ;
extern int conf_id_scan (char const *s, size_t len, unsigned long *id) ;  /* a UID or GID: digits, at most 4294967294 */
extern void conf_check_user (config_t const *c, service_t *sv, toml_value_t const *t, char const *prefix) ;
extern void conf_check_working_dir (config_t const *c, service_t const *sv, toml_value_t const *t, char const *prefix) ;

#endif
