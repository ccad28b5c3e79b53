/* ISC license. */

/* tm-ctl import-procfile FILE: a Procfile (foreman, honcho, forego, Heroku)
   printed as a services.toml. One service a line, "name: command". The
   runners hand the command to sh -c; tm runs no shell: a command of plain
   words becomes command and args split as the shell would split them, its
   $VAR and ${VAR} become tm's ${VAR:-} (compile-time, empty when unset, as
   the shell made them) and $PORT becomes ${PORT:-N}, N the port foreman
   gives that line (5000, 5100, ...). A command with other shell syntax
   keeps its shell: /bin/sh -c, said in a comment. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "imp.h"

#define PROCFILE_MAX (1UL << 20)
#define PORT_BASE 5000
#define PORT_STEP 100

static int is_name_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ;
}

static int is_var_start (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ;
}

/* the length of a variable name at s, 0 if none */
static size_t var_len (char const *s)
{
  size_t n = 0 ;
  if (!is_var_start(*s)) return 0 ;
  while (is_var_start(s[n]) || (s[n] >= '0' && s[n] <= '9')) n++ ;
  return n ;
}

static void put_var (sbuf_t *b, char const *name, size_t n, unsigned int port)
{
  imp_putc(b, IMP_MARK) ;
  imp_putn(b, name, n) ;
  if (n == 4 && !memcmp(name, "PORT", 4)) imp_printf(b, ":-%u", port) ;
  else imp_puts(b, ":-") ;
  imp_putc(b, IMP_MARKEND) ;
}

/* cmd with its $VAR and ${VAR} (outside single quotes) as markers; 0 when
   a $ is used otherwise (${VAR:-x}, $1, $?...): that is the shell's */
static int mark_vars (char const *cmd, unsigned int port, sbuf_t *out)
{
  char q = 0 ;
  for (char const *s = cmd ; *s ; s++)
  {
    if (q == '\'') { if (*s == '\'') q = 0 ; imp_putc(out, *s) ; continue ; }
    if (*s == '\\' && s[1]) { imp_putc(out, *s++) ; imp_putc(out, *s) ; continue ; }
    if (*s == '\'' && !q) q = '\'' ;
    else if (*s == '"') q = q ? 0 : '"' ;
    if (*s != '$') { imp_putc(out, *s) ; continue ; }
    if (s[1] == '{')
    {
      size_t n = var_len(s + 2) ;
      if (!n || s[2 + n] != '}') return 0 ;
      put_var(out, s + 2, n, port) ;
      s += 2 + n ;
    }
    else
    {
      size_t n = var_len(s + 1) ;
      if (!n) return 0 ;
      put_var(out, s + 1, n, port) ;
      s += n ;
    }
  }
  return 1 ;
}

/* The runners ran each line from the Procfile's directory, root: a
   relative program path is made absolute from it */
static void put_command (sbuf_t *out, char const *root, char const *prog)
{
  sbuf_t abs = SBUF_ZERO ;
  if (prog[0] == '/' || prog[0] == IMP_MARK || !strchr(prog, '/')) { imp_toml_kv(out, "command", prog, 0) ; return ; }
  while (!strncmp(prog, "./", 2)) prog += 2 ;
  imp_printf(&abs, "%s/%s", root, prog) ;
  imp_toml_kv(out, "command", imp_str(&abs), 0) ;
  imp_sbfree(&abs) ;
}

static void put_service (sbuf_t *out, char const *file, unsigned int line, char const *root, char const *name, char const *cmd, unsigned int port)
{
  sbuf_t marked = SBUF_ZERO, err = SBUF_ZERO ;
  imp_list_t argv = IMP_LIST_ZERO ;
  char const *shell = 0 ;
  imp_puts(out, "\n[[services]]\n") ;
  imp_toml_kv(out, "name", name, 0) ;
  if (!strcmp(name, "release"))
  {
    imp_puts(out, "# Heroku's release phase: it runs once; add depends_on = \"release\" where it must come first\n") ;
    imp_toml_kv(out, "type", "oneshot", 0) ;
  }
  if (!mark_vars(cmd, port, &marked)) shell = "a shell parameter" ;
  if (!shell) shell = imp_shell_syntax(imp_str(&marked)) ;
  if (!shell && !imp_split(imp_str(&marked), &argv, &err)) imp_fatal(file, line, "%s: %s", name, imp_str(&err)) ;
  if (shell)
  {
    char *sh[2] = { "-c", (char *)cmd } ;
    imp_printf(out, "# shell syntax (%s): run by /bin/sh -c, as the Procfile runners did\n", shell) ;
    imp_toml_kv(out, "command", "/bin/sh", 0) ;
    imp_toml_array(out, "args", sh, 2) ;
  }
  else
  {
    if (!argv.n) imp_fatal(file, line, "%s: the command is empty", name) ;
    put_command(out, root, argv.s[0]) ;
    if (argv.n > 1) imp_toml_array(out, "args", argv.s + 1, argv.n - 1) ;
  }
  imp_toml_kv(out, "working_dir", root, 0) ;
  imp_list_free(&argv) ;
  imp_sbfree(&marked) ;
  imp_sbfree(&err) ;
}

/* one line: 0 if blank or a comment, else name and command cut in place */
static int parse_line (char *s, char const *file, unsigned int line, char **name, char **cmd)
{
  size_t n = 0 ;
  char *end ;
  while (*s == ' ' || *s == '\t') s++ ;
  if (!*s || *s == '#') return 0 ;
  while (is_name_char(s[n])) n++ ;
  if (!n || s[n] != ':')
    imp_fatal(file, line, "not a Procfile line: \"name: command\" with a name of letters, digits, _ and -") ;
  if (n > 64) imp_fatal(file, line, "the name %.*s is longer than tm's 64 characters", (int)n, s) ;
  s[n] = 0 ;
  *name = s ;
  s += n + 1 ;
  while (*s == ' ' || *s == '\t') s++ ;
  end = s + strlen(s) ;
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) *--end = 0 ;
  if (!*s) imp_fatal(file, line, "%s: no command after the colon", *name) ;
  *cmd = s ;
  return 1 ;
}

static char *read_procfile (char const *file)
{
  size_t len ;
  char *text = imp_slurp(file, PROCFILE_MAX, &len) ;
  if (!text)
  {
    int e = errno ;
    char msg[128] ;
    if (e == EFBIG) imp_fatal(file, 0, "bigger than %lu bytes: not a Procfile", PROCFILE_MAX) ;
    snprintf(msg, sizeof(msg), ": %s", strerror(e)) ;
    ctl_die(e == ENOENT || e == EACCES || e == EISDIR || e == ENOTDIR || e == ELOOP ? CTL_EX_FALSE : CTL_EX_SYS, "unable to read ", file, msg) ;
  }
  imp_text_check(file, text, len) ;
  return text ;
}

/* the absolute directory of file */
static char *root_of (char const *file)
{
  char const *slash = strrchr(file, '/') ;
  char *dir = imp_strdup(slash ? file : ".") ;
  char *abs ;
  if (slash) dir[slash - file + !(slash - file)] = 0 ;
  abs = realpath(dir, 0) ;
  if (!abs) ctl_die(CTL_EX_SYS, "unable to find the directory of ", file, 0) ;
  free(dir) ;
  return abs ;
}

int ctl_import_procfile (ctl_args_t const *a)
{
  sbuf_t out = SBUF_ZERO ;
  imp_list_t names = IMP_LIST_ZERO ;
  char const *file ;
  char *text, *root, *s, *nl ;
  unsigned int line = 0 ;
  if (a->nnames != 1) ctl_die(CTL_EX_USAGE, "import-procfile needs exactly one FILE (a Procfile)", 0, 0) ;
  file = a->names[0] ;
  text = read_procfile(file) ;
  root = root_of(file) ;
  imp_printf(&out, "# services.toml for tm, generated by tm-ctl import-procfile from %s\n", imp_safe(file)) ;
  imp_puts(&out, "# No shell runs the commands: $VAR is substituted when tm compiles the config,\n"
    "# from the container's environment. Check the result with: tm-ctl check services.toml\n") ;
  for (s = text ; *s ; s = nl)
  {
    char *name, *cmd ;
    nl = strchr(s, '\n') ;
    if (nl) *nl++ = 0 ; else nl = s + strlen(s) ;
    line++ ;
    if (!parse_line(s, file, line, &name, &cmd)) continue ;
    for (size_t i = 0 ; i < names.n ; i++)
      if (!strcmp(names.s[i], name)) imp_fatal(file, line, "%s: a second line with this name", name) ;
    put_service(&out, file, line, root, name, cmd, PORT_BASE + PORT_STEP * names.n) ;
    imp_list_add(&names, imp_strdup(name)) ;
  }
  if (!names.n) imp_fatal(file, 0, "no \"name: command\" line: not a Procfile") ;
  if (fwrite(out.s, 1, out.len, stdout) < out.len || fflush(stdout) == EOF)
    ctl_diesys(CTL_EX_SYS, "unable to write to stdout", 0) ;
  imp_list_free(&names) ;
  imp_sbfree(&out) ;
  free(text) ;
  free(root) ;
  imp_safe_free() ;
  return CTL_EX_OK ;
}
