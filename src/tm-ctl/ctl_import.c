/* ISC license. */

#include "tm-ctl.h"

int ctl_import_supervisord (ctl_args_t const *a)
{
  (void)a ;
  ctl_die(EX_SYS, "import-supervisord: not implemented yet", 0, 0) ;
  return EX_SYS ;
}
