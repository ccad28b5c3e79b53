/* ISC license. */

#ifndef TM_TOML_H
#define TM_TOML_H

#include <stddef.h>

/*
  TOML 1.0.0 parser. toml_parse() returns the root table, or NULL with a
  "line L, column C: message" string in err. Lines and columns are 1-based;
  columns count characters (UTF-8 code points), a tab counts as one.
*/

typedef enum toml_type_e
{
  TOML_TABLE,
  TOML_ARRAY,
  TOML_STRING,
  TOML_INTEGER,
  TOML_FLOAT,
  TOML_BOOL,
  TOML_DATETIME,        /* offset date-time: 1979-05-27T07:32:00Z */
  TOML_DATETIME_LOCAL,  /* 1979-05-27T07:32:00 */
  TOML_DATE_LOCAL,      /* 1979-05-27 */
  TOML_TIME_LOCAL       /* 07:32:00 */
} toml_type_t ;

typedef struct toml_key_s toml_key_t ;
struct toml_key_s
{
  char *s ;                 /* NUL-terminated, may contain NUL: use len */
  size_t len ;
  unsigned int line, col ;  /* where the key was first written */
} ;

typedef struct toml_value_s toml_value_t ;
struct toml_value_s
{
  toml_type_t type ;
  unsigned int line, col ;  /* first character of the value; a table defined by a
                               [header] or [[header]] is at its '[', a table made by a
                               dotted key or implied by a header is at that key */

  /* TOML_STRING: decoded text, NUL-terminated, may contain NUL: use slen.
     datetimes: canonical text, 'T' and 'Z' upper case, fraction as written. */
  char *s ;
  size_t slen ;
  long long i ;             /* TOML_INTEGER */
  double f ;                /* TOML_FLOAT */
  int b ;                   /* TOML_BOOL */

  /* TOML_TABLE and TOML_ARRAY: n items, in definition order.
     Tables: keys[k] is the key of items[k]. */
  size_t n ;
  toml_value_t **items ;
  toml_key_t *keys ;

  /* internal */
  size_t cap ;
  size_t *hidx ;
  size_t hcap ;
  unsigned int depth ;
  unsigned int flags ;
} ;

#define TOML_MAXDEPTH 128  /* deepest allowed nesting of tables and arrays */

extern toml_value_t *toml_parse (char const *text, size_t len, char *err, size_t errlen) ;
/* the same, with the message alone in err and its place in *line, *col */
extern toml_value_t *toml_parse_at (char const *text, size_t len, char *err, size_t errlen, unsigned int *line, unsigned int *col) ;
extern void toml_free (toml_value_t *) ;
extern toml_value_t const *toml_table_get (toml_value_t const *t, char const *key) ;
extern toml_value_t const *toml_table_getn (toml_value_t const *t, char const *key, size_t len) ;
extern char const *toml_type_name (toml_type_t) ;

#endif
