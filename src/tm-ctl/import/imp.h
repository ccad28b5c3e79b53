/* ISC license. */

/* The importers' toolbox (ctl_import_text.c): strings, lists, TOML
   output, errors; and what import-supervisord's files share */

#ifndef IMP_H
#define IMP_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>

/* A reference to a variable that tm substitutes when it compiles the
   config: IMP_MARK NAME IMP_MARKEND in a translated string, printed as
   ${NAME}. Neither byte occurs in valid UTF-8, and input is checked to be
   valid UTF-8, so a marker never collides with text. */
#define IMP_MARK '\xfe'
#define IMP_MARKEND '\xff'

/* the width the output keeps to, where it can */
#define IMP_WIDTH 100

/* growable string; s is always NUL-terminated once something was put */
typedef struct sbuf_s sbuf_t ;
struct sbuf_s
{
  char *s ;
  size_t len ;
  size_t cap ;
} ;
#define SBUF_ZERO { .s = 0, .len = 0, .cap = 0 }

extern void *imp_alloc (size_t n) ;
extern void *imp_realloc (void *p, size_t n) ;
extern char *imp_strdup (char const *s) ;
extern void imp_putn (sbuf_t *b, char const *s, size_t n) ;
extern void imp_puts (sbuf_t *b, char const *s) ;
extern void imp_putc (sbuf_t *b, char c) ;
extern void imp_printf (sbuf_t *b, char const *fmt, ...) __attribute__((format(printf, 2, 3))) ;
extern void imp_vprintf (sbuf_t *b, char const *fmt, va_list ap) __attribute__((format(printf, 2, 0))) ;
extern char const *imp_str (sbuf_t const *b) ;    /* "" when empty */
extern void imp_sbfree (sbuf_t *b) ;

/* a list of strings */
typedef struct imp_list_s imp_list_t ;
struct imp_list_s
{
  char **s ;
  size_t n ;
  size_t cap ;
} ;
#define IMP_LIST_ZERO { .s = 0, .n = 0, .cap = 0 }
extern void imp_list_add (imp_list_t *l, char *s) ;     /* takes s */
extern void imp_list_free (imp_list_t *l) ;

/* an ordered environment: setting a key again keeps its place */
typedef struct imp_env_s imp_env_t ;
struct imp_env_s
{
  imp_list_t k ;
  imp_list_t v ;
} ;
#define IMP_ENV_ZERO { .k = IMP_LIST_ZERO, .v = IMP_LIST_ZERO }
extern void imp_env_set (imp_env_t *e, char const *k, char const *v) ;
extern char const *imp_env_get (imp_env_t const *e, char const *k) ;
extern void imp_env_free (imp_env_t *e) ;

/* what the files hold */
typedef struct imp_kv_s imp_kv_t ;
struct imp_kv_s
{
  char *key ;                   /* lower case, as configparser makes it */
  sbuf_t value ;                /* continuation lines joined with \n */
  char const *file ;            /* as shown in messages */
  char const *here ;            /* absolute directory of file: %(here)s */
  unsigned int line ;
} ;

typedef struct imp_section_s imp_section_t ;
struct imp_section_s
{
  char *name ;
  char const *file ;
  unsigned int line ;
  imp_kv_t *kv ;
  size_t n ;
  size_t cap ;
} ;

extern imp_kv_t const *imp_sec_get (imp_section_t const *sec, char const *key) ;

/* supervisord's %(name)s expansions, see expand() in supervisor/options.py */
typedef struct imp_exp_s imp_exp_t ;
struct imp_exp_s
{
  char const *program_name ;    /* 0: not in a program section */
  char const *group_name ;
  long process_num ;
  long numprocs ;
  int has_num ;
  imp_env_t const *genv ;       /* [supervisord] environment: ENV_X has its value */
  imp_env_t const *penv ;       /* the program's environment: likewise */
  int now ;                     /* the value is needed now: ENV_X from our own environment */
  int used_env ;                /* out: now and an ENV_ from our environment was used */
} ;
#define IMP_EXP_ZERO { .program_name = 0, .group_name = 0, .process_num = 0, .numprocs = 1, .has_num = 0, .genv = 0, .penv = 0, .now = 0, .used_env = 0 }

/* ctl_import_text.c; every function that can fail returns 1, or 0 with a
   message in err */
extern int imp_expand (imp_kv_t const *kv, imp_exp_t *e, sbuf_t *out, sbuf_t *err) ;
extern int imp_split (char const *s, imp_list_t *argv, sbuf_t *err) ;
extern char const *imp_shell_syntax (char const *s) ;
extern int imp_env_parse (char const *s, imp_env_t *env, imp_list_t *odd, sbuf_t *err) ;
extern int imp_is_varname (char const *s, size_t n) ;
extern int imp_utf8_check (char const *s, size_t n, size_t *bad) ;
extern size_t imp_text_check (char const *file, char const *buf, size_t len) ;  /* dies unless UTF-8 text; longest line */
extern void imp_toml_string (sbuf_t *b, char const *s) ;
extern void imp_toml_key (sbuf_t *b, char const *s) ;
extern void imp_toml_array (sbuf_t *b, char const *key, char *const *v, size_t n) ;
extern void imp_toml_kv (sbuf_t *b, char const *key, char const *v, char const *comment) ;  /* key = "v"  # comment */
extern void imp_comment_text (sbuf_t *b, char const *s) ;
extern char const *imp_safe (char const *s) ;
extern void imp_safe_free (void) ;
extern int imp_integer (char const *s, long *out) ;
extern int imp_boolean (char const *s, int *out) ;
extern int imp_byte_size (char const *s, long long *out) ;

/* ctl_import_map.c: one program section into services */
typedef struct imp_service_s imp_service_t ;
struct imp_service_s
{
  char *name ;
  long gprio ;                  /* the priority of its group: start order first ... */
  long prio ;                   /* ... then its own */
  int enabled ;
  size_t order ;
  sbuf_t head ;                 /* comments, name, command, args, enabled */
  sbuf_t tail ;                 /* from user on */
} ;

typedef struct imp_program_s imp_program_t ;
struct imp_program_s
{
  imp_section_t const *sec ;
  imp_section_t const *defaults ;   /* [DEFAULT], or 0 */
  char const *group_name ;          /* its [group:x], or 0 */
  long group_priority ;
  imp_env_t const *genv ;           /* [supervisord] environment */
  char const *guser ;               /* [supervisord] user when it is not root */
  int show_file ;                   /* more than one file was read */
  sbuf_t *notes ;                   /* comments for the top of the output */
} ;

/* adds the program's services to *sv, *n (capacity *cap); names must stay
   unique across all of them */
extern void imp_map_program (imp_program_t const *p, imp_service_t **sv, size_t *n, size_t *cap) ;

/* ctl_import_text.c: the files read, regular files only (else imp_fatal) */
extern int imp_open_file (char const *path, off_t *size) ;  /* an fd, or -1 (errno; EISDIR a directory) */
extern ssize_t imp_read_file (char const *path, char *buf, size_t max) ;  /* bytes read, or -1 */
extern char *imp_slurp (char const *path, size_t max, size_t *len) ;  /* malloc'ed, or 0 (errno; EFBIG over max) */

/* ctl_import_glob.c: the paths matching a pattern, as Python's glob.glob
   finds them, sorted, added to out */
extern void imp_glob (char const *pattern, imp_list_t *out) ;

/* ctl_import_text.c: FILE:LINE: message, exit 1 */
extern void imp_fatal (char const *file, unsigned int line, char const *fmt, ...) __attribute__((format(printf, 3, 4), noreturn)) ;

#endif
