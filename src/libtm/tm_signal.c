/* ISC license. */

#include <signal.h>
#include <string.h>

#include <skalibs/types.h>
#include <skalibs/sig.h>

#include "tm.h"

/* The control FIFO letters, as s6-svc uses them. */
static struct { char letter ; int sig ; } const letters[] =
{
  { 'a', SIGALRM }, { 'b', SIGABRT }, { 'q', SIGQUIT }, { 'h', SIGHUP },
  { 'k', SIGKILL }, { 't', SIGTERM }, { 'i', SIGINT }, { '1', SIGUSR1 },
  { '2', SIGUSR2 }, { 'p', SIGSTOP }, { 'c', SIGCONT }, { 'y', SIGWINCH },
} ;
#define NLETTERS (sizeof(letters) / sizeof(letters[0]))

int tm_signal_scan (char const *s)
{
  unsigned int u ;
  int sig ;
  if (uint0_scan(s, &u)) return u > 0 && u < 65 ? (int)u : 0 ;
  if (!strncasecmp(s, "SIG", 3)) s += 3 ;
  {
    char up[16] ;
    size_t n = strlen(s) ;
    if (!n || n >= sizeof(up)) return 0 ;
    for (size_t i = 0 ; i <= n ; i++) up[i] = s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i] ;
    sig = sig_number(up) ;
  }
  return sig > 0 ? sig : 0 ;
}

char const *tm_signal_name (int sig)
{
  static char buf[16] ;
  char const *s = sig_name(sig) ;
  size_t n ;
  memcpy(buf, "SIG", 3) ;
  if (!s || !*s || !strcmp(s, "???")) { n = 3 + uint_fmt(buf + 3, sig) ; buf[n] = 0 ; return buf ; }
  n = strlen(s) ;
  if (n > sizeof(buf) - 4) n = sizeof(buf) - 4 ;
  memcpy(buf + 3, s, n) ;
  buf[3 + n] = 0 ;
  return buf ;
}

char tm_signal_letter (int sig)
{
  for (size_t i = 0 ; i < NLETTERS ; i++) if (letters[i].sig == sig) return letters[i].letter ;
  return 0 ;
}

int tm_letter_signal (char c)
{
  for (size_t i = 0 ; i < NLETTERS ; i++) if (letters[i].letter == c) return letters[i].sig ;
  return 0 ;
}
