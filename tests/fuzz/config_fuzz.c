/* ISC license. */

/* libFuzzer target for the configuration loader: TOML, schema, validation,
   substitution. The input is written to a memfd and loaded offline. Run
   with -close_fd_mask=2: every input prints its errors. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libtmconf/tmconf.h"

void tmconf_nomem (void) { abort() ; }

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static int fd = -1 ;
  char path[64] ;
  config_t c ;
  if (fd < 0)
  {
    fd = memfd_create("config", 0) ;
    if (fd < 0) abort() ;
    setenv("TM_FUZZ_SET", "value", 1) ;
  }
  if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) abort() ;
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd) ;
  config_load(&c, path, 1) ;
  config_free(&c) ;
  return 0 ;
}
