/* ISC license. */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm-ctl/common/ctl.h"

/* every message of tm-ctl on stderr goes through here */
static void say (char const *level, char const *a, char const *b, char const *c, char const *d)
{
  fprintf(stderr, "tm-ctl: %s%s%s%s%s\n", level, a, b ? b : "", c ? c : "", d ? d : "") ;
}

void ctl_warn (char const *a, char const *b, char const *c)
{
  say("", a, b, c, 0) ;
}

void ctl_warnf (char const *fmt, ...)
{
  char msg[2048] ;
  va_list ap ;
  va_start(ap, fmt) ;
  vsnprintf(msg, sizeof(msg), fmt, ap) ;
  va_end(ap) ;
  say("", msg, 0, 0, 0) ;
}

void ctl_warnsys (char const *a, char const *b)
{
  char const *text = strerror(errno) ;
  say("", a, b, ": ", text) ;
}

void ctl_die (int code, char const *a, char const *b, char const *c)
{
  fflush(stdout) ;
  say(code == CTL_EX_USAGE ? "usage: " : "fatal: ", a, b, c, 0) ;
  exit(code) ;
}

void ctl_diesys (int code, char const *a, char const *b)
{
  char const *text = strerror(errno) ;
  fflush(stdout) ;
  say("fatal: ", a, b, ": ", text) ;
  exit(code) ;
}

char *ctl_path (char *buf, char const *a, char const *b, char const *c)
{
  if (!tm_path_cat(buf, PATH_MAX, a, b, c)) ctl_die(CTL_EX_SYS, "path too long: ", a, b) ;
  return buf ;
}
