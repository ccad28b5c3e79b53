/* ISC license. */

/* tm-ctl: the command-line client. Options may stand anywhere after the
   verb (`restart app --wait -t 10`); -d before the verb names the scandir. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "tm/config.h"
#include "tm-ctl/common/ctl.h"
#include "tm-ctl/client/client.h"
#include "tm-ctl/config/config.h"
#include "tm-ctl/http/http.h"
#include "tm-ctl/import/import.h"

#define USAGE \
"usage: tm-ctl [-d SCANDIR] VERB [ARGS]\n" \
"\n" \
"Services:\n" \
"  list [--json]                 one line per service: name, state, pid, uptime, restarts\n" \
"  status [NAME...] [--json]     every status field (all services when none named)\n" \
"  start NAME... [--wait] [-t S] start; --wait returns once RUNNING\n" \
"  stop NAME... [--wait] [-t S]  stop; --wait returns once STOPPED or FAILED\n" \
"  restart NAME... [--wait] [-t S]  restart; --wait returns once RUNNING with a new pid\n" \
"  signal SIG NAME...            send SIG (TERM, SIGHUP, USR1...) to the service's process group\n" \
"  wait [-u|-r|-d] [-t S] NAME... wait until up (default), ready, or down\n" \
"  health [NAME...]              exit 0 iff the services are RUNNING and not unhealthy\n" \
"  shutdown                      graceful shutdown of the whole system\n" \
"  reload [CONFIG]               recompile; start new services, stop removed ones, restart changed ones\n" \
"  logs [-f] [-n N] [--timestamps] [NAME...]  recent lines (100; -n 0: all) in time order; -f follows\n" \
"  metrics                       Prometheus text exposition of every service\n" \
"  serve-metrics HOST:PORT       serve /metrics, /healthz, /readyz and a status page over HTTP\n" \
"\n" \
"Configuration:\n" \
"  check [--offline] [CONFIG]    validate; print every error, or \"ok: N services\"\n" \
"  compile CONFIG DIR            write the service tree of CONFIG into DIR, atomically\n" \
"  install [DIR]                 symlinks tm-ctl, tm-orchestrator, go-overlay, entrypoint in DIR (/usr/local/bin)\n" \
"  probe http URL | tcp HOST:PORT  one health probe (what compiled healthchecks run): exit 0 healthy\n" \
"  import-supervisord FILE       print the services.toml equivalent of a supervisord.conf\n" \
"  import-procfile FILE          likewise for a Procfile (foreman, honcho, Heroku)\n" \
"  import-s6 DIR                 likewise for s6-rc source definitions or s6-overlay services.d\n" \
"\n" \
"Exit codes: 0 ok, 1 failed or false (unknown service, timeout, permission denied),\n" \
"100 usage error, 111 system error. SCANDIR defaults to $TM_SCANDIR, else " TM_SCANDIR_DEFAULT ".\n" \
"CONFIG defaults to $TM_CONFIG, else /etc/tm/services.toml, else /services.toml.\n"

static void usage (int code)
{
  fputs(USAGE, code ? stderr : stdout) ;
  exit(code) ;
}

/* VERB --help: the lines of USAGE that name it, and where the rest is */
static void verb_usage (char const *verb)
{
  char const *s = USAGE ;
  size_t n = strlen(verb) ;
  int found = 0 ;
  while (*s)
  {
    char const *nl = strchr(s, '\n') ;
    size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s) ;
    if (!strncmp(s, "  ", 2) && !strncmp(s + 2, verb, n) && (s[2 + n] == ' ' || s[2 + n] == '\n'))
    {
      if (!found) printf("usage: tm-ctl [-d SCANDIR] %s ...\n", verb) ;
      fwrite(s, 1, len, stdout) ;
      found = 1 ;
    }
    s += len ;
  }
  if (!found) usage(0) ;
  fputs("Exit codes: 0 ok, 1 failed or false, 100 usage error, 111 system error (tm-ctl --help: every verb).\n", stdout) ;
  exit(0) ;
}

static void parse_timeout (ctl_args_t *a, char const *s)
{
  if (!s || !tm_secs_scan(s, &a->timeout)) ctl_die(CTL_EX_USAGE, "-t needs a number of seconds, got ", s ? s : "nothing", 0) ;
  a->timeout_set = 1 ;
}

/* Splits what follows the verb into options and names. */
static void parse_verb_args (ctl_args_t *a, int argc, char const **argv)
{
  int is_wait = !strcmp(a->verb, "wait") ;
  int is_logs = !strcmp(a->verb, "logs") ;
  int dashdash = 0 ;
  a->names = argv ;
  a->nnames = 0 ;
  for (int i = 0 ; i < argc ; i++)
  {
    char const *s = argv[i] ;
    if (dashdash || s[0] != '-' || !s[1]) { a->names[a->nnames++] = s ; continue ; }
    if (!strcmp(s, "--")) dashdash = 1 ;
    else if (!strcmp(s, "--json")) a->json = 1 ;
    else if (!strcmp(s, "--wait") || !strcmp(s, "-w")) a->wait = 'w' ;
    else if (!strcmp(s, "--offline")) a->offline = 1 ;
    else if (!strcmp(s, "-t") || !strcmp(s, "--timeout")) parse_timeout(a, argv[++i]) ;
    else if (!strncmp(s, "-t", 2)) parse_timeout(a, s + 2) ;
    else if (!strncmp(s, "--timeout=", 10)) parse_timeout(a, s + 10) ;
    else if (is_logs && (!strcmp(s, "-f") || !strcmp(s, "--follow"))) a->follow = 1 ;
    else if (is_logs && !strcmp(s, "--timestamps")) a->timestamps = 1 ;
    else if (is_logs && (!strcmp(s, "-n") || !strcmp(s, "--lines")))
    {
      if (!argv[++i] || !uint0_scan(argv[i], &a->lines)) ctl_die(CTL_EX_USAGE, "-n needs a number of lines", 0, 0) ;
      if (!a->lines) a->lines = (unsigned int)-1 ;
    }
    else if (is_wait && (!strcmp(s, "-u") || !strcmp(s, "--up"))) a->wait = 'u' ;
    else if (is_wait && (!strcmp(s, "-r") || !strcmp(s, "--ready"))) a->wait = 'r' ;
    else if (is_wait && (!strcmp(s, "-d") || !strcmp(s, "--down"))) a->wait = 'd' ;
    else if (!strcmp(s, "-d")) { if (!argv[++i]) ctl_die(CTL_EX_USAGE, "-d needs a directory", 0, 0) ; a->scandir = argv[i] ; }
    else if (!strncmp(s, "--scandir=", 10)) a->scandir = s + 10 ;
    else if (!strcmp(s, "-h") || !strcmp(s, "--help")) verb_usage(a->verb) ;
    else ctl_die(CTL_EX_USAGE, "unknown option ", s, " (see tm-ctl --help)") ;
  }
}

/* The verbs. A new one is a row here, its line in USAGE, and its
   function in the unit it belongs to. */
typedef struct verb_s verb_t ;
struct verb_s
{
  char const *name ;
  int (*run) (ctl_args_t const *) ;
  int needs_names ;
} ;

static verb_t const verbs[] =
{
  { "list", &ctl_list, 0 },
  { "status", &ctl_status, 0 },
  { "start", &ctl_start, 1 },
  { "stop", &ctl_stop, 1 },
  { "restart", &ctl_restart, 1 },
  { "signal", &ctl_signal, 0 },
  { "wait", &ctl_wait, 1 },
  { "health", &ctl_health, 0 },
  { "shutdown", &ctl_shutdown, 0 },
  { "metrics", &ctl_metrics, 0 },
  { "logs", &ctl_logs, 0 },
  { "serve-metrics", &ctl_serve_metrics, 0 },
  { "import-supervisord", &ctl_import_supervisord, 0 },
  { "import-procfile", &ctl_import_procfile, 0 },
  { "import-s6", &ctl_import_s6, 0 },
  { "check", &ctl_check, 0 },
  { "compile", &ctl_compile, 0 },
  { "reload", &ctl_reload, 0 },
  { "install", &ctl_install, 0 },
  { "probe", &ctl_probe, 0 },
} ;

static int dispatch (ctl_args_t *a)
{
  for (size_t i = 0 ; i < sizeof(verbs) / sizeof(*verbs) ; i++)
  {
    if (strcmp(a->verb, verbs[i].name)) continue ;
    if (verbs[i].needs_names && !a->nnames) ctl_die(CTL_EX_USAGE, a->verb, " needs at least one service name", 0) ;
    return (*verbs[i].run)(a) ;
  }
  if (!strcmp(a->verb, "help")) usage(0) ;
  ctl_die(CTL_EX_USAGE, "unknown verb ", a->verb, " (see tm-ctl --help)") ;
}

int main (int argc, char const **argv)
{
  ctl_args_t a = { 0 } ;
  int i = 1 ;
  a.seed = ctl_compat(argc, argv) ;
  for (; i < argc && argv[i][0] == '-' ; i++)
  {
    char const *s = argv[i] ;
    if (!strcmp(s, "-d")) { if (++i >= argc) ctl_die(CTL_EX_USAGE, "-d needs a directory", 0, 0) ; a.scandir = argv[i] ; }
    else if (!strncmp(s, "-d", 2)) a.scandir = s + 2 ;
    else if (!strncmp(s, "--scandir=", 10)) a.scandir = s + 10 ;
    else if (!strcmp(s, "-h") || !strcmp(s, "--help")) usage(0) ;
    else if (!strcmp(s, "-V") || !strcmp(s, "--version")) { puts("tm-ctl " TM_VERSION) ; return 0 ; }
    else if (!strcmp(s, "--debug")) ;  /* the seed's: accepted (its names: see ctl_compat) */
    else if (!strcmp(s, "--")) { i++ ; break ; }
    else ctl_die(CTL_EX_USAGE, "unknown option ", s, " (see tm-ctl --help)") ;
  }
  if (i >= argc) usage(CTL_EX_USAGE) ;
  a.verb = argv[i++] ;
  parse_verb_args(&a, argc - i, argv + i) ;
  a.scandir = tm_scandir(a.scandir) ;
  return dispatch(&a) ;
}
